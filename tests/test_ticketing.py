"""The pure queue rules, tested in microseconds: states, numbers, service days, who is next."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from shared.domain.config import CallPolicy, Service
from shared.domain.errors import Conflict
from shared.domain.queue_rules import (
    Move,
    QueueItem,
    Status,
    availability,
    call_order,
    format_number,
    may_requeue,
    next_in_line,
    regular_streak,
    service_day,
    transition,
)

WITA = ZoneInfo("Asia/Makassar")
T0 = datetime(2026, 5, 20, 0, 0, tzinfo=UTC)


def item(ticket_id: int, minute: int, *, priority: bool = False, service: str = "a") -> QueueItem:
    return QueueItem(T0 + timedelta(minutes=minute), ticket_id, service, priority)


def order(items: list[QueueItem], policy: CallPolicy, streak: int | None = None) -> list[int]:
    now = T0 + timedelta(minutes=60)
    return [chosen.id for chosen in call_order(items, policy, now, streak)]


@pytest.mark.parametrize(
    ("status", "move", "reached"),
    [
        (Status.WAITING, Move.CALL, Status.CALLED),
        (Status.CALLED, Move.RECALL, Status.CALLED),
        (Status.CALLED, Move.FINISH, Status.DONE),
        (Status.CALLED, Move.NO_SHOW, Status.NO_SHOW),
        (Status.CALLED, Move.TRANSFER, Status.WAITING),
        (Status.WAITING, Move.EXPIRE, Status.EXPIRED),
        (Status.NO_SHOW, Move.REQUEUE, Status.WAITING),
    ],
)
def test_allowed_moves_reach_the_next_status(status: Status, move: Move, reached: Status) -> None:
    assert transition(status, move) == reached


@pytest.mark.parametrize(
    ("status", "move"),
    [
        (Status.DONE, Move.CALL),
        (Status.WAITING, Move.FINISH),
        (Status.EXPIRED, Move.CALL),
        (Status.NO_SHOW, Move.TRANSFER),
        (Status.CALLED, Move.CALL),
        (Status.DONE, Move.REQUEUE),
    ],
)
def test_moves_from_the_wrong_status_are_refused(status: Status, move: Move) -> None:
    with pytest.raises(Conflict):
        transition(status, move)


@pytest.mark.parametrize(
    ("prefix", "sequence", "number"),
    [("A", 1, "A-001"), ("B", 17, "B-017"), ("C", 999, "C-999"), ("AB", 1000, "AB-1000")],
)
def test_numbers_are_prefix_hyphen_and_three_digits(
    prefix: str, sequence: int, number: str
) -> None:
    assert format_number(prefix, sequence) == number


def test_the_service_day_turns_at_local_midnight_not_utc_midnight() -> None:
    # 23:59 in Kupang is 15:59 UTC; 08:00 in Kupang is 00:00 UTC (the peers' bug).
    assert service_day(datetime(2026, 5, 20, 15, 59, tzinfo=UTC), WITA, time(0)) == date(
        2026, 5, 20
    )
    assert service_day(datetime(2026, 5, 20, 16, 0, tzinfo=UTC), WITA, time(0)) == date(2026, 5, 21)
    assert service_day(datetime(2026, 5, 20, 23, 59, tzinfo=UTC), WITA, time(0)) == date(
        2026, 5, 21
    )
    assert service_day(datetime(2026, 5, 21, 0, 0, tzinfo=UTC), WITA, time(0)) == date(2026, 5, 21)


def test_a_service_day_starting_at_six_keeps_the_night_shift_in_the_evening_day() -> None:
    night = datetime(2026, 5, 20, 21, 30, tzinfo=UTC)  # 05:30 WITA on the 21st
    morning = datetime(2026, 5, 20, 22, 0, tzinfo=UTC)  # 06:00 WITA on the 21st
    assert service_day(night, WITA, time(6)) == date(2026, 5, 20)
    assert service_day(morning, WITA, time(6)) == date(2026, 5, 21)


def test_priority_first_calls_priority_tickets_first_then_the_oldest() -> None:
    items = [item(1, 0), item(2, 5, priority=True), item(3, 1), item(4, 9, priority=True)]
    assert order(items, CallPolicy()) == [2, 4, 1, 3]


def test_ties_in_issue_time_go_to_the_lower_id() -> None:
    assert order([item(7, 3), item(5, 3)], CallPolicy()) == [5, 7]


def test_a_transferred_ticket_keeps_its_place_by_original_issue_time() -> None:
    transferred = item(9, 2)  # issued at minute 2, arrived in this queue last
    assert order([item(3, 4), item(4, 6), transferred], CallPolicy()) == [9, 3, 4]


def test_interleave_calls_one_priority_after_every_n_regulars() -> None:
    policy = CallPolicy(mode="interleave", interleave_every=2)
    regulars = [item(i, i) for i in range(1, 6)]
    priorities = [item(10 + i, i, priority=True) for i in range(1, 4)]
    # No priority call yet today: the first priority citizen goes first.
    assert order(regulars + priorities, policy) == [11, 1, 2, 12, 3, 4, 13, 5]
    # One regular call since the last priority call: one more regular first.
    assert order(regulars + priorities, policy, streak=1)[:3] == [1, 11, 2]


def test_anyone_waiting_past_the_maximum_goes_first_oldest_first() -> None:
    policy = CallPolicy(max_wait_minutes=45)
    items = [item(1, 10), item(2, 30, priority=True), item(3, 20)]
    # At minute 60, tickets from minute 15 or earlier are overdue: only ticket 1.
    assert order(items, policy) == [1, 2, 3]


def test_the_starvation_guard_also_beats_interleave() -> None:
    policy = CallPolicy(mode="interleave", interleave_every=3, max_wait_minutes=30)
    items = [item(1, 40), item(2, 5, priority=True), item(3, 50)]
    assert order(items, policy, streak=0) == [2, 1, 3]


def test_next_in_line_is_none_when_nobody_waits() -> None:
    assert next_in_line([], CallPolicy(), T0, None) is None


def test_regular_streak_counts_calls_since_the_last_priority_call() -> None:
    assert regular_streak([False, False, True, False]) == 2
    assert regular_streak([True]) == 0
    assert regular_streak([False, False]) is None


def _service(**fields: object) -> Service:
    return Service.model_validate(
        {"id": "d", "name": "Dokumen", "prefix": "D", "unit": "Lantas", **fields}
    )


def _local(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 5, day, hour, minute, tzinfo=WITA)


def test_a_service_without_hours_or_quota_is_always_open() -> None:
    assert availability(_service(), _local(20, 3), 500, _local(21, 0)).open


def test_a_service_outside_its_hours_is_closed_until_the_next_opening() -> None:
    service = _service(hours={"open": "08:00", "close": "15:00", "days": ["mon", "tue", "wed"]})
    assert availability(service, _local(20, 9), 0, _local(21, 0)).open  # Wednesday 09:00
    evening = availability(service, _local(20, 15), 0, _local(21, 0))
    assert (evening.open, evening.reason) == (False, "hours")
    # Thursday to Sunday are closed: the next opening is Monday the 25th at 08:00.
    assert evening.opens_at == _local(25, 8)
    early = availability(service, _local(20, 7, 59), 0, _local(21, 0))
    assert early.opens_at == _local(20, 8)


def test_hours_past_midnight_belong_to_the_day_they_opened() -> None:
    night = _service(hours={"open": "22:00", "close": "06:00", "days": ["wed"]})
    assert availability(night, _local(20, 23), 0, _local(21, 0)).open  # Wednesday night
    assert availability(night, _local(21, 5), 0, _local(22, 0)).open  # Thursday small hours
    assert not availability(night, _local(21, 23), 0, _local(22, 0)).open  # Thursday night


def test_a_full_daily_quota_closes_the_service_until_the_next_service_day() -> None:
    service = _service(daily_quota=150)
    assert availability(service, _local(20, 9), 149, _local(21, 0)).open
    full = availability(service, _local(20, 9), 150, _local(21, 0))
    assert (full.open, full.reason, full.opens_at) == (False, "quota", _local(21, 0))


def test_a_no_show_may_come_back_only_within_the_window() -> None:
    marked = T0
    assert may_requeue(marked, T0 + timedelta(minutes=30), 30)
    assert not may_requeue(marked, T0 + timedelta(minutes=31), 30)
    assert not may_requeue(marked, T0, 0)
