"""Where waiting tickets stand and how long they will wait, computed inside SQLite.

Positions come from counts SQLite gives through an index (`ticketing.ahead_of`), the next
ticket from the two stream heads alone, and the estimate from playing the queue forward over
the open counters (`ticketing.estimate_wait_minutes`). The rule itself lives in ticketing.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from shared.station import Station
from shared.store import Reader, parse_utc, utc_text
from shared.ticketing import (
    CounterLoad,
    CounterState,
    QueueCounts,
    QueueItem,
    estimate_wait_minutes,
    linked_services,
    overdue_cutoff,
    regular_streak,
    remaining_minutes,
)

FEW_TICKETS = 8  # up to this many tickets, count one by one; more: one pass over the queue
SERVICE_TIME_SAMPLE = 20
SERVICE_TIME_HALF_LIFE = 8
TRIM_SHARE = 0.1
STANDARD_WEIGHT = 2.0
DEFAULT_STANDARD_MINUTES = 15.0
PROJECTION_DEPTH = 30  # tickets per queue the wait estimate plays forward one by one

WAITING_WHERE = "status = 'waiting' AND service_day = :day AND service IN ({services})"


def service_params(services: Iterable[str]) -> tuple[str, dict[str, str]]:
    names = {f"s{index}": service for index, service in enumerate(services)}
    return ", ".join(f":{name}" for name in names), names


def stream_heads(db: Reader, services: Iterable[str], day: date) -> list[QueueItem]:
    """The oldest waiting priority and regular ticket of some services: all `next_in_line` needs."""
    marks, names = service_params(services)
    waiting = WAITING_WHERE.format(services=marks)
    head = "SELECT issued_at, id, service, priority FROM tickets WHERE"
    rows = db.all(
        f"SELECT * FROM ({head} {waiting} AND priority = 1 ORDER BY issued_at, id LIMIT 1) "  # noqa: S608
        f"UNION ALL SELECT * FROM ({head} {waiting} AND priority = 0 "
        "ORDER BY issued_at, id LIMIT 1)",
        {"day": day.isoformat(), **names},
    )
    return [
        QueueItem(parse_utc(row["issued_at"]), row["id"], row["service"], bool(row["priority"]))
        for row in rows
    ]


def queue_counts(
    station: Station, db: Reader, service_id: str, tickets: Iterable[dict[str, Any]], now: datetime
) -> dict[int, QueueCounts]:
    """Where each of some waiting tickets of one service stands, counted inside SQLite."""
    cutoff = overdue_cutoff(station.config.call_policy, now)
    params = {
        "day": station.today(now).isoformat(),
        "s0": service_id,
        "cut": utc_text(cutoff) if cutoff else "",
    }
    waiting = WAITING_WHERE.format(services=":s0")
    totals = db.one(
        "SELECT COALESCE(SUM(issued_at <= :cut), 0) AS overdue_total, "  # noqa: S608
        "COALESCE(SUM(issued_at <= :cut AND priority), 0) AS overdue_priority, "
        "COALESCE(SUM(issued_at > :cut AND priority), 0) AS priority_total, "
        "COALESCE(SUM(issued_at > :cut AND NOT priority), 0) AS regular_total, "
        "MAX(CASE WHEN issued_at <= :cut AND priority THEN issued_at END) AS last_priority "
        f"FROM tickets WHERE {waiting}",
        params,
    )
    assert totals is not None
    after_last = 0
    if totals["last_priority"] is not None:
        after_last = _count(
            db,
            f"{waiting} AND NOT priority AND issued_at <= :cut AND issued_at > :last",
            {**params, "last": totals["last_priority"]},
        )
    wanted = list(tickets)
    older = (
        _older_one_by_one(db, waiting, params, wanted)
        if len(wanted) <= FEW_TICKETS
        else _older_in_one_pass(db, waiting, params, wanted)
    )
    return {
        ticket["id"]: QueueCounts(
            priority=bool(ticket["priority"]),
            overdue=ticket["issued_at"] <= params["cut"],
            older_in_part=older[ticket["id"]],
            overdue_total=totals["overdue_total"],
            overdue_priority=totals["overdue_priority"],
            overdue_regular_after_last_priority=after_last,
            priority_total=totals["priority_total"],
            regular_total=totals["regular_total"],
        )
        for ticket in wanted
    }


def _older_one_by_one(
    db: Reader, waiting: str, params: dict[str, Any], tickets: list[dict[str, Any]]
) -> dict[int, int]:
    """Per ticket, an index-backed COUNT of the older tickets in its part of the queue."""
    older = {}
    for ticket in tickets:
        overdue = ticket["issued_at"] <= params["cut"]
        part = "issued_at <= :cut" if overdue else "issued_at > :cut AND priority = :priority"
        older[ticket["id"]] = _count(
            db,
            f"{waiting} AND {part} AND (issued_at, id) < (:at, :id)",
            {
                **params,
                "priority": ticket["priority"],
                "at": ticket["issued_at"],
                "id": ticket["id"],
            },
        )
    return older


def _older_in_one_pass(
    db: Reader, waiting: str, params: dict[str, Any], tickets: list[dict[str, Any]]
) -> dict[int, int]:
    """The same counts for many tickets at once: one ordered pass of a window function."""
    ids = {f"t{index}": ticket["id"] for index, ticket in enumerate(tickets)}
    rows = db.all(
        "SELECT id, older FROM (SELECT id, ROW_NUMBER() OVER (PARTITION BY "  # noqa: S608
        "issued_at <= :cut, CASE WHEN issued_at <= :cut THEN 0 ELSE priority END "
        f"ORDER BY issued_at, id) - 1 AS older FROM tickets WHERE {waiting}) "
        f"WHERE id IN ({', '.join(':' + name for name in ids)})",
        {**params, **ids},
    )
    return {row["id"]: row["older"] for row in rows}


def _count(db: Reader, where: str, params: dict[str, Any]) -> int:
    row = db.one(f"SELECT COUNT(*) AS n FROM tickets WHERE {where}", params)  # noqa: S608
    return row["n"] if row else 0


def recent_priority_flags(db: Reader, column: str, value: str, limit: int) -> list[bool]:
    """Priority flags of the latest calls at a counter or of a service, newest first."""
    assert column in ("counter", "service")
    rows = db.all(
        f"SELECT json_extract(data, '$.priority') AS priority FROM events "  # noqa: S608
        f"WHERE name = 'ticket.called' AND {column} = ? ORDER BY id DESC LIMIT ?",
        [value, limit],
    )
    return [bool(row["priority"]) for row in rows]


def streak_for(station: Station, db: Reader, column: str, value: str) -> int | None:
    """Regular calls since the last priority call (only the interleave policy needs it)."""
    policy = station.config.call_policy
    if policy.mode != "interleave":
        return None
    return regular_streak(recent_priority_flags(db, column, value, policy.interleave_every + 1))


def minutes_per_citizen(station: Station, db: Reader, service_id: str) -> float:
    """How long one ticket of a service keeps a counter busy, from its latest finished tickets.

    The counter time of a ticket runs from its call to its end, and no-shows count too (each
    one takes a counter a little while). The latest SERVICE_TIME_SAMPLE times are averaged
    with weights that halve every SERVICE_TIME_HALF_LIFE tickets (recent ones say more about
    who works today), the longest and shortest TRIM_SHARE left out, and the configured
    standard time counts as STANDARD_WEIGHT tickets, so a few quick tickets at the start of
    the day do not swing the estimate.
    """
    rows = db.all(
        "SELECT called_at, finished_at FROM tickets WHERE service = ? "
        "AND status IN ('done', 'no_show') AND called_at IS NOT NULL "
        "AND finished_at IS NOT NULL ORDER BY finished_at DESC LIMIT ?",
        [service_id, SERVICE_TIME_SAMPLE],
    )
    standard = _standard_minutes(station, service_id)
    durations = [
        (parse_utc(row["finished_at"]) - parse_utc(row["called_at"])).total_seconds() / 60
        for row in rows
    ]
    weighted = [
        (minutes, 0.5 ** (rank / SERVICE_TIME_HALF_LIFE)) for rank, minutes in enumerate(durations)
    ]
    trim = int(len(weighted) * TRIM_SHARE)
    kept = sorted(weighted)[trim : len(weighted) - trim]
    total = sum(weight for _, weight in kept) + STANDARD_WEIGHT
    return (sum(minutes * weight for minutes, weight in kept) + standard * STANDARD_WEIGHT) / total


def _standard_minutes(station: Station, service_id: str) -> float:
    service = station.config.service_by_id.get(service_id)
    return float(service.standard_minutes if service else DEFAULT_STANDARD_MINUTES)


def counter_loads(
    station: Station, db: Reader, per_ticket: dict[str, float], now: datetime
) -> list[CounterLoad]:
    """The counters that call tickets now (the open ones), each with when it is next free.

    Only counters whose services are all in `per_ticket` take part (see `linked_services`).

    A counter serving someone is free once that citizen's expected time is over. A service
    that no open counter calls still gets an estimate: its counters count as if they opened
    after one of its service times (the counter on break comes back).
    """
    rows = {
        row["id"]: row
        for row in db.all(
            "SELECT c.id, c.state, t.service, t.called_at FROM counters c "
            "LEFT JOIN tickets t ON t.id = c.ticket_id AND t.status = 'called'"
        )
    }
    loads = []
    covered: set[str] = set()
    counters = [
        counter for counter in station.config.counters if set(counter.services) <= per_ticket.keys()
    ]
    for counter in counters:
        row = rows.get(counter.id, {})
        if row.get("state", CounterState.OPEN) != CounterState.OPEN:
            continue
        free_in = 0.0
        if row.get("called_at"):
            elapsed = (now - parse_utc(row["called_at"])).total_seconds() / 60
            typical = per_ticket.get(row["service"], DEFAULT_STANDARD_MINUTES)
            free_in = remaining_minutes(typical, elapsed)
        streak = streak_for(station, db, "counter", counter.id)
        loads.append(CounterLoad(counter.services, free_in, streak))
        covered.update(counter.services)
    for counter in counters:
        uncovered = tuple(service for service in counter.services if service not in covered)
        if uncovered and rows.get(counter.id, {}).get("state") != CounterState.OPEN:
            back_in = max(per_ticket[service] for service in uncovered)
            loads.append(CounterLoad(uncovered, back_in, None))
    return loads


def wait_estimates(
    station: Station, db: Reader, now: datetime, wanted: dict[int, tuple[str, int]]
) -> dict[int, int]:
    """Estimated minutes until each wanted waiting ticket is called: {id: minutes}.

    `wanted` maps ticket ids to (service, people ahead). The first PROJECTION_DEPTH tickets
    of every queue are played forward one by one (see `estimate_wait_minutes`); a ticket
    deeper in its queue is estimated from the last one played of its service, the rest ahead
    of it shared evenly by the counters that serve it. A ticket no counter serves is left out.
    """
    today = station.today(now).isoformat()
    linked = linked_services(station.config, {service for service, _ in wanted.values()})
    waiting = [
        QueueItem(parse_utc(row["issued_at"]), row["id"], row["service"], bool(row["priority"]))
        for service in sorted(linked)
        for priority in (1, 0)
        for row in db.all(
            "SELECT id, service, priority, issued_at FROM tickets WHERE status = 'waiting' "
            "AND service_day = ? AND service = ? AND priority = ? ORDER BY issued_at, id LIMIT ?",
            [today, service, priority, PROJECTION_DEPTH],
        )
    ]
    per_ticket = {service: minutes_per_citizen(station, db, service) for service in linked}
    loads = counter_loads(station, db, per_ticket, now)
    played = estimate_wait_minutes(waiting, loads, per_ticket, station.config.call_policy, now)
    last_played: dict[str, tuple[int, int]] = {}  # service -> (latest call, tickets played)
    for item in waiting:
        if item.id in played:
            latest, count = last_played.get(item.service, (0, 0))
            last_played[item.service] = (max(latest, played[item.id]), count + 1)
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
