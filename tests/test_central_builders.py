"""The cross-station report is built by a pool of processes (`central.builders`), each in the
request's own snapshot: the reports are still exactly the stations' own, a builder that died is
started again without the viewer noticing, and one given more jobs than its pipes hold answers
them all."""

from __future__ import annotations

import os
import signal
from pathlib import Path
from typing import Any

import psycopg
import pytest
from flask import Flask

from central.builders import Builders, Job
from satupintu.app import open_station
from shared.application import services
from shared.application.reporting import reports
from shared.application.reporting.reports import Period
from shared.application.station import Station
from shared.domain.clock import ManualClock
from tests.central_fixtures import log_in, register, ship_everything, shipper_for
from tests.helpers import make_config
from tests.test_declared_restore import work


def builders_running() -> list[int]:
    """This test process's report builders."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().split(b"\0")
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        if parent == os.getpid() and b"central.builder_process" in command:
            found.append(int(entry.name))
    return found


def own(station: Station) -> dict[str, Any]:
    today = station.today()
    return reports.build_report(reports.station_source(station), Period(today, today))


def test_every_station_report_built_by_the_pool_is_the_station_own_even_after_a_crash(
    tmp_path: Path, central_app: Flask, clock: ManualClock
) -> None:
    client = central_app.test_client()
    stations = []
    for index, name in enumerate(("atambua", "kupang", "soe")):
        config = make_config(
            tmp_path / name,
            central={"url": "http://127.0.0.1:9", "station": name, "key": "k" * 64},
        )
        station = open_station(config, clock=clock)
        services.ensure_counters(station)
        work(station, clock, 2 + index)
        key = register(central_app, name, f"SPKT {name}")
        ship_everything(shipper_for(station, client, key))
        stations.append(station)
    log_in(client)
    try:
        query = f"/api/central/reports?from={clock.now().date()}&to={clock.now().date()}"
        first = client.get(query).get_json()
        assert [entry["report"] for entry in first["stations"]] == [own(s) for s in stations]
        assert [row["issued"] for row in first["comparison"]] == [2, 3, 4]
        running = builders_running()
        assert running  # today's reports are built at every look, by the pool

        for pid in running:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        again = client.get(query)

        assert again.status_code == 200
        assert [entry["report"] for entry in again.get_json()["stations"]] == [
            own(s) for s in stations
        ]
        assert set(builders_running()).isdisjoint(running)
    finally:
        for station in stations:
            station.store.close()


@pytest.mark.timeout(120)
def test_a_builder_given_more_jobs_than_its_pipes_hold_answers_them_all(
    tmp_path: Path, central_db: str, central_app: Flask, clock: ManualClock
) -> None:
    central = {"url": "http://127.0.0.1:9", "station": "kupang", "key": "k" * 64}
    config = make_config(tmp_path, central=central)
    station = open_station(config, clock=clock)
    services.ensure_counters(station)
    work(station, clock, 2)
    key = register(central_app, "kupang", "SPKT Kupang")
    ship_everything(shipper_for(station, central_app.test_client(), key))
    expected = {name: part for name, part in own(station).items() if name != "audit"}
    station.store.close()
    today = clock.now().date()
    jobs = [Job("kupang", today, today, "id", clock.now())] * 600  # more than a pipe's 64 KiB
    pool = Builders(central_db, size=1)
    try:
        with psycopg.connect(central_db) as conn, conn.transaction():
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            row = conn.execute("SELECT pg_export_snapshot()").fetchone()
            assert row is not None
            built = pool.build(row[0], jobs)
    finally:
        pool.close()
    assert len(built) == len(jobs)
    assert all(report == expected for report in built)  # the station's own, without its audit
