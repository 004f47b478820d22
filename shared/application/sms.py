"""SMS use cases: registering a citizen's number and choosing the messages due.

A number is registered for a ticket by the citizen (the kiosk, after taking a number: the
`AddSmsNumber` command of `citizen_actions`), by an officer at the counter (here), or for a
booking (`bookings`; moved to its ticket at check-in); it is logged as `sms.number_added`
without the number; a booking's number gets the booking's confirmation. `plan_messages` looks at
every ticket of the day with a number and puts the message its state calls for in the outbox
(each kind once per ticket), and a booking's reminder once its slot is
`sms.booking_reminder_minutes` away; `sms_replies` answers a citizen's reply (BATAL, STATUS,
TUNDA). What a move tells by itself (a suspension, a carry-over) is `sms_notices`'. Handing the
outbox to the modem is `shared.operations.sms_sender`'s work.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from shared.application.housekeeping import begin
from shared.application.sms_notices import message_text, tell_booking
from shared.application.station import Station
from shared.application.views import requeue_until, ticket_views
from shared.domain.config import Config, Sms
from shared.domain.errors import Conflict, InvalidRequest, NotFound
from shared.domain.events import SmsNumberAdded
from shared.domain.i18n import LANGUAGES, text
from shared.domain.queue_rules import Status
from shared.domain.sms import MessageKind, due_kind, mask, normalise_number
from shared.domain.ticket import Ticket
from shared.store import repository, sms_store
from shared.store.store import Reader, Transaction

# Where a citizen may still be reached: a number added later than this has nothing to say.
OPEN_STATUSES = (Status.WAITING, Status.CALLED)


def sms_config(config: Config) -> Sms:
    """The station's `sms:` config, or 409 when the station sends no SMS."""
    if config.sms is None:
        raise Conflict("error.sms.off")
    return config.sms


def checked_language(value: object, default: str) -> str:
    """The language a request asks its messages in (`id` or `en`), else `default`."""
    if value is None:
        return default
    if value not in LANGUAGES:
        raise InvalidRequest("error.field_type", field="language", expected="id | en")
    return str(value)


def register_number(
    tx: Transaction, today: date, ticket: Ticket, number: str, language: str
) -> None:
    """Register a mobile number for a ticket of today still in the queue, logged without it."""
    if ticket.status not in OPEN_STATUSES or ticket.queue_day != today:
        raise Conflict("error.sms.ticket_over", number=ticket.number)
    sms_store.add_for_ticket(tx, ticket.id, number, language, ticket.queue_day)
    tx.record(SmsNumberAdded(ticket_id=ticket.id, number=ticket.number, by=tx.actor))


def add_number_for_citizen(
    station: Station,
    officer: str,
    services: tuple[str, ...],
    ticket_number: str,
    raw: object,
    language: str,
) -> str:
    """An officer adds a citizen's number to a ticket of today in one of their counter's
    services (say after a transfer to a long queue); the masked number."""
    sms_config(station.config)
    number = normalise_number(raw)
    with station.store.write(officer, station.now()) as tx:
        today = begin(station, tx)
        ticket = repository.by_number(tx, today, ticket_number)
        if ticket is None or ticket.service not in services:
            raise NotFound("error.sms.unknown_number", number=ticket_number)
        register_number(tx, today, ticket, number, language)
    return mask(number)


def masked_booking_number(station: Station, booking: repository.BookingRow) -> str | None:
    """What the booking's page shows of its number (None: it has none)."""
    with station.store.read() as db:
        registered = sms_store.of_booking(db, booking.id)
    return mask(registered[0]) if registered else None


def masked_numbers(db: Reader, ticket_ids: list[int]) -> dict[int, str]:
    """What staff see of the tickets' numbers: {ticket id: 0812•••7890}."""
    return {ticket: mask(number) for ticket, number in sms_store.of_tickets(db, ticket_ids).items()}


# ---- the messages due ---------------------------------------------------------------------------


def message_body(
    station: Station,
    kind: MessageKind,
    language: str,
    ticket: Ticket,
    view: dict[str, Any],
    now: datetime,
) -> str:
    """The words of a message, before the station's name is put in front."""
    config = station.config
    if kind is MessageKind.ALMOST:
        ahead = view["ahead"] or 0
        key = "sms.almost_next" if ahead == 0 else "sms.almost"
        return text(key, language, number=ticket.number, n=ahead)
    if kind is MessageKind.CALLED:
        counter = config.counter_by_id.get(ticket.counter or "")
        place = config.shown_name(counter) if counter else ticket.counter or ""
        return text("sms.called", language, number=ticket.number, counter=place)
    until = requeue_until(station, ticket, now)
    if until is None:
        return text("sms.no_show_final", language, number=ticket.number)
    return text("sms.no_show", language, number=ticket.number, until=station.local(until).time())


@dataclass(frozen=True)
class Planned:
    """A message a ticket's state calls for, ready for the outbox."""

    ticket_id: int
    kind: MessageKind
    language: str
    text: str


def due_messages(station: Station, now: datetime) -> list[Planned]:
    """The message each of today's tickets with a number calls for now, not yet in the outbox."""
    today = station.today(now)
    with station.store.read() as db:
        registered = sms_store.registered_on(db, today)
        if not registered:
            return []
        ids = [entry.ticket_id for entry in registered]
        done = sms_store.queued_kinds(db, ids)
        tickets = repository.tickets_by_ids(db, ids)
        views = {view["id"]: view for view in ticket_views(station, db, tickets, now)}
    language = {entry.ticket_id: entry.language for entry in registered}
    planned = []
    for ticket in tickets:
        view = views[ticket.id]
        kind = due_kind(view["status"], bool(view["almost_turn"]))
        if kind is None or (ticket.id, kind.value) in done:
            continue
        body = message_body(station, kind, language[ticket.id], ticket, view, now)
        planned.append(Planned(ticket.id, kind, language[ticket.id], message_text(station, body)))
    return planned


def _bookings_to_remind(station: Station, now: datetime) -> list[int]:
    """The open bookings with a number whose slot starts within the reminder's time."""
    config = sms_config(station.config)
    until = now + timedelta(minutes=config.booking_reminder_minutes)
    with station.store.read() as db:
        found = sms_store.bookings_starting_before(db, now, until)
        return [
            entry.booking_id
            for entry in found
            if not sms_store.has_key(db, f"booking:{entry.booking_id}:booking_reminder")
        ]


def plan_messages(station: Station) -> int:
    """Put the messages due in the outbox (each kind once per ticket, a booking's reminder once);
    how many were new."""
    now = station.now()
    planned = due_messages(station, now)
    reminded = _bookings_to_remind(station, now)
    if not planned and not reminded:
        return 0
    new = 0
    with station.store.write("sms", now, durable=False) as tx:
        for booking_id in reminded:
            booking = repository.booking_by_id(tx, booking_id)
            if booking is not None:
                new += tell_booking(station, tx, booking, MessageKind.BOOKING_REMINDER)
        for message in planned:
            new += sms_store.queue(
                tx,
                key=f"{message.ticket_id}:{message.kind.value}",
                ticket_id=message.ticket_id,
                kind=message.kind.value,
                day=station.today(now),
                language=message.language,
                text=message.text,
            )
    return new
