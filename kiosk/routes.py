"""What citizens meet: the kiosk page, the phone status page and the JSON API behind them."""

from __future__ import annotations

import string
from typing import Any

from flask import Blueprint, Response, jsonify, request

from kiosk.answers import check_in_kiosk
from kiosk.qr import qr_svg
from shared.application import hall_overview, standards, survey_desk, ticket_issue, ticket_reads
from shared.application.citizen_commands import (
    AddSmsNumber,
    AnswerSurvey,
    Cancel,
    CheckInCarried,
    Reprint,
    StepBack,
)
from shared.application.devices import PHONE_COOKIE, digest, may_issue, new_phone_id
from shared.application.reporting.formatting import format_clock, local_date
from shared.domain.config import ICONS
from shared.domain.errors import Forbidden, InvalidRequest, NotFound
from shared.domain.i18n import text
from shared.domain.integrity import integrity_questions
from shared.domain.needs import NEEDS
from shared.domain.skm import PROFILE
from shared.domain.slots import CODE_ALPHABET
from shared.domain.standards import public_standards
from shared.domain.survey import questions
from shared.store.repository import Phone
from shared.web.answers import citizen_command, issued_json
from shared.web.auth import current_user, public_read
from shared.web.limits import rate_limited
from shared.web.pages import page_language, render_page
from shared.web.web import device, json_body, language, public_base, station

PHONE_COOKIE_DAYS = 30
# The kiosk's keypad for registration numbers from other systems (Super App, SINAR); a booking
# code takes only the letters and digits codes are made of.
REFERENCE_KEYS = string.digits + string.ascii_uppercase + "-/"
PHONE_KEYS = string.digits + "+"  # a mobile number for SMS: 0812…, +62812…, 62812…

bp = Blueprint(
    "kiosk",
    __name__,
    static_folder="static",
    template_folder="templates",
    static_url_path="/kiosk/static",
)

# ---- JSON API --------------------------------------------------------------------------------


@bp.get("/api/services")
@public_read
def list_services() -> Response:
    """Every service; only a logged-in officer sees the waiting count of each private one."""
    staff = current_user() is not None
    return jsonify(
        {"services": hall_overview.services_overview(station(), language(), for_staff=staff)}
    )


def _named_kiosk() -> str | None:
    """The kiosk a ticket request names in its body, if any (a bad body names none)."""
    try:
        kiosk = json_body().get("kiosk")
    except InvalidRequest:
        return None
    return kiosk if isinstance(kiosk, str) else None


def _counted_kiosk() -> str | None:
    """The kiosk whose own limit a request counts toward: only what the kiosk itself sends (its
    address or credential; the server's own machine may speak for any kiosk it names)."""
    found = device()
    return found.kiosk or (_named_kiosk() if found.own else None)


@bp.post("/api/tickets")
@rate_limited(lambda limits: limits.tickets_per_minute)
@rate_limited(
    lambda limits: limits.tickets_per_kiosk_per_minute,
    key=lambda: f"kiosk:{_counted_kiosk()}",
    exempt=lambda: _counted_kiosk() is None,
)
def issue_ticket() -> tuple[Response, int]:
    """A number for a citizen: from a kiosk, or from a phone where `phone_tickets` allows it."""
    body = json_body()
    named = body.get("kiosk")
    asking = device()
    issuing = may_issue(
        station().config,
        asking,
        named if isinstance(named, str) else None,
        body.get("priority") is True,
    )
    phone_id = (request.cookies.get(PHONE_COOKIE) or new_phone_id()) if issuing.phone else None
    issued = ticket_issue.issue_ticket(
        station(),
        body.get("service"),
        priority=body.get("priority", False),
        kiosk_id=named if asking.own else issuing.kiosk,
        idempotency_key=request.headers.get("Idempotency-Key"),
        public_base=public_base(),
        phone=Phone(digest(phone_id), digest(f"phone:{asking.address}")) if phone_id else None,
        reference=body.get("reference"),
        need=body.get("need"),
    )
    response = issued_json(issued)
    if phone_id and not request.cookies.get(PHONE_COOKIE):
        response.set_cookie(
            PHONE_COOKIE, phone_id, max_age=PHONE_COOKIE_DAYS * 86400, httponly=True,
            samesite="Strict", secure=request.is_secure,
        )  # fmt: skip
    return response, 201 if issued.created else 200


@bp.get("/api/tickets/<token>")
@public_read
def show_ticket(token: str) -> Response:
    return jsonify({"ticket": _ticket(token)})


@bp.post("/api/tickets/<token>/reprint")
def reprint_ticket(token: str) -> tuple[Response, int]:
    """Print a waiting ticket again (the kiosk offers it when its printer failed)."""
    return citizen_command(Reprint, token)


@bp.post("/api/tickets/<token>/cancel")
def cancel_ticket(token: str) -> tuple[Response, int]:
    """The citizen gives up their number: it leaves the queue (the token is the proof)."""
    return citizen_command(Cancel, token)


@bp.post("/api/tickets/<token>/step-back")
def step_back(token: str) -> tuple[Response, int]:
    """Tunda giliran: the citizen lets a few others go first (the token is the proof)."""
    return citizen_command(StepBack, token)


