"""What citizens meet: the kiosk page, the phone status page and the JSON API behind them."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request

from kiosk.qr import qr_svg
from shared import queries, services
from shared.errors import NotFound
from shared.limits import rate_limited
from shared.pages import page_language, render_page
from shared.services import Issued
from shared.survey import questions
from shared.web import json_body, language, station

bp = Blueprint(
    "kiosk",
    __name__,
    static_folder="static",
    template_folder="templates",
    static_url_path="/kiosk/static",
)

# ---- JSON API --------------------------------------------------------------------------------


@bp.get("/api/services")
def list_services() -> Response:
    return jsonify({"services": queries.services_overview(station(), language())})


def _issued_json(issued: Issued) -> Response:
    print_result = {"status": issued.print.status, "error": issued.print.error}
    return jsonify({"ticket": issued.ticket, "print": print_result})


def _named_kiosk() -> str | None:
    """The kiosk a ticket request names (the per-address limit still covers made-up ids)."""
    body = request.get_json(silent=True, force=True)
    kiosk = body.get("kiosk") if isinstance(body, dict) else None
    return kiosk if isinstance(kiosk, str) else None


@bp.post("/api/tickets")
@rate_limited(lambda limits: limits.tickets_per_minute)
@rate_limited(
    lambda limits: limits.tickets_per_kiosk_per_minute,
    key=lambda: f"kiosk:{_named_kiosk()}",
    exempt=lambda: _named_kiosk() is None,
)
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
    return _issued_json(issued), 201 if issued.created else 200


@bp.get("/api/tickets/<token>")
def show_ticket(token: str) -> Response:
    return jsonify({"ticket": _ticket(token)})


@bp.post("/api/tickets/<token>/reprint")
def reprint_ticket(token: str) -> Response:
    """Print a waiting ticket again (the kiosk offers it when its printer failed)."""
    return _issued_json(services.reprint_ticket(station(), token, public_base=request.host_url))


@bp.post("/api/tickets/<token>/survey")
def answer_survey(token: str) -> tuple[Response, int]:
    services.answer_survey(station(), token, json_body().get("answers"))
    return jsonify({"ok": True}), 201


def _ticket(token: str) -> dict[str, Any]:
    ticket = queries.ticket_by_token(station(), token)
    if ticket is None:
        raise NotFound("error.unknown_ticket")
    return ticket


# ---- pages -----------------------------------------------------------------------------------


def _not_found(title_key: str, message_key: str, **params: str) -> tuple[str, int]:
    page = render_page(
        "kiosk/not_found.html", title_key=title_key, message_key=message_key, params=params
    )
    return page, 404


@bp.get("/kiosk")
@bp.get("/kiosk/<kiosk_id>")
def kiosk_page(kiosk_id: str | None = None) -> str | tuple[str, int]:
    """The touch screen at the door: one button per service, a number in one tap."""
    config = station().config
    if kiosk_id is not None and kiosk_id not in config.kiosk_by_id:
        return _not_found("ui.kiosk.unknown_title", "ui.kiosk.unknown_message", kiosk=kiosk_id)
    screen = config.kiosk_screen
    return render_page(
        "kiosk/kiosk.html",
        catalogue_prefixes=("ui.kiosk.",),
        data={
            "kiosk": kiosk_id,
            "services": queries.services_overview(station(), page_language()),
            "screen": {
                "reset_seconds": screen.reset_seconds,
                "failed_print_seconds": screen.failed_print_seconds,
                "idle_seconds": screen.idle_seconds,
            },
        },
    )


@bp.get("/t/<token>")
def phone_page(token: str) -> str | tuple[str, int]:
    """A citizen's phone: where their ticket stands, the call, and the survey afterwards."""
    ticket = queries.ticket_by_token(station(), token)
    if ticket is None:
        return _not_found("ui.phone.unknown_title", "ui.phone.unknown_message")
    config = station().config
    return render_page(
        "kiosk/phone.html",
        catalogue_prefixes=("ui.phone.", "ui.survey."),
        data={
            "ticket": ticket,
            "counters": {counter.id: counter.name for counter in config.counters},
            "survey": {
                "questions": list(questions(config.survey.form)),
                "answered": queries.survey_answered(station(), token),
            },
        },
    )


@bp.get("/t/<token>/qr.svg")
def phone_qr(token: str) -> Response:
    """The QR code of a ticket's status page, for the kiosk screen to show."""
    ticket = _ticket(token)
    base = (station().config.public_url or request.host_url).rstrip("/")
    response = Response(qr_svg(f"{base}{ticket['status_url']}"), mimetype="image/svg+xml")
    response.headers["Cache-Control"] = "private, max-age=86400"
    return response
