"""HTTP routes for citizens: the service list, issuing a ticket, a ticket's status and survey."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from shared import queries, services
from shared.errors import NotFound
from shared.web import json_body, language, station

bp = Blueprint("kiosk", __name__)


@bp.get("/api/services")
def list_services() -> Response:
    return jsonify({"services": queries.services_overview(station(), language())})


@bp.post("/api/tickets")
def issue_ticket() -> tuple[Response, int]:
    body = json_body()
    issued = services.issue_ticket(
        station(),
        body.get("service"),
        priority=body.get("priority", False),
        kiosk_id=body.get("kiosk"),
        idempotency_key=request.headers.get("Idempotency-Key"),
        public_base=request.host_url,
    )
    print_result = {"status": issued.print.status, "error": issued.print.error}
    return jsonify({"ticket": issued.ticket, "print": print_result}), 201 if issued.created else 200


@bp.get("/api/tickets/<token>")
def show_ticket(token: str) -> Response:
    ticket = queries.ticket_by_token(station(), token)
    if ticket is None:
        raise NotFound("error.unknown_ticket")
    return jsonify({"ticket": ticket})


@bp.post("/api/tickets/<token>/survey")
def answer_survey(token: str) -> tuple[Response, int]:
    services.answer_survey(station(), token, json_body().get("answers"))
    return jsonify({"ok": True}), 201
