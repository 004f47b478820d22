"""How long oversight takes on a month of a busy hall: reports, the dashboard, the audit check.

Builds 30 days of `tests.admin_fixtures.busy_day` (about 240 tickets a day) through the
service layer into a temporary database, then times each computation. Run:
`.venv/bin/python -m bench.oversight [--days N]`.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from admin import reports
from satupintu.app import open_station
from shared import audit
from shared.clock import ManualClock
from shared.services import ensure_counters
from tests.admin_fixtures import busy_day, oversight_config
from tests.helpers import MORNING

DAY_HOURS = 10


def timed(label: str, action: Callable[[], Any], repeat: int = 3) -> Any:
    """Run `action` a few times; print the best time (the others warm caches)."""
    best = float("inf")
    result = None
    for _ in range(repeat):
        started = time.perf_counter()
        result = action()
        best = min(best, time.perf_counter() - started)
    print(f"{label:<48} {best * 1000:8.0f} ms")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--days", type=int, default=30)
    days = parser.parse_args().days
    with tempfile.TemporaryDirectory() as folder:
        clock = ManualClock(MORNING)
        station = open_station(oversight_config(Path(folder)), clock=clock)
        ensure_counters(station)
        started = time.perf_counter()
        for offset in range(days):
            start = MORNING - timedelta(hours=1) + timedelta(days=offset)
            busy_day(station, clock, start, start + timedelta(hours=DAY_HOURS), seed=offset)
        with station.store.read() as db:
            counts = db.one("SELECT COUNT(*) AS events, MAX(ticket_id) AS tickets FROM events")
        assert counts is not None
        print(
            f"{days} days: {counts['tickets']} tickets, {counts['events']} events "
            f"(built in {time.perf_counter() - started:.0f} s)"
        )
        first = date(2026, 5, 20)
        last_day = first + timedelta(days=days - 1)
        timed(
            "report of one day",
            lambda: reports.build_report(station, reports.Period(last_day, last_day)),
        )
        timed(
            f"report of {days} days",
            lambda: reports.build_report(station, reports.Period(first, last_day)),
        )
        timed("dashboard (today so far)", lambda: reports.dashboard_figures(station))
        timed("shift hand-over", lambda: reports.handover(station))
        verdict = timed(
            "audit check (chain, anchors, tickets table)", lambda: audit.check_station(station)
        )
        assert verdict.ok
        station.store.close()


if __name__ == "__main__":
    main()
