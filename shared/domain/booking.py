"""A booking's one lifecycle: its statuses, the moves made on it and, for a refused move, why.

A booking is made `booked`; the citizen cancels it or checks in at the kiosk, or the check-in
window closes with nobody come (missed). `RULES` says for every (status, move) what the move
leads to, or the message that refuses it; `transition` is the only place that decides. No Flask,
no SQL, no clock.
"""

from __future__ import annotations

from enum import StrEnum

from shared.domain.errors import BookingExpired, Conflict, Refused


class BookingStatus(StrEnum):
    BOOKED = "booked"
    CANCELLED = "cancelled"
    CHECKED_IN = "checked_in"
    MISSED = "missed"


class BookingMove(StrEnum):
    CANCEL = "cancel"  # the citizen gives the place up
    CHECK_IN = "check_in"  # the citizen came: a repeated check-in changes nothing
    MISS = "miss"  # the check-in window closed with nobody come
    PRINT_SLIP = "print_slip"  # an officer prints the slip of a booking made at the counter


# Why a booking that is no longer open refuses a move, by its status.
NO_LONGER_OPEN = {
    BookingStatus.CANCELLED: Refused("error.booking_cancelled"),
    BookingStatus.CHECKED_IN: Refused("error.booking_checked_in"),
    BookingStatus.MISSED: Refused("error.booking_missed"),
}
# The whole lifecycle: (status, move) -> the status it reaches, or why not.
RULES: dict[tuple[BookingStatus, BookingMove], BookingStatus | Refused] = {
    **{
        (status, move): refused
        for status, refused in NO_LONGER_OPEN.items()
        for move in BookingMove
    },
    (BookingStatus.BOOKED, BookingMove.CANCEL): BookingStatus.CANCELLED,
    (BookingStatus.BOOKED, BookingMove.CHECK_IN): BookingStatus.CHECKED_IN,
    (BookingStatus.BOOKED, BookingMove.MISS): BookingStatus.MISSED,
    (BookingStatus.BOOKED, BookingMove.PRINT_SLIP): BookingStatus.BOOKED,
    (BookingStatus.CHECKED_IN, BookingMove.CHECK_IN): BookingStatus.CHECKED_IN,
}


def transition(status: BookingStatus, move: BookingMove, code: str) -> BookingStatus:
    """The status `move` leads a booking (its `code`, for the message) to, or the table's
    refusal: a kiosk's refused check-in is BookingExpired, any other refusal Conflict."""
    rule = RULES[(status, move)]
    if isinstance(rule, Refused):
        kind = BookingExpired if move == BookingMove.CHECK_IN else Conflict
        raise kind(rule.message, code=code)
    return rule
