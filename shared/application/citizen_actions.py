"""What the holder of a ticket does with it: cancel it, or answer the satisfaction survey (on
their phone, or on the counter's survey tablet)."""

from __future__ import annotations

import hmac
import json
from typing import Any

from shared.application import survey_desk
from shared.application.housekeeping import begin, record_waiting, save_move
from shared.application.services import counter_of, ticket_of
from shared.application.station import Station
from shared.domain.errors import Conflict
from shared.domain.events import SurveyAnswered
from shared.domain.queue_rules import Move, Status
from shared.domain.skm import SkmPeriod, validate_profile
from shared.domain.survey import validate_answers
from shared.domain.ticket import Ticket
from shared.store import repository, skm_records
from shared.store.store import Transaction


def cancel(station: Station, token: str) -> Ticket:
    """The citizen gives up their number (from the phone page): it leaves the queue for good."""
    with station.store.write("citizen", station.now()) as tx:
        today = begin(station, tx)
        ticket = ticket_of(tx, token)
        cancelled = save_move(tx, ticket, Move.CANCEL)
        record_waiting(station, tx, today)
        return cancelled


def answer_survey(station: Station, token: str, answers: Any, profile: Any = None) -> None:
    """Keep a citizen's satisfaction answers: only for a finished ticket, once per ticket;
    with the optional respondent profile (`shared.domain.skm.PROFILE`)."""
    clean = validate_answers(station.config.survey.form, answers)
    categories = validate_profile(profile)
    with station.store.write("citizen", station.now()) as tx:
        ticket = ticket_of(tx, token)
        _save_survey(station, tx, ticket, clean, categories)


def answer_survey_at_counter(
    station: Station, counter_id: str, handle: Any, answers: Any, profile: Any = None
) -> None:
    """Keep answers given on a counter's survey tablet, for the ticket just finished there.

    `handle` is what the tablet was shown with that ticket (survey_desk.survey_desk); it is only
    good while that ticket is the counter's latest finished one, unanswered, for
    SURVEY_DESK_MINUTES: nobody can answer there for any other ticket.
    """
    counter = counter_of(station, counter_id)
    clean = validate_answers(station.config.survey.form, answers)
    categories = validate_profile(profile)
    with station.store.write(f"survey-desk:{counter.id}", station.now()) as tx:
        ticket = survey_desk.survey_desk_ticket(tx, counter.id, tx.now)
        if (
            ticket is None
            or not isinstance(handle, str)
            or not hmac.compare_digest(handle, survey_desk.survey_handle(ticket))
        ):
            raise Conflict("error.survey_desk_stale")
        _save_survey(station, tx, ticket, clean, categories)


def _save_survey(
    station: Station,
    tx: Transaction,
    ticket: Ticket,
    answers: dict[str, int],
    profile: dict[str, str],
) -> None:
    """Keep one ticket's answers: only once it is done, and only once. The profile only adds
    to its quarter's counts, apart from the answers and the ticket."""
    if ticket.status != Status.DONE:
        raise Conflict("error.survey_not_done")
    if repository.surveyed(tx, ticket.id):
        raise Conflict("error.survey_answered")
    repository.save_survey(tx, ticket.id, json.dumps(answers))
    quarter = SkmPeriod.containing("quarter", station.today(tx.now)).label
    skm_records.count_profile(tx, quarter, profile)
    tx.record(
        SurveyAnswered(
            ticket_id=ticket.id,
            number=ticket.number,
            service=ticket.service,
            counter=ticket.counter,
            answers=answers,
        )
    )
