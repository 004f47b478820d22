"""One PostgreSQL for a province: a busy day of 100 stations shipped to a real central server.

- Builds a few distinct busy days (`tests.admin_fixtures.busy_day`, about 200 tickets and
  1,300 log rows each) through the real service layer. The hash chain does not name the
  station, so each day's log is shipped by several stations, each getting its own copy.
- Starts a throw-away PostgreSQL with its own defaults (fsync on: every batch is durable
  before it is confirmed) and a real `satupintu central serve --workers W` on it.
- The stations ship their whole day at once, through `--senders` concurrent connections, in
  batches of `shared.domain.wire.BATCH_ROWS` rows: real HTTP requests, every row's hash recomputed
  and the chain checked at central. The bodies are encoded before the clock starts (the
  stations are other machines). Prints rows per second, and the same rows written by a raw
  PostgreSQL `COPY` into a scratch table like the copy's (same columns and indexes), one
  transaction per batch through the same number of connections: the ratio is what checking
  and HTTP cost on top of the database. Target: at least 0.5. The two take turns, a quarter
  of the stations at a time (COPY then ingest, then ingest then COPY, ...), so that other
  work on a shared machine slows both alike.
- Then the cross-station report of that day (every station's report and the comparison:
  `GET /api/central/reports`): its first time (built from the copy by the pool of report
  builders, started by a report of the day before, and kept: the day has ended), then best
  of three (the kept reports, their audit sections computed afresh),
  against reading the rows of that day of every station (`SELECT`, best of three). Target:
  at most 2x reading.
- Then one station's report, the dashboard's data (today's figures are kept per station until
  its copy changes), the same figures computed afresh for every station as of that day's
  afternoon (what a dashboard costs when every station shipped since the last look), and the
  copy's size on disk per row.

Run: `make bench` or `.venv/bin/python -m bench.central [--stations 100] [--senders 8]
[--workers W]` (W: `central serve --workers`, default one per core).
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from typing import Any

import psycopg
import requests

from central import ingest
from central import reports as copies
from central.scratch import ScratchPostgres
from central.stations import add_station, all_stations
from central.store import CentralStore
from central.users import add_user
from satupintu.app import open_station
from shared.application import services
from shared.application.station import Station
from shared.domain import wire
from shared.domain.clock import ManualClock, SystemClock, utc_text
from shared.domain.config import Config
from shared.domain.queue_rules import service_day_bounds
from tests.admin_fixtures import busy_day, oversight_services
from tests.central_fixtures import CentralProcess
from tests.helpers import MORNING, make_config
from tests.realserver import PASSWORD

DAY = MORNING.date()  # 2026-05-20, the busy day
TEMPLATES = 5
WIRE_NAMES = ("row", *ingest.COLUMNS[2:])  # a wire row's fields in the copy's column order
TURNS = 4  # the raw COPY and the ingest take turns, each turn a quarter of the stations


def build_day(folder: Path, seed: int) -> Station:
    """A station's busy day, 07:00 to 17:00 local."""
    config = make_config(folder, services=oversight_services())
    start = MORNING - timedelta(hours=2)
    clock = ManualClock(start)
    station = open_station(config, clock=clock)
    services.ensure_counters(station)
    busy_day(station, clock, start, start + timedelta(hours=10), seed=seed)
    return station


def batches(station: Station, station_id: str) -> list[dict[str, Any]]:
    """The station's whole log as the shipper would send it (settings with the first batch)."""
    with station.store.read() as db:
        rows = [wire.wire_row(row) for row in db.all("SELECT * FROM events ORDER BY id")]
    head = rows[-1]
    bodies = [
        {"station": station_id, "head_row": head["row"], "head_at": head["at"],
         "rows": rows[start : start + wire.BATCH_ROWS]}
        for start in range(0, len(rows), wire.BATCH_ROWS)
    ]  # fmt: skip
    bodies[0]["config"] = wire.report_settings(station.config)
    return bodies


def best_ms(action: Callable[[], Any], repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        best = min(best, time.perf_counter() - started)
    return best * 1000


def encoded(bodies: list[dict[str, Any]]) -> list[bytes]:
    return [json.dumps(body).encode("utf-8") for body in bodies]


def raw_copy_seconds(
    url: str, shipments: dict[str, list[dict[str, Any]]], stations: list[str], senders: int
) -> float:
    """Seconds to write the stations' rows by a raw `COPY` into `copy_baseline` (a table like
    `events`: its columns and indexes), one transaction per batch, through `senders`
    connections."""
    columns = ", ".join(ingest.COLUMNS)

    def copy(station_id: str) -> None:
        with psycopg.connect(url) as conn:
            for body in shipments[station_id]:
                with (
                    conn.transaction(),
                    conn.cursor().copy(f"COPY copy_baseline ({columns}) FROM STDIN") as writer,
                ):
                    for row in body["rows"]:
                        writer.write_row([station_id, *(row[name] for name in WIRE_NAMES)])

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=senders) as pool:
        list(pool.map(copy, stations))
    return time.perf_counter() - started


def read_rows_ms(store: CentralStore, stations: list[str], config: Config) -> tuple[float, int]:
    """Best of three: just reading every station's rows of the day, as the reports read them;
    and how many rows that is."""
    bounds = service_day_bounds(DAY, config.zone, config.day_starts_at)
    start, end = (utc_text(bound) for bound in bounds)
    found = [0]

    def read() -> None:
        found[0] = 0
        with copies.snapshot(store) as conn:
            for station_id in stations:
                found[0] += len(
                    conn.execute(
                        "SELECT id, at, actor, name, data FROM events WHERE station = %s "
                        "AND at >= %s AND at < %s ORDER BY id",
                        [station_id, start, end],
                    ).fetchall()
                )

    return best_ms(read), found[0]


