"""How good is the kiosk's wait estimate? A simulated service day, compared ticket by ticket.

A deterministic day at a small station, driven through the real service layer (use cases,
SQLite store, read models) with a hand-moved clock: citizens arrive at random (more in the
morning rush), officers at five counters call the next ticket the moment they are free, each
citizen takes a random time at the counter (log-normal around a per-service mean that is NOT
the configured standard time: the estimate has to learn it), some do not show up, and one
counter takes a lunch break. For every ticket we keep the estimate the kiosk showed when it
was issued and the wait the citizen really had (issue to call), and report the mean absolute
error of:

- `estimate`: `estimated_wait_minutes` of the ticket view (what kiosk, ticket and phone show);
- `naive`: the standard time of the service times the people ahead;
- `per-service`: the people ahead times the mean of the service's latest finished tickets,
  divided by its open counters (the formula the estimate replaced).

Run: `.venv/bin/python -m bench.estimate [--seed N]` (prints the figures).
"""

from __future__ import annotations

import argparse
import heapq
import math
import random
import statistics
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from satupintu.app import open_station
from shared.application import desk_actions, services, ticket_issue
from shared.domain.clock import ManualClock
from shared.domain.config import parse_config
from shared.domain.errors import QueueEmpty
from shared.store.store import parse_utc

WITA = ZoneInfo("Asia/Makassar")
OPENING = datetime(2026, 5, 20, 8, 0, tzinfo=WITA)  # a Wednesday
ARRIVALS_END_MINUTES = 7 * 60  # the kiosk takes tickets 08:00-15:00
NO_SHOW_SHARE = 0.05
NO_SHOW_MINUTES = 1.5
PRIORITY_SHARE = 0.1
SPREAD = 0.5  # sigma of the log-normal service times

# Per service: prefix, configured standard minutes, real mean minutes, share of arrivals.
SERVICES = {
    "lapor": ("A", 20, 15.0, 0.30),
    "surat": ("B", 10, 7.0, 0.30),
    "lantas": ("C", 15, 20.0, 0.25),
    "reskrim": ("E", 30, 24.0, 0.15),
}
COUNTERS = {
    "loket-1": ("lapor", "surat"),
    "loket-2": ("lapor", "surat"),
    "loket-3": ("lantas",),
    "loket-4": ("lantas", "reskrim"),
    "loket-5": ("reskrim", "surat"),
}
BREAK = ("loket-2", 4 * 60, 5 * 60)  # 12:00-13:00


def arrivals_per_hour(minute: float) -> float:
    """The morning rush (09:00-11:00) brings more citizens than the counters can serve."""
    return 26.0 if 60 <= minute < 180 else 15.0


def station_config(folder: Path) -> dict[str, Any]:
    return {
        "station": {"name": "SPKT Simulasi"},
        "database": str(folder / "simulation.db"),
        "printer": {"type": "none"},
        "services": [
            {
                "id": service,
                "name": service.title(),
                "prefix": prefix,
                "unit": "SPKT",
                "standard_minutes": standard,
            }
            for service, (prefix, standard, _, _) in SERVICES.items()
        ],
        "counters": [
            {"id": counter, "name": counter.replace("loket-", "Loket "), "services": list(served)}
            for counter, served in COUNTERS.items()
        ],
        "limits": {"tickets_per_minute": 0, "logins_per_minute": 0},
    }


@dataclass
class Ticket:
    number: str
    service: str
    issued_minute: float
    ahead: int
    estimate: int
    naive: int
    per_service: int
    called_minute: float | None = None

    @property
    def wait(self) -> float:
        assert self.called_minute is not None
        return self.called_minute - self.issued_minute


@dataclass
class Day:
    """The outcome of one simulated day: every ticket with its estimates and its real wait."""

    tickets: list[Ticket] = field(default_factory=list)

    def mae(self, estimator: str) -> float:
        return statistics.fmean(abs(getattr(t, estimator) - t.wait) for t in self.tickets)

    def bias(self, estimator: str) -> float:
        return statistics.fmean(getattr(t, estimator) - t.wait for t in self.tickets)


