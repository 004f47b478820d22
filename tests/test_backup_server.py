"""A backup made while the real server takes tickets restores to a database that verifies and
holds every ticket acknowledged before the backup began; the restore waits for the server to
be stopped, and the server carries on from the restored database."""

from __future__ import annotations

import sqlite3
import subprocess
import threading
import time
from pathlib import Path

import pytest
import requests

from shared.domain.config import load_config
from shared.operations import backups
from tests.realserver import SATUPINTU, ServerProcess, satupintu

pytestmark = pytest.mark.server


class Kiosk(threading.Thread):
    """Takes tickets back to back from the server's own address, recording each acknowledged one."""

    def __init__(self, url: str) -> None:
        super().__init__(daemon=True)
        self.url = url
        self.acknowledged: list[str] = []
        self.stop = threading.Event()

    def run(self) -> None:
        http = requests.Session()
        while not self.stop.is_set() and len(self.acknowledged) < 5000:
            reply = http.post(f"{self.url}/api/tickets", json={"service": "lapor"}, timeout=10)
            if reply.status_code == 201:
                self.acknowledged.append(reply.json()["ticket"]["number"])


def test_a_backup_under_load_restores_every_acknowledged_ticket(tmp_path: Path) -> None:
    server = ServerProcess(tmp_path)
    server.start()
    kiosk = Kiosk(server.url)
    kiosk.start()
    try:
        while len(kiosk.acknowledged) < 20:
            assert kiosk.is_alive()
            time.sleep(0.01)
        before_backup = list(kiosk.acknowledged)
        made = satupintu("backup", config=server.config_path)
        assert "(verified)" in made.stdout
        while len(kiosk.acknowledged) < len(before_backup) + 20:
            assert kiosk.is_alive()  # tickets go on being taken after the copy
            time.sleep(0.01)
    finally:
        kiosk.stop.set()
        kiosk.join(timeout=30)
    config = load_config(server.config_path)
    [copy] = backups.copies(config.backup_directory)

    refused = subprocess.run(
        [SATUPINTU, "restore", str(copy.path), "--config", str(server.config_path)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert refused.returncode == 1
    assert "stop the server first" in refused.stderr
    server.stop()

    restored = satupintu("restore", str(copy.path), config=server.config_path)
    assert "events verified" in restored.stdout
    with sqlite3.connect(config.database_path) as conn:
        numbers = {row[0] for row in conn.execute("SELECT number FROM tickets")}
    assert set(before_backup) <= numbers
    assert len(numbers) < len(kiosk.acknowledged)  # the later ones are in the database kept aside
    verified = satupintu("audit", "verify", config=server.config_path)
    assert verified.stdout.startswith("audit: OK")

    server.start()
    try:
        reply = requests.post(f"{server.url}/api/tickets", json={"service": "lapor"}, timeout=10)
        assert reply.status_code == 201
        assert reply.json()["ticket"]["number"] not in numbers
    finally:
        server.stop()
