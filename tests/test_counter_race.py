"""Two consoles on one counter pressing "call next" together, against a real server.

Each console knows only what its own answers told it (the counter in an acknowledgement, or
the current ticket a refusal names) and always sends the ticket it shows. Whatever the timing,
no console ever finishes a citizen it was not showing, and every refused press is a 409 that
changed nothing.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.realserver import ServerProcess

pytestmark = pytest.mark.server

PRESSES = 50


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ServerProcess]:
    process = ServerProcess(tmp_path)
    process.add_user("budi")
    process.add_user("ani")
    process.start()
    for _ in range(2 * 2 * PRESSES + 10):
        response = requests.post(
            f"{process.url}/api/tickets", json={"service": "lapor"}, timeout=10
        )
        assert response.status_code == 201
    yield process
    process.stop()


@dataclass
class Console:
    """One officer's screen: the ticket it shows, and what each press answered."""

    officer: str
    press: Callable[[str | None], tuple[int, dict[str, Any]]]
    showing: str | None = None
    finished: list[str] = field(default_factory=list)  # the tickets its presses named
    refused: int = 0

    def run(self, start: threading.Barrier) -> None:
        start.wait()
        for _ in range(PRESSES):
            status, answer = self.press(self.showing)
            if status == 200:
                if self.showing is not None:
                    self.finished.append(self.showing)
                self.showing = answer["counter"]["ticket"]["number"]
            else:
                assert (status, answer["error"]["code"]) == (409, "conflict"), answer
                self.refused += 1
                self.showing = answer["error"]["current"]


def over_socket(server: ServerProcess, officer: str, counter: str) -> Console:
    socket = server.socket(server.session(officer))

    def press(current: str | None) -> tuple[int, dict[str, Any]]:
        ack = socket.call("call_next", {"counter": counter, "current": current})
        return (200, ack) if ack["ok"] else (409 if ack["error"]["code"] == "conflict" else 0, ack)

    return Console(officer, press)


def over_http(server: ServerProcess, officer: str, counter: str) -> Console:
    http = server.session(officer)

    def press(current: str | None) -> tuple[int, dict[str, Any]]:
        response = http.post(
            f"{server.url}/api/counters/{counter}/call-next", json={"current": current}, timeout=10
        )
        return response.status_code, response.json()

    return Console(officer, press)


def finished_at(server: ServerProcess, counter: str) -> list[tuple[str, str]]:
    """(officer, number) of every ticket finished as done at the counter, from the log."""
    with sqlite3.connect(server.folder / "satupintu.db") as db:
        rows = db.execute(
            "SELECT actor, json_extract(data, '$.number') FROM events "
            "WHERE name = 'ticket.done' AND counter = ? ORDER BY id",
            [counter],
        ).fetchall()
    return [(actor, number) for actor, number in rows]


def calls_at(server: ServerProcess, counter: str) -> int:
    with sqlite3.connect(server.folder / "satupintu.db") as db:
        query = "SELECT COUNT(*) FROM events WHERE name = 'ticket.called' AND counter = ?"
        return db.execute(query, [counter]).fetchone()[0]


@pytest.mark.parametrize(("transport", "counter"), [("socket", "loket-1"), ("http", "loket-2")])
def test_no_console_ever_finishes_a_citizen_the_other_one_called(
    server: ServerProcess, transport: str, counter: str
) -> None:
    make = over_socket if transport == "socket" else over_http
    consoles = [make(server, "budi", counter), make(server, "ani", counter)]
    start = threading.Barrier(len(consoles))
    threads = [threading.Thread(target=console.run, args=(start,)) for console in consoles]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    done = finished_at(server, counter)
    by_officer = {console.officer: console for console in consoles}
    for officer, number in done:
        assert number in by_officer[officer].finished, f"{officer} finished {number} unseen"
    presses = sum(len(console.finished) for console in consoles)
    assert len(done) == presses  # each successful press finished exactly what it named
    successes = 2 * PRESSES - sum(console.refused for console in consoles)
    assert calls_at(server, counter) == successes  # refused presses called nobody
    assert sum(console.refused for console in consoles) > 0  # the two really raced
