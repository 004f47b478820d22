"""The domain ticket and its one lifecycle: every change is an event, applied by one reducer.

`issue` creates a ticket, `apply` makes a move on one (the transition table decides; a refused
move raises Conflict) and returns the new ticket with the event that records it, and `evolve`
is the reducer both use: the same function folds the event log back into tickets (`replay`),
for the audit's cross-check and for the reports. No Flask, no SQL, no clock.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, fields, replace
from datetime import date, datetime
from typing import Any

from shared.domain.clock import parse_utc, utc_text
from shared.domain.errors import Conflict
from shared.domain.events import (
    Event,
    TicketBookingDue,
    TicketCalled,
    TicketCancelled,
    TicketCarriedOver,
    TicketCarryLapsed,
    TicketDone,
    TicketEvent,
    TicketExpired,
    TicketIssued,
    TicketNoShow,
    TicketPrioritized,
    TicketRecalled,
    TicketRequeued,
    TicketResumed,
    TicketReturned,
    TicketSteppedBack,
    TicketTransferred,
)
from shared.domain.queue_rules import Move, Status, format_number, transition


@dataclass(frozen=True)
class Ticket:
    """A citizen's place in a queue. Times are UTC; `service` is where it waits or was served
    (a transfer changes it), `issued_service` and `day_seq` make its number."""

    id: int
    number: str
    service: str
    issued_service: str
    day_seq: int
    service_day: date  # the day it was issued: its number is unique on that day
    queue_day: date  # the day whose queue it waits in (a transfer after midnight moves it on)
    priority: bool
    status: Status
    issued_at: datetime
    queue_at: datetime  # its place in the queue: the issue time, or the front it was sent to
    kiosk: str | None = None
    called_at: datetime | None = None
    finished_at: datetime | None = None
    counter: str | None = None
    recalls: int = 0  # recalls since it was last called
    token: str = ""  # unguessable, never logged: "" for a ticket rebuilt from the log
    reprints: int = 0
    reference: str | None = None  # a registration number from another system, as given
    booked_for: datetime | None = None  # issued at a booking's check-in: the slot's start
    carried_until: date | None = None  # carried over: the last day it may be checked in on
    carried_from: int | None = None  # "Lanjutan": issued at this carried ticket's check-in
    step_backs: int = 0  # times the citizen let others go first
    need: str | None = None  # how they must be called or helped (`needs.Need`), never who

    @property
    def booked(self) -> bool:
        return self.booked_for is not None

    @property
    def carried(self) -> bool:
        """Issued at a carried-over ticket's check-in ("Lanjutan")."""
        return self.carried_from is not None

    @property
    def waiting(self) -> bool:
        return self.status == Status.WAITING


# What the event log fully determines about a ticket: the audit compares these with the table.
# (The token, reprints and the phone that took it are never logged.)
LOGGED_FIELDS = tuple(
    item.name for item in fields(Ticket) if item.name not in ("token", "reprints")
)
DayOf = Callable[[datetime], date]


def issue(
    ticket_id: int,
    *,
    service: str,
    prefix: str,
    sequence: int,
    service_day: date,
    priority: bool,
    kiosk: str | None,
    token: str,
    now: datetime,
    reference: str | None = None,
    booked_for: datetime | None = None,
    queue_at: datetime | None = None,
    carried_from: int | None = None,
    need: str | None = None,
) -> tuple[Ticket, TicketIssued]:
    """A new waiting ticket, numbered `sequence` of its service's day, and its issue event.

    A booking's ticket carries its slot (`booked_for`) and may wait elsewhere than at its issue
    time (`queue_at`, see `slots.queue_place`); so does a carried-over ticket's (`carried_from`,
    placed by `carryover.front_place`)."""
    event = TicketIssued(
        ticket_id=ticket_id,
        number=format_number(prefix, sequence),
        service=service,
        priority=priority,
        issued_at=utc_text(now),
        kiosk=kiosk,
        service_day=service_day.isoformat(),
        booked=booked_for is not None,
        booked_for=utc_text(booked_for) if booked_for else None,
        queue_at=utc_text(queue_at) if queue_at and queue_at != now else None,
        reference=reference,
        carried=carried_from is not None,
        carried_from=carried_from,
        need=need,
    )
    return replace(evolve(None, event, now), token=token), event


EVENT_FOR_MOVE: dict[Move, type[TicketEvent]] = {
    kind.move: kind for kind in TicketEvent.__subclasses__() if kind.move is not None
}


def apply(ticket: Ticket, move: Move, now: datetime, **details: Any) -> tuple[Ticket, TicketEvent]:
    """Make `move` on `ticket` at `now`: the new ticket and the event that records the move.

    `details` are the event's own fields (the counter, its name and announcement, a reason,
    the service a transfer goes to). Conflict if the move is not allowed from the ticket's
    status; nothing else decides that.
    """
    event = _recording(EVENT_FOR_MOVE[move], ticket, now, details)
    return evolve(ticket, event, now), event


