"""Reads of tickets by their holder's token (the phone page, phones watching their ticket) and of
the call a board sequence number announced."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from shared.application.station import Station
from shared.application.views import Places, places, ticket_view, ticket_views
from shared.domain.events import TicketCalled, TicketRecalled
from shared.domain.ticket import Ticket
from shared.store import eventlog, repository


def ticket_by_token(station: Station, token: str) -> dict[str, Any] | None:
    """A citizen's view of their ticket (T with its token), or None for an unknown token."""
    now = station.now()
    with station.store.read() as db:
        ticket = repository.by_token(db, token)
        return ticket_view(station, db, ticket, now) if ticket else None


def tickets_of(station: Station, tokens: Iterable[str]) -> dict[str, Ticket]:
    """The domain tickets of some tokens, by token (unknown tokens left out)."""
    wanted = list(tokens)
    if not wanted:
        return {}
    with station.store.read() as db:
        return {ticket.token: ticket for ticket in repository.by_tokens(db, wanted)}


def places_of(station: Station, tickets: Sequence[Ticket]) -> Places:
    """Where tickets already read stand now (see `views.places`)."""
    now = station.now()
    with station.store.read() as db:
        return places(station, db, tickets, now)


def views_of(
    station: Station, tickets: Sequence[Ticket], known: Places | None = None
) -> dict[str, dict[str, Any]]:
    """Citizens' views of tickets already read (with their places now, or the `known` ones),
    by token: for phones watching their ticket."""
    if not tickets:
        return {}
    now = station.now()
    with station.store.read() as db:
        views = ticket_views(station, db, tickets, now, known=known)
        return {view["token"]: view for view in views}


def announced_call(station: Station, seq: int) -> TicketCalled | TicketRecalled | None:
    """The call or recall that has board `seq`, or None for any other seq."""
    with station.store.read() as db:
        return eventlog.announced(db, seq)
