"""Bookings as use cases: the slots of a day, book, cancel, print a slip, check in.

A booking is made, cancelled and checked in through the same store, events and audit chain as
tickets; checking in issues the booking's ticket through `services.new_ticket`, which places it
by its slot. The slot arithmetic itself is pure and lives in `shared.slots`.
"""

from __future__ import annotations

import secrets
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from shared import repository, slots
from shared.clock import utc_text
from shared.config import Booking, Service
from shared.errors import (
    BookingExpired,
    Conflict,
    InvalidRequest,
    NotFound,
    RateLimited,
    SlotFull,
    TooEarly,
)
from shared.events import BookingCancelled, BookingCheckedIn, BookingMade
from shared.printing import DISABLED, BookingSlip, PrintResult
from shared.services import (
    Issued,
    begin,
    checked_reference,
    new_ticket,
    paper,
    print_job,
    record_print,
    service_of,
)
from shared.station import Station
from shared.store import Transaction
from shared.ticket import Ticket
from shared.ticketing import service_day
from shared.views import view_of

MAX_CODE = 200  # a typed code, or the booking link a scanner types


SLOT_REFUSED = {
    slots.Refusal.PAST: "error.slot_past",
    slots.Refusal.TOO_FAR: "error.slot_too_far",
    slots.Refusal.NOT_A_SLOT: "error.slot_not_a_slot",
}
# Why a booking that is no longer open cannot be cancelled or checked in.
BOOKING_USED = {
    "cancelled": "error.booking_cancelled",
    "checked_in": "error.booking_checked_in",
    "missed": "error.booking_missed",
}


def _bookable(station: Station, service_id: Any) -> tuple[Service, Booking]:
    service = service_of(station, service_id)
    if service.booking is None:
        raise InvalidRequest(
            "error.booking_not_offered", service=service.name.get(station.config.language)
        )
    return service, service.booking


def _day(value: Any) -> date:
    if not isinstance(value, str):
        raise InvalidRequest("error.field_type", field="date", expected="YYYY-MM-DD")
    try:
        if len(value) != len("YYYY-MM-DD"):
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidRequest("error.field_type", field="date", expected="YYYY-MM-DD") from None


def _instant(station: Station, value: Any) -> datetime:
    """A slot start as sent: ISO 8601, with its offset or in the station's time zone."""
    if not isinstance(value, str) or len(value) > 40:
        raise InvalidRequest("error.field_type", field="starts_at", expected="YYYY-MM-DDTHH:MM")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise InvalidRequest(
            "error.field_type", field="starts_at", expected="YYYY-MM-DDTHH:MM"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=station.config.zone)
    return moment.astimezone(UTC)


def booking_slots(station: Station, service_id: Any, day_text: Any) -> dict[str, Any]:
    """A service day's slots still ahead, with their free places, and the days one may book."""
    service, rules = _bookable(station, service_id)
    day = _day(day_text)
    now = station.now()
    today = station.today(now)
    first, last = slots.bookable_days(today, rules)
    found: list[slots.Slot] = []
    if first <= day <= last:
        start, end = station.day_bounds(day)
        with station.store.read() as db:
            taken = repository.taken_places(db, service.id, start, end + timedelta(days=1))
        found = slots.slots(rules, day, station.config.zone, station.config.day_starts_at,
                            taken, now)  # fmt: skip
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


def make_booking(
    station: Station,
    service_id: Any,
    starts_at: Any,
    *,
    actor: str = "citizen",
    address: str | None = None,
    device: str | None = None,
    reference: Any = None,
) -> repository.BookingRow:
    """Book a place in a slot. A citizen's bookings are limited per (hashed) address per day
    (`limits.bookings_per_day`) and per device while open (`limits.open_bookings_per_device`);
    an officer booking at the counter for a citizen is not."""
    config = station.config
    service, rules = _bookable(station, service_id)
    start = _instant(station, starts_at)
    reference = checked_reference(None, reference)
    with station.store.write(actor, station.now()) as tx:
        begin(station, tx)
        today = station.today(tx.now)
        day = service_day(start, config.zone, config.day_starts_at)
        if actor == "citizen":
            _check_booking_limits(station, tx, address, device)
        taken = repository.taken_places(tx, service.id, start, start + timedelta(seconds=1))
        refused = slots.refusal(
            rules, start, config.zone, config.day_starts_at, day, today,
            taken.get(start, 0), tx.now,
        )  # fmt: skip
        if refused == slots.Refusal.FULL:
            raise SlotFull("error.slot_full", starts_at=station.local(start).time())
        if refused is not None:
            raise InvalidRequest(SLOT_REFUSED[refused], days=rules.days_ahead)
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
            status="booked",
            made_at=tx.now,
            made_by=actor,
            reference=reference,
            ticket_id=None,
        )
        repository.insert_booking(tx, booking, address, device)
        tx.record(
            BookingMade(
                booking_id=booking.id,
                service=service.id,
                starts_at=utc_text(start),
                by=actor,
                reference=reference,
            )
        )
        return booking


def _check_booking_limits(
    station: Station, tx: Transaction, address: str | None, device: str | None
) -> None:
    limits = station.config.limits
    if address and limits.bookings_per_day:
        since, _ = station.day_bounds(station.today(tx.now))
        if repository.bookings_made_from(tx, address, since) >= limits.bookings_per_day:
            raise RateLimited("error.bookings_per_day", limit=limits.bookings_per_day)
    held = repository.open_bookings_of_device(tx, device) if device else 0
    if limits.open_bookings_per_device and held >= limits.open_bookings_per_device:
        raise Conflict("error.open_bookings", limit=limits.open_bookings_per_device)


