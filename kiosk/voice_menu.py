"""The kiosk's spoken menu over HTTP: what it says at each step (`shared.domain.kiosk_voice`),
as text with the keys it offers, and as audio in the station's voice (its voice packs first).

Both addresses take the same query and rebuild the words from it: the step (`say`), the
language, the menu's page, the service chosen, the ticket taken (its token) and how its
printing went. Nothing said is taken from the request as text.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, jsonify, request, send_file

from shared.application import hall_overview, ticket_reads
from shared.domain import kiosk_voice
from shared.domain.errors import InvalidRequest, NotFound
from shared.domain.i18n import LANGUAGES
from shared.web.auth import public_read
from shared.web.web import speech, station

bp = Blueprint("voice_menu", __name__)

STEPS = ("menu", "private", "service", "ticket")
PRINT_STATUSES = ("printed", "unconfirmed", "failed", "disabled")
MAX_PAGE = 20


def _one_of(name: str, allowed: tuple[str, ...]) -> str:
    value = request.args.get(name, "")
    if value not in allowed:
        raise InvalidRequest("error.field_type", field=name, expected=" / ".join(allowed))
    return value


def _page() -> int:
    value = request.args.get("page", "0")
    if not value.isdigit() or int(value) > MAX_PAGE:
        raise InvalidRequest("error.field_type", field="page", expected=f"0-{MAX_PAGE}")
    return int(value)


def _prompt() -> kiosk_voice.Prompt:
    """The step the query names, in its language."""
    step = _one_of("say", STEPS)
    lang = _one_of("lang", LANGUAGES)
    config = station().config
    if step in ("menu", "private"):
        return kiosk_voice.menu(config, lang, _page(), private=step == "private")
    if step == "service":
        service_id = request.args.get("service", "")
        found = next(
            (
                each
                for each in hall_overview.services_overview(station(), lang)
                if each["id"] == service_id
            ),
            None,
        )
        if found is None:
            raise NotFound("error.unknown_service", service=service_id[:40])
        return kiosk_voice.chosen(
            config.service_by_id[service_id],
            lang,
            open_now=found["open"],
            typed_number=found["reference"] == "required",
        )
    ticket = ticket_reads.ticket_by_token(station(), request.args.get("token", ""))
    if ticket is None:
        raise NotFound("error.unknown_ticket")
    printed = _one_of("print", PRINT_STATUSES) in ("printed", "unconfirmed")
    return kiosk_voice.issued(ticket["number"], ticket["ahead"] or 0, printed, lang)


@bp.get("/api/kiosk/prompt")
@public_read
def prompt() -> Response:
    """A step of the spoken menu: `{text, parts: [{language, text}], keys, audio}`."""
    said = _prompt()
    body: dict[str, Any] = {
        "text": said.text,
        "parts": [part._asdict() for part in said.parts],
        "keys": said.keys,
        "audio": f"/api/kiosk/prompt.wav?{urlencode(request.args)}",
    }
    return jsonify(body)


@bp.get("/api/kiosk/prompt.wav")
@public_read
def prompt_audio() -> Response:
    """The same step said once, as a WAV file."""
    audio = speech().audio(_prompt().parts)
    return send_file(audio, mimetype="audio/wav", max_age=0)
