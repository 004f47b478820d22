"""How long a waiting citizen will wait: pure arithmetic over what the database says now.

A service's typical time per citizen is a recency-weighted, trimmed mean of its latest counter
times blended with its standard time; open counters call by the one call-order rule as soon as
they are free, so the queue is played forward (`estimate_wait_minutes`); a ticket deeper in its
queue than the tickets played is extrapolated from the last one played. Nothing here reads a
clock or a database: `shared.application.positions` gathers the inputs.
"""

from __future__ import annotations

import functools
import heapq
import math
from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from shared.domain.config import CallPolicy, Config
from shared.domain.queue_rules import QueueItem, next_in_line

SERVICE_TIME_SAMPLE = 20  # the latest counter times a typical time is made of
SERVICE_TIME_HALF_LIFE = 8  # ticket weights halve every this many tickets back
TRIM_SHARE = 0.1  # the longest and the shortest tenth are left out
STANDARD_WEIGHT = 2.0  # the configured standard time counts as this many tickets
DEFAULT_STANDARD_MINUTES = 15.0
REMAINING_FLOOR = 0.25
PLAYS_KEPT = 32  # the latest plays of `estimate_wait_minutes` remembered, per process


def typical_minutes(latest_minutes: Sequence[float], standard_minutes: float) -> float:
    """How long one ticket keeps a counter busy, from its latest counter times (newest first).

    The times are weighted by recency (halving every SERVICE_TIME_HALF_LIFE tickets), the
    longest and shortest TRIM_SHARE left out, and the standard time counts as STANDARD_WEIGHT
    tickets, so a few quick tickets at the start of the day do not swing the estimate.
    """
    weighted = [
        (minutes, 0.5 ** (rank / SERVICE_TIME_HALF_LIFE))
        for rank, minutes in enumerate(latest_minutes[:SERVICE_TIME_SAMPLE])
    ]
    trim = int(len(weighted) * TRIM_SHARE)
    kept = sorted(weighted)[trim : len(weighted) - trim]
    total = sum(weight for _, weight in kept) + STANDARD_WEIGHT
    return (
        sum(minutes * weight for minutes, weight in kept) + standard_minutes * STANDARD_WEIGHT
    ) / total


@dataclass(frozen=True)
class CounterLoad:
    """A counter as the wait estimate sees it: what it calls and when it is next free."""

    services: tuple[str, ...]
    free_in_minutes: float  # 0 for an idle counter
    streak: int | None  # regular calls since its last priority call (see `call_order`)


@dataclass(frozen=True)
class CounterNow:
    """A counter as it stands now: whether it calls, and whom it serves since when."""

    services: tuple[str, ...]
    open: bool
    serving_service: str | None = None
    serving_since: datetime | None = None
    streak: int | None = None


def remaining_minutes(minutes_per_ticket: float, elapsed_minutes: float) -> float:
    """How long a counter's current citizen is still expected to take.

    The typical time minus what has passed; a citizen already past the typical time is
    expected to take a little longer still (REMAINING_FLOOR of the typical time), not zero.
    """
    return max(minutes_per_ticket - elapsed_minutes, REMAINING_FLOOR * minutes_per_ticket)


def counter_loads(
    counters: Sequence[CounterNow], per_ticket: Mapping[str, float], now: datetime
) -> list[CounterLoad]:
    """The counters that call tickets (the open ones), each with when it is next free.

    Only counters whose services all have a typical time take part. A counter serving someone
    is free once that citizen's expected time is over. A service that no open counter calls
    still gets an estimate: its closed counters count as if they opened after one of its
    service times (the counter on break comes back).
    """
    taking_part = [counter for counter in counters if set(counter.services) <= per_ticket.keys()]
    loads = []
    covered: set[str] = set()
    for counter in taking_part:
        if not counter.open:
            continue
        free_in = 0.0
        if counter.serving_since is not None:
            elapsed = (now - counter.serving_since).total_seconds() / 60
            typical = per_ticket.get(counter.serving_service or "", DEFAULT_STANDARD_MINUTES)
            free_in = remaining_minutes(typical, elapsed)
        loads.append(CounterLoad(counter.services, free_in, counter.streak))
        covered.update(counter.services)
    for counter in taking_part:
        uncovered = tuple(service for service in counter.services if service not in covered)
        if uncovered and not counter.open:
            back_in = max(per_ticket[service] for service in uncovered)
            loads.append(CounterLoad(uncovered, back_in, None))
    return loads


def linked_services(config: Config, services: set[str]) -> set[str]:
    """The services whose queues can affect these ones' waits: those reachable through
    counters that serve several services (a counter serving A and B links A and B)."""
    linked = set(services)
    grown = True
    while grown:
        grown = False
        for counter in config.counters:
            if linked.intersection(counter.services) and not linked.issuperset(counter.services):
                linked.update(counter.services)
                grown = True
    return linked


_ANY_MOMENT = datetime(2000, 1, 1, tzinfo=UTC)  # a play without the starvation guard reads no time


def estimate_wait_minutes(
    waiting: Sequence[QueueItem],
    counters: Sequence[CounterLoad],
    minutes_per_ticket: Mapping[str, float],
    policy: CallPolicy,
    now: datetime,
) -> dict[int, int]:
    """Minutes until each waiting ticket is called, rounded, by playing the queue forward.

    Each counter calls its next ticket by `call_order` (the one rule) as soon as it is free,
    and each ticket then keeps it busy for its service's `minutes_per_ticket`. So counters
    shared between services, priority tickets, the starvation guard and counters still
    serving someone are all taken into account. A ticket no counter can call is left out.

    The same inputs give the same answer, so the latest plays are remembered (PLAYS_KEPT): a
    ticket taken behind the tickets played changes none of them. Minutes count from `now`, which
    the play reads only for the starvation guard: without one, `now` is no part of the inputs.
    """
    return dict(_played(waiting, counters, minutes_per_ticket, policy, now).called_in)


