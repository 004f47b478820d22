"""Against a real `satupintu serve` with real Socket.IO clients: a suspension reaches the board
stream and the phones watching the service's tickets at once, in both languages' data, and the
resume takes it away; an officer's console gets the refusal over its socket."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from shared.web.phone_updates import FAR_AHEAD, FAR_SECONDS
from tests.realserver import ServerProcess

pytestmark = pytest.mark.server


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ServerProcess]:
    process = ServerProcess(tmp_path)
    process.add_user("sari", "supervisor")
    process.add_user("budi")
    process.start()
    yield process
    process.stop()


def issue(server: ServerProcess, service: str) -> dict:
    response = requests.post(f"{server.url}/api/tickets", json={"service": service}, timeout=10)
    assert response.status_code == 201, response.text
    return response.json()["ticket"]


def test_the_board_and_the_phones_hear_of_a_suspension_and_its_end(server: ServerProcess) -> None:
    waiting = issue(server, "lapor")
    other = issue(server, "lantas")
    far = [issue(server, "lapor") for _ in range(FAR_AHEAD + 1)][-1]
    far_phone = server.socket()  # far back: new places reach it at most every FAR_SECONDS
    assert far_phone.call("watch", {"token": far["token"]})["ok"]
    officer = server.socket(server.session("budi"))
    for state in ("break", "open"):  # moves the estimates: the far phones have just been told
        assert officer.call("state", {"counter": "loket-1", "state": state})["ok"]
    time.sleep(1.0)
    board = server.socket()
    start = board.wait_for("snapshot")["seq"]
    phone = server.socket()
    assert phone.call("watch", {"token": waiting["token"]})["ok"]
    other_phone = server.socket()
    assert other_phone.call("watch", {"token": other["token"]})["ok"]
    supervisor = server.session("sari")

    answer = supervisor.post(
        f"{server.url}/api/services/lapor/suspend",
        json={"reason": "Server SINAR gangguan"},
        headers={"Origin": server.url},
        timeout=10,
    )
    assert answer.status_code == 200, answer.text
    notice = board.wait_for("service.suspended")
    assert (notice["seq"], notice["service"], notice["reason"]) == (
        start + 1,
        "lapor",
        "Server SINAR gangguan",
    )
    update = phone.wait_for("ticket.update", lambda data: data["ticket"]["suspension"] is not None)
    assert update["ticket"]["suspension"]["reason"] == "Server SINAR gangguan"
    assert update["ticket"]["status"] == "waiting"
    told = far_phone.wait_for(  # but a suspension reaches every phone at once
        "ticket.update", lambda data: data["ticket"]["suspension"] is not None, FAR_SECONDS - 2
    )
    assert told["ticket"]["ahead"] == FAR_AHEAD + 1

    refused = officer.call("call_next", {"counter": "loket-1"})
    assert (refused["ok"], refused["error"]["code"]) == (False, "service_suspended")
    english = server.socket(server.session("budi"), headers={"Accept-Language": "en"})
    refused_en = english.call("call", {"counter": "loket-1", "number": "A-001", "reason": "x"})
    assert "suspended" in refused_en["error"]["message"]
    assert "ditangguhkan" in refused["error"]["message"]

    supervisor.post(
        f"{server.url}/api/services/lapor/resume", headers={"Origin": server.url}, timeout=10
    )
    assert board.wait_for("service.resumed")["service"] == "lapor"
    phone.wait_for("ticket.update", lambda data: data["ticket"]["suspension"] is None)
    far_phone.wait_for(
        "ticket.update", lambda data: data["ticket"]["suspension"] is None, FAR_SECONDS - 2
    )
    assert officer.call("call_next", {"counter": "loket-1"})["ticket"]["number"] == "A-001"
    # The other service's phone never heard of it.
    heard = other_phone.received("ticket.update")
    assert all(data["ticket"]["suspension"] is None for data in heard)
    for listener in (board, phone, other_phone, far_phone, officer, english):
        listener.close()
