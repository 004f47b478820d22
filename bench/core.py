"""Kiosk throughput and board fan-out against a real `satupintu serve`.

1. Eight kiosk clients issue tickets as fast as the server acknowledges them (each ticket
   durable before it is acknowledged: SQLite WAL with synchronous=FULL), so the queue grows
   by thousands: tickets per second, p50/p99 latency. The printer is `none`: this measures
   the server, not a printer.
2. Two hundred board clients are connected over websocket (spread over four processes, as
   boards are separate machines); an officer's console emits `call_next`; we measure the time
   until the last board has the `ticket.called` event, p50/p99 over many calls.

Run: `make bench` or `.venv/bin/python -m bench.core [--boards 200] [--calls 100]`.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import statistics
import tempfile
import time
from multiprocessing.connection import Connection
from pathlib import Path

import aiohttp
import requests
import socketio

from tests.realserver import ServerProcess


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def kiosk_throughput(server: ServerProcess, kiosks: int, seconds: float) -> dict[str, float]:
    """Kiosks posting tickets back to back (asyncio clients: a light load generator)."""

    async def run() -> list[float]:
        latencies: list[float] = []
        stop_at = time.perf_counter() + seconds
        services = ("lapor", "surat", "lantas")
        async with aiohttp.ClientSession() as http:

            async def kiosk(index: int) -> None:
                tap = 0
                while time.perf_counter() < stop_at:
                    tap += 1
                    started = time.perf_counter()
                    async with http.post(
                        f"{server.url}/api/tickets",
                        json={"service": services[tap % 3], "kiosk": "kiosk-1"},
                        headers={"Idempotency-Key": f"bench-{index}-{tap}"},
                    ) as response:
                        if response.status != 201:
                            raise RuntimeError(await response.text())
                        await response.read()
                    latencies.append(time.perf_counter() - started)

            await asyncio.gather(*(kiosk(index) for index in range(kiosks)))
        return latencies

    began = time.perf_counter()
    latencies = asyncio.run(run())
    wall = time.perf_counter() - began
    return {
        "tickets": len(latencies),
        "per_second": len(latencies) / wall,
        "p50_ms": percentile(latencies, 0.5) * 1000,
        "p99_ms": percentile(latencies, 0.99) * 1000,
    }


def _boards(url: str, count: int, pipe: Connection) -> None:
    """A process holding `count` board connections; reports each call's arrival times."""

    async def main() -> None:
        arrivals: dict[str, list[float]] = {}
        clients = []
        for _ in range(count):
            client = socketio.AsyncClient(reconnection=False)

            async def on_called(data: dict, _client: socketio.AsyncClient = client) -> None:
                arrivals.setdefault(data["number"], []).append(time.time())

            client.on("ticket.called", on_called)
            await client.connect(url, transports=["websocket"], wait_timeout=30)
            clients.append(client)
        pipe.send("ready")
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, pipe.recv)  # "report"
        pipe.send(arrivals)
        for client in clients:
            await client.disconnect()

    asyncio.run(main())


def board_fanout(
    server: ServerProcess, boards: int, calls: int, processes: int = 4
) -> dict[str, float]:
    pipes = []
    workers = []
    for index in range(processes):
        ours, theirs = multiprocessing.Pipe()
        share = boards // processes + (1 if index < boards % processes else 0)
        worker = multiprocessing.Process(target=_boards, args=(server.url, share, theirs))
        worker.start()
        pipes.append(ours)
        workers.append(worker)
    for pipe in pipes:
        assert pipe.recv() == "ready"
    for _ in range(calls):
        requests.post(f"{server.url}/api/tickets", json={"service": "lantas"}, timeout=10)
    officer = server.socket(server.session("bench"))
    sent: dict[str, float] = {}
    for _ in range(calls):
        started = time.time()
        ack = officer.call("call_next", {"counter": "loket-3"})
        sent[ack["ticket"]["number"]] = started
        time.sleep(0.1)
    time.sleep(1.0)
    arrivals: dict[str, list[float]] = {}
    for pipe in pipes:
        pipe.send("report")
        for number, times in pipe.recv().items():
            arrivals.setdefault(number, []).extend(times)
    for worker in workers:
        worker.join(timeout=30)
    officer.close()
    to_last = []
    for number, started in sent.items():
        times = arrivals.get(number, [])
        if len(times) != boards:
            raise RuntimeError(f"{number} reached {len(times)} of {boards} boards")
        to_last.append(max(times) - started)
    return {
        "boards": boards,
        "calls": calls,
        "p50_ms": percentile(to_last, 0.5) * 1000,
        "p99_ms": percentile(to_last, 0.99) * 1000,
        "mean_ms": statistics.fmean(to_last) * 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kiosks", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--boards", type=int, default=200)
    parser.add_argument("--calls", type=int, default=100)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        server = ServerProcess(Path(folder))
        server.add_user("bench")
        server.start()
        try:
            issue = kiosk_throughput(server, args.kiosks, args.seconds)
            print(
                f"issue: {args.kiosks} kiosks, {issue['tickets']} durable tickets, "
                f"{issue['per_second']:.0f} tickets/s, "
                f"p50 {issue['p50_ms']:.1f} ms, p99 {issue['p99_ms']:.1f} ms"
            )
            fan = board_fanout(server, args.boards, args.calls)
            print(
                f"fan-out: {fan['boards']} boards, {fan['calls']} calls, call_next to last board "
                f"p50 {fan['p50_ms']:.1f} ms, p99 {fan['p99_ms']:.1f} ms"
            )
        finally:
            server.stop()


if __name__ == "__main__":
    main()
