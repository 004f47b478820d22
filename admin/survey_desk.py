"""The counter-side survey tablet (public): `/survey/<counter_id>` asks the citizen who was
just served at that counter to rate the service.

The tablet only ever learns the finished ticket's number and an opaque handle, never its
token; an answer is taken only for the counter's latest finished ticket, unanswered, within
a few minutes (shared.application.survey_desk.survey_desk_ticket), once. Only the counter's enrolled
tablet (`satupintu enrol survey COUNTER_ID`) gets the handle and may answer.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify

from shared.application import devices, survey_desk
from shared.application.citizen_commands import AnswerSurveyAtCounter
from shared.domain.errors import Forbidden, NotFound
from shared.domain.integrity import integrity_questions
from shared.domain.survey import questions
from shared.web.answers import citizen_command
from shared.web.pages import render_page
from shared.web.web import device, station

bp = Blueprint("survey_desk", __name__, template_folder="templates")


def _counter(counter_id: str) -> dict[str, Any]:
    counter = station().config.counter_by_id.get(counter_id)
    if counter is None:
        raise NotFound("error.unknown_counter", counter=counter_id[:40])
    return {"id": counter.id, "name": counter.name.json()}


def _state(counter_id: str) -> dict[str, object]:
    counter = _counter(counter_id)
    devices.may_answer_survey(device(), counter_id)
    return {
        "counter": counter,
        "questions": list(questions(station().config.survey.form)),
        "integrity": list(integrity_questions(station().config)),
        "ticket": survey_desk.survey_desk(station(), counter_id),
    }


@bp.get("/survey/<counter_id>")
def page(counter_id: str) -> str:
    """The tablet's page; a device that is not this counter's tablet is told how to enrol."""
    counter = _counter(counter_id)
    try:
        desk: dict[str, object] | None = _state(counter_id)
    except Forbidden:
        desk = None
    return render_page(
        "admin/survey_desk.html",
        catalogue_prefixes=("ui.survey_desk.", "ui.survey.", "ui.integrity.", "error."),
        data={"desk": desk, "counter_id": counter_id},
        counter=counter,
        enrolled=desk is not None,
    )


@bp.get("/api/survey/<counter_id>")
def current(counter_id: str) -> Response:
    """The counter, the survey's questions, and the ticket to ask about (or null)."""
    return jsonify(_state(counter_id))


@bp.post("/api/survey/<counter_id>")
def answer(counter_id: str) -> tuple[Response, int]:
    """`{"handle", "answers", "profile"?, "integrity"?}` for the ticket the tablet was shown;
    integrity answers are refused (403) from a staff member's session."""
    _counter(counter_id)
    devices.may_answer_survey(device(), counter_id)
    return citizen_command(AnswerSurveyAtCounter, counter_id)
