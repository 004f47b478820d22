"""Satu Pintu beside its floor (issue 26): each figure of the product, the floor's and the ratio.

The floor (`bench.floor_app`) is a bare Flask-SocketIO server on gevent that writes what the
product writes per ticket and per call (same rows, hash-chained events, WAL + synchronous=FULL)
and emits the same board events, computing nothing else. Both run on this machine in the same
run, taking turns (floor, product, floor, product, ...), each round on a fresh database; a
figure is the median of the rounds. Measured per round:

- issue: `kiosks` clients post `tickets` durable tickets back to back (the queue grows to that
  many): tickets/s overall and per band of `band` tickets, p99 latency, and the server's CPU
  time per ticket (utime+stime of the server and its children, from /proc);
- paint: headless Chromium shows `/board`; an officer posts call-next `calls` times; the time
  from the reply (and from the post) until the frame showing the called number was painted
  (a MutationObserver sees the number, then requestAnimationFrame and a posted message mark
  the end of that frame), median and worst;
- resident memory (the server plus its children: the product's reads worker) once started and
  idle, and again at rest after the round.

Then, `viewer_rounds` times each, `bench.load`'s hall: 1,000 viewers, 10 officers calling,
kiosks issuing 50 tickets/s; p99 from call-next to the last viewer that must hear of it.

The targets the issue sets are printed as met or not; nothing is asserted.

Run: `.venv/bin/python -m bench.versus [--quick] [--rounds 3] [--tickets 5000] [--calls 30]`.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
from playwright.sync_api import Browser, Page, sync_playwright

from bench import load
from bench.core import percentile
from bench.targets import FloorProcess, Target, cpu_seconds, pss_mib, rss_mib
from tests.realserver import ServerProcess

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync"]
KINDS = ("floor", "product")
OFFICER = "bench"
COUNTER = "loket-3"  # calls the traffic service's tickets (a third of those issued)
SERVICES = ("lapor", "surat", "lantas")
# In the page before its own scripts: the moment each new number on the board was painted, on
# the page's clock (ms since the epoch). rAF runs just before the frame is drawn; the message
# it posts is handled just after.
PAINT_PROBE = """
window.__painted = {};
new MutationObserver(() => {
  const shown = document.getElementById("now-number");
  const number = shown && !shown.hidden ? shown.textContent.trim() : "";
  if (!number || number in window.__painted) return;
  window.__painted[number] = null;
  requestAnimationFrame(() => {
    const after = new MessageChannel();
    after.port1.onmessage = () => {
      window.__painted[number] = performance.timeOrigin + performance.now();
    };
    after.port2.postMessage(null);
  });
}).observe(document, {subtree: true, childList: true, characterData: true, attributes: true});
"""


@dataclass(frozen=True)
class Options:
    rounds: int
    kiosks: int
    tickets: int
    band: int
    calls: int
    boards: int
    phones: int
    viewer_seconds: float
    viewer_rounds: int


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


@contextmanager
def started(kind: str, **config: Any) -> Iterator[Target]:
    """A fresh floor or product server on a temporary database, with the officers it needs."""
    with tempfile.TemporaryDirectory() as folder:
        target: Target = (
            FloorProcess(Path(folder), **config)
            if kind == "floor"
            else ServerProcess(Path(folder), **config)
        )
        for name in [OFFICER, *(f"petugas{index}" for index in range(1, load.COUNTERS + 1))]:
            target.add_user(name)
        target.start()
        try:
            yield target
        finally:
            target.stop()


def issue(target: Target, kiosks: int, tickets: int, band: int) -> dict[str, Any]:
    """`tickets` durable tickets from `kiosks` clients: rate overall and per band, p99, CPU."""
    assert target.process is not None
    done: list[float] = []
    latencies: list[float] = []

    async def run() -> None:
        left = iter(range(tickets))
        async with aiohttp.ClientSession() as http:

            async def kiosk(index: int) -> None:
                for tap in left:
                    began = time.perf_counter()
                    async with http.post(
                        f"{target.url}/api/tickets",
                        json={"service": SERVICES[tap % 3], "kiosk": "kiosk-1"},
                        headers={"Idempotency-Key": f"versus-{index}-{tap}"},
                    ) as response:
                        if response.status != 201:
                            raise RuntimeError(await response.text())
                        await response.read()
                    now = time.perf_counter()
                    latencies.append(now - began)
                    done.append(now)

            await asyncio.gather(*(kiosk(index) for index in range(kiosks)))

    cpu_before = cpu_seconds(target.process.pid)
    began = time.perf_counter()
    with ThreadPoolExecutor(1) as thread:  # off Playwright's event loop, which this one holds
        thread.submit(asyncio.run, run()).result()
    wall = time.perf_counter() - began
    cpu = cpu_seconds(target.process.pid) - cpu_before
    done.sort()
    edges = [began, *done[band - 1 :: band]]
    return {
        "per_second": tickets / wall,
        "p99_ms": percentile(latencies, 0.99) * 1000,
        "bands": [band / (later - earlier) for earlier, later in itertools.pairwise(edges)],
        "cpu_ms_per_ticket": cpu / tickets * 1000,
    }


def _page_offset_ms(page: Page) -> float:
    """The page's clock minus ours (ms), from the quickest of a few round trips."""
    samples = []
    for _ in range(15):
        before = time.time()
        theirs = page.evaluate("performance.timeOrigin + performance.now()")
        after = time.time()
        samples.append((after - before, theirs - (before + after) / 2 * 1000))
    return min(samples)[1]


