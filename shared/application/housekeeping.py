"""What every ticket-changing write transaction shares: the day's housekeeping it starts with
(`begin`), saving a ticket's or a booking's move with its event, the public waiting counts it
records, and expiring the tickets of ended days."""

from __future__ import annotations

from datetime import date
from typing import Any

from shared.application import board_view
from shared.application.sms_notices import tell_carried
from shared.application.station import Station
from shared.domain import carryover, slots
from shared.domain.booking import BookingMove, transition
from shared.domain.clock import utc_text
from shared.domain.events import BookingEvent, BookingMissed, Event, QueueWaiting
from shared.domain.queue_rules import Move
from shared.domain.ticket import Ticket, apply
from shared.store import repository, sms_store
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


def record_waiting(station: Station, tx: Transaction, today: date, *first: Event) -> None:
    """Log the public waiting counts as the transaction leaves them, after `first` (events
    recorded in the same statement)."""
    tx.record(*first, QueueWaiting(waiting=board_view.public_waiting(station, tx, today)))


DAY_CLOSED = "day closed"  # the reason logged for a service's own `carry_over`


def begin(station: Station, tx: Transaction) -> date:
    """Every ticket-changing transaction starts by closing yesterday's queue (its waiting
    tickets expire, or are carried over where their service says `carry_over`), ending the
    carried-over tickets whose day passed, closing the bookings nobody came for, and sending
    booked tickets whose slot began to the front (unless their citizen let others go first)."""
    today = station.today(tx.now)
    if not repository.housekeeping_due(tx, today, tx.now):
        return today
    closed = repository.waiting_before(tx, today)
    for ticket in closed:
        service = station.config.service_by_id.get(ticket.service)
        if service is not None and service.carry_over:
            until = carryover.valid_until(service, ticket.queue_day)
            carried = save_move(
                tx, ticket, Move.CARRY_OVER,
                valid_until=until.isoformat(), by="config", reason=DAY_CLOSED,
            )  # fmt: skip
            tell_carried(station, tx, carried)
        else:
            save_move(tx, ticket, Move.EXPIRE)
    for ticket in repository.carried_lapsed(tx, today):
        assert ticket.carried_until is not None
        save_move(tx, ticket, Move.LAPSE, valid_until=ticket.carried_until.isoformat())
    if closed:
        record_waiting(station, tx, today)
    _close_missed_bookings(station, tx)
    mode = station.config.call_policy.bookings
    for ticket in repository.booked_waiting_due(tx, tx.now) if mode == "first" else ():
        assert ticket.booked_for is not None
        if ticket.step_backs:
            continue  # its citizen let others go first: it keeps the place they chose
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
    """Close earlier service days' queues and forget their idempotency keys and the mobile
    numbers registered for SMS (personal data: kept for the day only).

    Runs periodically, so boards roll over at the day's start even when nobody acts.
    """
    with station.store.write("system", station.now()) as tx:
        today = begin(station, tx)
        repository.forget_requests_before(tx, today)
        sms_store.forget_numbers_before(tx, today)
