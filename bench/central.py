"""One PostgreSQL for a province: a busy day of 100 stations shipped to a real central server.

- Builds a few distinct busy days (`tests.admin_fixtures.busy_day`, about 200 tickets and
  1,300 log rows each) through the real service layer. The hash chain does not name the
  station, so each day's log is shipped by several stations, each getting its own copy.
- Starts a throw-away PostgreSQL with its own defaults (fsync on: every batch is durable
  before it is confirmed) and a real `satupintu central serve` on it.
- The stations ship their whole day at once, through `--senders` concurrent connections, in
  batches of `shared.domain.wire.BATCH_ROWS` rows: real HTTP requests, every row's hash recomputed
  and the chain checked at central. Prints rows per second.
- Then times, best of three, the cross-station report of that day (every station's report
  and the comparison: `GET /api/central/reports`), one station's report, the dashboard's
  data (today's figures are kept per station until its copy changes), the same figures
  computed afresh for every station as of that day's afternoon (what a dashboard costs when
  every station shipped since the last look), and prints the copy's size on disk per row.

Run: `make bench` or `.venv/bin/python -m bench.central [--stations 100] [--senders 8]`.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from typing import Any

import requests

from central import reports as copies
from central.scratch import ScratchPostgres
from central.stations import add_station, all_stations
from central.store import CentralStore
from central.users import add_user
from satupintu.app import open_station
from shared.application import services
from shared.application.station import Station
from shared.domain import wire
from shared.domain.clock import ManualClock, SystemClock
from tests.admin_fixtures import busy_day, oversight_services
from tests.central_fixtures import CentralProcess
from tests.helpers import MORNING, make_config
from tests.realserver import PASSWORD

DAY = MORNING.date()  # 2026-05-20, the busy day
TEMPLATES = 5


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


def main(stations: int = 100, senders: int = 8) -> None:
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
        rows = sum(len(body["rows"]) for bodies in shipments.values() for body in bodies)
        central = CentralProcess(folder / "central", url)
        central.start()
        try:

            def ship(station_id: str) -> None:
                http = requests.Session()
                for body in shipments[station_id]:
                    reply = http.post(
                        f"{central.url}/api/central/events",
                        json=body,
                        headers={"Authorization": f"Bearer {keys[station_id]}"},
                        timeout=120,
                    )
                    reply.raise_for_status()

            started = time.perf_counter()
            with ThreadPoolExecutor(max_workers=senders) as pool:
                list(pool.map(ship, keys))
            elapsed = time.perf_counter() - started
            viewer = central.session()
            period = f"from={DAY}&to={DAY}"

            def get(path: str) -> None:
                viewer.get(f"{central.url}{path}", timeout=600).raise_for_status()

            all_ms = best_ms(lambda: get(f"/api/central/reports?{period}"))
            one_ms = best_ms(lambda: get(f"/api/central/reports?{period}&station=polres-000"))
            xlsx_ms = best_ms(lambda: get(f"/api/central/reports?{period}&format=xlsx"))
            dashboard_ms = best_ms(lambda: get("/api/central/stations"))
        finally:
            central.stop()
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
    print(f"bench.central: {stations} stations, {rows:,} log rows "
          f"({rows // stations:,} a station's busy day), {senders} senders")  # fmt: skip
    print(f"  ingest over HTTP, fsync on: {rows / elapsed:,.0f} rows/s ({elapsed:.1f} s)")
    print(f"  cross-station report of the day ({stations} reports + comparison): {all_ms:,.0f} ms")
    print(f"  the same as XLSX: {xlsx_ms:,.0f} ms; one station's report: {one_ms:,.0f} ms")
    print(f"  dashboard data (every station): {dashboard_ms:,.0f} ms; today's figures computed "
          f"again for every station (each copy changed): {live_ms:,.0f} ms")  # fmt: skip
    print(f"  copy on disk: {size['bytes'] / rows:,.0f} bytes a row (table and indexes)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stations", type=int, default=100)
    parser.add_argument("--senders", type=int, default=8)
    arguments = parser.parse_args()
    main(arguments.stations, arguments.senders)
