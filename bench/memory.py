"""The memory a station's server takes: `satupintu serve` with the bundled config.yaml and its
reads worker, idle after start and again after some traffic (100 tickets, a report, its Excel
export and the SKM PDF).

Each process is counted twice, from /proc/<pid>/smaps_rollup: RSS (every page it maps) and PSS
(each shared page divided among the processes that share it). The worker is forked from the
server, so most of its pages are the server's: the sum of the two RSS counts those pages twice,
the sum of the two PSS counts them once (and shares file pages such as libpython with every
other process on the machine that maps them).

Run: `.venv/bin/python -m bench.memory [--settle 12]`.
"""

from __future__ import annotations

import argparse
import copy
import tempfile
import time
from pathlib import Path
from typing import Any

import requests
import yaml

from tests.helpers import BASE_CONFIG
from tests.realserver import ServerProcess

BUNDLED_CONFIG = Path(__file__).resolve().parent.parent / "config.yaml"
TICKETS = 100
KIB = 1024


def bundled_config() -> dict[str, Any]:
    """config.yaml as shipped, with its database in the bench's folder, no rate limits (the
    tickets all come from this one address) and no opening hours (the bench runs at any hour)."""
    data: dict[str, Any] = yaml.safe_load(BUNDLED_CONFIG.read_text(encoding="utf-8"))
    data["database"] = "satupintu.db"
    data["limits"] = copy.deepcopy(BASE_CONFIG["limits"])
    for service in data["services"]:
        service.pop("hours", None)
    return data


def memory_of(pid: int) -> tuple[int, int]:
    """(RSS, PSS) of a process in KiB."""
    fields: dict[str, int] = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        name, value = line.split(":", 1)
        fields[name] = int(value.split()[0])
    return fields["Rss"], fields["Pss"]


def processes(server_pid: int) -> list[tuple[str, int]]:
    """The server and each process it started, with a name to print."""
    children = Path(f"/proc/{server_pid}/task/{server_pid}/children").read_text().split()
    named = [("server", server_pid)]
    for pid in map(int, children):
        named.append((Path(f"/proc/{pid}/comm").read_text().strip(), pid))
    return named


def snapshot(label: str, server_pid: int) -> tuple[int, int]:
    """Print each process's RSS and PSS and their sums; returns the sums in KiB."""
    total_rss = total_pss = 0
    for name, pid in processes(server_pid):
        rss, pss = memory_of(pid)
        total_rss += rss
        total_pss += pss
        print(f"  {label:<14} {name:<16} RSS {rss / KIB:6.1f} MiB   PSS {pss / KIB:6.1f} MiB")
    print(
        f"  {label:<14} {'together':<16} RSS {total_rss / KIB:6.1f} MiB   "
        f"PSS {total_pss / KIB:6.1f} MiB"
    )
    return total_rss, total_pss


def traffic(server: ServerProcess, services: list[str]) -> None:
    """100 tickets from the kiosk, then a supervisor's report, its Excel export and SKM PDF."""
    kiosk = requests.Session()
    for index in range(TICKETS):
        service = services[index % len(services)]
        reply = kiosk.post(f"{server.url}/api/tickets", json={"service": service}, timeout=30)
        reply.raise_for_status()
    supervisor = server.session("sari")
    quarter = f"{time.strftime('%Y')}-Q{_quarter()}"
    for query in ("", "?format=xlsx", f"?period={quarter}&format=skm-pdf"):
        reply = supervisor.get(f"{server.url}/api/admin/reports{query}", timeout=120)
        reply.raise_for_status()


def _quarter() -> int:
    return (time.localtime().tm_mon - 1) // 3 + 1


def main(settle: float = 12.0) -> None:
    folder = Path(tempfile.mkdtemp(prefix="satupintu-bench-memory-"))
    config = bundled_config()
    services = [service["id"] for service in config["services"] if not service.get("private")]
    server = ServerProcess(folder, **config)
    server.add_user("sari", "supervisor")
    server.start()
    try:
        assert server.process is not None
        time.sleep(settle)  # the worker's first audit check runs 5 s after start
        print(f"bench.memory: satupintu serve with the bundled config ({len(services)} services)")
        snapshot("idle", server.process.pid)
        traffic(server, services)
        time.sleep(settle)
        snapshot("after traffic", server.process.pid)
    finally:
        server.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--settle", type=float, default=12.0, help="seconds before each count")
    main(parser.parse_args().settle)
