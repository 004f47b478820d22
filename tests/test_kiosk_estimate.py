"""The wait estimate: the queue played forward over the counters, and a simulated day's error."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from bench.estimate import simulate_day
from shared.application import desk_actions, positions, ticket_issue, ticket_reads
from shared.application.station import Station
from shared.domain import estimates
from shared.domain.clock import ManualClock
from shared.domain.config import CallPolicy
from shared.domain.estimates import CounterLoad, CounterNow, estimate_wait_minutes
from shared.domain.queue_rules import QueueItem
from shared.store import repository
from tests.helpers import MORNING

TEN = {"a": 10.0, "b": 5.0}


def item(ticket_id: int, service: str = "a", priority: bool = False) -> QueueItem:
    return QueueItem(MORNING + timedelta(minutes=ticket_id), ticket_id, service, priority)


def counter(*services: str, free_in: float = 0.0) -> CounterLoad:
    return CounterLoad(services or ("a",), free_in, None)


def estimate(waiting: list[QueueItem], counters: list[CounterLoad], **policy: object) -> dict:
    return estimate_wait_minutes(waiting, counters, TEN, CallPolicy(**policy), MORNING)


def test_idle_counters_call_at_once_and_then_every_service_time() -> None:
    waiting = [item(n) for n in range(1, 6)]
    assert estimate(waiting, [counter(), counter()]) == {1: 0, 2: 0, 3: 10, 4: 10, 5: 20}


def test_a_counter_still_serving_someone_is_free_when_that_citizen_is_done() -> None:
    assert estimate([item(1), item(2)], [counter(free_in=4), counter(free_in=7)]) == {1: 4, 2: 7}


def test_tickets_of_other_services_at_shared_counters_count_too() -> None:
    waiting = [item(1, "b"), item(2, "b"), item(3, "a")]
    assert estimate(waiting, [counter("a", "b")]) == {1: 0, 2: 5, 3: 10}


def test_priority_tickets_go_first_and_lengthen_the_regular_wait() -> None:
    waiting = [item(1), item(2), item(3, priority=True)]
    assert estimate(waiting, [counter()]) == {3: 0, 1: 10, 2: 20}
    interleaved = estimate(waiting, [CounterLoad(("a",), 0, 0)], mode="interleave")
    assert interleaved == {1: 0, 2: 10, 3: 20}


def test_the_same_queue_later_is_estimated_afresh_only_where_the_clock_matters() -> None:
    waiting = [item(1), item(2), item(3, priority=True)]
    guard = CallPolicy(max_wait_minutes=30)
    assert estimate_wait_minutes(waiting, [counter()], TEN, guard, MORNING) == {3: 0, 1: 10, 2: 20}
    later = MORNING + timedelta(minutes=40)  # everyone has waited too long: oldest first
    assert estimate_wait_minutes(waiting, [counter()], TEN, guard, later) == {1: 0, 2: 10, 3: 20}
    # Without the starvation guard the minutes count from now, whatever now is.
    assert estimate_wait_minutes(waiting, [counter()], TEN, CallPolicy(), later) == {
        3: 0,
        1: 10,
        2: 20,
    }


def test_a_ticket_no_counter_calls_gets_no_estimate() -> None:
    assert estimate([item(1, "b")], [counter("a")]) == {}


def test_the_estimate_learns_the_real_service_time_and_sees_breaks(
    station: Station, clock: ManualClock
) -> None:
    for _ in range(6):
        ticket_issue.issue_ticket(station, "lantas")  # loket-3 alone, standard 15 minutes
    for _ in range(4):
        desk_actions.call_next(station, "loket-3", "budi")
        clock.advance(minutes=5)
    desk_actions.finish(station, "loket-3", "budi")
    last = ticket_issue.issue_ticket(station, "lantas").ticket
    with station.store.read() as db:
        times = repository.latest_counter_minutes(db, "lantas", estimates.SERVICE_TIME_SAMPLE)
    learned = estimates.typical_minutes(times, 15.0)
    assert 5 < learned < 10  # four 5-minute tickets count more than the standard 15
    assert last["estimated_wait_minutes"] == round(2 * learned)
    desk_actions.set_counter_state(station, "loket-3", "break", "budi")
    on_break = ticket_reads.ticket_by_token(station, last["token"])
    assert on_break["estimated_wait_minutes"] > last["estimated_wait_minutes"]


def test_the_typical_time_weighs_recent_tickets_more_and_trims_the_extremes() -> None:
    assert estimates.typical_minutes([], 15.0) == 15.0
    recent_fast = estimates.typical_minutes([5.0] * 4 + [20.0] * 4, 15.0)
    recent_slow = estimates.typical_minutes([20.0] * 4 + [5.0] * 4, 15.0)
    assert recent_fast < recent_slow
    one_outlier = [10.0] * 9 + [600.0]
    assert estimates.typical_minutes(one_outlier, 10.0) == pytest.approx(10.0)


def test_a_busy_counter_is_free_after_the_rest_of_its_citizens_time() -> None:
    moment = MORNING + timedelta(minutes=4)
    busy = CounterNow(("a",), True, serving_service="a", serving_since=MORNING)
    late = CounterNow(("a",), True, serving_service="a", serving_since=MORNING - timedelta(hours=1))
    [load] = estimates.counter_loads([busy], TEN, moment)
    assert load.free_in_minutes == 6.0  # 10 minutes typical, 4 already gone
    [overrun] = estimates.counter_loads([late], TEN, moment)
    assert overrun.free_in_minutes == 2.5  # past its time: a quarter of it more


def test_a_service_whose_counters_are_all_on_break_waits_for_one_to_come_back() -> None:
    [back] = estimates.counter_loads([CounterNow(("b",), False)], TEN, MORNING)
    assert (back.services, back.free_in_minutes) == (("b",), 5.0)
    assert estimates.counter_loads([CounterNow(("b",), False), CounterNow(("b",), True)], TEN,
                                   MORNING)[0].free_in_minutes == 0  # fmt: skip


def test_a_ticket_deeper_than_the_played_queue_is_extrapolated() -> None:
    played = [item(n) for n in range(1, 4)]
    loads = [counter(), counter()]
    wanted = {1: ("a", 0), 9: ("a", 8)}
    found = estimates.wait_estimates(played, loads, TEN, CallPolicy(), MORNING, wanted)
    # 3 played: the last at 10 minutes; 6 more ahead of #9 shared by 2 counters of 10 minutes
    assert found == {1: 0, 9: 10 + 30}


def test_tickets_deep_in_a_long_queue_share_the_counters_evenly(
    station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    issued = [ticket_issue.issue_ticket(station, "lantas").ticket for _ in range(6)]
    played = [ticket["estimated_wait_minutes"] for ticket in issued]
    assert played == [0, 15, 30, 45, 60, 75]  # loket-3 alone, the standard 15 minutes each
    monkeypatch.setattr(positions, "PROJECTION_DEPTH", 2)
    assert (
        ticket_reads.ticket_by_token(station, issued[-1]["token"])["estimated_wait_minutes"] == 75
    )


@pytest.mark.slow
def test_on_a_simulated_day_the_estimate_beats_the_naive_ones(tmp_path: Path) -> None:
    day = simulate_day(tmp_path, seed=2026)
    assert len(day.tickets) > 80
    naive = day.mae("naive")  # the service's standard time x the people ahead
    per_service = day.mae("per_service")  # the formula it replaced
    assert day.mae("estimate") < 0.8 * min(naive, per_service)
