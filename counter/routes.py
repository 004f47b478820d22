"""HTTP routes for counters: list them, and every officer action as POST .../<action>."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from counter.actions import ACTIONS, http_path
from shared import queries
from shared.auth import current_user, require_role
from shared.errors import NotFound
from shared.users import Role
from shared.web import json_body, station

bp = Blueprint("counter", __name__)
ACTION_BY_PATH = {http_path(name): name for name in ACTIONS}


@bp.get("/api/counters")
@require_role(Role.OFFICER)
def list_counters() -> Response:
    return jsonify({"counters": queries.counters_overview(station())})


@bp.post("/api/counters/<counter_id>/<action>")
@require_role(Role.OFFICER)
def act(counter_id: str, action: str) -> Response:
    name = ACTION_BY_PATH.get(action)
    if name is None:
        raise NotFound("error.not_found_route")
    user = current_user()
    assert user is not None
    ticket = ACTIONS[name](station(), counter_id, json_body(), user.username)
    return jsonify({"ticket": ticket})
