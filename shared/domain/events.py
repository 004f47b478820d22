"""Domain events: what happened, as small dataclasses that are both log rows and Socket.IO payloads.

Board events (`board = True`) get the next `seq` of the durable event log and go to every board;
the others are kept in the log for oversight only. Fields in `log_only` never leave the server,
and a private service's id is replaced by None in everything that is broadcast.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field, fields
from typing import Any, ClassVar

from shared.domain.booking import BookingStatus
from shared.domain.queue_rules import STATUS_AFTER, Move, Status


@functools.cache
def _field_names(kind: type) -> tuple[str, ...]:
    """An event class's fields, in order (`dataclasses.fields` walks them on every call)."""
    return tuple(item.name for item in fields(kind))


@dataclass(frozen=True, kw_only=True)
class Event:
    name: ClassVar[str]
    board: ClassVar[bool] = True
    log_only: ClassVar[frozenset[str]] = frozenset({"ticket_id", "reason"})

    ticket_id: int | None = None

    def data(self) -> dict[str, Any]:
        """Everything about the event, as stored in the log."""
        return {name: getattr(self, name) for name in _field_names(type(self))}

    def payload(self, seq: int | None, private_services: Collection[str]) -> dict[str, Any]:
        """The broadcast form: no log-only fields, no private service ids, plus `seq`."""
        public = {key: value for key, value in self.data().items() if key not in self.log_only}
        for key in ("service", "from_service"):
            if public.get(key) in private_services:
                public[key] = None
        return {"seq": seq, **public}


@dataclass(frozen=True, kw_only=True)
class TicketEvent(Event):
    """A step in one ticket's life. Each kind declares the lifecycle move it records, so the
    transition table (`ticketing.ALLOWED_MOVES`) alone decides what may happen; the ticket's
    issue, which creates it, records no move. Broadcasts carry the status the ticket reaches."""

    move: ClassVar[Move | None] = None

    number: str
    service: str

    @property
    def status(self) -> Status:
        """The status the ticket has after this event."""
        return Status.WAITING if self.move is None else STATUS_AFTER[self.move]

    def payload(self, seq: int | None, private_services: Collection[str]) -> dict[str, Any]:
        return {**super().payload(seq, private_services), "status": self.status.value}


@dataclass(frozen=True, kw_only=True)
class TicketIssued(TicketEvent):
    name = "ticket.issued"
    log_only = Event.log_only | {
        "service_day", "reference", "booked_for", "queue_at", "carried_from"
    }  # fmt: skip
    priority: bool
    issued_at: str
    kiosk: str | None
    service_day: str | None = None  # the local service day (logs before 2026-12 lack it)
    booked: bool = False  # issued at a booking's check-in
    booked_for: str | None = None  # that booking's slot start (UTC)
    queue_at: str | None = None  # its place in the queue, when not its issue time
    reference: str | None = None  # a registration number from another system, as given
    carried: bool = False  # "Lanjutan": issued at a carried-over ticket's check-in
    carried_from: int | None = None  # that carried-over ticket's id
    need: str | None = None  # how the citizen must be called or helped (`needs.Need`), never who


@dataclass(frozen=True, kw_only=True)
class TicketCalled(TicketEvent):
    name = "ticket.called"
    move = Move.CALL
    log_only = Event.log_only | {"skill"}
    counter: str
    counter_name: str
    announcement: str
    called_at: str
    priority: bool
    need: str | None = None  # the board marks the call, the phone vibrates (`needs.Need`)
    skill: str | None = None  # the calling officer's skill the need asked for (`needs.Skill`)
    out_of_order: bool = False
    reason: str | None = None


@dataclass(frozen=True, kw_only=True)
class TicketRecalled(TicketEvent):
    name = "ticket.recalled"
    move = Move.RECALL
    counter: str
    counter_name: str
    announcement: str
    called_at: str
    need: str | None = None  # marked on the board like the call (`needs.Need`)


@dataclass(frozen=True, kw_only=True)
class TicketDone(TicketEvent):
    name = "ticket.done"
    move = Move.FINISH
    counter: str


@dataclass(frozen=True, kw_only=True)
class TicketNoShow(TicketEvent):
    name = "ticket.no_show"
    move = Move.NO_SHOW
    counter: str