def _recording(
    kind: type[TicketEvent], ticket: Ticket, at: datetime, details: dict[str, Any]
) -> TicketEvent:
    """The event of `kind` about `ticket`: what the ticket itself says, then `details`."""
    fields: dict[str, Any] = {"ticket_id": ticket.id, "number": ticket.number}
    fields["service"] = ticket.service
    if kind is TicketCalled:
        fields |= {"called_at": utc_text(at), "priority": ticket.priority, "need": ticket.need}
    elif kind is TicketRecalled:
        fields["called_at"] = utc_text(ticket.called_at or at)  # the call being repeated
        fields["need"] = ticket.need
    elif kind is TicketTransferred:
        fields["from_service"] = ticket.service
    return kind(**{**fields, **details})


def evolve(
    ticket: Ticket | None, event: TicketEvent, at: datetime, day_of: DayOf | None = None
) -> Ticket:
    """The ticket after `event` happened `at`: the one reducer of the lifecycle.

    Conflict (the move's refusal, see `ticketing.REFUSAL`) if the move is not allowed from the
    ticket's status, or if an event other than its issue comes for a ticket that does not
    exist. `day_of` gives the service day of an instant, for logs written before events
    carried their day (2026-12).
    """
    if isinstance(event, TicketIssued):
        assert event.ticket_id is not None
        day = _day(event.service_day, at, day_of)
        return Ticket(
            id=event.ticket_id,
            number=event.number,
            service=event.service,
            issued_service=event.service,
            day_seq=int(event.number.rpartition("-")[2]),
            service_day=day,
            queue_day=day,
            priority=bool(event.priority),
            status=Status.WAITING,
            issued_at=at,
            queue_at=parse_utc(event.queue_at) if event.queue_at else at,
            kiosk=event.kiosk,
            reference=event.reference,
            booked_for=parse_utc(event.booked_for) if event.booked_for else None,
            carried_from=event.carried_from,
            need=event.need,
        )
    if ticket is None:
        raise Conflict("error.move_not_allowed", move=str(event.move), status="-")
    assert event.move is not None
    status = transition(ticket.status, event.move, ticket.number)
    match event:
        case TicketCalled(counter=counter):
            return replace(ticket, status=status, called_at=at, counter=counter, recalls=0)
        case TicketRecalled():
            return replace(ticket, recalls=ticket.recalls + 1)
        case TicketDone() | TicketNoShow() | TicketExpired() | TicketCancelled():
            return replace(ticket, status=status, finished_at=at)
        case TicketTransferred(service=service, queue_day=queue_day, queue_at=queue_at):
            return replace(
                ticket,
                status=status,
                service=service,
                queue_day=date.fromisoformat(queue_day) if queue_day else ticket.queue_day,
                queue_at=parse_utc(queue_at) if queue_at else ticket.queue_at,
                called_at=None,
                counter=None,
            )
        case TicketReturned(queue_at=queue_at):
            return replace(
                ticket, status=status, queue_at=parse_utc(queue_at), called_at=None, counter=None
            )
        case TicketPrioritized():
            return replace(ticket, priority=True)
        case TicketBookingDue(queue_at=queue_at):
            return replace(ticket, queue_at=parse_utc(queue_at))
        case TicketRequeued():
            return replace(ticket, status=status, called_at=None, finished_at=None, counter=None)
        case TicketCarriedOver(valid_until=valid_until):
            return replace(
                ticket, status=status, finished_at=at, carried_until=date.fromisoformat(valid_until)
            )
        case TicketResumed() | TicketCarryLapsed():
            return replace(ticket, status=status, finished_at=at)
        case TicketSteppedBack(queue_at=queue_at):
            return replace(ticket, queue_at=parse_utc(queue_at), step_backs=ticket.step_backs + 1)
    raise AssertionError(f"no lifecycle rule for {event.name}")


def _day(logged: str | None, at: datetime, day_of: DayOf | None) -> date:
    if logged:
        return date.fromisoformat(logged)
    return day_of(at) if day_of else at.date()


@dataclass(frozen=True)
class Logged:
    """An event as the log holds it: its row, its time (UTC), who did it, and the event."""

    row: int
    at: datetime
    actor: str
    event: Event


@dataclass(frozen=True)
class Step:
    """One ticket event folded: the ticket before (None before its issue) and after it.

    `after` is None when the event could not happen (`problem` says why): a move the
    lifecycle refuses, or an event about a ticket whose issue is not in the events folded.
    """

    logged: Logged
    event: TicketEvent
    before: Ticket | None
    after: Ticket | None
    problem: str | None = None


def steps(log: Iterable[Logged], day_of: DayOf | None = None) -> Iterator[Step]:
    """Fold ticket events in log order with `evolve`, yielding every step (refused ones too)."""
    tickets: dict[int, Ticket] = {}
    for logged in log:
        event = logged.event
        if not isinstance(event, TicketEvent) or event.ticket_id is None:
            continue
        before = tickets.get(event.ticket_id)
        if before is None and not isinstance(event, TicketIssued):
            yield Step(logged, event, None, None, "unknown_ticket")
            continue
        try:
            after = evolve(before, event, logged.at, day_of)
        except Conflict:
            yield Step(logged, event, before, None, "move_not_allowed")
            continue
        tickets[event.ticket_id] = after
        yield Step(logged, event, before, after)


def replay(log: Iterable[Logged], day_of: DayOf | None = None) -> dict[int, Ticket]:
    """The tickets the log makes, by id (refused steps change nothing)."""
    tickets: dict[int, Ticket] = {}
    for step in steps(log, day_of):
        if step.after is not None:
            tickets[step.after.id] = step.after
    return tickets
