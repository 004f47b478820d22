"""HTTP routes for boards: the page, the snapshot it starts from, and its spoken announcements."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, jsonify, request, send_file

from shared.application import board_view, ticket_reads
from shared.domain.config import Config
from shared.domain.errors import NotFound
from shared.domain.standards import public_standards
from shared.operations.speech import call_audio
from shared.store.store import SQLITE_MAX_INTEGER
from shared.web.auth import public_read
from shared.web.pages import latest_skm, render_page
from shared.web.web import speech, speech_ahead, station

bp = Blueprint(
    "board",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/board/static",
)
# The audio of a call never changes: boards and browsers may keep it for a day.
SPEECH_MAX_AGE_SECONDS = 24 * 3600


@bp.get("/api/board")
@public_read
def snapshot() -> Response:
    return jsonify(board_view.board_snapshot(station(), request.args.get("board")))


@bp.get(f"/api/board/speech/<int(max={SQLITE_MAX_INTEGER}):seq>")
@public_read
def announcement_audio(seq: int) -> Response:
    """The spoken announcement of the call or recall with board `seq`, as a WAV file.

    The words are rebuilt from the logged call (its number and counter), never taken from the
    request, so this address can only ever say sentences the server itself makes.
    """
    call = ticket_reads.announced_call(station(), seq)
    config = station().config
    counter = config.counter_by_id.get(call.counter) if call else None
    if call is None or counter is None:
        raise NotFound("error.unknown_announcement")
    audio = call_audio(speech(), call.number, counter, config)
    speech_ahead().heard()  # a board plays sound: the next calls are rendered before they come
    return send_file(audio, mimetype="audio/wav", max_age=SPEECH_MAX_AGE_SECONDS)


@bp.get("/board")
@bp.get("/board/<board_id>")
def page(board_id: str | None = None) -> str:
    config = station().config
    if board_id is not None and board_id not in config.board_by_id:
        abort(404)
    return render_page(
        "board/board.html",
        catalogue_prefixes=("ui.board.", "ui.standard."),
        data=board_page_data(config, board_id),
        private_names=False,
        board_name=config.board_by_id[board_id].name if board_id else None,
        skm=latest_skm(),
    )


def board_page_data(config: Config, board_id: str | None) -> dict[str, Any]:
    """What a board's script needs besides the snapshot: its counters, services, running text,
    the Maklumat, the standards of its public services and the complaint channels, and how often
    to say a call when it must use the browser's own voice.

    Private services are not listed (not even by id): the board shows them together, under a
    neutral label and the shared `private_prefix` (null when its counters serve none).
    """
    counters = board_view.board_counters(config, board_id)
    served = {service for counter in counters for service in counter.services}
    private = served & config.private_services
    running = config.station.running_text
    return {
        "board": board_id,
        "counters": [
            {"id": counter.id, "name": config.shown_name(counter).json()} for counter in counters
        ],
        "services": [
            {"id": service.id, "prefix": service.prefix}
            for service in config.services
            if service.id in served and not service.private
        ],
        "private_prefix": config.privacy.prefix if private else None,
        "running_text": {"id": running.id, "en": running.en} if running else None,
        "announcement_repeat": config.announcement.repeat,
        "maklumat": config.station.maklumat.json() if config.station.maklumat else None,
        "standards": {
            service_id: standard
            for service_id, standard in public_standards(config).items()
            if service_id in served
        },
        "complaint_channels": [
            {"name": channel.name.json(), "contact": channel.contact.json()}
            for channel in config.complaint_channels
        ],
    }
