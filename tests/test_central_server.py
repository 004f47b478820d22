"""The whole thing for real: a PostgreSQL, `satupintu central serve`, and station servers
(`satupintu serve`) shipping to it over HTTP while officers issue and call."""

from __future__ import annotations

import json
import socket
import sqlite3
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from central.scratch import ScratchPostgres
from satupintu.opening import open_station
from shared.domain.config import load_config
from shared.operations.shipper import status as shipping_status
from tests.central_fixtures import CentralProcess, copy_rows, rewrite_row
from tests.realserver import PASSWORD, SATUPINTU, ServerProcess, satupintu

pytestmark = pytest.mark.server

CONVERGE_SECONDS = 60.0


def eventually(check: Callable[[], Any], what: str, timeout: float = CONVERGE_SECONDS) -> Any:
    """Wait for `check()` to be truthy (shipping runs in the background); its value."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError(f"{what} did not happen within {timeout} s")


@pytest.fixture(scope="module")
def central(
    tmp_path_factory: pytest.TempPathFactory, postgres: ScratchPostgres
) -> Iterator[CentralProcess]:
    """One central server for this module's tests (each test ships its own stations)."""
    server = CentralProcess(
        tmp_path_factory.mktemp("central"), postgres.create_database("central_live")
    )
    server.command("user", "add", "wati", "--role", "viewer", "--password-stdin",
                   stdin=PASSWORD + "\n")  # fmt: skip
    server.start()
    yield server
    server.stop()


def station(
    folder: Path, central: CentralProcess | str, station_id: str, name: str
) -> ServerProcess:
    """A started station shipping to `central` (or to a bare URL), with officer budi and
    supervisor sari."""
    folder.mkdir(parents=True, exist_ok=True)
    url = central if isinstance(central, str) else central.url
    key = "0" * 64 if isinstance(central, str) else central.add_station(station_id, name)
    server = ServerProcess(
        folder, station={"name": name}, central={"url": url, "station": station_id, "key": key}
    )
    server.add_user("budi")
    server.add_user("sari", "supervisor")
    server.start()
    return server


@pytest.fixture(scope="module")
def halls(
    tmp_path_factory: pytest.TempPathFactory, central: CentralProcess
) -> Iterator[dict[str, ServerProcess]]:
    """Two stations shipping to `central`, shared by the tests that only add work to them."""
    folder = tmp_path_factory.mktemp("halls")
    started = {
        "kupang": station(folder / "kupang", central, "kupang", "SPKT Polres Kupang"),
        "soe": station(folder / "soe", central, "soe", "SPKT Polres TTS"),
    }
    yield started
    for server in started.values():
        server.stop()


def work(server: ServerProcess, tickets: int) -> None:
    """A kiosk issues tickets and an officer calls and serves some of them."""
    officer = server.session("budi")
    for index in range(tickets):
        reply = requests.post(
            f"{server.url}/api/tickets", json={"service": ("lapor", "lantas")[index % 2]},
            timeout=5,
        )  # fmt: skip
        assert reply.status_code == 201
        if index % 2:
            called = officer.post(f"{server.url}/api/counters/loket-1/call-next", timeout=5)
            assert called.status_code in (200, 404)


def status(server: ServerProcess) -> dict[str, Any]:
    found = satupintu("central", "status", "--format", "json", config=server.config_path)
    return json.loads(found.stdout)


def caught_up(server: ServerProcess) -> bool:
    """Whether central confirmed the hall's every row: what `satupintu central status` says
    (`status` above), read in this process, as the tests poll it a few times a second."""
    station = open_station(load_config(server.config_path))
    try:
        found = shipping_status(station)
    finally:
        station.store.close()
    return found["last_row"] > 0 and found["confirmed_row"] == found["last_row"]


def station_log(server: ServerProcess) -> list[tuple[int, str]]:
    conn = sqlite3.connect(load_config(server.config_path).database_path)
    try:
        return conn.execute("SELECT id, hash FROM events ORDER BY id").fetchall()
    finally:
        conn.close()


