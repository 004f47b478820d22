"""A full hall on a bad day, against a real `satupintu serve`.

1,000 viewers stay connected over websocket: 100 wall boards (connecting as the board page
does, `auth: {batch: true}`: a commit's board events in one frame) and 900 phones, each phone
watching its own waiting ticket. Ten officers call next in parallel (each every ~2 s) while
kiosks issue a burst of 50 tickets per second. Measured: the time from an officer's
`call_next` to the last viewer that must hear of it (every board, and the phone of the called
ticket), p50/p99; kiosk issue latency p50/p99; the server's peak memory (RSS) and CPU, the
viewers' processes' CPU and the frames each board and each phone received per second.

Run: `.venv/bin/python -m bench.load [--boards 100] [--phones 900] [--seconds 30]`.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import random
import statistics
import tempfile
import threading
import time
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import aiohttp
import requests
import socketio

from bench.core import percentile
from tests.realserver import ServerProcess

COUNTERS = 10
SERVICES = ("lapor", "surat", "lantas")


def hall_config() -> dict[str, Any]:
    """Ten counters: the first six for SPKT's two services, four for traffic."""
    return {
        "counters": [
            {
                "id": f"loket-{index}",
                "name": f"Loket {index}",
                "services": ["lapor", "surat"] if index <= 6 else ["lantas"],
            }
            for index in range(1, COUNTERS + 1)
        ]
    }


def _viewers(url: str, boards: int, tokens: list[str], pipe: Connection) -> None:
    """One process holding some boards and phones; reports when each call reached each."""

    async def main() -> None:
        board_arrivals: dict[str, list[float]] = {}
        phone_arrivals: dict[str, float] = {}
        frames = {"board": 0, "phone": 0}  # frames the viewers received once all were ready
        clients = []
        for index in range(boards + len(tokens)):
            client = socketio.AsyncClient(reconnection=False)
            kind = "board" if index < boards else "phone"

            async def on_other(*_: Any, kind: str = kind) -> None:
                frames[kind] += 1

            client.on("*", on_other)  # every event without a handler of its own
            if index < boards:

                async def on_called(data: dict[str, Any]) -> None:
                    board_arrivals.setdefault(data["number"], []).append(time.time())

                async def on_frame(frame: dict[str, Any]) -> None:
                    frames["board"] += 1
                    for name, data in frame["events"]:
                        if name == "ticket.called":
                            await on_called(data)

                client.on("ticket.called", on_called)
                client.on("board.events", on_frame)  # as the wall board asks (`batch`)
            else:
                token = tokens[index - boards]

                async def on_update(data: dict[str, Any]) -> None:
                    frames["phone"] += 1
                    ticket = data["ticket"]
                    if ticket["status"] == "called" and ticket["number"] not in phone_arrivals:
                        phone_arrivals[ticket["number"]] = time.time()

                client.on("ticket.update", on_update)
            auth = {"batch": True} if index < boards else None
            await client.connect(url, transports=["websocket"], wait_timeout=60, auth=auth)
            if index >= boards:
                await client.call("watch", {"token": token}, timeout=60)
            clients.append(client)
        pipe.send("ready")
        frames.update(board=0, phone=0)
        await asyncio.get_running_loop().run_in_executor(None, pipe.recv)
        pipe.send((board_arrivals, phone_arrivals, frames))
        for client in clients:
            await client.disconnect()

    asyncio.run(main())


def _server_usage(pid: int) -> tuple[float, float]:
    """(RSS in MB, CPU seconds so far) of the server process."""
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        rss_kb = next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return rss_kb / 1024, (int(fields[11]) + int(fields[12])) / ticks


def _cpu_of(workers: list[multiprocessing.Process]) -> float:
    """CPU seconds so far of the viewers' processes (they share the machine with the server)."""
    return sum(_server_usage(worker.pid)[1] for worker in workers if worker.pid is not None)


def run(boards: int, phones: int, seconds: float, processes: int = 4) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder:
        server = ServerProcess(Path(folder), **hall_config())
        for index in range(1, COUNTERS + 1):
            server.add_user(f"petugas{index}")
        server.start()
        assert server.process is not None
        try:
            return _measure(server, boards, phones, seconds, processes)
        finally:
            server.stop()


