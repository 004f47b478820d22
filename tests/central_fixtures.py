"""The central server in tests: a real PostgreSQL (one per test session, a fresh database per
test), the central app on it, stations shipping to it through the real shipper, and a real
`satupintu central serve` process."""

from __future__ import annotations

import itertools
import json
import os
import signal
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
import requests
import yaml
from flask import Flask
from flask.testing import FlaskClient

from central.app import create_central_app
from central.config import parse_central_config
from central.scratch import ScratchPostgres
from central.stations import add_station
from central.users import add_user
from shared.application.station import Station
from shared.domain import chain
from shared.domain.clock import Clock
from shared.domain.config import Config
from shared.operations.shipper import Answer, Shipper
from tests.realserver import PASSWORD, SATUPINTU, free_port

_names = itertools.count(1)


@pytest.fixture(scope="session")
def postgres() -> Iterator[ScratchPostgres]:
    """One throw-away PostgreSQL for the whole test session, on a unix socket."""
    server = ScratchPostgres().start()
    yield server
    server.stop()


@pytest.fixture
def central_db(postgres: ScratchPostgres) -> str:
    """A fresh, empty database: its URL."""
    return postgres.create_database(f"central_{os.getpid()}_{next(_names)}")


def central_config(url: str, **overrides: Any) -> Any:
    return parse_central_config({"name": "Polda Uji", "database": url, **overrides})


@pytest.fixture
def central_app(central_db: str, clock: Clock) -> Iterator[Flask]:
    """The central app on a fresh database, with viewer `wati` and admin `root`."""
    app = create_central_app(central_config(central_db), clock=clock)
    app.config["TESTING"] = True
    store = app.extensions["satupintu.central"].store
    add_user(store, "wati", "viewer", PASSWORD, clock.now())
    add_user(store, "root", "admin", PASSWORD, clock.now())
    yield app
    store.close()


def register(app: Flask, station_id: str, name: str = "SPKT Uji") -> str:
    """Register a station at central; its key."""
    central = app.extensions["satupintu.central"]
    return add_station(central.store, station_id, name, central.now())


def log_in(client: FlaskClient, name: str = "wati") -> None:
    reply = client.post("/api/login", json={"username": name, "password": PASSWORD})
    assert reply.status_code == 200, reply.get_json()


def poster(client: FlaskClient, key: str) -> Any:
    """The shipper's `post`, over the central app's test client."""

    def post(body: dict[str, Any]) -> Answer:
        reply = client.post(
            "/api/central/events", json=body, headers={"Authorization": f"Bearer {key}"}
        )
        return Answer(reply.status_code, reply.get_json())

    return post


def shipper_for(station: Station, client: FlaskClient, key: str) -> Shipper:
    return Shipper(station, poster(client, key))


def ship_everything(shipper: Shipper) -> None:
    """Rounds until the shipper has nothing left to send right now."""
    for _ in range(10_000):
        if shipper.step() > 0:
            return
    raise AssertionError("the shipper never caught up")


def copy_rows(url: str, station: str) -> list[tuple[int, str]]:
    """(id, hash) of every row central holds of a station, in order."""
    with psycopg.connect(url) as conn:
        return conn.execute(
            "SELECT id, hash FROM events WHERE station = %s ORDER BY id", [station]
        ).fetchall()


def station_row(url: str, station: str) -> dict[str, Any]:
    with psycopg.connect(url, row_factory=psycopg.rows.dict_row) as conn:
        found = conn.execute("SELECT * FROM stations WHERE id = %s", [station]).fetchone()
    assert found is not None
    return found


def rewrite_row(config: Config, row: int) -> None:
    """Forge the log as a careful insider would: edit a row, recompute every hash from there
    on (the triggers dropped and put back), and remove the anchors file."""
    conn = sqlite3.connect(config.database_path)
    conn.row_factory = sqlite3.Row
    names = ("events_no_update", "events_no_delete")
    guards = "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name IN (?, ?)"
    triggers = [found[0] for found in conn.execute(guards, names)]
    for name in names:
        conn.execute(f"DROP TRIGGER {name}")
    previous = conn.execute("SELECT hash FROM events WHERE id = ?", [row - 1]).fetchone()
    previous_hash = previous[0] if previous else chain.GENESIS
    for found in conn.execute("SELECT * FROM events WHERE id >= ? ORDER BY id", [row]).fetchall():
        values = dict(found)
        if values["id"] == row:
            data = json.loads(values["data"])
            data["counter_name"] = "Loket Palsu"
            values["data"] = json.dumps(data, sort_keys=True, ensure_ascii=False)
        values["prev_hash"] = previous_hash
        values["hash"] = chain.row_hash(values)
        conn.execute(
            "UPDATE events SET data = ?, prev_hash = ?, hash = ? WHERE id = ?",
            [values["data"], values["prev_hash"], values["hash"], values["id"]],
        )
        previous_hash = values["hash"]
    for sql in triggers:
        conn.execute(sql)
    conn.commit()
    conn.close()
    config.anchor_path.unlink(missing_ok=True)


class CentralProcess:
    """`satupintu central serve` as a real process on a free port, with its config in `folder`."""

    def __init__(self, folder: Path, database: str, workers: int | None = None) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.workers = ["--workers", str(workers)] if workers else []
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.database = database
        self.config_path = folder / "central.yaml"
        self.config_path.write_text(
            yaml.safe_dump({"name": "Polda Uji", "database": database}), encoding="utf-8"
        )
        self.log_path = folder / "central.log"
        self.process: subprocess.Popen[bytes] | None = None

    def command(self, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [SATUPINTU, "central", *args, "--config", str(self.config_path)],
            input=stdin,
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        )

    def add_station(self, station_id: str, name: str) -> str:
        """Register a station; its key (the command's last line)."""
        return self.command("station", "add", station_id, "--name", name).stdout.splitlines()[-1]

    def start(self, timeout: float = 20.0) -> None:
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [SATUPINTU, "central", "serve", "--port", str(self.port),
                 "--config", str(self.config_path), *self.workers],
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                env={**os.environ, "PYTHONUNBUFFERED": "1"},
            )  # fmt: skip
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"central exited: {self.log_path.read_text()}")
            try:
                requests.get(f"{self.url}/api/me", timeout=1)
                return
            except (requests.ConnectionError, requests.Timeout):  # workers still starting
                time.sleep(0.1)
        raise RuntimeError(f"central did not start: {self.log_path.read_text()}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=10)

    def session(self, name: str = "wati") -> requests.Session:
        http = requests.Session()
        reply = http.post(
            f"{self.url}/api/login", json={"username": name, "password": PASSWORD}, timeout=10
        )
        reply.raise_for_status()
        return http
