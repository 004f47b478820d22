"""`satupintu central serve --workers 2` for real: two processes answer on one port, a worker
that dies is started again while the other goes on answering, and stopping the server stops
them all."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import requests

from central.scratch import ScratchPostgres
from tests.central_fixtures import CentralProcess
from tests.realserver import PASSWORD

pytestmark = pytest.mark.server


def workers_of(parent: int) -> set[int]:
    """The processes whose parent is `parent`."""
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == parent:
            found.add(int(entry.name))
    return found


def wait_for(check: Callable[[], bool], what: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    raise AssertionError(f"{what} did not happen within {timeout} s")


def test_two_workers_answer_one_that_dies_is_started_again_and_stop_ends_both(
    tmp_path: Path, postgres: ScratchPostgres
) -> None:
    server = CentralProcess(tmp_path, postgres.create_database("central_workers"), workers=2)
    server.command("user", "add", "wati", "--role", "viewer", "--password-stdin",
                   stdin=PASSWORD + "\n")  # fmt: skip
    server.start()
    try:
        assert server.process is not None
        parent = server.process.pid
        wait_for(lambda: len(workers_of(parent)) == 2, "two workers")
        first = workers_of(parent)
        for _ in range(6):  # new connections, each taken by whichever worker waits
            reply = server.session().get(f"{server.url}/api/central/stations", timeout=10)
            assert reply.status_code == 200 and reply.json() == {"stations": []}

        gone = min(first)
        os.kill(gone, signal.SIGKILL)
        wait_for(lambda: len(workers_of(parent) - {gone}) == 2, "a worker started again")
        assert server.session().get(f"{server.url}/api/me", timeout=10).status_code == 200
        running = workers_of(parent)
    finally:
        server.stop()
    for pid in running:
        wait_for(lambda pid=pid: not Path(f"/proc/{pid}").exists(), f"worker {pid} ended")
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{server.url}/api/me", timeout=2)