def _measure(
    server: ServerProcess, boards: int, phones: int, seconds: float, processes: int
) -> dict[str, float]:
    http = requests.Session()
    tokens = []
    for index in range(phones):
        response = http.post(
            f"{server.url}/api/tickets", json={"service": SERVICES[index % 3]}, timeout=30
        )
        tokens.append(response.json()["ticket"]["token"])
    pipes, workers = [], []
    for index in range(processes):
        ours, theirs = multiprocessing.Pipe()
        worker = multiprocessing.Process(
            target=_viewers,
            args=(server.url, boards // processes, tokens[index::processes], theirs),
        )
        worker.start()
        pipes.append(ours)
        workers.append(worker)
    for pipe in pipes:
        assert pipe.recv() == "ready"
    pid = server.process.pid  # type: ignore[union-attr]
    rss_start, cpu_start = _server_usage(pid)
    viewers_cpu_start = _cpu_of(workers)
    peak_rss = rss_start
    began = time.monotonic()
    sent: dict[str, float] = {}
    issue_latencies: list[float] = []
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def officer(index: int) -> None:
        # As the counter's console connects: board events in `board.events` frames.
        console = server.socket(server.session(f"petugas{index}"), auth={"batch": True})
        chance = random.Random(index)
        time.sleep(chance.uniform(0, 2))
        while time.monotonic() < stop_at:
            started = time.time()
            ack = console.call("call_next", {"counter": f"loket-{index}"}, timeout=30)
            if ack["ok"]:
                with lock:
                    sent[ack["ticket"]["number"]] = started
            time.sleep(chance.uniform(1.5, 2.5))
        console.close()

    async def burst() -> None:
        """Kiosks issue 50 tickets per second on schedule, whatever the answers' latency."""
        async with aiohttp.ClientSession() as kiosk:

            async def issue(tick: int) -> None:
                started = time.perf_counter()
                async with kiosk.post(
                    f"{server.url}/api/tickets", json={"service": SERVICES[tick % 3]}
                ) as response:
                    await response.read()
                issue_latencies.append(time.perf_counter() - started)

            pending = []
            tick = 0
            while time.monotonic() < stop_at:
                tick += 1
                pending.append(asyncio.create_task(issue(tick)))
                await asyncio.sleep(1 / 50)
            await asyncio.gather(*pending)

    officers = [threading.Thread(target=officer, args=(i,)) for i in range(1, COUNTERS + 1)]
    for thread in officers:
        thread.start()
    kiosk_thread = threading.Thread(target=lambda: asyncio.run(burst()))
    kiosk_thread.start()
    while any(thread.is_alive() for thread in officers):
        peak_rss = max(peak_rss, _server_usage(pid)[0])
        time.sleep(0.5)
    kiosk_thread.join()
    time.sleep(2.0)
    rss_end, cpu_end = _server_usage(pid)
    viewers_cpu = _cpu_of(workers) - viewers_cpu_start
    wall = time.monotonic() - began
    board_arrivals: dict[str, list[float]] = {}
    phone_arrivals: dict[str, float] = {}
    frames = {"board": 0, "phone": 0}
    for pipe in pipes:
        pipe.send("report")
        boards_part, phones_part, frames_part = pipe.recv()
        for kind, count in frames_part.items():
            frames[kind] += count
        for number, times in boards_part.items():
            board_arrivals.setdefault(number, []).extend(times)
        phone_arrivals.update(phones_part)
    for worker in workers:
        worker.join(timeout=60)
    board_count = boards // processes * processes
    to_last, to_boards, to_phone = [], [], []
    for number, started in sent.items():
        arrivals = board_arrivals.get(number, [])
        if len(arrivals) != board_count:
            raise RuntimeError(f"{number} reached {len(arrivals)} of {board_count} boards")
        to_boards.append(max(arrivals) - started)
        if number in phone_arrivals:
            to_phone.append(phone_arrivals[number] - started)
            arrivals = [*arrivals, phone_arrivals[number]]
        to_last.append(max(arrivals) - started)
    return {
        "viewers": board_count + phones,
        "calls": len(sent),
        "phones_called": sum(1 for number in sent if number in phone_arrivals),
        "p50_ms": percentile(to_last, 0.5) * 1000,
        "p99_ms": percentile(to_last, 0.99) * 1000,
        "mean_ms": statistics.fmean(to_last) * 1000,
        "boards_p99_ms": percentile(to_boards, 0.99) * 1000,
        "phone_p99_ms": percentile(to_phone, 0.99) * 1000 if to_phone else 0.0,
        "issued": len(issue_latencies),
        "issue_p50_ms": percentile(issue_latencies, 0.5) * 1000,
        "issue_p99_ms": percentile(issue_latencies, 0.99) * 1000,
        "board_frames_per_s": frames["board"] / max(board_count, 1) / wall,
        "phone_frames_per_s": frames["phone"] / max(phones, 1) / wall,
        "rss_peak_mb": max(peak_rss, rss_end),
        "cpu_percent": (cpu_end - cpu_start) / wall * 100,
        "viewers_cpu_percent": viewers_cpu / wall * 100,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--boards", type=int, default=100)
    parser.add_argument("--phones", type=int, default=900)
    parser.add_argument("--seconds", type=float, default=30.0)
    args = parser.parse_args()
    figures = run(args.boards, args.phones, args.seconds)
    print(
        f"load: {figures['viewers']} viewers, {figures['calls']} calls "
        f"({figures['phones_called']} to a watching phone), call_next to last viewer "
        f"p50 {figures['p50_ms']:.0f} ms, p99 {figures['p99_ms']:.0f} ms "
        f"(boards alone p99 {figures['boards_p99_ms']:.0f} ms, "
        f"the called phone p99 {figures['phone_p99_ms']:.0f} ms); "
        f"{figures['issued']} tickets at 50/s, issue p50 {figures['issue_p50_ms']:.0f} ms, "
        f"p99 {figures['issue_p99_ms']:.0f} ms; frames per second to each board "
        f"{figures['board_frames_per_s']:.1f}, to each phone {figures['phone_frames_per_s']:.2f}; "
        f"server peak RSS {figures['rss_peak_mb']:.0f} MB, "
        f"CPU {figures['cpu_percent']:.0f}% of one core (the viewers' processes: "
        f"{figures['viewers_cpu_percent']:.0f}%)"
    )


if __name__ == "__main__":
    main()
