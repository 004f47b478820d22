"""The hall on a UPS, for real: `satupintu serve` watching a real upsd whose dummy UPS the test
flips between mains (`OL`), battery (`OB DISCHRG`) and a low battery (`OB LB`).

Screens hear `power.state` over real Socket.IO; the kiosk refuses a service whose queue the
battery cannot last for (409, in the catalogue's words) and takes it again once the power is
back; a low battery makes a verified backup and stops the server with every acknowledged
ticket kept; started again on mains, the station works as before.
"""

from __future__ import annotations

import sqlite3
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from shared.domain.config import load_config
from shared.domain.i18n import text
from shared.operations import backups
from tests.realserver import SATUPINTU, ServerProcess
from tests.ups_fixtures import DummyUps, ups  # noqa: F401 (fixture)

pytestmark = pytest.mark.server

STOPPED_WITHIN_SECONDS = 60


@pytest.fixture
def hall(tmp_path: Path, ups: DummyUps) -> Iterator[ServerProcess]:  # noqa: F811
    """A real server watching the dummy UPS every second; the close below 2 minutes."""
    server = ServerProcess(tmp_path, power=ups.power(poll_seconds=1, close_below_minutes=2))
    server.start()
    yield server
    server.stop()


def take(server: ServerProcess, service: str) -> requests.Response:
    return requests.post(f"{server.url}/api/tickets", json={"service": service}, timeout=10)


def events(database: Path, name: str) -> list[str]:
    with sqlite3.connect(database) as db:
        return [row[0] for row in db.execute("SELECT data FROM events WHERE name = ?", [name])]


def test_screens_hear_the_power_go_and_come_back(hall: ServerProcess, ups: DummyUps) -> None:  # noqa: F811
    screen = hall.socket()
    try:
        assert screen.wait_for("power.state")["on_battery"] is False  # told on connect
        ups.set("OB DISCHRG", runtime=1800, charge=80)
        seen = screen.wait_for("power.state", lambda state: state["on_battery"])
        assert (seen["runtime_minutes"], seen["charge_percent"]) == (30, 80)
        health = requests.get(f"{hall.url}/healthz", timeout=10).json()
        power = next(check for check in health["checks"] if check["name"] == "power")
        assert power["status"] == "warning"
        assert "30" in power["summary"]["id"]
        ups.set("OL")
        told = len(screen.received("power.state"))
        screen.wait_for("power.state", lambda state: not state["on_battery"], after=told)
    finally:
        screen.close()
    database = load_config(hall.config_path).database_path
    assert len(events(database, "power.lost")) == len(events(database, "power.back")) == 1


def test_the_kiosk_stops_issuing_what_the_battery_cannot_last_for(
    hall: ServerProcess,
    ups: DummyUps,  # noqa: F811
) -> None:
    assert take(hall, "lantas").status_code == 201  # one waits at the one Lantas counter
    screen = hall.socket()
    try:
        ups.set("OB DISCHRG", runtime=20 * 60)
        screen.wait_for("power.state", lambda state: state["on_battery"])
    finally:
        screen.close()
    # Lantas: 15 min for the one waiting, then 15 for a new one: 30 > 20 minutes of battery.
    refused = take(hall, "lantas")
    assert refused.status_code == 409
    error = refused.json()["error"]
    assert error["code"] == "service_closed"
    assert error["message"] == text(
        "error.service_closed_power", "id", service="Lalu Lintas", minutes=20
    )
    # Reports: nobody waits and two counters serve it, so one more is served within 15 minutes.
    assert take(hall, "lapor").status_code == 201
    services = requests.get(f"{hall.url}/api/services", timeout=10).json()["services"]
    lantas = next(service for service in services if service["id"] == "lantas")
    assert (lantas["open"], lantas["closed_reason"]) == (False, "power")
    ups.set("OL")
    ups.wait_for("OL")
    screen = hall.socket()
    try:
        screen.wait_for("power.state", lambda state: not state["on_battery"])
    finally:
        screen.close()
    assert take(hall, "lantas").status_code == 201


