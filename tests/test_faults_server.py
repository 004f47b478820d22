"""Faults against real server processes: backups while serving, 200 clients after a SIGKILL."""

from __future__ import annotations

import asyncio
import sqlite3
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
import socketio

from tests.realserver import ServerProcess, satupintu

pytestmark = pytest.mark.server


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ServerProcess]:
    process = ServerProcess(tmp_path)
    process.start()
    yield process
    process.stop()


def test_a_backup_taken_while_tickets_are_issued_restores_to_a_working_station(
    server: ServerProcess, tmp_path: Path
) -> None:
    acknowledged: list[dict[str, Any]] = []
    stop = threading.Event()

    def kiosk() -> None:
        http = requests.Session()
        while not stop.is_set():
            response = http.post(f"{server.url}/api/tickets", json={"service": "lapor"}, timeout=10)
            assert response.status_code == 201
            acknowledged.append(response.json()["ticket"])

    thread = threading.Thread(target=kiosk)
    thread.start()
    while len(acknowledged) < 30:
        time.sleep(0.01)
    before_backup = len(acknowledged)
    copy = tmp_path / "backups" / "spkt.db"
    satupintu("backup", str(copy), config=server.config_path)
    while len(acknowledged) < before_backup + 30:
        time.sleep(0.01)
    stop.set()
    thread.join()
    server.stop()

    # Restore: a station whose database is the backup copy.
    (tmp_path / "restored").mkdir()
    restored = ServerProcess(tmp_path / "restored", database=str(copy))
    assert "audit: OK" in satupintu("audit", "verify", config=restored.config_path).stdout
    restored.start()
    try:
        for ticket in acknowledged[:before_backup]:
            response = requests.get(f"{restored.url}/api/tickets/{ticket['token']}", timeout=10)
            assert response.status_code == 200, f"{ticket['number']} missing from the backup"
        kept = {t["number"] for t in acknowledged[:before_backup]}
        fresh = requests.post(f"{restored.url}/api/tickets", json={"service": "lapor"}, timeout=10)
        assert fresh.status_code == 201
        assert fresh.json()["ticket"]["number"] not in kept
    finally:
        restored.stop()


def test_backup_refuses_to_overwrite_the_live_database(server: ServerProcess) -> None:
    live_db = server.folder / "satupintu.db"
    with pytest.raises(subprocess.CalledProcessError) as refused:
        satupintu("backup", str(live_db), config=server.config_path)
    assert "cannot overwrite the live database" in refused.value.stderr
    with sqlite3.connect(live_db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


class Crowd:
    """Many Socket.IO clients in one asyncio loop on a thread, reconnecting by themselves."""

    def __init__(self, url: str, size: int) -> None:
        self.url = url
        self.size = size
        self.snapshots: dict[int, list[int]] = {index: [] for index in range(size)}
        self.issued: dict[int, set[int]] = {index: set() for index in range(size)}
        self.loop = asyncio.new_event_loop()
        self.clients: list[socketio.AsyncClient] = []
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        asyncio.run_coroutine_threadsafe(self._connect_all(), self.loop).result(timeout=120)

    async def _connect_all(self) -> None:
        for index in range(self.size):
            client = socketio.AsyncClient(
                reconnection=True, reconnection_delay=0.5, reconnection_delay_max=2
            )
            client.on("snapshot", self._on_snapshot(index))
            client.on("ticket.issued", self._on_issued(index))
            await client.connect(self.url, transports=["websocket"], wait_timeout=30)
            self.clients.append(client)

    def _on_snapshot(self, index: int) -> Any:
        async def handler(state: dict[str, Any]) -> None:
            self.snapshots[index].append(state["seq"])

        return handler

    def _on_issued(self, index: int) -> Any:
        async def handler(event: dict[str, Any]) -> None:
            self.issued[index].add(event["seq"])

        return handler

    def close(self) -> None:
        async def disconnect_all() -> None:
            for client in self.clients:
                await client.disconnect()

        asyncio.run_coroutine_threadsafe(disconnect_all(), self.loop).result(timeout=60)
        self.loop.call_soon_threadsafe(self.loop.stop)


def test_two_hundred_clients_recover_by_themselves_after_a_sigkill(server: ServerProcess) -> None:
    crowd = Crowd(server.url, 200)
    try:
        requests.post(f"{server.url}/api/tickets", json={"service": "lapor"}, timeout=10)
        seq_before = requests.get(f"{server.url}/api/board", timeout=10).json()["seq"]
        server.kill()
        server.start()  # same port, same database
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if all(len(seqs) >= 2 for seqs in crowd.snapshots.values()):
                break
            time.sleep(0.2)
        reconnected = sum(1 for seqs in crowd.snapshots.values() if len(seqs) >= 2)
        assert reconnected == 200, f"only {reconnected} of 200 clients came back"
        assert all(seqs[-1] == seq_before for seqs in crowd.snapshots.values())
        ticket = requests.post(f"{server.url}/api/tickets", json={"service": "lapor"}, timeout=10)
        assert ticket.status_code == 201
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if all(seq_before + 1 in seqs for seqs in crowd.issued.values()):
                break
            time.sleep(0.1)
        assert all(seq_before + 1 in seqs for seqs in crowd.issued.values())
    finally:
        crowd.close()
