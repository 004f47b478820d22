"""Tunda giliran's decision: a waiting citizen lets a few others go first, from the phone page
(`citizen_actions`) or through the officer at a counter (`desk_actions`): both run this one.

The ticket moves back `step_back.places` places in its line (its service's queue, among
tickets of its own priority), at most `step_back.times` times; each move is the ticket's
`step_back` move, logged, and the phone shows the new place.
"""

from __future__ import annotations

from shared.application.station import Station
from shared.domain import carryover
from shared.domain.clock import utc_text
from shared.domain.errors import Conflict
from shared.domain.events import TicketEvent
from shared.domain.queue_rules import Move, transition
from shared.domain.ticket import Ticket, apply
from shared.store import repository
from shared.store.store import Transaction


def decide(
    station: Station, tx: Transaction, ticket: Ticket, counter: str | None
) -> tuple[Ticket, TicketEvent]:
    """The ticket moved back and the event that records it (Conflict: it may not)."""
    rules = station.config.step_back
    transition(ticket.status, Move.STEP_BACK, ticket.number)
    refused = carryover.step_back_refusal(ticket, rules)
    if refused is not None:
        raise refused
    behind = repository.behind_in_line(tx, ticket, rules.places + 1)
    place = carryover.stepped_back_place(behind, rules.places)
    if place is None:
        raise Conflict("error.step_back_last", number=ticket.number)
    return apply(
        ticket, Move.STEP_BACK, tx.now,
        places=min(rules.places, len(behind)), queue_at=utc_text(place), counter=counter,
    )  # fmt: skip
