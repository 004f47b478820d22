"""A year of a busy hall: does oversight stay as fast after 365 days as after 30?

Builds busy days (`tests.admin_fixtures.busy_day`, about 200 tickets a day) through the real
service layer into one database, and at 30, 90, 180 and 365 days times, best of three:

- a day's report and a 30-day report (`shared.application.reporting.reports.build_report`, its audit
  check included);
- the dashboard's figures (today so far, and the shift hand-over);
- `audit verify`'s whole check of the log;
- and against a real `satupintu serve` on that database: a kiosk issuing tickets back to back
  while a supervisor asks for a 30-day report, its worst issue latency;
- and, on an empty station too, an officer's console actions over HTTP (call-next, call by
  number, recall, done, no-show, transfer, state; each answered with the counter's view), the
  counter view and the board's snapshot alone, and how long after the officer's call-next a
  board has `ticket.called`: medians of ten rounds. The server's clock is moved to the morning
  after the last day built, so the counter's day starts empty at every size.

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
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import requests
import socketio

from satupintu.app import open_station
from shared.application import audit, services
from shared.application.reporting import reports
from shared.application.station import Station
from shared.application.users import add_user
from shared.domain.clock import SHIFT_FILE_ENV, ManualClock
from shared.store import store
from tests.admin_fixtures import busy_day, oversight_services
from tests.helpers import MORNING, make_config
from tests.realserver import PASSWORD, ServerProcess

DAY_HOURS = 10
CHECKPOINTS = (0, 30, 90, 180, 365)  # 0: the empty station (console actions only)
CONSOLE_ROUNDS = 10
CONSOLE_FIGURES = ("call_next", "call", "recall", "done", "no_show", "transfer", "state",
                   "counter_view", "board_snapshot", "call_to_board")  # fmt: skip
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


def consoles(station: Station, folder: Path, days: int) -> dict[str, float]:
    """A real server on a copy of the database, its clock at the morning after the last day
    built: each console action's median answer time (ms), the counter view's and the board
    snapshot's, and the median time from the officer's call-next to a board having the call."""
    (folder / "consoles").mkdir(exist_ok=True)
    copy = folder / "consoles" / "copy.db"
    copy.unlink(missing_ok=True)
    station.store.backup(copy)
    morning_after = MORNING + timedelta(days=days, hours=1)
    shift = folder / "consoles" / "clock-shift"
    shift.write_text(str((morning_after - datetime.now(UTC)).total_seconds()))
    server = ServerProcess(
        folder / "consoles",
        env={SHIFT_FILE_ENV: str(shift)},
        services=oversight_services(),
        database=str(copy),
    )
    server.start()
    timings: dict[str, list[float]] = {name: [] for name in CONSOLE_FIGURES}
    arrivals: dict[str, float] = {}
    board = socketio.Client(reconnection=False)
    board.on("ticket.called", lambda data: arrivals.setdefault(data["number"], time.perf_counter()))
    try:
        board.connect(server.url, transports=["websocket"], wait_timeout=30)
        officer = server.session("budi")
        kiosk = requests.Session()
        counter = f"{server.url}/api/counters/loket-1"

        def timed(name: str, method: str, url: str, body: Any = None) -> dict[str, Any]:
            started = time.perf_counter()
            response = officer.request(method, url, json=body, timeout=30)
            timings[name].append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise RuntimeError(f"{name}: {response.status_code} {response.text}")
            return response.json()

        def issue(service: str) -> str:
            body = {"service": service}
            response = kiosk.post(f"{server.url}/api/tickets", json=body, timeout=30)
            return response.json()["ticket"]["number"]

        def act(action: str, body: Any = None) -> None:
            officer.post(f"{counter}/{action}", json=body or {}, timeout=30).raise_for_status()

        for _ in range(CONSOLE_ROUNDS):
            for _ in range(3):
                issue("lapor")
            started = time.perf_counter()
            called = timed("call_next", "POST", f"{counter}/call-next", {})["ticket"]["number"]
            deadline = time.monotonic() + 10
            while called not in arrivals and time.monotonic() < deadline:
                time.sleep(0.001)
            timings["call_to_board"].append((arrivals[called] - started) * 1000)
            timed("recall", "POST", f"{counter}/recall", {})
            timed("done", "POST", f"{counter}/done", {})
            act("call-next")
            timed("no_show", "POST", f"{counter}/no-show", {})
            act("call-next")
            timed("transfer", "POST", f"{counter}/transfer", {"service": "lantas"})
            timed("state", "POST", f"{counter}/state", {"state": "break"})
            act("state", {"state": "open"})
            number = issue("surat")
            timed("call", "POST", f"{counter}/call", {"number": number, "reason": "janji temu"})
            act("done")
            timed("counter_view", "GET", counter)
            timed("board_snapshot", "GET", f"{server.url}/api/board")
    finally:
        board.disconnect()
        server.stop()
    return {name: statistics.median(values) for name, values in timings.items()}


def console_line(figures: dict[str, float]) -> str:
    return ", ".join(f"{name} {figures[name]:.1f} ms" for name in CONSOLE_FIGURES)


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
    return figures | consoles(station, folder, days)


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
        add_user(station, "budi", "officer", PASSWORD, "bench")
        built = 0
        started = time.perf_counter()
        if checkpoints[0] == 0:
            empty = consoles(station, folder, 0)
            print(f"  0 days (empty station): {console_line(empty)}", flush=True)
        for days in (days for days in checkpoints if days > 0):
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
                f"worst {figures['kiosk_worst_ms']:.0f} ms; {console_line(figures)}",
                flush=True,
            )
        station.store.close()


if __name__ == "__main__":
    main()
