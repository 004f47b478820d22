"""The event log replayed into facts: every issue, call, finish, transfer, recall and answer,
and every step of a booking.

Every oversight figure (reports, fairness, satisfaction, the dashboard, the shift hand-over)
is computed from these facts, so a number is the same wherever it is shown. The events come
from a `Source`: the station's own database, or the central server's copy of its log, so a
report is the same function wherever it runs. `replay` is pure:
it folds the typed events with the lifecycle's one reducer (`shared.domain.ticket.steps`), keeping
each ticket's state, and turns each step into facts with the waits and service times it
implies.

How long a citizen waited is measured from the moment the ticket joined the queue it was
called from: its issue, or its transfer from another service, or its return after a no-show.
A call "passes over" another ticket when that ticket, eligible at the calling counter, had
been in its queue longer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from shared.application.station import Station
from shared.domain.clock import parse_utc
from shared.domain.config import Config
from shared.domain.events import (
    BookingCancelled,
    BookingCheckedIn,
    BookingEvent,
    BookingMade,
    BookingMissed,
    Event,
    SmsNumberAdded,
    SmsRecorded,
    SmsReplied,
    SurveyAnswered,
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
from shared.domain.queue_rules import Status, service_day, service_day_bounds
from shared.domain.skm import SkmPeriod
from shared.domain.suspension import Outage, OutageLog
from shared.domain.ticket import Logged, Step, Ticket, steps
from shared.store import eventlog


@dataclass(frozen=True)
class Source:
    """What a report is computed from: a station's settings, its events, its audit, and "now".

    `events(start, end)` gives the ticket events of [start, end) with every event (any time)
    of the tickets they touch, and the booking events of [start, end), in log order;
    `audit(last_day)` the audit section of a report ending on that service day; `power(start,
    end)` the power events of [start, end) and the last one before it. The station
    (`reports.station_source`) and the central server (over its copy of the station's log) each
    provide one. `skm_records(period)` is what only the station keeps for an SKM period: the
    respondent profile's counts (`profile`) and the follow-up register's entries (`followups`).
    `logged_of(kinds)` gives every event of some rare kinds (the standard's publications, the
    register's saves), in log order; `between(kinds, start, end)` the events of some kinds
    logged in [start, end), and `count(kind, start, end)` how many of a kind were (what the
    scorecard reads of the quarters it does not replay).
    """

    config: Config
    now: datetime
    events: Callable[[datetime, datetime], list[Logged]]
    audit: Callable[[date], dict[str, Any]]
    power: Callable[[datetime, datetime], list[Logged]]
    skm_records: Callable[[SkmPeriod], dict[str, Any]] | None = None
    logged_of: Callable[[tuple[type[Event], ...]], list[Logged]] | None = None
    between: Callable[[tuple[type[Event], ...], datetime, datetime], list[Logged]] | None = None
    count: Callable[[type[Event], datetime, datetime], int] | None = None

    def today(self, instant: datetime | None = None) -> date:
        """The service day of an instant (default: now) in the station's time zone."""
        return service_day(instant or self.now, self.config.zone, self.config.day_starts_at)

    def day_bounds(self, day: date) -> tuple[datetime, datetime]:
        return service_day_bounds(day, self.config.zone, self.config.day_starts_at)

    def local(self, instant: datetime) -> datetime:
        return instant.astimezone(self.config.zone)


def load(station: Station, start: datetime, end: datetime) -> list[Logged]:
    """The ticket events of [start, end), with every event (any time) of the tickets they touch,
    the booking events of [start, end) and the suspensions going on in it."""
    with station.store.read() as db:
        return eventlog.in_log_order(
            eventlog.lives_touched(db, start, end),
            eventlog.bookings_between(db, start, end),
            eventlog.suspensions_between(db, start, end),
        )


def load_kinds(station: Station, kinds: tuple[type[Event], ...]) -> list[Logged]:
    """Every event of some rare kinds, in log order."""
    with station.store.read() as db:
        return eventlog.in_log_order(*(eventlog.every_of_kind(db, kind) for kind in kinds))


def load_between(
    station: Station, kinds: tuple[type[Event], ...], start: datetime, end: datetime
) -> list[Logged]:
    """The events of some kinds logged in [start, end), in log order."""
    with station.store.read() as db:
        return eventlog.of_kinds_between(db, kinds, start, end)


def count_between(station: Station, kind: type[Event], start: datetime, end: datetime) -> int:
    with station.store.read() as db:
        return eventlog.count_between(db, kind, start, end)


def load_power(station: Station, start: datetime, end: datetime) -> list[Logged]:
    """The power events of [start, end) and the last one before it."""
    with station.store.read() as db:
        return eventlog.power_between(db, start, end)


@dataclass(frozen=True)
class TicketFact:
    """Something that happened to a ticket: when, which ticket (its id and number), in which
    service. Each kind below adds what else a report needs of it."""

    at: datetime
    ticket_id: int
    number: str
    service: str


@dataclass(frozen=True)
class Issue(TicketFact):
    priority: bool
    need: str | None = None


@dataclass(frozen=True)
class Passed:
    """A ticket that was waiting, eligible and in its queue longer when another was called."""

    number: str
    service: str
    priority: bool
    waiting_since: datetime
    booked: bool = False
    carried: bool = False
    need: str | None = None


@dataclass(frozen=True)
class Call(TicketFact):
    """A ticket called to a counter, how long it had waited, and whom it passed over.

    `joined_by` is how the ticket joined the queue it was called from: "issued",
    "transferred", "sent_to_front" (a transfer to the front of the queue), "returned" (back to
    the front after a counter left it) or "requeued". `reason` is the officer's: for a call
    out of turn, else for sending it to the front; `marked` is why an officer gave it
    priority at a counter, if one did.
    """

    counter: str
    officer: str
    priority: bool
    wait_seconds: float
    issued_at: datetime
    joined_by: str
    out_of_order: bool
    reason: str | None
    passed_over: tuple[Passed, ...]
    marked: str | None = None
    booked: bool = False  # issued at a booking's check-in
    carried: bool = False  # "Lanjutan": issued at a carried-over ticket's check-in
    need: str | None = None  # the citizen's need (`needs.Need`)
    skill: str | None = None  # the calling officer's skill that need asked for


@dataclass(frozen=True)
class Finish(TicketFact):
    """A called ticket closed as done or no-show; `service_seconds` from its call (done only)."""

    counter: str
    officer: str
    outcome: str
    service_seconds: float | None
    need: str | None = None


@dataclass(frozen=True)
class Transfer:
    at: datetime
    ticket_id: int
    number: str
    from_service: str
    to_service: str
    counter: str
    officer: str


@dataclass(frozen=True)
class Recall(TicketFact):
    counter: str
    officer: str


@dataclass(frozen=True)
class Expiry(TicketFact):
    """A ticket that was still waiting when its service day ended (counted on its issue day)."""

    issued_at: datetime


@dataclass(frozen=True)
class CarryStep(TicketFact):
    """A step of carry-over (`step`: carried_over, resumed or lapsed) of a ticket; `actor` is
    who carried it over ("config": its service at the day's close; "system": the orderly
    close on battery) or the kiosk it was checked in at."""

    step: str
    actor: str
    reason: str | None = None


@dataclass(frozen=True)
class StepBack(TicketFact):
    """A citizen let others go first (tunda giliran): from the phone, or at `counter`."""

    places: int
    counter: str | None
    officer: str | None


@dataclass(frozen=True)
class Cancellation(TicketFact):
    """A citizen who gave up their number while waiting."""


@dataclass(frozen=True)
class PriorityMark(TicketFact):
    """An officer gave a waiting ticket priority, and why."""

    counter: str
    officer: str
    reason: str


@dataclass(frozen=True)
class Answer(TicketFact):
    """A survey answered about a ticket; `counter` is the one that served it, where known."""

    counter: str | None
    answers: Mapping[str, int]


@dataclass(frozen=True)
class BookingStep:
    """A step in one booking's life (`step`: made, cancelled, checked_in or missed) and its slot."""

    at: datetime
    booking_id: int
    service: str
    starts_at: datetime
    step: str


BOOKING_STEPS = {
    BookingMade: "made",
    BookingCancelled: "cancelled",
    BookingCheckedIn: "checked_in",
    BookingMissed: "missed",
}


@dataclass(frozen=True)
class Queued:
    """A ticket waiting in a queue: since when, how it joined it (see `Call.joined_by`) and
    the officer's reason for that, if any, and why an officer gave it priority. `mark` is the
    log row that put it there: it breaks ties in `joined_at`. A ticket whose citizen let
    others go first (`stepped_back`) is not passed over by their calls."""

    ticket: Ticket
    joined_at: datetime
    mark: int
    joined_by: str
    reason: str | None = None
    marked: str | None = None
    stepped_back: bool = False

    @property
    def order(self) -> tuple[datetime, int]:
        return (self.joined_at, self.mark)


@dataclass(frozen=True)
class SmsFact:
    """An SMS step of a ticket: a number added (`kind` "number"), a message's final outcome
    (`kind` its message kind, `status` sent, failed, over_budget …) or a reply (`kind`
    "reply", `status` its command)."""

    at: datetime
    ticket_id: int | None
    kind: str
    status: str


@dataclass(frozen=True)
class AtCounter:
    """A ticket called to a counter and not yet finished: since its call, by whom."""

    ticket_id: int
    number: str
    counter: str
    officer: str
    since: datetime


@dataclass
class Ledger:
    """Every fact of the loaded events, in log order, plus the tickets waiting at the end and
    those at a counter at the end."""

    issues: list[Issue] = field(default_factory=list)
    calls: list[Call] = field(default_factory=list)
    finishes: list[Finish] = field(default_factory=list)
    transfers: list[Transfer] = field(default_factory=list)
    recalls: list[Recall] = field(default_factory=list)
    expiries: list[Expiry] = field(default_factory=list)
    cancellations: list[Cancellation] = field(default_factory=list)
    carry_steps: list[CarryStep] = field(default_factory=list)
    step_backs: list[StepBack] = field(default_factory=list)
    priority_marks: list[PriorityMark] = field(default_factory=list)
    answers: list[Answer] = field(default_factory=list)
    bookings: list[BookingStep] = field(default_factory=list)
    sms: list[SmsFact] = field(default_factory=list)
    waiting: dict[int, Queued] = field(default_factory=dict)
    at_counters: dict[int, AtCounter] = field(default_factory=dict)
    outages: list[Outage] = field(default_factory=list)


JOINED_BY = {
    TicketIssued: "issued",
    TicketTransferred: "transferred",
    TicketRequeued: "requeued",
    TicketReturned: "returned",
}


def _joined_by(event: object) -> tuple[str, str | None] | None:
    """How an event puts a ticket in a queue, and the officer's reason; None: it does not."""
    joined = JOINED_BY.get(type(event))
    if isinstance(event, TicketTransferred) and event.front:
        return "sent_to_front", event.reason
    return (joined, None) if joined else None


def replay(events: Iterable[Logged], counter_services: Mapping[str, Iterable[str]]) -> Ledger:
    """Turn logged events (in log order) into facts.

    `counter_services` says which services each counter calls, to know which waiting tickets
    a call passed over. Events of tickets whose issue was not loaded, and moves the lifecycle
    refuses, make no facts (`audit verify` reports them).
    """
    serves = {counter: frozenset(services) for counter, services in counter_services.items()}
    ledger = Ledger()
    events = list(events)
    outages = OutageLog()

    def noting_suspensions(logged_events: Iterable[Logged]) -> Iterable[Logged]:
        """The events, each suspension noted with who waits at that moment of the replay."""
        for logged in logged_events:
            if not isinstance(logged.event, TicketEvent):
                waiting: dict[str, list[int]] = {}
                for queued in ledger.waiting.values():
                    waiting.setdefault(queued.ticket.service, []).append(queued.ticket.id)
                outages.record(logged.at, logged.event, waiting)
            yield logged

    for step in steps(noting_suspensions(events)):
        if step.after is not None:
            _record(ledger, step, step.after, serves)
            if step.after.waiting:
                outages.waits(step.after.id, step.after.service)
    ledger.outages = outages.outages()
    for logged in events:
        match logged.event:
            case SurveyAnswered(ticket_id=int(ticket_id)) as answer:
                ledger.answers.append(
                    Answer(
                        logged.at,
                        ticket_id,
                        answer.number,
                        answer.service,
                        answer.counter,
                        answer.answers,
                    )
                )
            case SmsNumberAdded(ticket_id=ticket_id):
                ledger.sms.append(SmsFact(logged.at, ticket_id, "number", "added"))
            case SmsRecorded(ticket_id=ticket_id, kind=kind, status=status):
                ledger.sms.append(SmsFact(logged.at, ticket_id, kind, status))
            case SmsReplied(ticket_id=ticket_id, command=command):
                ledger.sms.append(SmsFact(logged.at, ticket_id, "reply", command))
            case BookingEvent(booking_id=booking_id, service=service, starts_at=starts_at):
                ledger.bookings.append(
                    BookingStep(
                        logged.at,
                        booking_id,
                        service,
                        parse_utc(starts_at),
                        BOOKING_STEPS[type(logged.event)],
                    )
                )
    return ledger


def _record(
    ledger: Ledger, step: Step, after: Ticket, serves: Mapping[str, frozenset[str]]
) -> None:
    """The facts of one folded step; the waiting queues and the counters follow the ticket's
    new status."""
    at, officer, queued = step.logged.at, step.logged.actor, ledger.waiting
    if isinstance(step.event, TicketCalled):
        ledger.at_counters[after.id] = AtCounter(
            after.id, after.number, step.event.counter, officer, at
        )
    elif after.status != Status.CALLED:
        ledger.at_counters.pop(after.id, None)
    before = step.before or after
    match step.event:
        case TicketIssued():
            ledger.issues.append(
                Issue(at, after.id, after.number, after.service, after.priority, after.need)
            )
        case TicketCalled(counter=counter):
            ledger.calls.append(_call(after, step, queued, serves.get(counter, frozenset())))
        case TicketDone(counter=counter) | TicketNoShow(counter=counter):
            done = isinstance(step.event, TicketDone)
            elapsed = (at - before.called_at).total_seconds() if before.called_at else None
            ledger.finishes.append(
                Finish(
                    at=at,
                    ticket_id=after.id,
                    number=after.number,
                    service=after.service,
                    counter=counter,
                    officer=officer,
                    outcome=after.status.value,
                    service_seconds=elapsed if done else None,
                    need=after.need,
                )
            )
        case TicketTransferred(counter=counter, from_service=from_service):
            ledger.transfers.append(
                Transfer(at, after.id, after.number, from_service, after.service, counter, officer)
            )
        case TicketRecalled(counter=counter):
            ledger.recalls.append(
                Recall(at, after.id, after.number, after.service, counter, officer)
            )
        case TicketCancelled():
            ledger.cancellations.append(Cancellation(at, after.id, after.number, after.service))
        case TicketPrioritized(counter=counter, reason=reason):
            ledger.priority_marks.append(
                PriorityMark(at, after.id, after.number, after.service, counter, officer, reason)
            )
        case TicketExpired():
            ledger.expiries.append(
                Expiry(at, after.id, after.number, after.service, after.issued_at)
            )
        case TicketCarriedOver(reason=reason):
            ledger.carry_steps.append(
                CarryStep(at, after.id, after.number, after.service, "carried_over", officer,
                          reason)
            )  # fmt: skip
        case TicketResumed() | TicketCarryLapsed():
            kind = "resumed" if isinstance(step.event, TicketResumed) else "lapsed"
            ledger.carry_steps.append(
                CarryStep(at, after.id, after.number, after.service, kind, officer)
            )
        case TicketSteppedBack(places=places, counter=counter):
            ledger.step_backs.append(
                StepBack(at, after.id, after.number, after.service, places, counter,
                         officer if counter else None)
            )  # fmt: skip
    joined = _joined_by(step.event)
    if joined is not None:
        marked = queued[after.id].marked if after.id in queued else None
        queued[after.id] = Queued(after, at, step.logged.row, *joined, marked=marked)
    elif not after.waiting:
        queued.pop(after.id, None)
    elif after.id in queued:  # still waiting, changed in place (given priority, stepped back)
        marked = step.event.reason if isinstance(step.event, TicketPrioritized) else None
        entry = queued[after.id]
        queued[after.id] = replace(
            entry,
            ticket=after,
            marked=marked or entry.marked,
            stepped_back=entry.stepped_back or isinstance(step.event, TicketSteppedBack),
        )


def _call(
    ticket: Ticket, step: Step, queued: Mapping[int, Queued], eligible: frozenset[str]
) -> Call:
    event = step.event
    assert isinstance(event, TicketCalled)
    mine = queued[ticket.id]
    passed = tuple(
        Passed(
            other.ticket.number,
            other.ticket.service,
            other.ticket.priority,
            other.joined_at,
            other.ticket.booked,
            other.ticket.carried,
            other.ticket.need,
        )
        for other in sorted(queued.values(), key=lambda entry: entry.order)
        if other.ticket.id != ticket.id
        and not other.stepped_back
        and other.ticket.service in eligible
        and other.order < mine.order
    )
    return Call(
        at=step.logged.at,
        ticket_id=ticket.id,
        number=ticket.number,
        service=ticket.service,
        counter=event.counter,
        officer=step.logged.actor,
        priority=ticket.priority,
        wait_seconds=(step.logged.at - mine.joined_at).total_seconds(),
        issued_at=ticket.issued_at,
        joined_by=mine.joined_by,
        out_of_order=event.out_of_order,
        reason=event.reason if event.out_of_order else mine.reason,
        passed_over=passed,
        marked=mine.marked,
        booked=ticket.booked,
        carried=ticket.carried,
        need=ticket.need,
        skill=event.skill,
    )
