"""A booking's one lifecycle, tested without a database: every move from every status.

The table decides; a refused move says why with the message users see (a kiosk's refused
check-in as `booking_expired`, any other as a conflict)."""

from __future__ import annotations

import pytest

from shared.domain.booking import RULES, BookingMove, BookingStatus, transition
from shared.domain.errors import BookingExpired, Conflict, Refused


def test_the_table_says_something_for_every_move_from_every_status() -> None:
    assert set(RULES) == {(status, move) for status in BookingStatus for move in BookingMove}


@pytest.mark.parametrize(("status", "move"), sorted(RULES))
def test_every_move_from_every_status_does_what_the_table_says(
    status: BookingStatus, move: BookingMove
) -> None:
    rule = RULES[(status, move)]
    if isinstance(rule, Refused):
        with pytest.raises(Conflict if move != BookingMove.CHECK_IN else BookingExpired) as error:
            transition(status, move, "BK7Q2")
        assert error.value.message_key == rule.message
        assert error.value.params == {"code": "BK7Q2"}
    else:
        assert transition(status, move, "BK7Q2") == rule


def test_only_a_booked_booking_is_cancelled_missed_or_printed() -> None:
    for move in (BookingMove.CANCEL, BookingMove.MISS, BookingMove.PRINT_SLIP):
        open_ones = {s for s in BookingStatus if not isinstance(RULES[(s, move)], Refused)}
        assert open_ones == {BookingStatus.BOOKED}


def test_a_repeated_check_in_changes_nothing() -> None:
    assert transition(BookingStatus.CHECKED_IN, BookingMove.CHECK_IN, "X") == (
        BookingStatus.CHECKED_IN
    )


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (BookingStatus.CANCELLED, "error.booking_cancelled"),
        (BookingStatus.MISSED, "error.booking_missed"),
    ],
)
def test_a_closed_booking_says_why_it_cannot_be_checked_in(
    status: BookingStatus, message: str
) -> None:
    with pytest.raises(BookingExpired) as refused:
        transition(status, BookingMove.CHECK_IN, "BK7Q2")
    assert refused.value.message_key == message


def test_a_checked_in_booking_cannot_be_cancelled() -> None:
    with pytest.raises(Conflict) as refused:
        transition(BookingStatus.CHECKED_IN, BookingMove.CANCEL, "BK7Q2")
    assert refused.value.message_key == "error.booking_checked_in"
