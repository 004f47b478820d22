"""The benches' floor server (`bench.floor_server`) is a real server: over a port it issues
tickets durably (they outlive a SIGKILL), keeps the product's hash-chained log valid, answers
a repeated Idempotency-Key with the same ticket, refuses bad requests, and its board events and
phone updates reach Socket.IO clients."""

from __future__ import annotations

import os
import signal
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from bench.targets import FloorProcess
from shared.application.audit import verify

pytestmark = pytest.mark.server


@pytest.fixture
def floor(tmp_path: Path) -> Iterator[FloorProcess]:
    server = FloorProcess(tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def rows(database: Path, sql: str) -> list[sqlite3.Row]:
    conn = sqlite3.connect(database)
    conn.row_factory = sqlite3.Row
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def test_tickets_outlive_a_kill_with_a_valid_chain(floor: FloorProcess) -> None:
    tickets = [
        requests.post(
            f"{floor.url}/api/tickets",
            json={"service": service, "kiosk": "kiosk-1"},
            headers={"Idempotency-Key": f"tap-{index}"},
            timeout=10,
        )
        for index, service in enumerate(["lapor", "lantas", "lapor"])
    ]
    assert [response.status_code for response in tickets] == [201, 201, 201]
    assert [response.json()["ticket"]["number"] for response in tickets] == [
        "A-001",
        "C-001",
        "A-002",
    ]
    again = requests.post(
        f"{floor.url}/api/tickets",
        json={"service": "lantas", "kiosk": "kiosk-1"},
        headers={"Idempotency-Key": "tap-1"},
        timeout=10,
    )
    assert again.status_code == 200
    assert again.json()["ticket"]["token"] == tickets[1].json()["ticket"]["token"]
    called = requests.post(f"{floor.url}/api/counters/loket-1/call-next", timeout=10)
    assert called.json()["ticket"]["number"] == "A-001"

    assert floor.process is not None
    os.killpg(floor.process.pid, signal.SIGKILL)  # no chance to flush anything
    floor.process.wait(timeout=10)

    stored = rows(floor.database, "SELECT number, status, counter FROM tickets ORDER BY id")
    assert [tuple(row) for row in stored] == [
        ("A-001", "called", "loket-1"),
        ("C-001", "waiting", None),
        ("A-002", "waiting", None),
    ]
    keys = rows(floor.database, "SELECT key FROM idempotency ORDER BY key")
    assert [row["key"] for row in keys] == ["tap-0", "tap-1", "tap-2"]
    log = [dict(row) for row in rows(floor.database, "SELECT * FROM events ORDER BY id")]
    assert [row["name"] for row in log if row["ticket_id"]] == [
        "ticket.issued",
        "ticket.issued",
        "ticket.issued",
        "ticket.called",
    ]
    assert verify(log).ok


def test_a_bad_request_is_refused_and_changes_nothing(floor: FloorProcess) -> None:
    unknown = requests.post(f"{floor.url}/api/tickets", json={"service": "pajak"}, timeout=10)
    nowhere = requests.post(f"{floor.url}/api/counters/loket-9/call-next", timeout=10)
    not_json = requests.post(f"{floor.url}/api/tickets", data="service=lapor", timeout=10)
    assert (unknown.status_code, nowhere.status_code, not_json.status_code) == (400, 404, 400)
    assert rows(floor.database, "SELECT id FROM tickets") == []


def test_boards_and_the_called_phone_hear_of_it(floor: FloorProcess) -> None:
    board = floor.socket()
    phone = floor.socket()
    try:
        token = requests.post(
            f"{floor.url}/api/tickets", json={"service": "lantas"}, timeout=10
        ).json()["ticket"]["token"]
        assert phone.call("watch", {"token": token}) == {"ok": True}
        issued = board.wait_for("ticket.issued")
        assert (issued["number"], issued["status"], issued["service"]) == (
            "C-001",
            "waiting",
            "lantas",
        )
        assert "ticket_id" not in issued
        assert board.wait_for("queue.waiting", lambda data: data["waiting"] == {"lantas": 1})

        requests.post(f"{floor.url}/api/counters/loket-3/call-next", timeout=10)
        called = board.wait_for("ticket.called")
        assert (called["number"], called["counter"], called["counter_name"]) == (
            "C-001",
            "loket-3",
            "Loket 3",
        )
        assert called["seq"] > issued["seq"]
        update = phone.wait_for("ticket.update")
        assert (update["ticket"]["number"], update["ticket"]["status"]) == ("C-001", "called")
        assert phone.received("ticket.called") == []  # a watching phone left the board's room
    finally:
        board.close()
        phone.close()
