"""What a counter, kiosk or board does per action costs the same after weeks of history as
after one day: no query on the call path reads the station's history.

Cost is counted in SQLite's virtual-machine steps (a progress handler on the store's
connections), which are exact and repeatable where times are not, and grow with every index
entry or row a query reads. The same morning is played after three busy days and after
seven: each action, the views that answer it, the reports' audit check and the morning's
own report must take about as many steps both times. (Three days first, so that queries
bounded by a LIMIT, such as the latest service times, already read all they ever will.)
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from satupintu.app import open_station
from shared.application import (
    audit,
    board_view,
    desk_actions,
    desk_view,
    services,
    ticket_issue,
    ticket_reads,
)
from shared.application.reporting import reports
from shared.application.station import Station
from shared.domain.clock import ManualClock
from shared.domain.errors import SatuPintuError
from shared.store import store
from tests.admin_fixtures import busy_day, oversight_config
from tests.helpers import MORNING

pytestmark = pytest.mark.slow  # it simulates eight busy days: tens of seconds, not milliseconds

STEPS_PER_TICK = 10
DAY_HOURS = 10


class Steps:
    """Counts the VM steps every connection of the store runs while an action is measured."""

    def __init__(self) -> None:
        self.connections: list[sqlite3.Connection] = []
        self.ticks = 0
        self.measuring = False

    def connect(self, path: Path) -> sqlite3.Connection:
        connection = ORIGINAL_CONNECT(path)
        connection.execute("PRAGMA synchronous = OFF")  # only to build the history faster
        self.connections.append(connection)
        if self.measuring:
            connection.set_progress_handler(self._tick, STEPS_PER_TICK)
        return connection

    def _tick(self) -> int:
        self.ticks += 1
        return 0

    def measure(self, action: Callable[[], Any]) -> int:
        self.ticks = 0
        self.measuring = True
        for connection in self.connections:
            connection.set_progress_handler(self._tick, STEPS_PER_TICK)
        try:
            action()
        finally:
            self.measuring = False
            for connection in self.connections:
                connection.set_progress_handler(None, 0)
        return self.ticks * STEPS_PER_TICK


ORIGINAL_CONNECT = store.connect


def refused(action: Callable[[], Any]) -> Callable[[], None]:
    def run() -> None:
        with pytest.raises(SatuPintuError):
            action()

    return run


def morning(station: Station, clock: ManualClock, day: int, steps: Steps) -> dict[str, int]:
    """The same hour at loket-1 on any day: each action's steps, the views', the check's and
    the day's report's."""
    clock.set(MORNING + timedelta(days=day))
    for _ in range(3):
        ticket_issue.issue_ticket(station, "lapor")  # the first also closes yesterday's queues
    audit.check_recent(station)  # as the housekeeping does: the next check starts here
    counter = station.config.counter_by_id["loket-1"]
    token = ticket_issue.issue_ticket(station, "lapor").ticket["token"]
    measured: dict[str, int] = {}

    def measure(name: str, action: Callable[[], Any]) -> None:
        clock.advance(minutes=1)
        measured[name] = steps.measure(action)

    measure("issue", lambda: ticket_issue.issue_ticket(station, "surat"))
    measure("call_next", lambda: desk_actions.call_next(station, "loket-1", "budi"))
    measure("recall", lambda: desk_actions.recall(station, "loket-1", "budi"))
    measure("done", lambda: desk_actions.finish(station, "loket-1", "budi"))
    desk_actions.call_next(station, "loket-1", "budi")
    measure("no_show", lambda: desk_actions.no_show(station, "loket-1", "budi"))
    desk_actions.call_next(station, "loket-1", "budi")
    measure("transfer", lambda: desk_actions.transfer(station, "loket-1", "lantas", "budi"))
    measure("state", lambda: desk_actions.set_counter_state(station, "loket-1", "break", "budi"))
    desk_actions.set_counter_state(station, "loket-1", "open", "budi")
    measure(
        "call", lambda: desk_actions.call_number(station, "loket-1", "B-001", "janji temu", "budi")
    )
    measure(
        "call_unknown",
        refused(
            lambda: desk_actions.call_number(station, "loket-1", "A-999", "janji temu", "budi")
        ),
    )
    measure("counter_view", lambda: desk_view.counter_desk(station, counter))
    measure("board_snapshot", lambda: board_view.board_snapshot(station))
    measure("ticket_view", lambda: ticket_reads.ticket_by_token(station, token))
    measure("audit_check", lambda: audit.check_recent(station))
    today = reports.Period(station.today(), station.today())
    measure("day_report", lambda: reports.build_report(reports.station_source(station), today))
    return measured


@pytest.fixture
def steps(monkeypatch: pytest.MonkeyPatch) -> Steps:
    counting = Steps()
    monkeypatch.setattr(store, "connect", counting.connect)
    return counting


@pytest.fixture
def hall(tmp_path: Path, steps: Steps) -> Iterator[tuple[Station, ManualClock]]:
    clock = ManualClock(MORNING)
    station = open_station(oversight_config(tmp_path), clock=clock)
    services.ensure_counters(station)
    yield station, clock
    station.store.close()


def play_busy_days(station: Station, clock: ManualClock, first: int, last: int) -> None:
    for day in range(first, last):
        start = MORNING - timedelta(hours=1) + timedelta(days=day)
        busy_day(station, clock, start, start + timedelta(hours=DAY_HOURS), seed=day)


def test_a_morning_costs_the_same_after_seven_busy_days_as_after_three(
    hall: tuple[Station, ManualClock], steps: Steps
) -> None:
    station, clock = hall
    play_busy_days(station, clock, 0, 3)
    after_three = morning(station, clock, 3, steps)
    play_busy_days(station, clock, 4, 8)
    after_seven = morning(station, clock, 8, steps)

    grown = {
        name: (steps_then, after_seven[name])
        for name, steps_then in after_three.items()
        if after_seven[name] > steps_then * 1.1 + 200
    }
    assert grown == {}
