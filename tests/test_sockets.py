"""Socket.IO in-process: snapshots, officer actions with acks, board events and phones watching."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from flask_socketio import SocketIOTestClient

from shared.domain.events import (
    CounterStateChanged,
    TicketCalled,
    TicketCarriedOver,
    TicketIssued,
    TicketSteppedBack,
)
from shared.web.phone_updates import FAR_AHEAD, FAR_SECONDS, PHONES_AT_ONCE, services_moved
from shared.web.socket_server import socketio
from tests.conftest import Auth


def received(
    client: SocketIOTestClient,
    name: str,
    until: Callable[[dict[str, Any]], bool] = lambda payload: True,
    wait: float = 2.0,
) -> list[dict[str, Any]]:
    """Payloads of `name` events, waiting for the dispatcher until one satisfies `until`."""
    deadline = time.monotonic() + wait
    found: list[dict[str, Any]] = []
    while time.monotonic() < deadline:
        found += [m["args"][0] for m in client.get_received() if m["name"] == name]
        if any(until(payload) for payload in found):
            return found
        time.sleep(0.02)
    return found


def test_every_client_gets_a_snapshot_on_connect(app: Flask) -> None:
    board = socketio.test_client(app)
    snapshot = received(board, "snapshot")[0]
    assert set(snapshot) >= {"seq", "counters", "recent", "waiting"}


def test_an_officer_calls_next_over_the_socket_with_an_ack(
    app: Flask, client: FlaskClient, auth: Auth
) -> None:
    auth.login()
    client.post("/api/tickets", json={"service": "lapor"})
    officer = socketio.test_client(app, flask_test_client=client)
    ack = officer.emit("call_next", {"counter": "loket-1"}, callback=True)
    assert ack["ok"] is True
    assert ack["ticket"]["number"] == "A-001"
    again = officer.emit("call_next", {"counter": "loket-1"}, callback=True)
    assert again == {
        "ok": False,
        "error": {"code": "queue_empty", "message": again["error"]["message"]},
    }
    assert "Loket 1" in again["error"]["message"]


def test_socket_actions_without_a_session_are_unauthorized(app: Flask, client: FlaskClient) -> None:
    client.post("/api/tickets", json={"service": "lapor"})
    stranger = socketio.test_client(app)
    for event in ("call_next", "recall", "done", "no_show", "transfer", "call", "state"):
        ack = stranger.emit(event, {"counter": "loket-1"}, callback=True)
        assert ack["ok"] is False
        assert ack["error"]["code"] == "unauthorized"
    with app.extensions["satupintu"].store.read() as db:
        assert db.one("SELECT status FROM tickets")["status"] == "waiting"


def test_a_malformed_socket_action_is_refused(app: Flask, client: FlaskClient, auth: Auth) -> None:
    auth.login()
    officer = socketio.test_client(app, flask_test_client=client)
    assert officer.emit("call_next", "loket-1", callback=True)["error"]["code"] == "invalid_request"
    ack = officer.emit("transfer", {"counter": "loket-1", "service": "x"}, callback=True)
    assert ack["error"]["code"] == "unknown_service"


def test_boards_receive_calls_with_the_announcement_and_no_token(
    app: Flask, client: FlaskClient, auth: Auth
) -> None:
    auth.login()
    board = socketio.test_client(app)
    start = received(board, "snapshot")[0]["seq"]
    client.post("/api/tickets", json={"service": "lapor"})
    client.post("/api/counters/loket-2/call-next")
    called = received(board, "ticket.called")[0]
    assert called["number"] == "A-001"
    assert called["counter"] == "loket-2"
    assert called["counter_name"] == "Loket 2"
    assert called["announcement"] == "Nomor antrean A satu, silakan menuju loket dua"
    assert called["seq"] == start + 3  # issued, waiting, called
    assert "token" not in called


def test_a_batched_board_hears_a_call_as_one_frame_and_others_as_before(
    app: Flask, client: FlaskClient, auth: Auth
) -> None:
    auth.login()
    wall = socketio.test_client(app, auth={"batch": True})
    console = socketio.test_client(app)
    start = received(wall, "snapshot")[0]["seq"]
    console.get_received()
    for _ in range(2):
        client.post("/api/tickets", json={"service": "lapor"})
    client.post("/api/counters/loket-2/call-next")
    client.post("/api/counters/loket-2/call-next")  # finishes A-001, calls A-002
    frames = received(wall, "board.events", lambda f: len(f["events"]) == 3)
    assert [name for name, _ in frames[-1]["events"]] == [
        "ticket.done",
        "ticket.called",
        "queue.waiting",
    ]
    sent = [payload for frame in frames for _, payload in frame["events"]]
    assert [payload["seq"] for payload in sent] == list(range(start + 1, start + len(sent) + 1))
    assert frames[-1]["events"][1][1]["number"] == "A-002"
    assert not [m for m in wall.get_received() if m["name"] == "ticket.called"]
    one_by_one = [m["name"] for m in console.get_received() if m["name"] != "power.state"]
    assert one_by_one[-3:] == ["ticket.done", "ticket.called", "queue.waiting"]


def test_a_phone_watching_its_ticket_sees_it_called(
    app: Flask, client: FlaskClient, auth: Auth
) -> None:
    ticket = client.post("/api/tickets", json={"service": "lapor"}).get_json()["ticket"]
    phone = socketio.test_client(app)
    ack = phone.emit("watch", {"token": ticket["token"]}, callback=True)
    assert ack["ok"] is True
    phone.get_received()
    auth.login()
    client.post("/api/counters/loket-1/call-next")
    updates = received(phone, "ticket.update", lambda u: u["ticket"]["status"] == "called")
    assert updates[-1]["ticket"]["status"] == "called"
    assert updates[-1]["ticket"]["counter"] == "loket-1"
    # A watching phone is out of the board stream.
    assert not [m for m in phone.get_received() if m["name"] == "ticket.called"]


def test_phones_hear_of_their_new_place_and_only_when_it_changed(
    app: Flask, client: FlaskClient, auth: Auth
) -> None:
    tokens = {}
    for service in ("lapor", "lapor", "lapor", "lantas"):
        ticket = client.post("/api/tickets", json={"service": service}).get_json()["ticket"]
        tokens[ticket["number"]] = ticket["token"]
    phones = {}
    for number in ("A-003", "C-001"):
        phones[number] = socketio.test_client(app)
        assert phones[number].emit("watch", {"token": tokens[number]}, callback=True)["ok"]
        phones[number].get_received()
    auth.login()
    client.post("/api/counters/loket-1/call-next")
    moved = received(phones["A-003"], "ticket.update", lambda u: u["ticket"]["ahead"] == 1)
    assert moved[-1]["ticket"]["number"] == "A-003"
    assert moved[-1]["ticket"]["now_serving"] == "A-001"
    client.post("/api/counters/loket-1/call-next")
    moved = received(phones["A-003"], "ticket.update", lambda u: u["ticket"]["ahead"] == 0)
    assert [update["ticket"]["ahead"] for update in moved] == [0]  # one frame for the change
    # Nothing a lantas phone shows changed: no frame reached it.
    assert received(phones["C-001"], "ticket.update", wait=0.8) == []


def test_after_a_burst_of_calls_every_phone_of_a_full_queue_shows_its_place(
    app: Flask, client: FlaskClient, auth: Auth
) -> None:
    """More phones than one refresh step takes at once (`PHONES_AT_ONCE`), four calls within
    FAR_SECONDS: the phones near their turn show their place at once, those far back (more than
    FAR_AHEAD ahead) within FAR_SECONDS, after at most one frame in between."""
    tokens = [
        client.post("/api/tickets", json={"service": "lapor"}).get_json()["ticket"]["token"]
        for _ in range(3 * PHONES_AT_ONCE)
    ]
    phones = []
    for token in tokens:
        phone = socketio.test_client(app)
        assert phone.emit("watch", {"token": token}, callback=True)["ok"]
        phone.get_received()
        phones.append(phone)
    auth.login()
    for _ in range(4):  # each ending the last, a refresh apart
        client.post("/api/counters/loket-1/call-next")
        time.sleep(0.6)
    last: list[dict[str, Any]] = []
    far_frames = []
    for index, phone in enumerate(phones):

        def wanted(update: dict[str, Any], index: int = index) -> bool:
            ticket = update["ticket"]
            if index < 4:
                return ticket["status"] == ("called" if index == 3 else "done")
            return ticket["ahead"] == index - 4

        far = index - 4 > FAR_AHEAD
        updates = received(phone, "ticket.update", wanted, wait=FAR_SECONDS + 2 if far else 2)
        assert updates and wanted(updates[-1]), f"phone {index} does not show its place"
        last.append(updates[-1]["ticket"])
        if far:
            far_frames.append(len(updates))
    assert [ticket["status"] for ticket in last[:4]] == ["done", "done", "done", "called"]
    assert last[3]["counter"] == "loket-1"
    assert [ticket["ahead"] for ticket in last[4:]] == list(range(len(phones) - 4))
    assert {ticket["now_serving"] for ticket in last[4:]} == {"A-004"}
    assert far_frames and max(far_frames) <= 2


def test_watching_an_unknown_ticket_is_refused(app: Flask) -> None:
    phone = socketio.test_client(app)
    assert phone.emit("watch", {"token": "nope"}, callback=True)["error"]["code"] == "not_found"


def test_phones_are_refreshed_for_the_services_an_event_can_move(config) -> None:  # type: ignore[no-untyped-def]
    called = TicketCalled(
        number="B-001", service="surat", counter="loket-1", counter_name="Loket 1",
        announcement="", called_at="", priority=False,
    )  # fmt: skip
    issued = TicketIssued(
        number="C-001", service="lantas", priority=False, issued_at="", kiosk=None
    )
    urgent = TicketIssued(number="C-002", service="lantas", priority=True, issued_at="", kiosk=None)
    # Loket 1 and 2 serve both SPKT services: a call in one moves the other's estimates.
    assert services_moved(called, config) == {"lapor", "surat"}
    assert services_moved(issued, config) == set()  # a regular newcomer queues behind everyone
    assert services_moved(urgent, config) == {"lantas"}
    assert services_moved(CounterStateChanged(counter="loket-3", state="break"), config) == {
        "lantas"
    }
    carried = TicketIssued(number="C-003", service="lantas", priority=False, issued_at="",
                           kiosk="kiosk-1", carried=True)  # fmt: skip
    assert services_moved(carried, config) == {"lantas"}  # a "Lanjutan" goes to the front
    back = TicketSteppedBack(number="C-001", service="lantas", places=3, queue_at="")
    assert services_moved(back, config) == {"lantas"}
    away = TicketCarriedOver(number="C-001", service="lantas", valid_until="2026-05-21",
                             by="sari", reason="tutup")  # fmt: skip
    assert services_moved(away, config) == {"lantas"}
