"""Bookings as use cases: the slots of a day, book, cancel, print a slip, check in.

A booking is made, cancelled and checked in through the same store, events and audit chain as
tickets; checking in issues the booking's ticket through `services.new_ticket`, which places it
by its slot. The slot arithmetic itself is pure and lives in `shared.domain.slots`.
"""

from __future__ import annotations

import secrets
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from shared.application.housekeeping import begin, save_booking_move
from shared.application.printing import DISABLED, BookingSlip, PrintResult
from shared.application.services import service_of
from shared.application.station import Station
from shared.application.ticket_issue import (
    checked_idempotency_key,
    checked_reference,
    new_ticket,
    request_hash,
)
from shared.application.ticket_printing import (
    Issued,
    earlier_print,
    paper,
    print_issued,
    record_print,
)
from shared.application.views import view_of
from shared.domain import slots
from shared.domain.booking import BookingMove, BookingStatus, transition
from shared.domain.clock import utc_text
from shared.domain.config import Booking, Service
from shared.domain.errors import (
    BookingExpired,
    Conflict,
    InvalidRequest,
    NotFound,
    RateLimited,
    SlotFull,
    TooEarly,
)
from shared.domain.events import BookingCancelled, BookingCheckedIn, BookingMade
from shared.domain.needs import check_lead, parse_need
from shared.domain.queue_rules import service_day
from shared.domain.ticket import Ticket
from shared.store import repository, sms_store
from shared.store.store import Reader, Transaction

MAX_CODE = 200  # a typed code, or the booking link a scanner types


SLOT_REFUSED = {
    slots.Refusal.PAST: "error.slot_past",
    slots.Refusal.TOO_FAR: "error.slot_too_far",
    slots.Refusal.NOT_A_SLOT: "error.slot_not_a_slot",
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


def booking_slots(
    station: Station, service_id: Any, day_text: Any, *, for_citizen: bool = True
) -> dict[str, Any]:
    """A service day's slots still ahead, with their free places, and the days one may book.
    A citizen sees the places they may book themselves; an officer every place left."""
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
    """Book a place in a slot. A citizen (`actor` "citizen") books only the citizens' share of
    a slot and of the day, limited per (hashed) address and network per day
    (`limits.bookings_per_day`, `limits.bookings_per_network_per_day`) and per device while
    open (`limits.open_bookings_per_device`); an officer booking at the counter for a citizen
    may take any place left and is not limited. An interpreter need is booked at least
    `needs.interpreter_lead_hours` ahead."""
    config = station.config
    service, rules = _bookable(station, service_id)
    start = _instant(station, starts_at)
    reference = checked_reference(None, reference)
    said = parse_need(need)
    citizen = actor == "citizen"
    booker = booker or repository.Booker()
    with station.store.write(actor, station.now()) as tx:
        begin(station, tx)
        today = station.today(tx.now)
        day = service_day(start, config.zone, config.day_starts_at)
        if citizen:
            _check_booking_limits(station, tx, booker)
        taken = repository.taken_places(tx, service.id, start, start + timedelta(seconds=1))
        refused = slots.refusal(
            rules, start, config.zone, config.day_starts_at, day, today,
            taken.get(start, 0), tx.now, _citizen_share(tx, service.id, day) if citizen else None,
        )  # fmt: skip
        if refused == slots.Refusal.FULL:
            raise SlotFull("error.slot_full", starts_at=station.local(start).time())
        if refused is not None:
            raise InvalidRequest(SLOT_REFUSED[refused], days=rules.days_ahead)
        check_lead(said, start, tx.now, config.needs.interpreter_lead_hours)
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
            made_by=actor,
            reference=reference,
            ticket_id=None,
            need=said,
        )
        repository.insert_booking(tx, booking, booker)
        tx.record(
            BookingMade(
                booking_id=booking.id,
                service=service.id,
                starts_at=utc_text(start),
                by=actor,
                reference=reference,
                need=said,
            )
        )
        return booking


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
        status = save_booking_move(tx, booking, BookingMove.CANCEL, BookingCancelled)
        return replace(booking, status=status)


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
    transition(booking.status, BookingMove.PRINT_SLIP, booking.code)
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
    if transition(booking.status, BookingMove.CHECK_IN, booking.code) == booking.status:
        assert booking.ticket_id is not None  # checked in already: the same ticket again
        earlier = repository.get(tx, booking.ticket_id)
        assert earlier is not None
        return service, earlier
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
    return ticket


def check_in(
    station: Station,
    typed: Any,
    *,
    kiosk_id: Any = None,
    public_base: str = "",
    idempotency_key: str | None = None,
) -> Issued:
    """The citizen has come: the booking gets its ticket, printed like any other. Checking in
    again gives the same number, not printed again and without the ticket's token: only the
    first answer, and a retry of that request (its Idempotency-Key), carry the token, so a
    booking code seen over a shoulder does not open the citizen's ticket. Too early and too
    late are refused."""
    if not isinstance(typed, str) or not typed.strip() or len(typed) > MAX_CODE:
        raise InvalidRequest("error.field_required", field="code")
    if kiosk_id is not None and (
        not isinstance(kiosk_id, str) or kiosk_id not in station.config.kiosk_by_id
    ):
        raise InvalidRequest("error.unknown_kiosk", kiosk=str(kiosk_id)[:40])
    checked_idempotency_key(idempotency_key)
    actor = f"kiosk:{kiosk_id}" if kiosk_id else "kiosk"
    refused: TooEarly | BookingExpired | None = None
    retried = False
    with station.store.write(actor, station.now()) as tx:
        today = begin(station, tx)
        booking = _booking_of(tx, typed)
        if booking is None:
            raise NotFound("error.unknown_booking")
        asked = request_hash("check-in", booking.id, kiosk_id)
        keyed = repository.keyed_request(tx, today, idempotency_key) if idempotency_key else None
        if keyed is not None and keyed.request_hash != asked:
            raise Conflict("error.idempotency_reused")
        try:
            service, earlier = _may_check_in(station, tx, booking, today)
        except (TooEarly, BookingExpired) as refusal:
            refused = refusal  # committed all the same: a booking begin() found missed says so
        else:
            if earlier is not None:
                ticket = earlier
                retried = keyed is not None and keyed.ticket_id == earlier.id
            else:
                ticket = _checked_in(station, tx, service, booking, kiosk_id, today)
                printing = station.printers.enabled(kiosk_id)
                if idempotency_key is not None:
                    repository.remember_request(
                        tx, today, idempotency_key, asked, ticket.id,
                        None if printing else DISABLED.status,
                    )  # fmt: skip
    if refused is not None:
        raise refused
    if earlier is not None:
        if retried:
            assert idempotency_key is not None
            printed = earlier_print(station, today, idempotency_key, kiosk_id)
            return Issued(view_of(station, ticket), False, printed)
        return Issued(view_of(station, ticket, for_staff=True), False, DISABLED)
    view = view_of(station, ticket)
    if not station.printers.enabled(kiosk_id):
        return Issued(view, True, DISABLED)
    return print_issued(
        station, actor, service, ticket, view, kiosk_id, today, idempotency_key, public_base
    )
