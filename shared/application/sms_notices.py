"""SMS a move tells by itself, queued in the move's own transaction (config `sms:`).

A suspended or resumed service, a ticket carried over to another day and a booking's number
added are told when they happen, to the number registered for that ticket or booking, in its
language, as one GSM 7-bit SMS. Each is queued once: its outbox key names the ticket (or
booking), the kind and, for a suspension, the suspension it is about. No message names the
service or its unit (a private service's must not; the ticket's number says which it is).
The messages a ticket's state calls for (almost your turn, called, no-show) and a booking's
reminder are `shared.application.sms.plan_messages`' work.
"""

from __future__ import annotations

from typing import Any

from shared.application.station import Station
from shared.domain.i18n import text
from shared.domain.sms import MessageKind, fit_message
from shared.domain.suspension import Suspension
from shared.domain.ticket import Ticket
from shared.store import repository, sms_store
from shared.store.store import Transaction


def message_text(station: Station, body: str) -> str:
    """A message as sent: the station's name, then the words, as one GSM 7-bit SMS."""
    return fit_message(station.config.station.name, body)


def tell_ticket(
    station: Station,
    tx: Transaction,
    ticket: Ticket,
    kind: MessageKind,
    key: str,
    words: str | None = None,
    **params: Any,
) -> bool:
    """Queue the message (the catalogue's `words`, else `sms.<kind>`) for a ticket with a
    number, once per `key`; whether it was queued."""
    if station.config.sms is None:
        return False
    registered = sms_store.of_ticket(tx, ticket.id)
    if registered is None:
        return False
    words = words or f"sms.{kind.value}"
    body = text(words, registered.language, number=ticket.number, **params)
    return sms_store.queue(
        tx,
        key=key,
        ticket_id=ticket.id,
        kind=kind.value,
        day=station.today(tx.now),
        language=registered.language,
        text=message_text(station, body),
    )


def _suspension_key(ticket: Ticket, kind: MessageKind, found: Suspension) -> str:
    return f"{ticket.id}:{kind.value}:{found.since.isoformat()}"


def tell_suspended(station: Station, tx: Transaction, found: Suspension) -> None:
    """The service is suspended: its waiting tickets with a number hear it, once for this
    suspension (a changed reason or expected time tells nothing new)."""
    today = station.today(tx.now)
    until = station.local(found.until).time() if found.until else None
    for ticket in repository.waiting_of(tx, today, [found.service]):
        key = _suspension_key(ticket, MessageKind.SUSPENDED, found)
        if until is None:
            tell_ticket(station, tx, ticket, MessageKind.SUSPENDED, key)
        else:
            words = "sms.suspended_until"
            tell_ticket(station, tx, ticket, MessageKind.SUSPENDED, key, words, until=until)


def tell_resumed(station: Station, tx: Transaction, found: Suspension) -> None:
    """The service resumed: the waiting tickets told of this suspension hear it."""
    today = station.today(tx.now)
    for ticket in repository.waiting_of(tx, today, [found.service]):
        told = _suspension_key(ticket, MessageKind.SUSPENDED, found)
        if sms_store.has_key(tx, told):
            key = _suspension_key(ticket, MessageKind.RESUMED, found)
            tell_ticket(station, tx, ticket, MessageKind.RESUMED, key)


def tell_carried(station: Station, tx: Transaction, ticket: Ticket) -> None:
    """A ticket carried over: until which day the kiosk takes it back."""
    if ticket.carried_until is None:
        return
    key = f"{ticket.id}:{MessageKind.CARRIED.value}"
    tell_ticket(station, tx, ticket, MessageKind.CARRIED, key, date=ticket.carried_until)


def tell_booking(
    station: Station,
    tx: Transaction,
    booking: repository.BookingRow,
    kind: MessageKind,
) -> bool:
    """A booking's confirmation or reminder, to its number (once each); whether queued."""
    registered = sms_store.of_booking(tx, booking.id)
    if station.config.sms is None or registered is None:
        return False
    _, language = registered
    starts = station.local(booking.starts_at)
    body = text(
        f"sms.{kind.value}", language, code=booking.code, date=starts.date(), time=starts.time()
    )
    return sms_store.queue(
        tx,
        key=f"booking:{booking.id}:{kind.value}",
        ticket_id=None,
        booking_id=booking.id,
        kind=kind.value,
        day=station.today(tx.now),
        language=language,
        text=message_text(station, body),
    )
