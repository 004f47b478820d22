"""The two servers `bench.versus` measures side by side, started the same way, and what the
kernel says each costs (resident memory and CPU time of the server and its child processes).

`FloorProcess` is a `tests.realserver.ServerProcess` that starts `bench.floor_server` instead, so
one bench drives either.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import requests

from bench.memory import memory_of
from tests.realserver import ServerProcess


class FloorProcess(ServerProcess):
    """The floor server at 127.0.0.1 with its own database under `folder`, for the hall of the
    product's test config with `config_overrides` (services, counters, time zone)."""

    def __init__(self, folder: Path, **config_overrides: Any) -> None:
        super().__init__(
            folder, env={"PYTHONPATH": str(Path(__file__).resolve().parents[1])}, **config_overrides
        )
        self.database = folder / "floor.db"
        self.log_path = folder / "floor.log"

    def command(self) -> list[str]:
        return [
            sys.executable,
            "-m",
            "bench.floor_server",
            "--port",
            str(self.port),
            "--db",
            str(self.database),
            "--config",
            str(self.config_path),
        ]

    def add_user(self, name: str, role: str = "officer", units: str | None = None) -> None:
        """The floor has no users: anyone may act (kept for the benches' one code path)."""

    def session(self, name: str | None = None) -> requests.Session:
        return requests.Session()  # no login: anyone may act


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