@bp.post("/api/tickets/<token>/check-in")
@rate_limited(lambda limits: limits.tickets_per_minute)
def check_in_carried(token: str) -> tuple[Response, int]:
    """A carried-over paper ticket scanned at a kiosk on its day: a "Lanjutan" ticket at the
    front of its service's queue, printed like any other (201; 200 when asked again)."""
    return citizen_command(CheckInCarried, token, kiosk=check_in_kiosk())


@bp.post("/api/tickets/<token>/sms")
@rate_limited(lambda limits: limits.tickets_per_minute)
def add_sms_number(token: str) -> tuple[Response, int]:
    """The citizen asks for an SMS when their turn is near: `{"phone", "language"?}` (an
    Indonesian mobile number; the messages come in `language`, else the caller's)."""
    return citizen_command(AddSmsNumber, token)


@bp.post("/api/tickets/<token>/survey")
def answer_survey(token: str) -> tuple[Response, int]:
    """`{"answers", "profile"?, "integrity"?}`: the citizen's satisfaction answers, once the
    ticket is done, with the optional respondent profile and integrity answers (refused, 403,
    from a staff member's session)."""
    return citizen_command(AnswerSurvey, token)


def _ticket(token: str) -> dict[str, Any]:
    ticket = ticket_reads.ticket_by_token(station(), token)
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
    """The touch screen at the door: one button per service (the private ones behind one
    neutral button), a number in one tap."""
    config = station().config
    if kiosk_id is not None and kiosk_id not in config.kiosk_by_id:
        return _not_found("ui.kiosk.unknown_title", "ui.kiosk.unknown_message", kiosk=kiosk_id)
    screen = config.kiosk_screen
    return render_page(
        "kiosk/kiosk.html",
        icons=ICONS,
        needs=NEEDS,
        code_keys="".join(sorted(CODE_ALPHABET, key=str.isalpha)),  # digits first
        reference_keys=REFERENCE_KEYS,
        phone_keys=PHONE_KEYS,
        catalogue_prefixes=("ui.kiosk.", "ui.standard.", "ui.voice_menu."),
        data={
            "kiosk": kiosk_id,
            "standards": public_standards(config),
            "issuing": _issuing_here(kiosk_id),
            "services": hall_overview.services_overview(station(), page_language()),
            "sms": config.sms is not None,
            "screen": {
                "reset_seconds": screen.reset_seconds,
                "failed_print_seconds": screen.failed_print_seconds,
                "idle_seconds": screen.idle_seconds,
            },
        },
    )


def _issuing_here(kiosk_id: str | None) -> str:
    """What this browser may do on a kiosk page: "kiosk", "phone" (ordinary tickets) or "none"."""
    try:
        issuing = may_issue(station().config, device(), kiosk_id, False)
    except Forbidden:
        return "none"
    return "phone" if issuing.phone else "kiosk"


@bp.get("/t/<token>")
def phone_page(token: str) -> str | tuple[str, int]:
    """A citizen's phone: where their ticket stands, the call, and the survey afterwards, with
    the service's standard and the complaint channels. Like the board, the page carries no
    private service's name (nor its standard): a glance at the phone tells nothing.
    """
    ticket = ticket_reads.ticket_by_token(station(), token)
    if ticket is None:
        return _not_found("ui.phone.unknown_title", "ui.phone.unknown_message")
    config = station().config
    service = config.service_by_id.get(ticket["service"] or "")
    return render_page(
        "kiosk/phone.html",
        standard=service.standard if service and not service.private else None,
        channels=config.complaint_channels,
        # The respondent profile's words only where the full survey asks them.
        catalogue_prefixes=(
            "ui.phone.",
            "ui.survey.",
            *(("ui.skm.profile.",) if config.survey.form == "full" else ()),
            "ui.optin.",
            "ui.integrity.",
        ),
        private_names=False,
        data={
            "ticket": ticket,
            "sms": config.sms is not None,
            "counters": {
                counter.id: config.shown_name(counter).json() for counter in config.counters
            },
            "survey": {
                "questions": list(questions(config.survey.form)),
                "profile": {key: list(values) for key, values in PROFILE.items()}
                if config.survey.form == "full"
                else None,
                "integrity": list(integrity_questions(config)),
                "answered": survey_desk.survey_answered(station(), token),
            },
        },
    )


@bp.get("/t/<token>/qr.svg")
def phone_qr(token: str) -> Response:
    """The QR code of a ticket's status page, for the kiosk screen to show."""
    ticket = _ticket(token)
    response = Response(qr_svg(f"{public_base()}{ticket['status_url']}"), mimetype="image/svg+xml")
    response.headers["Cache-Control"] = "private, max-age=86400"
    return response


@bp.get("/standar")
def standard_page() -> str:
    """The station's Standar Pelayanan for anyone: the Maklumat, every service's standard (a
    private service's too: this page is linked to no ticket) and the complaint channels, each
    with since when it has been in effect."""
    config = station().config
    lang = page_language()
    since = {
        part: text(
            "ui.standard.since",
            lang,
            date=local_date(at.date(), lang),
            time=format_clock(at.isoformat(), lang),
        )
        for part, at in standards.publication(station()).since.items()
    }
    return render_page(
        "kiosk/standar.html",
        services=config.services,
        maklumat=config.station.maklumat,
        channels=config.complaint_channels,
        since=since,
    )
