"""What the holder of a ticket does with it: cancel it, or answer the satisfaction survey (on
their phone, or on the counter's survey tablet), with the optional integrity questions.

The integrity answers (`shared.domain.integrity`) are taken only with a served ticket's one
survey, never from a staff member's session, and kept only as counts of the hour, counter and
officer of the service: not in the event log, not beside the ticket or its survey answers."""

from __future__ import annotations

import hmac
import json
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from shared.application import survey_desk
from shared.application.housekeeping import begin, record_waiting, save_move
from shared.application.services import counter_of, ticket_of
from shared.application.station import Station
from shared.domain.errors import Conflict, Forbidden
from shared.domain.events import SurveyAnswered, TicketDone
from shared.domain.integrity import hour_of, validate_integrity
from shared.domain.queue_rules import Move, Status
from shared.domain.skm import SkmPeriod, validate_profile
from shared.domain.survey import validate_answers
from shared.domain.ticket import Ticket
from shared.store import eventlog, integrity_records, repository, skm_records
from shared.store.store import Transaction


def cancel(station: Station, token: str) -> Ticket:
    """The citizen gives up their number (from the phone page): it leaves the queue for good."""
    with station.store.write("citizen", station.now()) as tx:
        today = begin(station, tx)
        ticket = ticket_of(tx, token)
        cancelled = save_move(tx, ticket, Move.CANCEL)
        record_waiting(station, tx, today)
        return cancelled


@dataclass(frozen=True)
class _Survey:
    """A survey's parts, each valid."""

    answers: dict[str, int]
    profile: dict[str, str]
    integrity: dict[str, str]


def _check(
    station: Station, answers: Any, profile: Any, integrity: Any, from_staff: bool
) -> _Survey:
    """The survey's parts, each valid; integrity answers only where they are asked, and never
    from a staff member's session (a citizen answers them, nobody for them)."""
    clean = validate_integrity(integrity)
    if clean and not station.config.survey.integrity:
        raise Conflict("error.integrity_off")
    if clean and from_staff:
        raise Forbidden("error.integrity_staff")
    return _Survey(
        validate_answers(station.config.survey.form, answers), validate_profile(profile), clean
    )


def answer_survey(
    station: Station,
    token: str,
    answers: Any,
    profile: Any = None,
    *,
    integrity: Any = None,
    from_staff: bool = False,
) -> None:
    """Keep a citizen's survey: only for a finished ticket, once per ticket; with the optional
    respondent profile (`shared.domain.skm.PROFILE`) and integrity answers (`from_staff`: a
    staff member's session sent it, which may not give integrity answers)."""
    checked = _check(station, answers, profile, integrity, from_staff)
    with station.store.write("citizen", station.now()) as tx:
        ticket = ticket_of(tx, token)
        _save_survey(station, tx, ticket, checked)


def answer_survey_at_counter(
    station: Station,
    counter_id: str,
    handle: Any,
    answers: Any,
    profile: Any = None,
    *,
    integrity: Any = None,
    from_staff: bool = False,
) -> None:
    """Keep answers given on a counter's survey tablet, for the ticket just finished there.

    `handle` is what the tablet was shown with that ticket (survey_desk.survey_desk); it is only
    good while that ticket is the counter's latest finished one, unanswered, for
    SURVEY_DESK_MINUTES: nobody can answer there for any other ticket.
    """
    counter = counter_of(station, counter_id)
    checked = _check(station, answers, profile, integrity, from_staff)
    with station.store.write(f"survey-desk:{counter.id}", station.now()) as tx:
        ticket = survey_desk.survey_desk_ticket(tx, counter.id, tx.now)
        if (
            ticket is None
            or not isinstance(handle, str)
            or not hmac.compare_digest(handle, survey_desk.survey_handle(ticket))
        ):
            raise Conflict("error.survey_desk_stale")
        _save_survey(station, tx, ticket, checked)


def _save_survey(station: Station, tx: Transaction, ticket: Ticket, form: _Survey) -> None:
    """Keep one ticket's answers: only once it is done, and only once. The profile only adds
    to its quarter's counts, and the integrity answers to the counts of its service's hour,
    counter and officer, apart from the answers and the ticket."""
    if ticket.status != Status.DONE:
        raise Conflict("error.survey_not_done")
    if repository.surveyed(tx, ticket.id):
        raise Conflict("error.survey_answered")
    repository.save_survey(tx, ticket.id, json.dumps(form.answers))
    quarter = SkmPeriod.containing("quarter", station.today(tx.now)).label
    skm_records.count_profile(tx, quarter, form.profile)
    finish = eventlog.finish_of(tx, ticket.id)
    if form.integrity and finish is not None and isinstance(finish.event, TicketDone):
        hour = hour_of(finish.at.astimezone(UTC))
        integrity_records.count_answers(
            tx, hour, finish.event.counter, finish.actor, form.integrity
        )
    tx.record(
        SurveyAnswered(
            ticket_id=ticket.id,
            number=ticket.number,
            service=ticket.service,
            counter=ticket.counter,
            answers=form.answers,
        )
    )
