"""The wall board hears of a call before the officer's console does, against a real
`satupintu serve`: the call's event is on the board's websocket by the time the officer's
HTTP answer has arrived (an order, read from what the sockets hold, never a time)."""

from __future__ import annotations

import json
import select
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
import websocket

from tests.realserver import ServerProcess

pytestmark = pytest.mark.server

CALLS = 10


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ServerProcess]:
    process = ServerProcess(tmp_path)
    process.add_user("budi", units="SPKT")
    process.start()
    yield process
    process.stop()


class RawBoard:
    """A board's bare Socket.IO websocket, read only when asked, so what the server has sent
    stays in the socket until then."""

    def __init__(self, server: ServerProcess) -> None:
        self.ws = websocket.create_connection(
            f"ws://127.0.0.1:{server.port}/socket.io/?EIO=4&transport=websocket", timeout=10
        )
        assert self.ws.recv().startswith("0")  # engine.io's open packet
        self.ws.send("40")
        self.events_until("power.state")  # connected: the snapshot, then the power state

    def events_until(self, name: str) -> list[str]:
        """The names of the events read up to and including `name` (pings answered)."""
        names = []
        while True:
            frame = self.ws.recv()
            if frame == "2":
                self.ws.send("3")
            elif frame.startswith("42"):
                names.append(json.loads(frame[2:])[0])
                if names[-1] == name:
                    return names

    def close(self) -> None:
        self.ws.close()


def call_next(server: ServerProcess, officer: requests.Session) -> socket.socket:
    """The officer's call-next, sent over a bare socket whose answer is not read yet."""
    cookies = "; ".join(f"{name}={value}" for name, value in officer.cookies.items())
    connection = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    connection.sendall(
        (
            "POST /api/counters/loket-1/call-next HTTP/1.1\r\n"
            f"Host: 127.0.0.1:{server.port}\r\nCookie: {cookies}\r\n"
            "Content-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}"
        ).encode()
    )
    return connection


def answer_of(connection: socket.socket) -> bytes:
    received = b""
    while chunk := connection.recv(65536):
        received += chunk
    connection.close()
    return received


def test_the_call_is_on_the_boards_socket_before_the_officer_has_the_answer(
    server: ServerProcess,
) -> None:
    officer = server.session("budi")
    board = RawBoard(server)
    try:
        for _ in range(CALLS):
            issued = requests.post(
                f"{server.url}/api/tickets", json={"service": "lapor"}, timeout=10
            )
            assert issued.status_code == 201
            board.events_until("queue.waiting")
        for _ in range(CALLS):
            connection = call_next(server, officer)
            # Whenever the answer's first bytes are here, the board's event must be too (over
            # loopback a sent frame is in its receiver's socket when the send returns).
            readable, _, _ = select.select([board.ws.sock, connection], [], [], 10)
            assert board.ws.sock in readable, "the officer was answered before the board was told"
            assert "ticket.called" in board.events_until("ticket.called")
            assert answer_of(connection).startswith(b"HTTP/1.1 200")
    finally:
        board.close()
