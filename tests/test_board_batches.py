"""The wall boards' frames: kiosk tickets' waiting counts wait a moment for company, a call
leaves at once with what was held before it, and every event arrives once, in `seq` order."""

from __future__ import annotations

import threading
import time
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from shared.web.board_batches import HOLD_SECONDS, BoardBatches
from shared.web.socket_server import socketio as server
from tests.conftest import Auth
from tests.test_sockets import received


class Frames:
    """What BoardBatches emitted, frame by frame."""

    def __init__(self) -> None:
        self.frames: list[list[list[Any]]] = []
        self.arrived = threading.Event()

    def emit(self, events: list[list[Any]]) -> None:
        self.frames.append(events)
        self.arrived.set()


def issued(seq: int) -> list[list[Any]]:
    return [["ticket.issued", {"seq": seq}], ["queue.waiting", {"seq": seq + 1}]]


def test_kiosk_tickets_reach_the_boards_together_within_the_hold() -> None:
    sent = Frames()
    batches = BoardBatches(sent.emit)
    for seq in range(1, 20, 2):
        batches.add(issued(seq))
    assert sent.frames == []  # held for company
    assert sent.arrived.wait(10 * HOLD_SECONDS)
    time.sleep(HOLD_SECONDS / 2)
    seqs = [payload["seq"] for frame in sent.frames for _, payload in frame]
    assert seqs == list(range(1, 21))
    assert len(sent.frames) < 10


def test_a_call_leaves_at_once_after_what_was_held() -> None:
    sent = Frames()
    batches = BoardBatches(sent.emit)
    batches.add(issued(1))
    batches.add(issued(3))
    batches.add([["ticket.called", {"seq": 5}], ["queue.waiting", {"seq": 6}]])
    assert [[payload["seq"] for _, payload in frame] for frame in sent.frames] == [
        [1, 2, 3, 4, 5, 6]
    ]
    time.sleep(2 * HOLD_SECONDS)
    assert len(sent.frames) == 1  # nothing sent twice


def test_a_wall_board_hears_every_kiosk_ticket_and_each_call_in_order(
    app: Flask, client: FlaskClient, auth: Auth
) -> None:
    auth.login()
    wall = server.test_client(app, auth={"batch": True})
    start = received(wall, "snapshot")[0]["seq"]
    for _ in range(5):
        client.post("/api/tickets", json={"service": "lapor"})
    waiting = received(wall, "board.events", lambda f: f["events"][-1][1]["seq"] == start + 10)
    counts = [payload for frame in waiting for name, payload in frame["events"]]
    assert counts[-1]["waiting"]["lapor"] == 5  # the last count: every ticket
    client.post("/api/tickets", json={"service": "lapor"})
    client.post("/api/counters/loket-1/call-next")
    frames = received(wall, "board.events", lambda f: "ticket.called" in dict(f["events"]))
    events = [event for frame in frames for event in frame["events"]]
    assert [name for name, _ in events] == [
        "ticket.issued",
        "queue.waiting",
        "ticket.called",
        "queue.waiting",
    ]
    assert [payload["seq"] for _, payload in events] == list(range(start + 11, start + 15))
    assert events[2][1]["number"] == "A-001"
