"""Two server processes on one SQLite file share broadcasts through a real redis-server."""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
import requests

from shared.domain.events import BOARD_EVENT_NAMES
from tests.realserver import ServerProcess, free_port

pytestmark = pytest.mark.server


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    """A throw-away redis-server (Debian's package) on a free port."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.fail(
            "the multi-process tests need Debian's redis-server: apt-get install redis-server"
        )
    port = free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"redis://127.0.0.1:{port}/0"
    deadline = time.monotonic() + 10
    while True:
        try:
            redis.Redis.from_url(url).ping()
            break
        except redis.ConnectionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)
    yield url
    process.terminate()
    process.wait(timeout=10)


def test_a_board_on_one_process_sees_every_call_made_on_the_other_in_order(
    tmp_path: Path, redis_url: str
) -> None:
    database = str(tmp_path / "shared.db")
    servers = []
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        servers.append(ServerProcess(tmp_path / name, database=database, message_queue=redis_url))
    counter_side, board_side = servers
    counter_side.add_user("budi")
    for server in servers:
        server.start()
    try:
        board = board_side.socket()
        start = board.wait_for("snapshot")["seq"]
        officer = counter_side.socket(counter_side.session("budi"))
        numbers = []
        for _ in range(12):
            response = requests.post(
                f"{counter_side.url}/api/tickets", json={"service": "lapor"}, timeout=10
            )
            assert response.status_code == 201
        for _ in range(12):
            ack = officer.call("call_next", {"counter": "loket-1"})
            assert ack["ok"], ack
            numbers.append(ack["ticket"]["number"])
        final = requests.get(f"{board_side.url}/api/board", timeout=10).json()["seq"]
        board.wait_for("queue.waiting", lambda data: data["seq"] == final)
        called = [data["number"] for data in board.received("ticket.called")]
        assert called == numbers
        seqs = [data["seq"] for name, data in board.events if name in BOARD_EVENT_NAMES]
        assert seqs == list(range(start + 1, final + 1))
        # Both processes serve the same state.
        assert (
            requests.get(f"{counter_side.url}/api/board", timeout=10).json()
            == requests.get(f"{board_side.url}/api/board", timeout=10).json()
        )
        board.close()
        officer.close()
    finally:
        for server in servers:
            server.stop()


def test_a_phone_on_one_process_hears_of_its_call_on_the_other_at_once(
    tmp_path: Path, redis_url: str
) -> None:
    """The call is told through Redis: each update arrives within the listener's 10 s wait,
    while the periodic refresh that would otherwise find it runs only every 30 s."""
    database = str(tmp_path / "shared.db")
    servers = []
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        servers.append(ServerProcess(tmp_path / name, database=database, message_queue=redis_url))
    counter_side, phone_side = servers
    counter_side.add_user("budi")
    for server in servers:
        server.start()
    try:
        for _ in range(2):
            requests.post(f"{phone_side.url}/api/tickets", json={"service": "lapor"}, timeout=10)
        ticket = requests.post(
            f"{phone_side.url}/api/tickets", json={"service": "lapor"}, timeout=10
        ).json()["ticket"]
        phone = phone_side.socket()
        assert phone.call("watch", {"token": ticket["token"]})["ok"]
        officer = counter_side.session("budi")
        officer.post(f"{counter_side.url}/api/counters/loket-1/call-next", timeout=10)
        moved = phone.wait_for("ticket.update", lambda data: data["ticket"]["ahead"] == 1)
        assert moved["ticket"]["status"] == "waiting"
        for _ in range(2):
            officer.post(f"{counter_side.url}/api/counters/loket-1/call-next", timeout=10)
        called = phone.wait_for("ticket.update", lambda data: data["ticket"]["status"] == "called")
        assert called["ticket"]["counter"] == "loket-1"
        phone.close()
    finally:
        for server in servers:
            server.stop()
