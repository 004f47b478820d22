"""Consoles and boards over real Socket.IO against a real server: consistency, refusal, transfer.

The clients are not closed one by one (a client's clean disconnect takes seconds): stopping
the server at the end of each test ends them all.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.counter_board_fixtures import BoardSocket
from tests.realserver import Listener, ServerProcess

pytestmark = pytest.mark.server

BOARDS = [
    {"id": "spkt", "name": "Ruang SPKT", "units": ["SPKT"]},
    {"id": "lantas", "name": "Ruang Lantas", "units": ["Lantas"]},
]


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ServerProcess]:
    process = ServerProcess(tmp_path, boards=BOARDS)
    process.add_user("budi")
    process.add_user("ani")
    process.start()
    yield process
    process.stop()


def issue(server: ServerProcess, service: str = "lapor") -> str:
    response = requests.post(f"{server.url}/api/tickets", json={"service": service}, timeout=10)
    assert response.status_code == 201, response.text
    return response.json()["ticket"]["number"]


def counter_view(http: requests.Session, server: ServerProcess, counter: str) -> dict[str, Any]:
    """What a console shows after a refresh: its counter's current ticket, state and queue."""
    counters = http.get(f"{server.url}/api/counters", timeout=10).json()["counters"]
    (mine,) = [each for each in counters if each["id"] == counter]
    queue = http.get(f"{server.url}/api/counters/{counter}/waiting", timeout=10).json()
    current = mine["ticket"]["number"] if mine["ticket"] else None
    return {"current": current, "state": mine["state"], **queue}


def test_two_consoles_on_one_counter_stay_consistent(server: ServerProcess) -> None:
    budi_http, ani_http = server.session("budi"), server.session("ani")
    budi, ani = server.socket(budi_http), server.socket(ani_http)
    for _ in range(3):
        issue(server)
    first = budi.call("call_next", {"counter": "loket-1"})
    assert first["ok"]
    seen = ani.wait_for("ticket.called", lambda call: call["counter"] == "loket-1")
    assert seen["number"] == first["ticket"]["number"] == "A-001"
    assert counter_view(budi_http, server, "loket-1") == counter_view(ani_http, server, "loket-1")
    recalled = ani.call("recall", {"counter": "loket-1"})
    assert recalled["ticket"]["number"] == "A-001", "the second console serves the same ticket"
    budi.wait_for("ticket.recalled", lambda call: call["number"] == "A-001")
    assert ani.call("done", {"counter": "loket-1"})["ok"]
    budi.wait_for("ticket.done", lambda done: done["number"] == "A-001")
    assert budi.call("done", {"counter": "loket-1"})["error"]["code"] == "conflict"
    assert ani.call("state", {"counter": "loket-1", "state": "break"})["ok"]
    budi.wait_for("counter.state", lambda change: change["state"] == "break")
    assert budi.call("call_next", {"counter": "loket-1"})["error"]["code"] == "conflict"
    assert budi.call("state", {"counter": "loket-1", "state": "open"})["ok"]

    # Both press "call next" at the same moment: two different citizens, never one twice.
    acks: list[dict[str, Any]] = []
    start = threading.Barrier(2)

    def press(console: Listener) -> None:
        start.wait()
        acks.append(console.call("call_next", {"counter": "loket-1"}))

    presses = [threading.Thread(target=press, args=(each,)) for each in (budi, ani)]
    for thread in presses:
        thread.start()
    for thread in presses:
        thread.join()
    assert all(ack["ok"] for ack in acks)
    assert sorted(ack["ticket"]["number"] for ack in acks) == ["A-002", "A-003"]
    budi_view = counter_view(budi_http, server, "loket-1")
    assert budi_view == counter_view(ani_http, server, "loket-1")
    assert budi_view["today"]["served"] == 2
    assert budi_view["waiting"] == []
    for console in (budi, ani):
        console.wait_for("ticket.called", lambda call: call["number"] == "A-003")


def test_an_officer_without_a_session_is_refused(server: ServerProcess) -> None:
    issue(server)
    stranger = server.socket()
    for event in ("call_next", "recall", "done", "no_show", "transfer", "call", "state", "requeue"):
        ack = stranger.call(event, {"counter": "loket-1", "number": "A-001", "reason": "x"})
        assert ack["ok"] is False
        assert ack["error"]["code"] == "unauthorized"
        assert ack["error"]["message"]
    anonymous = requests.get(f"{server.url}/api/counters/loket-1/waiting", timeout=10)
    assert anonymous.status_code == 401

    http = server.session("budi")
    officer = server.socket(http)
    http.post(f"{server.url}/api/logout", timeout=10)
    ack = officer.call("call_next", {"counter": "loket-1"})
    assert ack["error"]["code"] == "unauthorized", "a logged-out session is refused at once"
    budi = server.session("budi")
    assert counter_view(budi, server, "loket-1")["waiting"][0]["number"] == "A-001"
    assert not stranger.received("ticket.called")


def test_a_transfer_moves_the_ticket_and_both_boards_and_consoles_update(
    server: ServerProcess,
) -> None:
    spkt_board = BoardSocket(server.url, "spkt")
    lantas_board = BoardSocket(server.url, "lantas")
    assert [c["id"] for c in lantas_board.wait_for("snapshot")["counters"]] == ["loket-3"]
    budi_http, ani_http = server.session("budi"), server.session("ani")
    budi, ani = server.socket(budi_http), server.socket(ani_http)
    issue(server, "lapor")
    issue(server, "lantas")
    assert budi.call("call_next", {"counter": "loket-1"})["ticket"]["number"] == "A-001"
    moved = budi.call("transfer", {"counter": "loket-1", "service": "lantas"})
    assert moved["ok"]
    assert moved["ticket"]["status"] == "waiting"
    assert moved["ticket"]["service"] == "lantas"
    for listener in (spkt_board, lantas_board, budi, ani):
        transferred = listener.wait_for("ticket.transferred")
        assert transferred["number"] == "A-001"
        assert (transferred["from_service"], transferred["service"]) == ("lapor", "lantas")
        listener.wait_for("queue.waiting", lambda queue: queue["waiting"]["lantas"] == 2)
    assert counter_view(budi_http, server, "loket-1")["current"] is None
    lantas_queue = counter_view(ani_http, server, "loket-3")
    assert [ticket["number"] for ticket in lantas_queue["waiting"]] == ["A-001", "C-001"]

    called = ani.call("call_next", {"counter": "loket-3"})
    assert called["ticket"]["number"] == "A-001"
    for listener in (spkt_board, lantas_board, budi):
        call = listener.wait_for("ticket.called", lambda call: call["counter"] == "loket-3")
        assert call["number"] == "A-001"
        assert call["announcement"] == "Nomor antrean A satu, silakan menuju loket tiga"
    snapshot = lantas_board.call("snapshot", {"board": "lantas"})
    assert snapshot["counters"] == [
        {"id": "loket-3", "name": "Loket 3", "state": "open", "ticket": "A-001"}
    ]