@dataclass(frozen=True, kw_only=True)
class TicketTransferred(TicketEvent):
    name = "ticket.transferred"
    move = Move.TRANSFER
    log_only = Event.log_only | {"queue_day", "queue_at"}
    from_service: str
    counter: str
    queue_day: str | None = None  # the day's queue it joins (logs before 2026-12 lack it)
    queue_at: str | None = None  # sent to the front: its new place (else its issue time)
    front: bool = False
    reason: str | None = None  # why it was sent to the front


@dataclass(frozen=True, kw_only=True)
class TicketReturned(TicketEvent):
    """The officer left the counter before serving: the citizen is first in line again."""

    name = "ticket.returned"
    move = Move.RETURN
    log_only = Event.log_only | {"queue_at"}
    counter: str
    queue_at: str


@dataclass(frozen=True, kw_only=True)
class TicketPrioritized(TicketEvent):
    """An officer gave a waiting ticket priority (the reason stays in the log)."""

    name = "ticket.prioritized"
    move = Move.PRIORITIZE
    counter: str
    reason: str


@dataclass(frozen=True, kw_only=True)
class TicketCancelled(TicketEvent):
    """The citizen gave up their number (from their phone)."""

    name = "ticket.cancelled"
    move = Move.CANCEL


@dataclass(frozen=True, kw_only=True)
class TicketRequeued(TicketEvent):
    name = "ticket.requeued"
    move = Move.REQUEUE
    counter: str


@dataclass(frozen=True, kw_only=True)
class TicketBookingDue(TicketEvent):
    """A booking checked in before its slot: the slot has begun, so it goes before walk-ins."""

    name = "ticket.booking_due"
    move = Move.BOOKING_DUE
    board = False
    log_only = Event.log_only | {"queue_at"}
    queue_at: str


@dataclass(frozen=True, kw_only=True)
class TicketExpired(TicketEvent):
    name = "ticket.expired"
    move = Move.EXPIRE


@dataclass(frozen=True, kw_only=True)
class TicketCarriedOver(TicketEvent):
    """A waiting ticket that could not be served today keeps a place at the front of its
    service's queue on `valid_until`, its next open day: by a supervisor (`by`, with a
    reason), by the orderly close on battery, or by the service's `carry_over` at the day's
    close (`by` "config")."""

    name = "ticket.carried_over"
    move = Move.CARRY_OVER
    board = False
    valid_until: str  # the last service day it may be checked in on (YYYY-MM-DD)
    by: str
    reason: str


@dataclass(frozen=True, kw_only=True)
class TicketResumed(TicketEvent):
    """A carried-over ticket was checked in at the kiosk: `new_number` is the ticket it gave
    (`new_ticket` its id), placed at the front."""

    name = "ticket.resumed"
    move = Move.RESUME
    board = False
    log_only = Event.log_only | {"new_ticket"}
    new_ticket: int
    new_number: str


@dataclass(frozen=True, kw_only=True)
class TicketCarryLapsed(TicketEvent):
    """A carried-over ticket's day ended with nobody come: it is no longer honoured (said
    in the log, never silently)."""

    name = "ticket.carry_lapsed"
    move = Move.LAPSE
    board = False
    valid_until: str


@dataclass(frozen=True, kw_only=True)
class TicketSteppedBack(TicketEvent):
    """The citizen let others go first (tunda giliran): `places` back in its line, asked from
    the phone (`counter` None) or through the officer at a counter."""

    name = "ticket.stepped_back"
    move = Move.STEP_BACK
    board = False
    log_only = Event.log_only | {"queue_at"}
    places: int
    queue_at: str
    counter: str | None = None


@dataclass(frozen=True, kw_only=True)
class BookingEvent(Event):
    """A step in one booking's life (never its code or token: those are the citizen's)."""

    board = False
    status: ClassVar[BookingStatus]  # what the step leaves the booking in
    booking_id: int
    service: str
    starts_at: str  # the slot's start (UTC)


@dataclass(frozen=True, kw_only=True)
class BookingMade(BookingEvent):
    name = "booking.made"
    status = BookingStatus.BOOKED
    by: str  # "citizen", or the officer who booked at the counter
    reference: str | None = None
    need: str | None = None  # `needs.Need`: an interpreter need reaches the dashboard
    log_only = Event.log_only | {"reference"}


@dataclass(frozen=True, kw_only=True)
class BookingCancelled(BookingEvent):
    name = "booking.cancelled"
    status = BookingStatus.CANCELLED