def test_two_stations_ship_and_central_shows_exactly_their_own_numbers(
    central: CentralProcess, halls: dict[str, ServerProcess]
) -> None:
    work(halls["kupang"], 8)
    work(halls["soe"], 5)
    supervisors = {station_id: server.session("sari") for station_id, server in halls.items()}
    for server in halls.values():  # every row, the supervisors' logins too
        eventually(lambda server=server: caught_up(server), "shipping")
    viewer = central.session()
    listed = {row["id"]: row for row in viewer.get(f"{central.url}/api/central/stations",
                                                    timeout=30).json()["stations"]}  # fmt: skip
    for station_id, server in halls.items():
        supervisor = supervisors[station_id]
        own = supervisor.get(f"{server.url}/api/admin/reports", timeout=30).json()
        at_central = viewer.get(
            f"{central.url}/api/central/reports?station={station_id}", timeout=30
        ).json()
        assert at_central == own
        dashboard = supervisor.get(f"{server.url}/api/admin/dashboard", timeout=30).json()
        today = listed[station_id]["today"]
        assert today["issued"] == dashboard["totals"]["issued"]
        assert today["served"] == dashboard["totals"]["served"]
        assert today["waiting"] == dashboard["waiting"]
        assert today["avg_wait_minutes"] == dashboard["totals"]["avg_wait_minutes"]
        assert listed[station_id]["station_row"] == status(server)["last_row"]
        assert listed[station_id]["chain"] == "ok"
    verified = satupintu("audit", "verify", "--central", config=halls["kupang"].config_path)
    assert "central: holds rows 1-" in verified.stdout
    assert "audit: OK" in verified.stdout


def test_while_central_is_stopped_the_halls_go_on_and_after_it_returns_all_converges(
    central: CentralProcess, halls: dict[str, ServerProcess]
) -> None:
    work(halls["kupang"], 2)
    eventually(lambda: caught_up(halls["kupang"]), "shipping")
    central.stop()
    for server in halls.values():
        work(server, 6)  # every request answered as usual (each within its 5 s timeout)
    behind = status(halls["kupang"])
    assert behind["confirmed_row"] < behind["last_row"]
    central.start()
    for station_id, server in halls.items():
        eventually(lambda server=server: caught_up(server), "catching up")
        assert copy_rows(central.database, station_id) == station_log(server)


class BlackHole:
    """A 'central server' that accepts connections and never answers: the worst network."""

    def __init__(self) -> None:
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(16)
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        self.accepted = threading.Event()
        self.held: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            self.held.append(conn)
            self.accepted.set()

    def close(self) -> None:
        for conn in self.held:
            conn.close()
        self.listener.close()


def test_a_central_that_never_answers_never_holds_up_the_hall(tmp_path: Path) -> None:
    hole = BlackHole()
    server = station(tmp_path / "hall", hole.url, "kupang", "SPKT Polres Kupang")
    try:
        assert hole.accepted.wait(30), "the shipper never tried"
        work(server, 10)  # the shipper is stuck in a request meanwhile (10 s timeout)
        found = status(server)
        assert found["confirmed_row"] == 0 and found["last_row"] > 0
    finally:
        server.stop()
        hole.close()


