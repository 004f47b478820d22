"""Hostile clients below the application, against a real `satupintu serve`: websockets that
flood frames and ignore being disconnected, and request bodies sent a byte at a time.
127.0.0.2 stands in for the attacker's device; 127.0.0.1 is the server's own kiosk."""

from __future__ import annotations

import socket
import sqlite3
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
import websocket

from tests.helpers import BASE_CONFIG
from tests.realserver import ServerProcess

pytestmark = pytest.mark.server

FLOOD_SECONDS = 20


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ServerProcess]:
    limits = {
        **BASE_CONFIG["limits"],
        "request_seconds": 2,
    }
    process = ServerProcess(tmp_path, limits=limits)
    process.start()
    yield process
    process.stop()


def closed_by_server(connection: socket.socket, wait: float) -> bool:
    """Whether the server closed this connection (EOF or reset) within `wait` seconds."""
    connection.settimeout(wait)
    deadline = time.monotonic() + wait
    try:
        while time.monotonic() < deadline:
            if not connection.recv(65536):
                return True
    except TimeoutError:
        return False
    except OSError:
        return True  # reset
    return False


class Flooder(threading.Thread):
    """A bare engine.io websocket from 127.0.0.2 sending frames as fast as it can, never
    reading what the server says (its disconnect included)."""

    def __init__(self, server: ServerProcess) -> None:
        super().__init__(daemon=True)
        self.raw = socket.create_connection(
            ("127.0.0.1", server.port), source_address=("127.0.0.2", 0)
        )
        self.ws = websocket.create_connection(
            f"ws://127.0.0.1:{server.port}/socket.io/?EIO=4&transport=websocket", socket=self.raw
        )
        self.stopped_by_server = threading.Event()

    def run(self) -> None:
        self.ws.send("40")
        deadline = time.monotonic() + FLOOD_SECONDS
        try:
            while time.monotonic() < deadline:
                self.ws.send('42["snapshot",{}]')
        except (OSError, websocket.WebSocketException):
            self.stopped_by_server.set()


@pytest.mark.parametrize(
    ("metered", "why"),
    [
        ({"socket_frames_per_second": 30, "socket_kb_per_second": 128}, "frames"),
        ({"socket_events_per_second": 10}, "events"),
    ],
    ids=["frames", "events"],
)
def test_websockets_flooding_are_cut_off_while_the_hall_is_served(
    tmp_path: Path, metered: dict[str, int], why: str
) -> None:
    """Over the frame allowance, or disconnected by the flood control (which the client
    ignores), a websocket's TCP connection is shut."""
    limits = {**BASE_CONFIG["limits"], **metered}  # the rest off: one defence at a time
    server = ServerProcess(tmp_path, limits=limits)
    server.start()
    try:
        flood_the_hall(server)
    finally:
        server.stop()
    assert f"cut off a websocket from 127.0.0.2: it sent too many {why}" in (
        server.log_path.read_text()
    )
    assert "Traceback" not in server.log_path.read_text()


def flood_the_hall(server: ServerProcess) -> None:
    """Three flooders from 127.0.0.2; the kiosk and a board are answered meanwhile."""
    flooders = [Flooder(server) for _ in range(3)]
    for flooder in flooders:
        flooder.start()
    started = time.monotonic()
    kiosk = requests.post(f"{server.url}/api/tickets", json={"service": "lapor"}, timeout=15)
    assert kiosk.status_code == 201
    board = server.socket()
    assert board.wait_for("snapshot", timeout=15)["seq"] > 0
    board.close()
    for flooder in flooders:
        assert flooder.stopped_by_server.wait(FLOOD_SECONDS)  # not just the end of its loop
        assert closed_by_server(flooder.raw, 5)
        flooder.raw.close()
    assert time.monotonic() - started < FLOOD_SECONDS  # all answered before the flood ended


def test_a_body_sent_a_byte_at_a_time_is_cut_off_at_the_request_deadline(
    server: ServerProcess,
) -> None:
    slow = socket.create_connection(("127.0.0.1", server.port), source_address=("127.0.0.2", 0))
    slow.sendall(
        b"POST /api/tickets HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Content-Length: 100\r\n\r\n{"
    )
    closed = False
    for _ in range(10):  # a byte a second: each arrives within any per-read timeout
        try:
            slow.sendall(b" ")
        except OSError:
            closed = True
            break
        if closed_by_server(slow, 1):
            closed = True
            break
    assert closed  # within 10 s though every byte came within a second of the last
    slow.close()
    fast = requests.post(f"{server.url}/api/tickets", json={"service": "lapor"}, timeout=10)
    assert fast.status_code == 201  # a whole request in time is served as ever


def test_a_write_that_fails_while_the_servers_output_is_broken_leaves_writes_working(
    tmp_path: Path,
) -> None:
    """The server's errors go to a pipe nobody reads any more (as to a file on a full disk):
    a write failing in the thread pool must still be answered, and the next one succeed."""
    server = ServerProcess(tmp_path)
    server.start(stderr=subprocess.PIPE)
    assert server.process is not None and server.process.stderr is not None
    server.process.stderr.close()
    try:
        other = sqlite3.connect(tmp_path / "satupintu.db", isolation_level=None)
        other.execute("BEGIN IMMEDIATE")  # another process holds the write lock for too long
        failed = requests.post(f"{server.url}/api/tickets", json={"service": "lapor"}, timeout=30)
        assert failed.status_code == 503
        other.execute("ROLLBACK")
        other.close()
        issued = requests.post(f"{server.url}/api/tickets", json={"service": "lapor"}, timeout=30)
        assert issued.status_code == 201
    finally:
        server.stop()


def test_a_failed_login_is_one_line_in_the_servers_log(server: ServerProcess) -> None:
    server.add_user("budi")
    refused = requests.post(
        f"{server.url}/api/login", json={"username": "budi", "password": "salah-sekali"}, timeout=10
    )
    assert refused.status_code == 401
    logged = server.log_path.read_text()
    assert "failed login as 'budi' from 127.0.0.1" in logged
    assert "Traceback" not in logged
