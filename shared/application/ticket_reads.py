"""Reads of tickets by their holder's token (the phone page, phones watching their ticket) and of
the call a board sequence number announced."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from shared.application.station import Station
from shared.application.views import ticket_view, ticket_views
from shared.domain.events import TicketCalled, TicketRecalled
from shared.store import eventlog, repository


def ticket_by_token(station: Station, token: str) -> dict[str, Any] | None:
    """A citizen's view of their ticket (T with its token), or None for an unknown token."""
    now = station.now()
    with station.store.read() as db:
        ticket = repository.by_token(db, token)
        return ticket_view(station, db, ticket, now) if ticket else None


def ticket_places(station: Station, tokens: Iterable[str]) -> dict[str, tuple[int, str]]:
    """Each token's ticket id and current service (cheap: no queue positions)."""
    with station.store.read() as db:
        return repository.places_by_tokens(db, list(tokens))


def tickets_by_tokens(station: Station, tokens: Iterable[str]) -> dict[str, dict[str, Any]]:
    """Current views of several tickets at once (for phones watching their ticket)."""
    wanted = list(tokens)
    if not wanted:
        return {}
    now = station.now()
    with station.store.read() as db:
        tickets = repository.by_tokens(db, wanted)
        return {view["token"]: view for view in ticket_views(station, db, tickets, now)}


def announced_call(station: Station, seq: int) -> TicketCalled | TicketRecalled | None:
    """The call or recall that has board `seq`, or None for any other seq."""
    with station.store.read() as db:
        return eventlog.announced(db, seq)