def test_a_shipped_row_rewritten_at_the_station_fails_its_audit_and_central_flags_the_fork(
    tmp_path: Path, central: CentralProcess
) -> None:
    server = station(tmp_path / "hall", central, "alor", "SPKT Polres Alor")
    try:
        work(server, 6)
        eventually(lambda: caught_up(server), "shipping")
        server.stop()
        config = load_config(server.config_path)
        conn = sqlite3.connect(config.database_path)
        target = conn.execute("SELECT MIN(id) FROM events WHERE name = 'ticket.called'").fetchone()[
            0
        ]
        conn.close()
        rewrite_row(config, target)
        assert not config.anchor_path.exists()
        verdict = subprocess.run(
            [SATUPINTU, "audit", "verify", "--config", str(server.config_path)],
            capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip
        assert verdict.returncode == 1
        assert "differs from what the central server confirmed" in verdict.stderr

        server.start()
        work(server, 1)  # the next row, chained to the forgery, goes to central
        viewer = central.session()

        def forked() -> dict[str, Any] | None:
            rows = viewer.get(f"{central.url}/api/central/stations", timeout=30).json()
            found = next(row for row in rows["stations"] if row["id"] == "alor")
            return found if found["chain"] == "fork" and found["chain_row"] == target else None

        flagged = eventually(forked, "the fork flag")
        assert flagged["confirmed_row"] < status(server)["last_row"]
        asked = subprocess.run(
            [SATUPINTU, "audit", "verify", "--central", "--config", str(server.config_path)],
            capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip
        assert asked.returncode == 1
        report = viewer.get(f"{central.url}/api/central/reports?station=alor", timeout=30)
        assert report.json()["audit"]["verified"] is False
        assert report.json()["audit"]["broken_row"] == target
    finally:
        server.stop()


def test_central_with_no_user_creates_admin_and_keeps_its_password_in_a_private_file(
    tmp_path: Path, postgres: ScratchPostgres
) -> None:
    server = CentralProcess(tmp_path / "central", postgres.create_database(f"first_{id(tmp_path)}"))
    server.start()
    try:
        secret = server.config_path.with_name("central-first-admin-password")
        assert secret.stat().st_mode & 0o777 == 0o600
        name, password = secret.read_text(encoding="utf-8").split()
        assert name == "admin"
        login = requests.post(
            f"{server.url}/api/login", json={"username": name, "password": password}, timeout=10
        )
        assert login.json()["user"] == {"username": "admin", "role": "admin"}
        assert password not in server.log_path.read_text()
    finally:
        server.stop()


def test_a_station_restored_from_a_backup_older_than_centrals_receipt_ships_on(
    central: CentralProcess, tmp_path: Path
) -> None:
    """Real processes: a hall backs up, works on (central confirms it all), is restored from
    the older copy and works again: every row logged after the restore reaches central, which
    shows a declared restore (not a fork), and the hall's audit passes, explaining it."""
    hall = station(tmp_path / "lembata", central, "lembata", "SPKT Polres Lembata")
    try:
        work(hall, 4)
        eventually(lambda: caught_up(hall), "shipping")
        copy = tmp_path / "lembata-copy.db"
        satupintu("backup", str(copy), config=hall.config_path)
        restored_row = status(hall)["last_row"]
        work(hall, 4)
        eventually(lambda: caught_up(hall), "shipping")
        lost = status(hall)["last_row"]
        hall.stop()
        satupintu("restore", str(copy), config=hall.config_path)
        hall.start()
        work(hall, 6)
        eventually(lambda: caught_up(hall), "shipping after the restore")
        listed = {
            row["id"]: row
            for row in central.session()
            .get(f"{central.url}/api/central/stations")
            .json()["stations"]
        }["lembata"]
        assert listed["chain"] == "ok"
        assert listed["confirmed_row"] == station_log(hall)[-1][0]
        assert listed["restore"]["row"] == restored_row
        assert listed["restore"]["superseded_rows"] == lost - restored_row
        assert copy_rows(central.database, "lembata") == station_log(hall)
        verified = satupintu("audit", "verify", config=hall.config_path)
        assert verified.stdout.startswith("audit: OK")
        assert f"which ends at row {restored_row}" in verified.stdout
        health = requests.get(f"{hall.url}/healthz", timeout=10).json()
        assert {"central_fork", "audit_broken"}.isdisjoint(
            notice["code"] for notice in health["notices"]
        )
    finally:
        hall.stop()
