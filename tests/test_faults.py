"""Storage faults and clock trouble: a clear error, nothing half-written, the station stays up."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from satupintu.app import create_app
from shared.application import desk_actions, hall_overview, housekeeping, ticket_issue
from shared.application.station import Station
from shared.domain.clock import ManualClock, parse_utc
from shared.domain.config import Config
from shared.store.store import connect as real_connect
from tests.conftest import Auth
from tests.helpers import chain_ok


def counts(config: Config) -> tuple[int, int, int]:
    """Tickets, events and idempotency rows, read with a connection of our own."""
    conn = sqlite3.connect(config.database_path)
    try:
        return tuple(  # type: ignore[return-value]
            conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
            for table in ("tickets", "events", "idempotency")
        )
    finally:
        conn.close()


@pytest.fixture
def faulty(
    config: Config, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> Callable[[str | None], FlaskClient]:
    """A fresh app whose every SQLite connection runs `pragma` first (None: healthy)."""

    def make(pragma: str | None) -> FlaskClient:
        def connect(path: Path) -> sqlite3.Connection:
            conn = real_connect(path)
            if pragma:
                conn.execute(pragma)
            return conn

        monkeypatch.setattr("shared.store.store.connect", connect)
        return create_app(config, clock=clock).test_client()

    return make


def test_a_locked_database_is_a_clear_503_and_nothing_changes(
    client: FlaskClient, config: Config, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    client.post("/api/tickets", json={"service": "lapor"})
    before = counts(config)
    monkeypatch.setattr("shared.store.store.BUSY_TIMEOUT_SECONDS", 0.2)
    faulty_client = create_app(config, clock=clock).test_client()
    other = sqlite3.connect(config.database_path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another process holds the write lock
    try:
        refused = faulty_client.post(
            "/api/tickets", json={"service": "lapor"}, headers={"Idempotency-Key": "tap-1"}
        )
        assert refused.status_code == 503
        assert refused.get_json()["error"]["code"] == "unavailable"
        assert "tidak ada yang berubah" in refused.get_json()["error"]["message"]
        assert faulty_client.get("/api/board").status_code == 200  # reads still work
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert counts(config) == before
    retried = faulty_client.post(
        "/api/tickets", json={"service": "lapor"}, headers={"Idempotency-Key": "tap-1"}
    )
    assert retried.status_code == 201
    assert retried.get_json()["ticket"]["number"] == "A-002"


def test_a_ticket_taken_while_another_process_briefly_writes_waits_for_it(
    client: FlaskClient, config: Config
) -> None:
    other = sqlite3.connect(config.database_path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")  # another process holds the write lock for a moment
    done = threading.Timer(0.3, other.execute, ["ROLLBACK"])
    done.start()
    try:
        taken = client.post("/api/tickets", json={"service": "lapor"})
    finally:
        done.join()
        other.close()
    assert taken.status_code == 201
    assert taken.get_json()["ticket"]["number"] == "A-001"


@pytest.mark.parametrize(
    ("pragma", "what"),
    [
        # SQLite caps max_page_count at the file's current size: no room to grow.
        ("PRAGMA max_page_count = 1", "disk full"),
        ("PRAGMA query_only = ON", "read-only database"),
    ],
)
@pytest.mark.slow
def test_a_full_disk_or_read_only_file_refuses_cleanly_and_the_server_stays_up(
    faulty: Callable[[str | None], FlaskClient],
    config: Config,
    pragma: str,
    what: str,
) -> None:
    healthy = faulty(None)
    healthy.post("/api/tickets", json={"service": "lapor"})
    broken = faulty(pragma)
    # A full disk shows once the free space inside the file is used up: write until refused.
    for attempt in range(2000):
        before = counts(config)
        refused = broken.post(
            "/api/tickets", json={"service": "lapor"}, headers={"Idempotency-Key": f"k{attempt}"}
        )
        if refused.status_code != 201:
            break
    assert refused.status_code == 503, what
    assert refused.get_json()["error"]["code"] == "unavailable"
    assert broken.get("/api/services").status_code == 200
    assert counts(config) == before, f"{what}: something was half-written"
    assert chain_ok(config)
    recovered = faulty(None)
    assert recovered.post("/api/tickets", json={"service": "lapor"}).status_code == 201


def test_a_clock_stepping_back_cannot_jump_the_queue(station: Station, clock: ManualClock) -> None:
    first = ticket_issue.issue_ticket(station, "lapor").ticket
    clock.advance(minutes=-10)  # the clock is corrected backwards
    second = ticket_issue.issue_ticket(station, "lapor").ticket
    assert second["number"] == "A-002"
    assert second["issued_at"] >= first["issued_at"]
    assert second["ahead"] == 1
    assert desk_actions.call_next(station, "loket-1", "budi").number == "A-001"
    done = desk_actions.finish(station, "loket-1", "budi")
    assert done.finished_at is not None
    assert done.called_at is not None
    assert done.finished_at >= done.called_at


def test_the_day_rolls_over_while_a_counter_is_serving(
    client: FlaskClient, auth: Auth, clock: ManualClock
) -> None:
    clock.set(datetime(2026, 5, 20, 15, 50, tzinfo=UTC))  # 23:50 in Kupang
    auth.login()
    for _ in range(3):
        client.post("/api/tickets", json={"service": "lapor"})
    serving = client.post("/api/counters/loket-1/call-next").get_json()["ticket"]
    clock.advance(minutes=15)  # 00:05 on the 21st
    finished = client.post("/api/counters/loket-1/done")
    assert finished.status_code == 200
    assert finished.get_json()["ticket"]["number"] == serving["number"]
    empty = client.post("/api/counters/loket-1/call-next")
    assert empty.get_json()["error"]["code"] == "queue_empty"  # yesterday's queue expired
    board = client.get("/api/board").get_json()
    assert board["waiting"]["lapor"] == 0
    fresh = client.post("/api/tickets", json={"service": "lapor"}).get_json()["ticket"]
    assert fresh["number"] == "A-001"
    assert client.post("/api/counters/loket-1/call-next").get_json()["ticket"]["number"] == "A-001"


def test_expiry_keeps_the_called_ticket_and_expires_only_waiting_ones(
    station: Station, clock: ManualClock
) -> None:
    ticket_issue.issue_ticket(station, "lapor")
    ticket_issue.issue_ticket(station, "lapor")
    desk_actions.call_next(station, "loket-1", "budi")
    clock.advance(days=1)
    housekeeping.expire_past_days(station)
    overview = hall_overview.counters_overview(station)
    assert overview[0]["ticket"]["status"] == "called"
    with station.store.read() as db:
        statuses = [row["status"] for row in db.all("SELECT status FROM tickets ORDER BY id")]
        expired = db.one("SELECT at FROM events WHERE name = 'ticket.expired'")
    assert statuses == ["called", "expired"]
    assert expired is not None
    assert parse_utc(expired["at"]) == clock.now()  # logged at the stepped clock's time
