"""Bookings as use cases: the slots of a day, and one handler that runs every booking command
(`shared.application.booking_commands`): book, cancel, add an SMS number, check in, print a slip.

`act` does the prologue once: it opens the write transaction (the log's actor is the command's),
does the day's housekeeping (`begin`, which also closes the bookings nobody came for) and finds
the booking the command names (NotFound: none). The command's step then decides with the
booking's lifecycle (`shared.domain.booking`) and the slot arithmetic (`shared.domain.slots`). A
check-in refused by the check-in window is committed all the same (what the housekeeping found
missed stays so); any other refusal changes nothing. After COMMIT `act` answers and prints where
the command prints. Checking in issues the booking's ticket through `ticket_issue.new_ticket`,
which places it by its slot. The functions at the end are the same commands for callers in
Python (tests, benchmarks).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from shared.application.booking_commands import (
    AddBookingSms,
    Book,
    BookingCommand,
    CancelBooking,
    CheckIn,
    NamedBooking,
    PrintSlip,
    bookable,
)
from shared.application.citizen_actions import Answer
from shared.application.citizen_commands import Asked
from shared.application.housekeeping import begin, save_booking_move
from shared.application.printing import DISABLED, BookingSlip
from shared.application.sms_notices import tell_booking
from shared.application.station import Station
from shared.application.ticket_issue import keyed_request, new_ticket, request_hash
from shared.application.ticket_printing import Issued, paper, print_checked_in, record_print
from shared.application.views import view_of
from shared.domain import slots
from shared.domain.booking import BookingMove, BookingStatus, transition
from shared.domain.clock import utc_text
from shared.domain.errors import (
    BookingExpired,
    Conflict,
    InvalidRequest,
    NotFound,
    RateLimited,
    SlotFull,
    TooEarly,
)
from shared.domain.events import BookingCancelled, BookingCheckedIn, BookingMade, SmsNumberAdded
from shared.domain.needs import check_lead
from shared.domain.queue_rules import service_day
from shared.domain.sms import MessageKind, mask
from shared.domain.ticket import Ticket
from shared.store import repository, sms_store
from shared.store.store import Reader, Transaction

SLOT_REFUSED = {
    slots.Refusal.PAST: "error.slot_past",
    slots.Refusal.TOO_FAR: "error.slot_too_far",
    slots.Refusal.NOT_A_SLOT: "error.slot_not_a_slot",
}
# Refusals committed all the same: the check-in window's (a booking `begin` found missed says so).
KEPT_REFUSALS = (TooEarly, BookingExpired)


def _day(value: Any) -> date:
    if not isinstance(value, str):
        raise InvalidRequest("error.field_type", field="date", expected="YYYY-MM-DD")
    try:
        if len(value) != len("YYYY-MM-DD"):
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidRequest("error.field_type", field="date", expected="YYYY-MM-DD") from None


def booking_slots(
    station: Station, service_id: Any, day_text: Any, *, for_citizen: bool = True
) -> dict[str, Any]:
    """A service day's slots still ahead, with their free places, and the days one may book.
    A citizen sees the places they may book themselves; an officer every place left."""
    service, rules = bookable(station.config, service_id)
    day = _day(day_text)
    now = station.now()
    today = station.today(now)
    first, last = slots.bookable_days(today, rules)
    found: list[slots.Slot] = []
    if first <= day <= last:
        start, end = station.day_bounds(day)
        with station.store.read() as db:
            taken = repository.taken_places(db, service.id, start, end + timedelta(days=1))
            share = _citizen_share(db, service.id, day) if for_citizen else None
        found = slots.slots(rules, day, station.config.zone, station.config.day_starts_at,
                            taken, now, share)  # fmt: skip
    return {
        "service": service.id,
        "date": day.isoformat(),
        "first_date": first.isoformat(),
        "last_date": last.isoformat(),
        "slots": [
            {"starts_at": station.local(slot.starts_at).isoformat(timespec="minutes"),
             "free": slot.free}
            for slot in found
        ],
    }  # fmt: skip


def _citizen_share(db: Reader, service: str, day: date) -> slots.CitizenShare:
    per_slot, total = repository.citizen_places(db, service, day)
    return slots.CitizenShare(per_slot, total)


def find_booking(station: Station, token: str) -> repository.BookingRow:
    with station.store.read() as db:
        booking = repository.booking_by_token(db, token)
    if booking is None:
        raise NotFound("error.unknown_booking")
    return booking


# ---- the handler ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Context:
    """What a command's step works with: the station, the open transaction, today, the booking
    the command names (None: it names none), and who books (hashed, for a citizen's limits)."""

    station: Station
    tx: Transaction
    today: date
    booking: repository.BookingRow | None
    booker: repository.Booker

    @property
    def named(self) -> repository.BookingRow:
        assert self.booking is not None  # the command names one, and act found it
        return self.booking


@dataclass(frozen=True)
class Outcome:
    """What a step decided: the booking as it is now, the ticket a check-in gave, whether the
    request made something new (201), whether it repeats an earlier request of the same
    Idempotency-Key (its first print's result is given again), the masked SMS number."""

    booking: repository.BookingRow
    ticket: Ticket | None = None
    created: bool = False
    retried: bool = False
    sms: str | None = None


def act(
    station: Station,
    command: BookingCommand,
    *,
    by: str = "citizen",
    booker: repository.Booker | None = None,
    public_base: str = "",
) -> Answer:
    """Run one booking command in one write transaction, then answer (and print) after COMMIT.
    `by` is who asks (the citizen, or the officer logged in), `booker` a citizen's hashed
    address, network and device, `public_base` the server's address for printed links."""
    step = STEPS[type(command)]
    actor = command.actor(by)
    refused: TooEarly | BookingExpired | None = None
    with station.store.write(actor, station.now()) as tx:
        today = begin(station, tx)
        booking = _named_booking(tx, command)
        try:
            outcome = step(Context(station, tx, today, booking, booker or repository.Booker()),
                           command)  # fmt: skip
        except KEPT_REFUSALS as refusal:
            refused = refusal
    if refused is not None:
        raise refused
    return AFTER.get(type(command), _answered)(station, command, outcome, today, actor, public_base)


def _named_booking(tx: Transaction, command: BookingCommand) -> repository.BookingRow | None:
    """The booking the command names, by its code first, then by its token."""
    if not isinstance(command, NamedBooking):
        return None
    found = repository.booking_by_code(tx, command.code) if command.code else None
    if found is None and command.token:
        found = repository.booking_by_token(tx, command.token)
    if found is None:
        raise NotFound("error.unknown_booking")
    return found


def _book(context: Context, command: BookingCommand) -> Outcome:
    """Book a place in a slot. A citizen books only the citizens' share of a slot and of the
    day, limited per (hashed) address and network per day (`limits.bookings_per_day`,
    `limits.bookings_per_network_per_day`) and per device while open
    (`limits.open_bookings_per_device`); an officer booking at the counter for a citizen may
    take any place left and is not limited. An interpreter need is booked at least
    `needs.interpreter_lead_hours` ahead."""
    assert isinstance(command, Book)
    station, tx = context.station, context.tx
    config = station.config
    service, rules = bookable(config, command.service)
    start = command.starts_at
    citizen = tx.actor == "citizen"
    day = service_day(start, config.zone, config.day_starts_at)
    if citizen:
        _check_booking_limits(station, tx, context.booker)
    taken = repository.taken_places(tx, service.id, start, start + timedelta(seconds=1))
    refused = slots.refusal(
        rules, start, config.zone, config.day_starts_at, day, context.today,
        taken.get(start, 0), tx.now, _citizen_share(tx, service.id, day) if citizen else None,
    )  # fmt: skip
    if refused == slots.Refusal.FULL:
        raise SlotFull("error.slot_full", starts_at=station.local(start).time())
    if refused is not None:
        raise InvalidRequest(SLOT_REFUSED[refused], days=rules.days_ahead)
    check_lead(command.need, start, tx.now, config.needs.interpreter_lead_hours)
    code = slots.new_code()
    while repository.code_taken(tx, code):
        code = slots.new_code()
    booking = repository.BookingRow(
        id=repository.next_booking_id(tx),
        code=code,
        token=secrets.token_urlsafe(16),
        service=service.id,
        service_day=day,
        starts_at=start,
        status=BookingStatus.BOOKED,
        made_at=tx.now,
        made_by=tx.actor,
        reference=command.reference,
        ticket_id=None,
        need=command.need,
    )
    repository.insert_booking(tx, booking, context.booker)
    tx.record(
        BookingMade(
            booking_id=booking.id,
            service=service.id,
            starts_at=utc_text(start),
            by=tx.actor,
            reference=command.reference,
            need=command.need,
        )
    )
    return Outcome(booking, created=True)


def _check_booking_limits(station: Station, tx: Transaction, booker: repository.Booker) -> None:
    limits = station.config.limits
    since, _ = station.day_bounds(station.today(tx.now))
    per_address, per_network = limits.bookings_per_day, limits.bookings_per_network_per_day
    if (
        booker.address
        and per_address
        and repository.bookings_made_from(tx, booker.address, since) >= per_address
    ):
        raise RateLimited("error.bookings_per_day", limit=per_address)
    if (
        booker.network
        and per_network
        and repository.bookings_made_from_network(tx, booker.network, since) >= per_network
    ):
        raise RateLimited("error.bookings_per_network", limit=per_network)
    held = repository.open_bookings_of_device(tx, booker.device) if booker.device else 0
    if limits.open_bookings_per_device and held >= limits.open_bookings_per_device:
        raise Conflict("error.open_bookings", limit=limits.open_bookings_per_device)


def _cancel(context: Context, command: BookingCommand) -> Outcome:
    booking = context.named
    status = save_booking_move(context.tx, booking, BookingMove.CANCEL, BookingCancelled)
    return Outcome(replace(booking, status=status))


def _add_sms_number(context: Context, command: BookingCommand) -> Outcome:
    """A booking carries a number until its check-in gives it a ticket."""
    assert isinstance(command, AddBookingSms)
    booking = context.named
    if booking.status != BookingStatus.BOOKED:
        raise Conflict("error.sms.booking_over")
    day = context.station.today(booking.starts_at)
    sms_store.add_for_booking(context.tx, booking.id, command.phone, command.language, day)
    context.tx.record(SmsNumberAdded(booking_id=booking.id, number=None, by=context.tx.actor))
    tell_booking(context.station, context.tx, booking, MessageKind.BOOKING_CONFIRMED)
    return Outcome(booking, created=True, sms=mask(command.phone))


def _check_in(context: Context, command: BookingCommand) -> Outcome:
    """The booking gets its ticket, placed by its slot. Checking in again gives the same
    ticket, not printed again and without its token: only the first answer, and a retry of
    that request (its Idempotency-Key), carry the token, so a booking code seen over a shoulder
    does not open the citizen's ticket. Too early and too late are refused."""
    assert isinstance(command, CheckIn)
    station, tx, today, booking = context.station, context.tx, context.today, context.named
    key = command.idempotency_key
    asked = request_hash("check-in", booking.id, command.kiosk)
    keyed = keyed_request(tx, today, key, asked)
    service = station.config.service_by_id.get(booking.service)
    if service is None or service.booking is None:
        raise BookingExpired("error.booking_missed", code=booking.code)
    if transition(booking.status, BookingMove.CHECK_IN, booking.code) == booking.status:
        assert booking.ticket_id is not None  # checked in already: the same ticket again
        earlier = repository.get(tx, booking.ticket_id)
        assert earlier is not None
        return Outcome(
            booking, earlier, retried=keyed is not None and keyed.ticket_id == earlier.id
        )
    state = slots.check_in(service.booking, booking.starts_at, tx.now)
    if state == slots.CheckIn.TOO_EARLY:
        opens = station.local(slots.check_in_opens(service.booking, booking.starts_at))
        raise TooEarly(
            "error.booking_too_early",
            opens_at=opens.isoformat(timespec="minutes"),
            starts=station.local(booking.starts_at).time(),
        )
    if state == slots.CheckIn.EXPIRED or booking.service_day != today:
        raise BookingExpired("error.booking_missed", code=booking.code)
    ticket = new_ticket(
        station, tx, service, False, command.kiosk, today, None,
        reference=booking.reference, booked_for=booking.starts_at, need=booking.need,
    )  # fmt: skip
    status = transition(booking.status, BookingMove.CHECK_IN, booking.code)
    repository.set_booking_status(tx, booking.id, status, ticket.id)
    sms_store.move_to_ticket(tx, booking.id, ticket.id)  # the booking's SMS number, if any
    tx.record(
        BookingCheckedIn(
            booking_id=booking.id,
            service=booking.service,
            starts_at=utc_text(booking.starts_at),
            ticket_id=ticket.id,
            number=ticket.number,
        )
    )
    if key is not None:
        printing = station.printers.enabled(command.kiosk)
        repository.remember_request(
            tx, today, key, asked, ticket.id, None if printing else DISABLED.status
        )
    return Outcome(replace(booking, status=status, ticket_id=ticket.id), ticket, created=True)


def _print_slip(context: Context, command: BookingCommand) -> Outcome:
    """Only an open booking's slip is printed."""
    booking = context.named
    transition(booking.status, BookingMove.PRINT_SLIP, booking.code)
    return Outcome(booking)


STEPS: dict[type[BookingCommand], Callable[[Context, BookingCommand], Outcome]] = {
    Book: _book,
    CancelBooking: _cancel,
    AddBookingSms: _add_sms_number,
    CheckIn: _check_in,
    PrintSlip: _print_slip,
}


# ---- after COMMIT: the answer, and the print ------------------------------------------------


def _answered(
    station: Station, command: BookingCommand, outcome: Outcome, today: date, actor: str,
    public_base: str,
) -> Answer:  # fmt: skip
    return Answer(None, booking=outcome.booking, sms=outcome.sms, created=outcome.created)


def _print_ticket(
    station: Station, command: BookingCommand, outcome: Outcome, today: date, actor: str,
    public_base: str,
) -> Answer:  # fmt: skip
    """The booking's ticket, printed at the kiosk; a booking checked in before by another
    request answers with its number only (no token), not printed again."""
    assert isinstance(command, CheckIn)
    assert outcome.ticket is not None
    ticket = outcome.ticket
    if not outcome.created and not outcome.retried:
        view = view_of(station, ticket, for_staff=True)
        return Answer(ticket, view, DISABLED, booking=outcome.booking)
    issued = print_checked_in(
        station, actor, ticket, command.kiosk, today, command.idempotency_key, public_base,
        retried=outcome.retried,
    )  # fmt: skip
    return Answer(ticket, issued.ticket, issued.print, issued.created, booking=outcome.booking)


def _print_slip_after(
    station: Station, command: BookingCommand, outcome: Outcome, today: date, actor: str,
    public_base: str,
) -> Answer:  # fmt: skip
    """The slip on the station's printer: the code large, the slot, the check-in window and the
    QR of the booking's page. What came of it is logged like any print, so the printer's
    health knows."""
    booking = outcome.booking
    service = station.config.service_by_id[booking.service]
    rules = service.booking
    assert rules is not None  # only a bookable service has bookings
    if not station.printers.enabled(None):
        return Answer(None, print=DISABLED, booking=booking)
    job = paper(
        station,
        service,
        number=booking.code,
        priority=False,
        issued_at=station.local(booking.made_at),
        ahead=0,
        estimated_wait=None,
        status_url=f"{public_base.rstrip('/')}/b/{booking.token}",
        booking=BookingSlip(
            starts_at=station.local(booking.starts_at),
            opens_at=station.local(slots.check_in_opens(rules, booking.starts_at)),
            closes_at=station.local(slots.check_in_closes(rules, booking.starts_at)),
        ),
    )
    result = station.printers.print_ticket(None, job)
    with station.store.write(actor, station.now(), durable=False) as tx:
        record_print(tx, None, job, result)
    return Answer(None, print=result, booking=booking)


AFTER: dict[type[BookingCommand], Callable[..., Answer]] = {
    CheckIn: _print_ticket,
    PrintSlip: _print_slip_after,
}


# ---- the same commands for callers in Python -------------------------------------------------


def make_booking(
    station: Station,
    service_id: Any,
    starts_at: Any,
    *,
    actor: str = "citizen",
    booker: repository.Booker | None = None,
    reference: Any = None,
    need: Any = None,
) -> repository.BookingRow:
    """Book a place in a slot (`actor`: "citizen", or the officer booking at the counter)."""
    body = {"service": service_id, "starts_at": starts_at, "reference": reference, "need": need}
    command = Book.parse(Asked("", body), station.config)
    answer = act(station, command, by=actor, booker=booker)
    assert answer.booking is not None
    return answer.booking


def cancel_booking(station: Station, token: str) -> repository.BookingRow:
    """The citizen gives up a booking: its place in the slot is free again."""
    answer = act(station, CancelBooking.parse(Asked(token), station.config))
    assert answer.booking is not None
    return answer.booking


def add_sms_number(station: Station, token: str, phone: object, language: str) -> str:
    """The booking's holder adds a mobile number; the masked number."""
    asked = Asked(token, {"phone": phone, "language": language})
    answer = act(station, AddBookingSms.parse(asked, station.config))
    assert answer.sms is not None
    return answer.sms


def check_in(
    station: Station,
    typed: Any,
    *,
    kiosk_id: Any = None,
    public_base: str = "",
    idempotency_key: str | None = None,
) -> Issued:
    """The citizen has come: the booking gets its ticket, printed like any other."""
    asked = Asked(typed, kiosk=kiosk_id, idempotency_key=idempotency_key)
    answer = act(station, CheckIn.parse(asked, station.config), public_base=public_base)
    assert answer.view is not None
    assert answer.print is not None
    return Issued(answer.view, answer.created, answer.print)