def paint(target: Target, browser: Browser, calls: int) -> dict[str, list[float]]:
    """Call-next `calls` times (after two to warm up): ms from the reply and from the post
    until the board's frame showing the number was painted. Calls come 0.2 s apart, so the
    product's board still blinks the last call when the next comes."""
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    page.add_init_script(PAINT_PROBE)
    page.goto(f"{target.url}/board", wait_until="load")
    officer = target.session(OFFICER)
    offset = _page_offset_ms(page)
    from_reply: list[float] = []
    from_post: list[float] = []
    try:
        for index in range(calls + 2):
            posted = time.time()
            response = officer.post(f"{target.url}/api/counters/{COUNTER}/call-next", timeout=10)
            replied = time.time()
            response.raise_for_status()
            number = response.json()["ticket"]["number"]
            painted = page.wait_for_function(
                "number => window.__painted[number]", arg=number, polling=20, timeout=10_000
            ).json_value()
            painted_at = (painted - offset) / 1000
            if index >= 2:
                from_reply.append((painted_at - replied) * 1000)
                from_post.append((painted_at - posted) * 1000)
            time.sleep(0.2)
    finally:
        page.close()
    return {"from_reply": from_reply, "from_post": from_post}


def one_round(kind: str, options: Options, browser: Browser) -> dict[str, Any]:
    with started(kind) as target:
        assert target.process is not None
        time.sleep(2.0)
        idle = rss_mib(target.process.pid)
        idle_pss = pss_mib(target.process.pid)
        issued = issue(target, options.kiosks, options.tickets, options.band)
        painted = paint(target, browser, options.calls)
        time.sleep(2.0)
        return {
            **issued,
            "paint_reply_ms": median(painted["from_reply"]),
            "paint_reply_worst_ms": max(painted["from_reply"]),
            "paint_post_ms": median(painted["from_post"]),
            "idle_rss_mib": idle,
            "idle_pss_mib": idle_pss,
            "rss_mib": rss_mib(target.process.pid),
        }


def viewers(kind: str, options: Options) -> dict[str, float]:
    """`bench.load`'s hall against one target: call-next to the last viewer, p99."""
    with started(kind, **load.hall_config()) as target:
        return load._measure(target, options.boards, options.phones, options.viewer_seconds, 4)


@dataclass(frozen=True)
class Row:
    """One line of the table: a figure of both, and the issue's target (None: none set)."""

    measure: str
    key: str
    unit: str
    met: Callable[[float, float], bool] | None = None
    target: str = ""
    pick: Callable[[list[float]], float] = median
    viewers: bool = False  # from the viewers' runs, not the rounds


ROWS = (
    Row("tickets/s, 8 kiosks, durable", "per_second", "/s", lambda p, f: p >= 0.8 * f, "≥ 0.8x"),
    Row("issue p99", "p99_ms", "ms", lambda p, f: p <= 2 * f, "≤ 2x"),
    Row("server CPU per ticket", "cpu_ms_per_ticket", "ms"),
    # The floor's board paints about when its officer gets the reply (it emits before it
    # answers): the issue's bound from the reply is absolute, the ratio is taken from the POST.
    Row(
        "call → painted number, from the reply (median)",
        "paint_reply_ms",
        "ms",
        lambda p, f: p <= 8,
        "≤ 8 ms",
    ),
    Row("… worst of the calls", "paint_reply_worst_ms", "ms", pick=max),
    Row(
        "call → painted number, from the officer's POST (median)",
        "paint_post_ms",
        "ms",
        lambda p, f: p <= 2 * f,
        "≤ 2x",
    ),
    Row("idle PSS (server + children)", "idle_pss_mib", "MiB", lambda p, f: p <= 80, "≤ 80 MiB"),
    Row("idle RSS (server + children, shared pages twice)", "idle_rss_mib", "MiB"),
    Row("RSS at rest after the round", "rss_mib", "MiB"),
    Row(
        "viewers (bench.load's hall), call → last viewer p99",
        "p99_ms",
        "ms",
        lambda p, f: p <= f and p <= 300,
        "≤ floor and ≤ 300 ms",
        viewers=True,
    ),
)