@dataclass(frozen=True)
class Play:
    """A queue played forward: minutes until each ticket played is called, and per service
    the latest of those and how many were played (never mutated: plays are remembered)."""

    called_in: dict[int, int]
    last_played: dict[str, tuple[int, int]]


def _played(
    waiting: Sequence[QueueItem],
    counters: Sequence[CounterLoad],
    minutes_per_ticket: Mapping[str, float],
    policy: CallPolicy,
    now: datetime,
) -> Play:
    return _play(
        tuple(waiting),
        tuple(counters),
        tuple(sorted(minutes_per_ticket.items())),
        policy,
        now if policy.max_wait_minutes else _ANY_MOMENT,
    )


@functools.lru_cache(maxsize=PLAYS_KEPT)
def _play(
    waiting: tuple[QueueItem, ...],
    counters: tuple[CounterLoad, ...],
    per_ticket: tuple[tuple[str, float], ...],
    policy: CallPolicy,
    now: datetime,
) -> Play:
    minutes_per_ticket = dict(per_ticket)
    streams: dict[tuple[str, bool], deque[QueueItem]] = {}
    for item in sorted(waiting):
        streams.setdefault((item.service, item.priority), deque()).append(item)
    free_at = [(load.free_in_minutes, index) for index, load in enumerate(counters)]
    heapq.heapify(free_at)
    streaks = [load.streak for load in counters]
    called_in: dict[int, int] = {}
    while free_at and len(called_in) < len(waiting):
        minutes, index = heapq.heappop(free_at)
        heads = [
            stream[0]
            for service in counters[index].services
            for priority in (True, False)
            if (stream := streams.get((service, priority)))
        ]
        moment = now + timedelta(minutes=minutes)
        chosen = next_in_line(heads, policy, moment, streaks[index])
        if chosen is None:
            continue  # nothing left that this counter calls
        streams[(chosen.service, chosen.priority)].popleft()
        called_in[chosen.id] = math.floor(minutes + 0.5)
        streak = policy.interleave_every if streaks[index] is None else streaks[index]
        streaks[index] = 0 if chosen.priority else streak + 1
        heapq.heappush(free_at, (minutes + minutes_per_ticket[chosen.service], index))
    last_played: dict[str, tuple[int, int]] = {}
    for item in waiting:
        if item.id in called_in:
            latest, count = last_played.get(item.service, (0, 0))
            last_played[item.service] = (max(latest, called_in[item.id]), count + 1)
    return Play(called_in, last_played)


def wait_estimates(
    played_queue: Sequence[QueueItem],
    loads: Sequence[CounterLoad],
    per_ticket: Mapping[str, float],
    policy: CallPolicy,
    now: datetime,
    wanted: Mapping[int, tuple[str, int]],
) -> dict[int, int]:
    """Estimated minutes until each wanted ticket is called: {ticket id: minutes}.

    `played_queue` holds the first tickets of every linked queue, which are played forward
    one by one; `wanted` maps ticket ids to (service, people ahead). A wanted ticket deeper in
    its queue is estimated from the last one played of its service, the rest ahead of it
    shared evenly by the counters that serve it. A ticket no counter serves is left out.
    """
    play = _played(played_queue, loads, per_ticket, policy, now)
    played, last_played = play.called_in, play.last_played
    estimates = {}
    for ticket_id, (service, ahead) in wanted.items():
        if ticket_id in played:
            estimates[ticket_id] = played[ticket_id]
            continue
        serving = sum(1 for load in loads if service in load.services)
        if serving and service in last_played:
            latest, count = last_played[service]
            rest = max(1, ahead + 1 - count) * per_ticket[service] / serving
            estimates[ticket_id] = math.floor(latest + rest + 0.5)
    return estimates


SOON_MINUTES = 2  # an estimate this short is shown as "called soon"
RANGE_STEP = 5  # ranges are shown in steps of this many minutes
RANGE_SPREAD = 0.25  # a range reaches this share of the estimate either side


@dataclass(frozen=True)
class WaitRange:
    """An estimate as people read it: "about 10-20 minutes" (`low` 0: "under `high` minutes")."""

    low: int
    high: int


def wait_range(minutes: int | None) -> WaitRange | None:
    """The range every screen and the paper show for an estimate; None: called soon.

    An estimate is a guess, so it is shown as a range in RANGE_STEP steps around it, never as
    "0 minutes" on one screen and "soon" on another.
    """
    if minutes is None or minutes <= SOON_MINUTES:
        return None
    low = RANGE_STEP * math.floor(minutes * (1 - RANGE_SPREAD) / RANGE_STEP)
    high = RANGE_STEP * math.ceil(minutes * (1 + RANGE_SPREAD) / RANGE_STEP)
    return WaitRange(low, max(high, low + RANGE_STEP))


def almost_turn(
    ahead: int | None, minutes: int | None, alert_ahead: int, alert_minutes: int
) -> bool:
    """Whether a waiting ticket is "almost its turn": few enough people ahead and a short wait.

    Both must hold: `ahead` at most `alert_ahead`, and the shown estimate's upper bound at most
    `alert_minutes` (or "called soon"), so the phone never says "stand near the counter" next
    to "45-80 minutes". `ahead` None: the ticket is not waiting.
    """
    if ahead is None or ahead > alert_ahead:
        return False
    shown = wait_range(minutes)
    return shown is None or shown.high <= alert_minutes