def yes(met: bool) -> str:
    return "yes" if met else "NO"


def main(stations: int = 100, senders: int = 8, workers: int | None = None) -> None:
    folder = Path(tempfile.mkdtemp(prefix="satupintu-bench-central-"))
    templates = [build_day(folder / f"day{seed}", seed) for seed in range(TEMPLATES)]
    postgres = ScratchPostgres(durable=True).start()
    try:
        url = postgres.create_database("central_bench")
        store = CentralStore(url)
        now = SystemClock().now()
        keys = {f"polres-{index:03d}": "" for index in range(stations)}
        for station_id in keys:
            keys[station_id] = add_station(store, station_id, f"SPKT {station_id}", now)
        add_user(store, "wati", "viewer", PASSWORD, now)
        shipments = {
            station_id: batches(templates[index % TEMPLATES], station_id)
            for index, station_id in enumerate(keys)
        }
        wire_bodies = {station_id: encoded(bodies) for station_id, bodies in shipments.items()}
        rows = sum(len(body["rows"]) for bodies in shipments.values() for body in bodies)
        central = CentralProcess(folder / "central", url, workers)
        central.start()
        try:

            def ship(station_id: str) -> None:
                http = requests.Session()
                for body in wire_bodies[station_id]:
                    reply = http.post(
                        f"{central.url}/api/central/events",
                        data=body,
                        headers={"Authorization": f"Bearer {keys[station_id]}",
                                 "Content-Type": "application/json"},
                        timeout=120,
                    )  # fmt: skip
                    reply.raise_for_status()

            def ship_seconds(group: list[str]) -> float:
                started = time.perf_counter()
                with ThreadPoolExecutor(max_workers=senders) as pool:
                    list(pool.map(ship, group))
                return time.perf_counter() - started

            with psycopg.connect(url, autocommit=True) as conn:
                conn.execute("CREATE TABLE copy_baseline (LIKE events INCLUDING ALL)")
            elapsed = copy_elapsed = 0.0
            for turn in range(TURNS):  # COPY first, then ingest first: neither always follows
                group = list(keys)[turn::TURNS]
                if turn % 2:
                    elapsed += ship_seconds(group)
                copy_elapsed += raw_copy_seconds(url, shipments, group, senders)
                if not turn % 2:
                    elapsed += ship_seconds(group)
            with psycopg.connect(url, autocommit=True) as conn:
                conn.execute("DROP TABLE copy_baseline")
            viewer = central.session()
            period = f"from={DAY}&to={DAY}"

            def get(path: str) -> None:
                viewer.get(f"{central.url}{path}", timeout=600).raise_for_status()

            day_before = DAY - timedelta(days=1)  # no rows: starts the report builders
            get(f"/api/central/reports?from={day_before}&to={day_before}")
            first_ms = best_ms(lambda: get(f"/api/central/reports?{period}"), repeat=1)
            all_ms = best_ms(lambda: get(f"/api/central/reports?{period}"))
            one_ms = best_ms(lambda: get(f"/api/central/reports?{period}&station=polres-000"))
            xlsx_ms = best_ms(lambda: get(f"/api/central/reports?{period}&format=xlsx"))
            dashboard_ms = best_ms(lambda: get("/api/central/stations"))
        finally:
            central.stop()
        read_ms, read_rows = read_rows_ms(store, list(keys), templates[0].config)
        day_end = MORNING + timedelta(hours=8)  # the dashboard late on that day
        with copies.snapshot(store) as conn:
            listed = all_stations(conn)
            live_ms = best_ms(lambda: [copies.today(conn, found, day_end) for found in listed])
        with store.connection() as conn:
            size = conn.execute("SELECT pg_total_relation_size('events') AS bytes").fetchone()
        store.close()
    finally:
        postgres.stop()
    assert size is not None
    ingest_rate, copy_rate = rows / elapsed, rows / copy_elapsed
    print(f"bench.central: {stations} stations, {rows:,} log rows "
          f"({rows // stations:,} a station's busy day), {senders} senders, "
          f"central serve --workers {workers or os.cpu_count()}")  # fmt: skip
    print(f"  ingest over HTTP, fsync on: {ingest_rate:,.0f} rows/s ({elapsed:.1f} s); raw COPY "
          f"of the same rows: {copy_rate:,.0f} rows/s; ratio {ingest_rate / copy_rate:.2f} "
          f"(target >= 0.5: {yes(ingest_rate >= 0.5 * copy_rate)})")  # fmt: skip
    print(f"  cross-station report of the day ({stations} reports + comparison): {all_ms:,.0f} ms "
          f"kept ({first_ms:,.0f} ms the first time, built and kept); reading its "
          f"{read_rows:,} rows: {read_ms:,.0f} ms; ratio {all_ms / read_ms:.1f}x, first time "
          f"{first_ms / read_ms:.1f}x (target <= 2x: {yes(all_ms <= 2 * read_ms)})")  # fmt: skip
    print(f"  the same as XLSX: {xlsx_ms:,.0f} ms; one station's report: {one_ms:,.0f} ms")
    print(f"  dashboard data (every station): {dashboard_ms:,.0f} ms; today's figures computed "
          f"again for every station (each copy changed): {live_ms:,.0f} ms")  # fmt: skip
    print(f"  copy on disk: {size['bytes'] / rows:,.0f} bytes a row (table and indexes)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stations", type=int, default=100)
    parser.add_argument("--senders", type=int, default=8)
    parser.add_argument("--workers", type=int, default=None)
    arguments = parser.parse_args()
    main(arguments.stations, arguments.senders, arguments.workers)