@dataclass(frozen=True, kw_only=True)
class BookingCheckedIn(BookingEvent):
    """The citizen came: `ticket_id` is the ticket the check-in gave, `number` its number."""

    name = "booking.checked_in"
    status = BookingStatus.CHECKED_IN
    number: str


@dataclass(frozen=True, kw_only=True)
class BookingMissed(BookingEvent):
    """Check-in closed (`late_minutes` after the slot began) and nobody came."""

    name = "booking.missed"
    status = BookingStatus.MISSED


@dataclass(frozen=True, kw_only=True)
class QueueWaiting(Event):
    name = "queue.waiting"
    waiting: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class CounterStateChanged(Event):
    name = "counter.state"
    counter: str
    state: str


@dataclass(frozen=True, kw_only=True)
class ServiceSuspended(Event):
    """A service stopped calling (its national system is down, ...): its tickets keep their
    place. Logged again when the reason or the expected resume time changes (`since` stays the
    suspension's start). The board, kiosks and phones say so; a private service's broadcast
    carries neither its id nor the reason (`shared.domain.suspension`)."""

    name = "service.suspended"
    log_only = frozenset({"ticket_id"})
    service: str
    reason: str
    since: str  # UTC: when the suspension began
    until: str | None = None  # UTC: when the service is expected back (None: not known)

    def payload(self, seq: int | None, private_services: Collection[str]) -> dict[str, Any]:
        public = super().payload(seq, private_services)
        if self.service in private_services:
            public["reason"] = None
        return public


@dataclass(frozen=True, kw_only=True)
class ServiceResumed(Event):
    """A suspended service calls again, in the same order as before."""

    name = "service.resumed"
    service: str
    since: str  # UTC: when the suspension it ends began


@dataclass(frozen=True, kw_only=True)
class UserChanged(Event):
    name = "user.changed"
    board = False
    username: str
    role: str | None
    change: str  # added, disabled, enabled, password, role, units, phone (never the number)
    units: tuple[str, ...] | None = None  # with "added" and "units": the units it may act in
    password: str | None = None  # with "added" and "password": `credentials.password_print`


@dataclass(frozen=True, kw_only=True)
class UserLoggedIn(Event):
    name = "user.login"
    board = False
    username: str
    session: str | None = None  # `credentials.session_print` of the session it opened


@dataclass(frozen=True, kw_only=True)
class ClockAccepted(Event):
    """A wall clock which jumped (or was not believed at start) was confirmed right: by a
    supervisor, or by a staff device whose own clock agreed with it (`by`: "device")."""

    name = "clock.accepted"
    board = False
    wall: str
    trusted: str
    by: str = "supervisor"


@dataclass(frozen=True, kw_only=True)
class StationRestored(Event):
    """`satupintu restore` put back a copy whose log ends at `restored_row`: the first row of
    the log after it. The database it replaced ended at `replaced_row` (None: there was none),
    and the station ships this row to central as a declared restore
    (`shared.operations.shipper`)."""

    name = "station.restored"
    board = False
    restored_row: int
    restored_hash: str
    replaced_row: int | None
    replaced_hash: str | None
    source: str


@dataclass(frozen=True, kw_only=True)
class DeviceEnrolled(Event):
    """A browser became one of the station's kiosks or a counter's survey tablet."""

    name = "device.enrolled"
    board = False
    kind: str
    target: str
    device: int
    credential: str | None = None  # `credentials.device_print` of the credential


@dataclass(frozen=True, kw_only=True)
class DeviceRevoked(Event):
    """A kiosk's or survey tablet's credential ended: revoked, or replaced by enrolling again."""

    name = "device.revoked"
    board = False
    kind: str
    target: str
    device: int


@dataclass(frozen=True, kw_only=True)
class AuditBaseline(Event):
    """Digests of the credentials stored when the log began to record them (an upgrade): the
    rows that predate their events."""

    name = "audit.baseline"
    board = False
    users: dict[str, str]  # username -> `credentials.password_print`
    sessions: list[str]
    devices: list[str]


@dataclass(frozen=True, kw_only=True)
class PrintRecorded(Event):
    """What came of printing a ticket: printer health is folded from these, across restarts.

    `fault` is a `PrintFault` as JSON; `qr_base` is where the ticket's QR code leads.
    """

    name = "print.recorded"
    board = False
    printer: str
    kiosk: str | None
    number: str
    status: str  # printed, unconfirmed or failed
    fault: dict[str, Any] | None = None
    paper: str | None = None
    qr_base: str | None = None
    reprint: bool = False


