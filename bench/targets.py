"""The two servers `bench.versus` measures side by side, started the same way, and what the
kernel says each costs (resident memory and CPU time of the server and its child processes).

`FloorProcess` starts `bench.floor_server` with the interface of `tests.realserver.ServerProcess`
(url, process, session, socket, start, stop), so one bench drives either.
"""

from __future__ import annotations

import copy
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import requests
import yaml

from bench.memory import memory_of
from tests.helpers import BASE_CONFIG
from tests.realserver import Listener, ServerProcess, free_port


class FloorProcess:
    """The floor server at 127.0.0.1 with its own database under `folder`, for the hall of the
    product's test config with `config_overrides` (services, counters, time zone)."""

    def __init__(self, folder: Path, **config_overrides: Any) -> None:
        self.folder = folder
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        data = copy.deepcopy(BASE_CONFIG)
        data.update(config_overrides)
        self.config_path = folder / "config.yaml"
        self.config_path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        self.database = folder / "floor.db"
        self.log_path = folder / "floor.log"
        self.process: subprocess.Popen[bytes] | None = None

    def add_user(self, name: str, role: str = "officer", units: str | None = None) -> None:
        """The floor has no users: anyone may act (kept for the benches' one code path)."""

    def start(self, timeout: float = 20.0) -> None:
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "bench.floor_server",
                    "--port",
                    str(self.port),
                    "--db",
                    str(self.database),
                    "--config",
                    str(self.config_path),
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
                env={**os.environ, "PYTHONUNBUFFERED": "1"},
                cwd=Path(__file__).resolve().parent.parent,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"floor exited: {self.log_path.read_text()}")
            try:
                requests.get(f"{self.url}/api/services", timeout=1)
                return
            except requests.ConnectionError:
                time.sleep(0.1)
        raise RuntimeError(f"floor did not start: {self.log_path.read_text()}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)

    def session(self, name: str | None = None) -> requests.Session:
        http = requests.Session()
        if name:
            http.post(f"{self.url}/api/login", json={"username": name}, timeout=10)
        return http

    def socket(self, http: requests.Session | None = None) -> Listener:
        return Listener(self.url, {}, "websocket")


Target = ServerProcess | FloorProcess


def process_tree(pid: int) -> list[int]:
    """`pid` and every process descended from it (the product's reads worker, ...)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, []))
    return found


def rss_mib(pid: int) -> float:
    """Resident memory of `pid` and its descendants, in MiB."""
    total_kb = 0
    for each in process_tree(pid):
        try:
            with open(f"/proc/{each}/status", encoding="ascii") as status:
                total_kb += next(
                    int(line.split()[1]) for line in status if line.startswith("VmRSS:")
                )
        except (OSError, StopIteration):
            continue
    return total_kb / 1024


def pss_mib(pid: int) -> float:
    """Proportional memory of `pid` and its descendants, in MiB: a page they share (a forked
    worker's, before either writes it) counts once, split between them."""
    total_kb = 0
    for each in process_tree(pid):
        try:
            total_kb += memory_of(each)[1]
        except (OSError, KeyError):
            continue
    return total_kb / 1024


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of `pid` and its live descendants so far, in seconds."""
    ticks = 0
    for each in process_tree(pid):
        try:
            fields = Path(f"/proc/{each}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")