class Kiosk(threading.Thread):
    """Takes tickets back to back until the server stops answering, keeping what it was given."""

    def __init__(self, url: str) -> None:
        super().__init__(daemon=True)
        self.url = url
        self.acknowledged: list[str] = []

    def run(self) -> None:
        http = requests.Session()
        while True:
            try:
                reply = http.post(f"{self.url}/api/tickets", json={"service": "lapor"}, timeout=10)
            except requests.ConnectionError:
                return
            if reply.status_code == 201:
                self.acknowledged.append(reply.json()["ticket"]["number"])


def test_a_low_battery_carries_over_backs_up_and_stops_with_nothing_lost_and_mains_resumes(
    hall: ServerProcess,
    ups: DummyUps,  # noqa: F811
) -> None:
    kiosk = Kiosk(hall.url)
    kiosk.start()
    ups.set("OB DISCHRG", runtime=1800)
    ups.wait_for("OB DISCHRG")
    ups.set("OB LB", runtime=300, charge=20)
    assert hall.process is not None
    try:
        code = hall.process.wait(timeout=STOPPED_WITHIN_SECONDS)
    except subprocess.TimeoutExpired:
        pytest.fail(f"the server did not stop on a low battery: {hall.log_path.read_text()}")
    kiosk.join(timeout=30)
    assert code == 0, hall.log_path.read_text()
    assert kiosk.acknowledged, "tickets were taken before the close"
    config = load_config(hall.config_path)
    [low] = events(config.database_path, "power.low")
    assert '"cause": "low_battery"' in low
    copy = backups.latest(config.backup_directory)
    assert copy is not None, hall.log_path.read_text()
    for database in (config.database_path, copy.path):
        with sqlite3.connect(database) as db:
            kept = dict(db.execute("SELECT number, status FROM tickets").fetchall())
        assert set(kiosk.acknowledged) <= set(kept), database  # the backup too: issuing stopped
        # nobody waiting was sent home: each keeps a place at the front of the next open day
        assert set(kept.values()) == {"carried"}, database
    ups.set("OL")
    ups.wait_for("OL")
    hall.start()
    assert take(hall, "lapor").status_code == 201
    screen = hall.socket()
    try:
        assert screen.wait_for("power.state")["on_battery"] is False
    finally:
        screen.close()
    # The outage ends in the log once the restarted server's watcher has asked the UPS (the
    # screen's first power state comes at connect, which may be before that).
    deadline = time.monotonic() + 10
    while not events(config.database_path, "power.back") and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(events(config.database_path, "power.back")) == 1


def doctor(config: Path) -> str:
    done = subprocess.run(
        [SATUPINTU, "doctor", "--lang", "en", "--config", str(config)],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    return done.stdout


def test_the_doctor_asks_the_ups_itself(tmp_path: Path, ups: DummyUps) -> None:  # noqa: F811
    server = ServerProcess(tmp_path, power=ups.power())  # its config only: no server runs
    assert text("ui.health.ups_mains", "en") in doctor(server.config_path)
    ups.set("OB DISCHRG", runtime=900)
    ups.wait_for("OB DISCHRG")
    assert text("ui.health.ups_battery", "en", minutes=15) in doctor(server.config_path)
    ups.stop()
    said = doctor(server.config_path)
    assert text("ui.health.ups_unreachable", "en") in said
    assert text("ui.health.ups_unreachable_advice", "en") in said


def test_an_unreachable_ups_is_a_health_problem_not_a_power_cut(
    hall: ServerProcess,
    ups: DummyUps,  # noqa: F811
) -> None:
    screen = hall.socket()
    try:
        ups.stop()
        seen = screen.wait_for("power.state", lambda state: state["supply"] == "unknown")
        assert seen["on_battery"] is False  # no notice
    finally:
        screen.close()
    health = requests.get(f"{hall.url}/healthz", timeout=10)
    assert health.status_code == 503
    [notice] = [notice for notice in health.json()["notices"] if notice["check"] == "power"]
    assert notice["code"] == "ups_unreachable"
    assert take(hall, "lantas").status_code == 201  # the kiosk goes on as on mains
    database = load_config(hall.config_path).database_path
    assert events(database, "power.lost") == []
