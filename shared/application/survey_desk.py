"""The survey tablet at a counter: which finished ticket it may ask about now, the handle it is
shown with, and whether a ticket has been answered."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from typing import Any

from shared.application.station import Station
from shared.domain.queue_rules import Status
from shared.domain.ticket import Ticket
from shared.store import eventlog, repository
from shared.store.store import Reader


def survey_answered(station: Station, token: str) -> bool:
    """Whether the citizen holding this ticket has already answered its survey."""
    with station.store.read() as db:
        ticket = repository.by_token(db, token)
        return ticket is not None and repository.surveyed(db, ticket.id)


# A counter's survey tablet asks about the ticket finished there for this long.
SURVEY_DESK_MINUTES = 10


def survey_handle(ticket: Ticket) -> str:
    """The opaque handle a counter's survey tablet answers with.

    It is derived from the ticket's secret token, so it cannot be guessed, and it is never
    the token itself (which would open the ticket's status page).
    """
    return hashlib.sha256(f"survey-desk:{ticket.token}".encode()).hexdigest()[:32]


def survey_desk_ticket(db: Reader, counter_id: str, now: datetime) -> Ticket | None:
    """The ticket a counter's survey tablet asks about, or None.

    It is the latest ticket finished as done at that counter, within SURVEY_DESK_MINUTES,
    while nobody has answered for it yet.
    """
    last = eventlog.last_finished_at(db, counter_id)
    if last is None or last.at < now - timedelta(minutes=SURVEY_DESK_MINUTES):
        return None
    assert last.event.ticket_id is not None
    ticket = repository.get(db, last.event.ticket_id)
    if ticket is None or ticket.status != Status.DONE or repository.surveyed(db, ticket.id):
        return None
    return ticket


def survey_desk(station: Station, counter_id: str) -> dict[str, Any] | None:
    """What a counter's survey tablet shows: the ticket's number and its handle, or None."""
    with station.store.read() as db:
        ticket = survey_desk_ticket(db, counter_id, station.now())
    if ticket is None:
        return None
    return {"number": ticket.number, "handle": survey_handle(ticket)}
