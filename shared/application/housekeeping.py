"""What every ticket-changing write transaction shares: the day's housekeeping it starts with
(`begin`), saving a ticket's or a booking's move with its event, the public waiting counts it
records, and expiring the tickets of ended days."""

from __future__ import annotations

from datetime import date
from typing import Any

from shared.application import board_view
from shared.application.station import Station
from shared.domain import slots
from shared.domain.booking import BookingMove, transition
from shared.domain.clock import utc_text
from shared.domain.events import BookingEvent, BookingMissed, QueueWaiting
from shared.domain.queue_rules import Move
from shared.domain.ticket import Ticket, apply
from shared.store import repository
from shared.store.store import Transaction


def save_move(tx: Transaction, ticket: Ticket, move: Move, **details: Any) -> Ticket:
    """Make a move on a ticket: decide (pure), save, record its event."""
    moved, event = apply(ticket, move, tx.now, **details)
    repository.save(tx, moved)
    tx.record(event)
    return moved


def save_booking_move(
    tx: Transaction, booking: repository.BookingRow, move: BookingMove, event: type[BookingEvent]
) -> str:
    """Make a move on a booking that only changes its status: the table decides, the status is
    saved and the move's event recorded; the new status."""
    status = transition(booking.status, move, booking.code)
    repository.set_booking_status(tx, booking.id, status)
    tx.record(
        event(booking_id=booking.id, service=booking.service, starts_at=utc_text(booking.starts_at))
    )
    return status


def record_waiting(station: Station, tx: Transaction, today: date) -> None:
    tx.record(QueueWaiting(waiting=board_view.public_waiting(station, tx, today)))


def begin(station: Station, tx: Transaction) -> date:
    """Every ticket-changing transaction starts by closing yesterday's queue, closing the
    bookings nobody came for, and sending booked tickets whose slot began to the front."""
    today = station.today(tx.now)
    expired = repository.waiting_before(tx, today)
    for ticket in expired:
        save_move(tx, ticket, Move.EXPIRE)
    if expired:
        record_waiting(station, tx, today)
    _close_missed_bookings(station, tx)
    mode = station.config.call_policy.bookings
    for ticket in repository.booked_waiting_due(tx, tx.now) if mode == "first" else ():
        assert ticket.booked_for is not None
        if slots.due_for_front(mode, ticket.booked_for, ticket.queue_at, tx.now):
            save_move(
                tx,
                ticket,
                Move.BOOKING_DUE,
                queue_at=utc_text(slots.front_place(ticket.booked_for)),
            )
    return today


def _close_missed_bookings(station: Station, tx: Transaction) -> None:
    """Bookings whose check-in has closed with nobody come are missed."""
    config = station.config
    found = [
        (booking, config.service_by_id.get(booking.service))
        for booking in repository.open_bookings_started_before(tx, tx.now)
    ]
    for booking, service in found:
        rules = service.booking if service else None
        if rules is None or tx.now > slots.check_in_closes(rules, booking.starts_at):
            save_booking_move(tx, booking, BookingMove.MISS, BookingMissed)


def expire_past_days(station: Station) -> None:
    """Close earlier service days' queues and forget their idempotency keys.

    Runs periodically, so boards roll over at the day's start even when nobody acts.
    """
    with station.store.write("system", station.now()) as tx:
        today = begin(station, tx)
        repository.forget_requests_before(tx, today)