@dataclass(frozen=True, kw_only=True)
class SmsNumberAdded(Event):
    """A mobile number was registered for a ticket's (or a booking's) SMS. The number itself is
    personal data: it stays in its own table and is never logged."""

    name = "sms.number_added"
    board = False
    number: str | None  # the ticket's number (None for a booking)
    by: str  # "citizen", or the officer who added it
    booking_id: int | None = None


@dataclass(frozen=True, kw_only=True)
class SmsRecorded(Event):
    """What came of one SMS (as `print.recorded` for a ticket): `status` is sent, failed (its
    retries spent), retrying or over_budget; never the number it went to."""

    name = "sms.recorded"
    board = False
    number: str | None  # the ticket's number
    kind: str  # almost, called, no_show, or reply_* for an answer to a reply
    status: str
    attempts: int


@dataclass(frozen=True, kw_only=True)
class SmsReplied(Event):
    """A citizen answered by SMS from the number registered for their ticket: `command` is
    BATAL, STATUS, TUNDA or HELP (anything else)."""

    name = "sms.replied"
    board = False
    number: str
    command: str


@dataclass(frozen=True, kw_only=True)
class StandardPublished(Event):
    """The Standar Pelayanan, the Maklumat and the complaint channels the station publishes
    changed (or were first published): logged at the start that first serves them, with their
    text (`Config.published_standard`), its digest and each part's (`shared.domain.standards`),
    so an evaluator sees since when each has been in effect. `changed`: the parts that differ
    from the publication before."""

    name = "standard.published"
    board = False
    digest: str
    parts: dict[str, str]
    changed: list[str]
    standard: dict[str, Any]


@dataclass(frozen=True, kw_only=True)
class SurveyAnswered(Event):
    name = "survey.answered"
    board = False
    number: str
    service: str
    counter: str | None
    answers: dict[str, int]


@dataclass(frozen=True, kw_only=True)
class PowerEvent(Event):
    """The hall's power as the UPS reported it (`shared.domain.power`): the battery's runtime in
    seconds and its charge in percent, when the UPS tells them."""

    board = False
    runtime_seconds: int | None = None
    charge_percent: int | None = None


@dataclass(frozen=True, kw_only=True)
class PowerLost(PowerEvent):
    """The UPS went on battery: the hall works on."""

    name = "power.lost"


@dataclass(frozen=True, kw_only=True)
class PowerBack(PowerEvent):
    """The UPS is on mains again."""

    name = "power.back"


@dataclass(frozen=True, kw_only=True)
class PowerLow(PowerEvent):
    """The orderly close began: the battery is low ("low_battery") or has less runtime left than
    `power.close_below_minutes` ("runtime"). A verified backup and a clean stop follow."""

    name = "power.low"
    cause: str


@dataclass(frozen=True, kw_only=True)
class FollowupSaved(Event):
    """An entry of the SKM's follow-up register (rencana tindak lanjut) added or changed, whole:
    the period and element it answers, the action, who does it, by when, when it was done and
    the evidence."""

    name = "followup.saved"
    board = False
    followup_id: int
    created: bool
    period: str
    element: str
    action: str
    owner: str
    due: str
    done: str | None
    evidence: str | None


def _kinds(base: type[Event]) -> Iterator[type[Event]]:
    for kind in base.__subclasses__():
        if "name" in vars(kind):
            yield kind
        yield from _kinds(kind)


EVENT_KINDS: dict[str, type[Event]] = {kind.name: kind for kind in _kinds(Event)}
BOARD_EVENT_NAMES = tuple(name for name, kind in EVENT_KINDS.items() if kind.board)


def from_log(name: str, data: str | dict[str, Any]) -> Event | None:
    """The typed event of a log row (its `name` and `data`); None for a name this code does not
    know. A row whose data does not fit its kind raises ValueError."""
    kind = EVENT_KINDS.get(name)
    if kind is None:
        return None
    values = json.loads(data) if isinstance(data, str) else data
    known = {item.name for item in fields(kind)}
    try:
        return kind(**{key: value for key, value in values.items() if key in known})
    except TypeError as error:
        raise ValueError(f"a {name} event without its fields: {error}") from None


@dataclass(frozen=True)
class Recorded:
    """An event as committed to the log: its row id, its board `seq` (or None) and itself."""

    id: int
    seq: int | None
    event: Event