def find_booking(station: Station, token: str) -> repository.BookingRow:
    with station.store.read() as db:
        booking = repository.booking_by_token(db, token)
    if booking is None:
        raise NotFound("error.unknown_booking")
    return booking


def cancel_booking(station: Station, token: str) -> repository.BookingRow:
    """The citizen gives up a booking: its place in the slot is free again."""
    with station.store.write("citizen", station.now()) as tx:
        begin(station, tx)
        booking = repository.booking_by_token(tx, token)
        if booking is None:
            raise NotFound("error.unknown_booking")
        if booking.status != "booked":
            raise Conflict(BOOKING_USED[booking.status], code=booking.code)
        repository.set_booking_status(tx, booking.id, "cancelled")
        tx.record(
            BookingCancelled(
                booking_id=booking.id,
                service=booking.service,
                starts_at=utc_text(booking.starts_at),
            )
        )
        return replace(booking, status="cancelled")


def print_booking(station: Station, code: Any, public_base: str, actor: str) -> PrintResult:
    """Print a booking's slip on the station's printer (an officer booked at the counter): the
    code large, the slot, the check-in window and the QR of its page. Only an open booking.
    What came of it is logged like any print, so the printer's health knows."""
    if not isinstance(code, str) or not code.strip():
        raise InvalidRequest("error.field_type", field="code", expected="text")
    with station.store.read() as db:
        booking = repository.booking_by_code(db, slots.normal_code(code))
    if booking is None:
        raise NotFound("error.unknown_booking")
    if booking.status != "booked":
        raise Conflict(BOOKING_USED[booking.status], code=booking.code)
    service = station.config.service_by_id[booking.service]
    rules = service.booking
    assert rules is not None  # only a bookable service has bookings
    if not station.printers.enabled(None):
        return DISABLED
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
    return result


def _booking_of(db: Transaction, typed: str) -> repository.BookingRow | None:
    """The booking a typed code names, or a scanned booking link (its token)."""
    text = typed.strip().rstrip("/")
    token = text.rsplit("/b/", 1)[1] if "/b/" in text else text
    return repository.booking_by_code(db, slots.normal_code(text)) or repository.booking_by_token(
        db, token
    )


def _may_check_in(
    station: Station, tx: Transaction, booking: repository.BookingRow, today: date
) -> tuple[Service, Ticket | None]:
    """The booking's service and, if it was checked in already, its ticket; TooEarly or
    BookingExpired when it cannot be checked in now."""
    service = station.config.service_by_id.get(booking.service)
    if service is None or service.booking is None:
        raise BookingExpired("error.booking_missed", code=booking.code)
    if booking.status == "checked_in":
        assert booking.ticket_id is not None
        earlier = repository.get(tx, booking.ticket_id)
        assert earlier is not None
        return service, earlier
    if booking.status != "booked":
        raise BookingExpired(BOOKING_USED[booking.status], code=booking.code)
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
    return service, None


def _checked_in(
    station: Station, tx: Transaction, service: Service, booking: repository.BookingRow,
    kiosk_id: str | None, today: date,
) -> Ticket:  # fmt: skip
    """The booking's ticket, placed by its slot; the booking is checked in."""
    ticket = new_ticket(
        station, tx, service, False, kiosk_id, today, None,
        reference=booking.reference, booked_for=booking.starts_at,
    )  # fmt: skip
    repository.set_booking_status(tx, booking.id, "checked_in", ticket.id)
    tx.record(
        BookingCheckedIn(
            booking_id=booking.id,
            service=booking.service,
            starts_at=utc_text(booking.starts_at),
            ticket_id=ticket.id,
            number=ticket.number,
        )
    )
    return ticket


def check_in(
    station: Station, typed: Any, *, kiosk_id: Any = None, public_base: str = ""
) -> Issued:
    """The citizen has come: the booking gets its ticket, printed like any other. Checking in
    again gives the same ticket (not printed again); too early and too late are refused."""
    if not isinstance(typed, str) or not typed.strip() or len(typed) > MAX_CODE:
        raise InvalidRequest("error.field_required", field="code")
    if kiosk_id is not None and (
        not isinstance(kiosk_id, str) or kiosk_id not in station.config.kiosk_by_id
    ):
        raise InvalidRequest("error.unknown_kiosk", kiosk=str(kiosk_id)[:40])
    actor = f"kiosk:{kiosk_id}" if kiosk_id else "kiosk"
    refused: TooEarly | BookingExpired | None = None
    with station.store.write(actor, station.now()) as tx:
        today = begin(station, tx)
        booking = _booking_of(tx, typed)
        if booking is None:
            raise NotFound("error.unknown_booking")
        try:
            service, earlier = _may_check_in(station, tx, booking, today)
        except (TooEarly, BookingExpired) as refusal:
            refused = refusal  # committed all the same: a booking begin() found missed says so
        else:
            ticket = (
                earlier
                if earlier is not None
                else _checked_in(station, tx, service, booking, kiosk_id, today)
            )
    if refused is not None:
        raise refused
    view = view_of(station, ticket)
    if earlier is not None or not station.printers.enabled(kiosk_id):
        return Issued(view, earlier is None, DISABLED)
    job = print_job(station, service, ticket, view, public_base)
    result = station.printers.print_ticket(kiosk_id, job)
    with station.store.write(actor, station.now(), durable=False) as tx:
        record_print(tx, kiosk_id, job, result)
    return Issued(view, True, result)