class Simulation:
    """One day's events in time order: arrivals, counters finishing, a lunch break."""

    def __init__(self, folder: Path, seed: int) -> None:
        self.rng = random.Random(seed)
        self.clock = ManualClock(OPENING)
        self.station = open_station(parse_config(station_config(folder)), clock=self.clock)
        services.ensure_counters(self.station)
        self.events: list[tuple[float, int, str, str]] = []
        self.order = 0
        self.idle = set(COUNTERS)
        self.on_break: set[str] = set()
        self.break_due: set[str] = set()
        self.serving: dict[str, bool] = {}  # counter -> whether its citizen is a no-show
        self.tickets: dict[str, Ticket] = {}

    def at(self, minute: float, kind: str, subject: str = "") -> None:
        self.order += 1
        heapq.heappush(self.events, (minute, self.order, kind, subject))

    def run(self) -> Day:
        self._plan_arrivals()
        counter, start, end = BREAK
        self.at(start, "break", counter)
        self.at(end, "back", counter)
        while self.events:
            minute, _, kind, subject = heapq.heappop(self.events)
            self.clock.set(OPENING + timedelta(minutes=minute))
            getattr(self, f"_{kind}")(minute, subject)
        self.station.store.close()
        return Day([ticket for ticket in self.tickets.values() if ticket.called_minute is not None])

    def _plan_arrivals(self) -> None:
        minute = 0.0
        names = list(SERVICES)
        shares = [share for *_, share in SERVICES.values()]
        while True:
            minute += self.rng.expovariate(arrivals_per_hour(minute) / 60)
            if minute >= ARRIVALS_END_MINUTES:
                return
            self.at(minute, "arrive", self.rng.choices(names, shares)[0])

    def _arrive(self, minute: float, service: str) -> None:
        priority = self.rng.random() < PRIORITY_SHARE
        view = ticket_issue.issue_ticket(self.station, service, priority=priority).ticket
        ahead = view["ahead"]
        self.tickets[view["number"]] = Ticket(
            number=view["number"],
            service=service,
            issued_minute=minute,
            ahead=ahead,
            estimate=view["estimated_wait_minutes"],
            naive=SERVICES[service][1] * ahead,
            per_service=self._per_service_estimate(service, ahead),
        )
        for counter in sorted(self.idle):
            self._call(minute, counter)

    def _finish(self, minute: float, counter: str) -> None:
        no_show = self.serving.pop(counter)
        (desk_actions.no_show if no_show else desk_actions.finish)(self.station, counter, "sim")
        self.idle.add(counter)
        if counter in self.break_due:
            self._break(minute, counter)
        else:
            self._call(minute, counter)

    def _break(self, minute: float, counter: str) -> None:
        if counter not in self.idle:
            self.break_due.add(counter)  # after the citizen at the counter now
            return
        self.break_due.discard(counter)
        self.idle.discard(counter)
        self.on_break.add(counter)
        desk_actions.set_counter_state(self.station, counter, "break", "sim")

    def _back(self, minute: float, counter: str) -> None:
        self.on_break.discard(counter)
        self.idle.add(counter)
        desk_actions.set_counter_state(self.station, counter, "open", "sim")
        self._call(minute, counter)

    def _call(self, minute: float, counter: str) -> None:
        if counter not in self.idle:
            return
        try:
            called = desk_actions.call_next(self.station, counter, "sim")
        except QueueEmpty:
            return
        self.idle.discard(counter)
        self.tickets[called.number].called_minute = minute
        no_show = self.rng.random() < NO_SHOW_SHARE
        mean = SERVICES[called.service][2]
        taken = (
            NO_SHOW_MINUTES
            if no_show
            else mean * math.exp(self.rng.gauss(0, SPREAD) - SPREAD**2 / 2)
        )
        self.serving[counter] = no_show
        self.at(minute + taken, "finish", counter)

    def _per_service_estimate(self, service: str, ahead: int) -> int:
        """The replaced formula: ahead x mean of the latest 20 done / open counters serving."""
        with self.station.store.read() as db:
            rows = db.all(
                "SELECT called_at, finished_at FROM tickets WHERE service = ? AND status = 'done' "
                "ORDER BY finished_at DESC LIMIT 20",
                [service],
            )
            states = {row["id"]: row["state"] for row in db.all("SELECT id, state FROM counters")}
        times = [
            (parse_utc(row["finished_at"]) - parse_utc(row["called_at"])).total_seconds() / 60
            for row in rows
        ]
        per_citizen = statistics.fmean(times) if times else SERVICES[service][1]
        counters = sum(
            1
            for counter, served in COUNTERS.items()
            if service in served and states[counter] == "open"
        )
        return math.ceil(ahead * per_citizen / max(1, counters))


def simulate_day(folder: Path, seed: int = 2026) -> Day:
    """Run one simulated day with its database under `folder`."""
    return Simulation(folder, seed).run()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=2026, help="the first day's random seed")
    parser.add_argument("--days", type=int, default=10, help="how many days (seeds) to simulate")
    args = parser.parse_args()
    all_days = Day()
    for seed in range(args.seed, args.seed + args.days):
        with tempfile.TemporaryDirectory() as folder:
            all_days.tickets += simulate_day(Path(folder), seed).tickets
    waits = [ticket.wait for ticket in all_days.tickets]
    print(
        f"{args.days} simulated days (seeds {args.seed}-{args.seed + args.days - 1}): "
        f"{len(waits)} tickets, real wait mean {statistics.fmean(waits):.1f} min, "
        f"median {statistics.median(waits):.0f} min, max {max(waits):.0f} min"
    )
    for name in ("estimate", "per_service", "naive"):
        print(
            f"{name:>12}: mean absolute error {all_days.mae(name):5.1f} min, "
            f"mean error {all_days.bias(name):+5.1f} min"
        )


if __name__ == "__main__":
    main()
