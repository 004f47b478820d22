"""Kiosk throughput as the queue grows: tickets per second and p99 for each 1,000 tickets.

Eight kiosk clients issue durable tickets back to back against a real `satupintu serve` until
the queue holds `--tickets` waiting tickets (nobody is called), and the rate is reported per
block of 1,000: a server whose issuing cost follows the queue's length slows down block by
block; one whose cost follows the change stays flat.

Run: `.venv/bin/python -m bench.growth [--kiosks 8] [--tickets 5000]`.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from pathlib import Path

import aiohttp

from bench.core import percentile
from tests.realserver import ServerProcess

BLOCK = 1000
SERVICES = ("lapor", "surat", "lantas")


def growth(server: ServerProcess, kiosks: int, tickets: int) -> list[tuple[int, float, float]]:
    """(tickets so far, tickets/s, p99 ms) for each block of BLOCK tickets."""
    done: list[tuple[float, float]] = []  # (finished at, latency) in order of acknowledgement

    async def run() -> None:
        taps = iter(range(tickets))
        async with aiohttp.ClientSession() as http:

            async def kiosk(index: int) -> None:
                for tap in taps:
                    started = time.perf_counter()
                    async with http.post(
                        f"{server.url}/api/tickets",
                        json={"service": SERVICES[tap % 3], "kiosk": "kiosk-1"},
                        headers={"Idempotency-Key": f"growth-{index}-{tap}"},
                    ) as response:
                        if response.status != 201:
                            raise RuntimeError(await response.text())
                        await response.read()
                    finished = time.perf_counter()
                    done.append((finished, finished - started))

            await asyncio.gather(*(kiosk(index) for index in range(kiosks)))

    began = time.perf_counter()
    asyncio.run(run())
    blocks = []
    for start in range(0, len(done), BLOCK):
        block = done[start : start + BLOCK]
        opened = done[start - 1][0] if start else began
        seconds = block[-1][0] - opened
        latencies = [latency for _, latency in block]
        blocks.append(
            (start + len(block), len(block) / seconds, percentile(latencies, 0.99) * 1000)
        )
    return blocks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kiosks", type=int, default=8)
    parser.add_argument("--tickets", type=int, default=5000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        server = ServerProcess(Path(folder))
        server.start()
        try:
            for count, per_second, p99 in growth(server, args.kiosks, args.tickets):
                print(f"up to {count:5d} waiting: {per_second:4.0f} tickets/s, p99 {p99:5.1f} ms")
        finally:
            server.stop()


if __name__ == "__main__":
    main()