def _figure(value: float, unit: str) -> str:
    shown = f"{value:.0f}" if abs(value) >= 100 else f"{value:.1f}"
    return f"{shown} {unit}" if unit != "/s" else f"{shown}/s"


def _ratio(product: float, floor: float) -> str:
    """product ÷ floor, or "n/a" where a figure is not above zero (a paint before its reply)."""
    return f"{product / floor:.2f}x" if product > 0 and floor > 0 else "n/a"


def table(rounds: dict[str, list[dict[str, Any]]], loads: dict[str, list[dict[str, Any]]]) -> str:
    """The markdown table: measure | product | floor | ratio | target met?"""
    lines = [
        "| measure | product | floor | ratio | target met? |",
        "| --- | --- | --- | --- | --- |",
    ]
    for row in ROWS:
        source = loads if row.viewers else rounds
        if not source["product"] or not source["floor"]:
            continue
        product = row.pick([each[row.key] for each in source["product"]])
        floor = row.pick([each[row.key] for each in source["floor"]])
        verdict = "—" if row.met is None else ("yes" if row.met(product, floor) else "NO")
        target = f" ({row.target})" if row.target else ""
        lines.append(
            f"| {row.measure} | {_figure(product, row.unit)} | {_figure(floor, row.unit)} "
            f"| {_ratio(product, floor)} | {verdict}{target} |"
        )
    return "\n".join(lines)


def bands(rounds: dict[str, list[dict[str, Any]]], band: int) -> str:
    """Tickets/s per band of `band` tickets as the queue grows, and whether the product's
    stays flat (its last band at least 0.8x its first)."""
    lines: list[str] = []
    for kind in ("product", "floor"):
        if not rounds[kind]:
            continue  # the viewers alone (`--rounds 0`)
        per_band = list(zip(*(each["bands"] for each in rounds[kind]), strict=True))
        rates = [median(list(values)) for values in per_band]
        shown = ", ".join(
            f"{index * band}-{(index + 1) * band}: {rate:.0f}" for index, rate in enumerate(rates)
        )
        flat = rates[-1] >= 0.8 * rates[0]
        lines.append(
            f"{kind} tickets/s per band of {band}: {shown} (flat: {'yes' if flat else 'NO'})"
        )
    return "\n".join(lines)


def parse_options() -> Options:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1 round, 2,000 tickets, 300 viewers")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--kiosks", type=int, default=8)
    parser.add_argument("--tickets", type=int, default=5000)
    parser.add_argument("--band", type=int, default=1000)
    parser.add_argument("--calls", type=int, default=30)
    parser.add_argument("--boards", type=int, default=100)
    parser.add_argument("--phones", type=int, default=900)
    parser.add_argument("--viewer-seconds", type=float, default=20.0)
    parser.add_argument("--viewer-rounds", type=int, default=1, help="0: skip the viewers")
    if "--quick" in sys.argv:  # smaller defaults; options given still win
        parser.set_defaults(
            rounds=1, tickets=2000, calls=15, boards=40, phones=260, viewer_seconds=10.0
        )
    args = parser.parse_args()
    return Options(
        args.rounds, args.kiosks, args.tickets, args.band, args.calls, args.boards,
        args.phones, args.viewer_seconds, args.viewer_rounds,
    )  # fmt: skip


def main() -> None:
    options = parse_options()
    began = time.monotonic()
    rounds: dict[str, list[dict[str, Any]]] = {kind: [] for kind in KINDS}
    loads: dict[str, list[dict[str, Any]]] = {kind: [] for kind in KINDS}
    if options.rounds:  # `--rounds 0 --viewer-rounds N`: the viewers alone, no browser
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
            try:
                for number in range(1, options.rounds + 1):
                    for kind in KINDS:
                        rounds[kind].append(one_round(kind, options, browser))
                        said = f"versus round {number}/{options.rounds}: {kind} measured"
                        print(said, flush=True)
            finally:
                browser.close()
    for number in range(1, options.viewer_rounds + 1):
        for kind in KINDS:
            loads[kind].append(viewers(kind, options))
            figures = loads[kind][-1]
            print(
                f"versus viewers {number}/{options.viewer_rounds}: {kind} p99 "
                f"{figures['p99_ms']:.0f} ms, {figures['calls']} calls, frames/s to a board "
                f"{figures['board_frames_per_s']:.1f}, "
                f"to a phone {figures['phone_frames_per_s']:.2f}",
                flush=True,
            )
    minutes = (time.monotonic() - began) / 60
    viewers_said = (
        f", {options.boards + options.phones} viewers x {options.viewer_rounds}"
        if options.viewer_rounds
        else ""
    )
    print(
        f"\nversus ({datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {options.rounds} rounds of "
        f"{options.tickets} tickets and {options.calls} calls{viewers_said}, {minutes:.1f} min; "
        "median of rounds):"
    )
    print(table(rounds, loads))
    print(bands(rounds, options.band))


if __name__ == "__main__":
    main()
