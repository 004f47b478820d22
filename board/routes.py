"""HTTP routes for boards: the snapshot every board starts from (and resynchronises with)."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from shared import queries
from shared.web import station

bp = Blueprint("board", __name__)


@bp.get("/api/board")
def snapshot() -> Response:
    return jsonify(queries.board_snapshot(station(), request.args.get("board")))
