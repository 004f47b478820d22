"""`make central` works: its two demo stations, built from the bundled config.yaml (bookings
on), reach its central server within a minute (the demo's own code on a real PostgreSQL, real
`satupintu serve` and `satupintu central serve` processes)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from central.scratch import ScratchPostgres
from satupintu.central_demo import Demo, start_demo
from shared.domain.yamltext import safe_load

pytestmark = pytest.mark.server

CONFIRMED_WITHIN_SECONDS = 60.0


@pytest.fixture
def demo(tmp_path: Path, postgres: ScratchPostgres) -> Iterator[Demo]:
    running = start_demo(tmp_path, postgres, ports=(0, 0, 0))
    yield running
    running.stop()


def stations(http: requests.Session, demo: Demo) -> dict[str, Any]:
    reply = http.get(f"{demo.central_url}/api/central/stations", timeout=10)
    reply.raise_for_status()
    return {station["id"]: station for station in reply.json()["stations"]}


def test_both_demo_stations_are_confirmed_at_central(demo: Demo) -> None:
    for station in demo.stations:
        config = safe_load(Path(station["config"]).read_text(encoding="utf-8"))
        assert any("booking" in service for service in config["services"])
    http = requests.Session()
    login = {"username": "admin", "password": demo.central_password}
    http.post(f"{demo.central_url}/api/login", json=login, timeout=10).raise_for_status()
    deadline = time.monotonic() + CONFIRMED_WITHIN_SECONDS
    found = stations(http, demo)
    while not all(found[station["id"]]["confirmed_row"] for station in demo.stations):
        if time.monotonic() > deadline or demo.stopped():
            logs = {path.name: path.read_text()[-2000:] for path in demo.folder.glob("*.log")}
            pytest.fail(f"not every demo station confirmed at central: {found}; logs: {logs}")
        time.sleep(0.5)
        found = stations(http, demo)
    assert set(found) == {station["id"] for station in demo.stations}
