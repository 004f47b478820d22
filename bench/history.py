"""A year of a busy hall: does oversight stay as fast after 365 days as after 30?

Builds busy days (`tests.admin_fixtures.busy_day`, about 200 tickets a day) through the real
service layer into one database, and at 30, 90, 180 and 365 days times, best of three:

- a day's report and a 30-day report (`shared.reporting.reports.build_report`, its audit
  check included);
- the dashboard's figures (today so far, and the shift hand-over);
- `audit verify`'s whole check of the log;
- and against a real `satupintu serve` on that database: a kiosk issuing tickets back to back
  while a supervisor asks for a 30-day report, its worst issue latency.

The reports' audit check verifies from the last verified row, which the server's housekeeping
keeps current; so does this benchmark before it times. The database is built with
`synchronous=OFF` (a bench-only shortcut: the data are the same, only the build is faster).

Run: `make bench` or `.venv/bin/python -m bench.history [--days 30 90 180 365]`.
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import requests

from satupintu.app import open_station
from shared import audit, services, store
from shared.clock import ManualClock
from shared.reporting import reports
from shared.station import Station
from shared.users import add_user
from tests.admin_fixtures import busy_day, oversight_services
from tests.helpers import MORNING, make_config
from tests.realserver import PASSWORD, ServerProcess

DAY_HOURS = 10
CHECKPOINTS = (30, 90, 180, 365)
FIRST_DAY = date(2026, 5, 20)  # MORNING's service day


def fast_connect(path: Path) -> sqlite3.Connection:
    connection = original_connect(path)
    connection.execute("PRAGMA synchronous = OFF")
    return connection


original_connect = store.connect


def best_ms(action: Callable[[], Any], repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        best = min(best, time.perf_counter() - started)
    return best * 1000


def kiosk_during_report(station: Station, folder: Path, last_day: date) -> tuple[float, float]:
    """A real server on a copy of the database: the kiosk's worst and median issue latency
    (ms) while a supervisor asks for the 30-day report ending on `last_day` (three times).

    A copy, because the server lives in real time (today) and the history must stay in May.
    """
    (folder / "server").mkdir(exist_ok=True)
    copy = folder / "server" / "copy.db"
    copy.unlink(missing_ok=True)
    station.store.backup(copy)
    server = ServerProcess(folder / "server", services=oversight_services(), database=str(copy))
    server.start()
    latencies: list[float] = []
    stop = threading.Event()

    def kiosk() -> None:
        http = requests.Session()
        while not stop.is_set():
            started = time.perf_counter()
            response = http.post(
                f"{server.url}/api/tickets", json={"service": "lantas"}, timeout=30
            )
            latencies.append(time.perf_counter() - started)
            if response.status_code != 201:
                raise RuntimeError(response.text)
            time.sleep(0.02)

    try:
        supervisor = server.session("sari")
        first = last_day - timedelta(days=29)
        url = f"{server.url}/api/admin/reports?from={first}&to={last_day}"
        supervisor.get(url, timeout=300)  # the worker starts and catches up once
        thread = threading.Thread(target=kiosk, daemon=True)
        thread.start()
        time.sleep(1)
        for _ in range(3):
            assert supervisor.get(url, timeout=300).status_code == 200
        stop.set()
        thread.join(timeout=60)
    finally:
        server.stop()
    return max(latencies) * 1000, statistics.median(latencies) * 1000


def measure(station: Station, folder: Path, days: int) -> dict[str, float]:
    last_day = FIRST_DAY + timedelta(days=days - 1)
    audit.check_recent(station)  # as the server's housekeeping does every minute

    def source() -> reports.Source:
        return reports.station_source(station)

    figures = {
        "day_report_ms": best_ms(
            lambda: reports.build_report(source(), reports.Period(last_day, last_day))
        ),
        "month_report_ms": best_ms(
            lambda: reports.build_report(
                source(), reports.Period(last_day - timedelta(days=29), last_day)
            )
        ),
        "dashboard_ms": best_ms(
            lambda: (reports.dashboard_figures(source()), reports.handover(source()))
        ),
        "audit_verify_ms": best_ms(lambda: audit.check_station(station), repeat=1),
    }
    worst, median = kiosk_during_report(station, folder, last_day)
    figures["kiosk_worst_ms"] = worst
    figures["kiosk_median_ms"] = median
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, nargs="+", default=list(CHECKPOINTS))
    checkpoints = sorted(parser.parse_args().days)
    store.connect = fast_connect  # type: ignore[assignment]
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        clock = ManualClock(MORNING)
        config = make_config(folder, services=oversight_services())
        station = open_station(config, clock=clock)
        services.ensure_counters(station)
        add_user(station, "sari", "supervisor", PASSWORD, "bench")
        built = 0
        started = time.perf_counter()
        for days in checkpoints:
            while built < days:
                start = MORNING - timedelta(hours=1) + timedelta(days=built)
                busy_day(station, clock, start, start + timedelta(hours=DAY_HOURS), seed=built)
                built += 1
            with station.store.read() as db:
                counts = db.one("SELECT COUNT(*) AS events, MAX(ticket_id) AS tickets FROM events")
            assert counts is not None
            figures = measure(station, folder, days)
            print(
                f"{days:>3} days ({counts['tickets']:,} tickets, {counts['events']:,} events; "
                f"built in {time.perf_counter() - started:.0f} s): "
                f"day report {figures['day_report_ms']:.0f} ms, "
                f"30-day report {figures['month_report_ms']:.0f} ms, "
                f"dashboard {figures['dashboard_ms']:.0f} ms, "
                f"audit verify {figures['audit_verify_ms']:.0f} ms, "
                f"kiosk during a report: median {figures['kiosk_median_ms']:.0f} ms, "
                f"worst {figures['kiosk_worst_ms']:.0f} ms",
                flush=True,
            )
        station.store.close()


if __name__ == "__main__":
    main()
