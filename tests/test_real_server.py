"""Against a real `satupintu serve`: life cycle, concurrency, restarts, SIGKILL, bad input."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
import socketio

from tests.realserver import Listener, ServerProcess

pytestmark = pytest.mark.server


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ServerProcess]:
    process = ServerProcess(tmp_path)
    for name in ("budi", "ani", "wayan", "yohana"):
        process.add_user(name)
    process.start()
    yield process
    process.stop()


def issue(server: ServerProcess, service: str = "lapor", **body: object) -> dict:
    response = requests.post(
        f"{server.url}/api/tickets", json={"service": service, **body}, timeout=10
    )
    assert response.status_code == 201, response.text
    return response.json()["ticket"]


def seqs(listener: Listener) -> list[int]:
    names = (
        "ticket.issued", "ticket.called", "ticket.recalled", "ticket.done", "ticket.no_show",
        "ticket.transferred", "queue.waiting", "counter.state", "ticket.requeued",
    )  # fmt: skip
    return [data["seq"] for name, data in list(listener.events) if name in names]


def test_a_ticket_lives_its_whole_life_through_http_and_sockets(server: ServerProcess) -> None:
    board = server.socket()
    start = board.wait_for("snapshot")["seq"]
    officer = server.socket(server.session("budi"))
    ticket = issue(server)
    called = officer.call("call_next", {"counter": "loket-1"})
    assert called["ok"] and called["ticket"]["number"] == ticket["number"]
    board_call = board.wait_for("ticket.called")
    assert board_call["announcement"] == "Nomor antrean A satu, silakan menuju loket satu"
    assert officer.call("recall", {"counter": "loket-1"})["ok"]
    board.wait_for("ticket.recalled")
    moved = officer.call("transfer", {"counter": "loket-1", "service": "lantas"})
    assert moved["ticket"]["service"] == "lantas"
    lantas = server.socket(server.session("ani"))
    again = lantas.call("call_next", {"counter": "loket-3"})
    assert again["ticket"]["number"] == ticket["number"]
    assert lantas.call("done", {"counter": "loket-3"})["ticket"]["status"] == "done"
    board.wait_for("ticket.done")
    status = requests.get(f"{server.url}/api/tickets/{ticket['token']}", timeout=10).json()
    assert status["ticket"]["status"] == "done"
    received = sorted(seqs(board))
    assert received == list(range(start + 1, start + 1 + len(received)))
    for listener in (board, officer, lantas):
        listener.close()


def test_officers_calling_at_once_never_share_a_ticket_and_boards_miss_nothing(
    server: ServerProcess,
) -> None:
    board = server.socket()
    start = board.wait_for("snapshot")["seq"]
    tickets = [issue(server, "lapor" if n % 2 else "surat")["number"] for n in range(40)]
    called: list[str] = []
    lock = threading.Lock()

    def officer(name: str, counter: str) -> None:
        http = server.session(name)
        while True:
            response = http.post(f"{server.url}/api/counters/{counter}/call-next", timeout=10)
            if response.status_code == 404:
                assert response.json()["error"]["code"] == "queue_empty"
                return
            assert response.status_code == 200, response.text
            with lock:
                called.append(response.json()["ticket"]["number"])

    threads = [
        threading.Thread(target=officer, args=(name, counter))
        for name, counter in (("budi", "loket-1"), ("ani", "loket-2"), ("wayan", "loket-1"),
                              ("yohana", "loket-2"))
    ]  # fmt: skip
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(called) == sorted(tickets)
    final = requests.get(f"{server.url}/api/board", timeout=10).json()["seq"]
    board.wait_for("queue.waiting", lambda data: data["seq"] == final)
    assert sorted(seqs(board)) == list(range(start + 1, final + 1))  # none missed, none twice
    board.close()


def test_a_restarted_server_shows_the_same_board(server: ServerProcess) -> None:
    officer = server.session("budi")
    for _ in range(3):
        issue(server)
    officer.post(f"{server.url}/api/counters/loket-1/call-next", timeout=10)
    officer.post(f"{server.url}/api/counters/loket-2/state", json={"state": "break"}, timeout=10)
    before = requests.get(f"{server.url}/api/board", timeout=10).json()
    server.restart()
    board = server.socket()
    after = board.wait_for("snapshot")
    assert after == before
    # The next event continues the same seq stream.
    issue(server)
    assert board.wait_for("ticket.issued")["seq"] == before["seq"] + 1
    board.close()


def test_sigkill_while_issuing_loses_no_acknowledged_ticket_and_repeats_no_number(
    server: ServerProcess,
) -> None:
    acknowledged: list[dict] = []
    stop = threading.Event()

    def kiosk() -> None:
        http = requests.Session()
        while not stop.is_set():
            try:
                response = http.post(
                    f"{server.url}/api/tickets", json={"service": "lapor"}, timeout=5
                )
            except requests.RequestException:
                continue
            if response.status_code == 201:
                acknowledged.append(response.json()["ticket"])

    kiosks = [threading.Thread(target=kiosk) for _ in range(4)]
    for thread in kiosks:
        thread.start()
    deadline = time.monotonic() + 20
    while len(acknowledged) < 60 and time.monotonic() < deadline:
        time.sleep(0.01)
    server.kill()
    stop.set()
    for thread in kiosks:
        thread.join()
    assert len(acknowledged) >= 60
    server.start()
    for ticket in acknowledged:
        response = requests.get(f"{server.url}/api/tickets/{ticket['token']}", timeout=10)
        assert response.status_code == 200, f"lost acknowledged ticket {ticket['number']}"
        assert response.json()["ticket"]["number"] == ticket["number"]
    after = [issue(server)["number"] for _ in range(5)]
    numbers = [ticket["number"] for ticket in acknowledged] + after
    assert len(numbers) == len(set(numbers)), "a number was given out twice"


def test_bad_input_gets_a_clean_4xx_and_changes_nothing(server: ServerProcess) -> None:
    before = requests.get(f"{server.url}/api/board", timeout=10).json()
    url = f"{server.url}/api/tickets"
    cases = [
        requests.post(url, data="{not json", headers={"Content-Type": "application/json"}),
        requests.post(url, json={"service": "tidak-ada"}),
        requests.post(url, json={"service": ["lapor"]}),
        requests.post(url, json={"service": "lapor", "priority": "true"}),
        requests.post(url, json={"service": "lapor", "kiosk": 3}),
        requests.post(url, data="x" * 200_000, headers={"Content-Type": "application/json"}),
        requests.post(url, json={"service": "lapor"}, headers={"Origin": "http://evil.example"}),
        requests.post(
            f"{server.url}/api/login", json={"username": "budi", "password": "salah-sekali"}
        ),
        requests.post(f"{server.url}/api/login", json={"username": ["budi"], "password": 1}),
        requests.post(f"{server.url}/api/counters/loket-1/call-next"),
        requests.get(f"{server.url}/api/tickets/bukan-token"),
    ]
    for response in cases:
        assert 400 <= response.status_code < 500, response.text
        error = response.json()["error"]
        assert error["code"] and error["message"]
    assert requests.get(f"{server.url}/api/board", timeout=10).json() == before


def test_a_socket_from_another_origin_is_refused(server: ServerProcess) -> None:
    # Long-polling sends exactly our headers (the websocket client adds its own Origin).
    with pytest.raises(socketio.exceptions.ConnectionError):
        server.socket(headers={"Origin": "http://evil.example"}, transport="polling")
    same = server.socket(headers={"Origin": server.url}, transport="polling")
    same.wait_for("snapshot")
    same.close()


def test_a_first_start_keeps_the_admin_password_out_of_the_log(tmp_path: Path) -> None:
    """The server's output is not a terminal here (systemd would keep it in the journal): the
    password goes to a file only the server's user can read, and the log says where."""
    fresh = ServerProcess(tmp_path)
    fresh.start()
    fresh.restart()
    fresh.stop()
    log = fresh.log_path.read_text()
    secret = tmp_path / "first-admin-password"
    assert log.count(f"Created the first user 'admin'; its password is in {secret}") == 1
    assert secret.stat().st_mode & 0o777 == 0o600
    username, password = secret.read_text().split()
    assert username == "admin"
    assert password not in log
    fresh.start()
    http = requests.Session()
    response = http.post(
        f"{fresh.url}/api/login", json={"username": "admin", "password": password}, timeout=10
    )
    assert response.json()["user"]["role"] == "admin"
    fresh.stop()
    assert password not in fresh.log_path.read_text()
