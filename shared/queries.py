"""Read models: the ticket (T), the board snapshot, services and counters, as the API shows them."""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from shared.config import Config, Counter
from shared.station import Station
from shared.store import Reader, parse_utc, utc_text
from shared.ticketing import (
    CounterLoad,
    CounterState,
    QueueCounts,
    QueueItem,
    Status,
    ahead_of,
    availability,
    call_order,
    estimate_wait_minutes,
    linked_services,
    may_requeue,
    overdue_cutoff,
    regular_streak,
    remaining_minutes,
)

RECENT_CALLS = 10
FEW_TICKETS = 8  # up to this many tickets, count one by one; more: one pass over the queue
SERVICE_TIME_SAMPLE = 20
SERVICE_TIME_HALF_LIFE = 8
TRIM_SHARE = 0.1
STANDARD_WEIGHT = 2.0
DEFAULT_STANDARD_MINUTES = 15.0
PROJECTION_DEPTH = 30  # tickets per queue the wait estimate plays forward one by one


def local_text(station: Station, text: str | None) -> str | None:
    """A stored UTC instant as the station's local time with its offset, to the second."""
    if text is None:
        return None
    return station.local(parse_utc(text)).isoformat(timespec="seconds")


_WAITING = "status = 'waiting' AND service_day = :day AND service IN ({services})"


def _service_params(services: Iterable[str]) -> tuple[str, dict[str, str]]:
    names = {f"s{index}": service for index, service in enumerate(services)}
    return ", ".join(f":{name}" for name in names), names


def stream_heads(db: Reader, services: Iterable[str], day: date) -> list[QueueItem]:
    """The oldest waiting priority and regular ticket of some services: all `next_in_line` needs."""
    marks, names = _service_params(services)
    rows = db.all(
        f"SELECT * FROM (SELECT issued_at, id, service, priority FROM tickets "  # noqa: S608
        f"WHERE {_WAITING.format(services=marks)} AND priority = 1 ORDER BY issued_at, id LIMIT 1) "
        f"UNION ALL SELECT * FROM (SELECT issued_at, id, service, priority FROM tickets "
        f"WHERE {_WAITING.format(services=marks)} AND priority = 0 ORDER BY issued_at, id LIMIT 1)",
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
    waiting = _WAITING.format(services=":s0")
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


def ticket_views(station: Station, db: Reader, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The contract's ticket objects for ticket rows, computing queue positions once per service."""
    now = station.now()
    positions: dict[int, int] = {}
    wanted_by_service: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        if row["status"] == Status.WAITING:
            wanted_by_service.setdefault(row["service"], []).append(row)
    policy = station.config.call_policy
    for service_id, wanted in wanted_by_service.items():
        streak = streak_for(station, db, "service", service_id)
        for ticket_id, counts in queue_counts(station, db, service_id, wanted, now).items():
            positions[ticket_id] = ahead_of(counts, policy, streak)
    places = {
        row["id"]: (row["service"], positions[row["id"]]) for row in rows if row["id"] in positions
    }
    waits = wait_estimates(station, db, now, places) if places else {}
    views = []
    for row in rows:
        ahead = positions.get(row["id"]) if row["status"] == Status.WAITING else None
        estimate = waits.get(row["id"]) if ahead is not None else None
        views.append(
            {
                "id": row["id"],
                "number": row["number"],
                "service": row["service"],
                "status": row["status"],
                "priority": bool(row["priority"]),
                "issued_at": local_text(station, row["issued_at"]),
                "called_at": local_text(station, row["called_at"]),
                "finished_at": local_text(station, row["finished_at"]),
                "counter": row["counter"],
                "ahead": ahead,
                "estimated_wait_minutes": estimate,
                "token": row["token"],
                "status_url": f"/t/{row['token']}",
            }
        )
    return views


def ticket_view(station: Station, db: Reader, row: dict[str, Any]) -> dict[str, Any]:
    return ticket_views(station, db, [row])[0]


def ticket_row(db: Reader, where: str, params: list[Any]) -> dict[str, Any] | None:
    return db.one(f"SELECT * FROM tickets WHERE {where}", params)  # noqa: S608 (callers' SQL)


def waiting_counts(station: Station, db: Reader, day: date) -> dict[str, int]:
    """Waiting tickets per service today, every configured service listed."""
    counts = dict.fromkeys(station.config.service_by_id, 0)
    for row in db.all(
        "SELECT service, COUNT(*) AS n FROM tickets WHERE status = 'waiting' AND service_day = ? "
        "GROUP BY service",
        [day.isoformat()],
    ):
        if row["service"] in counts:
            counts[row["service"]] = row["n"]
    return counts


def board_counters(config: Config, board_id: str | None) -> list[Counter]:
    """The counters a board shows: all, or those its `boards:` entry names by id or unit."""
    board = config.board_by_id.get(board_id) if board_id else None
    if board is None:
        return list(config.counters)
    return [
        counter
        for counter in config.counters
        if (board.counters is None or counter.id in board.counters)
        and (
            board.units is None
            or any(config.service_by_id[s].unit in board.units for s in counter.services)
        )
    ]


def board_snapshot(station: Station, board_id: str | None = None) -> dict[str, Any]:
    """The board's whole state in one consistent read; `seq` is the last board event's."""
    counters = board_counters(station.config, board_id)
    private = station.private_services
    now = station.now()
    today = station.today(now)
    day_start, _ = station.day_bounds(today)
    with station.store.read() as db:
        top = db.one("SELECT COALESCE(MAX(seq), 0) AS seq FROM events")
        assert top is not None
        states = {
            row["id"]: row
            for row in db.all(
                "SELECT c.id, c.state, t.number FROM counters c "
                "LEFT JOIN tickets t ON t.id = c.ticket_id AND t.status = 'called'"
            )
        }
        recent = db.all(
            "SELECT data FROM events WHERE name = 'ticket.called' AND at >= ? "
            "ORDER BY id DESC LIMIT ?",
            [utc_text(day_start), RECENT_CALLS],
        )
        waiting = waiting_counts(station, db, today)
    shown = {counter.id for counter in counters}
    calls = []
    for row in recent:
        data = json.loads(row["data"])
        if data["counter"] in shown:
            calls.append(
                {
                    "number": data["number"],
                    "counter": data["counter"],
                    "counter_name": data["counter_name"],
                    "service": None if data["service"] in private else data["service"],
                    "called_at": local_text(station, data["called_at"]),
                }
            )
    return {
        "seq": top["seq"],
        "counters": [
            {
                "id": counter.id,
                "name": counter.name,
                "state": states.get(counter.id, {}).get("state", "open"),
                "ticket": states.get(counter.id, {}).get("number"),
            }
            for counter in counters
        ],
        "recent": calls,
        "waiting": waiting,
    }


def services_overview(station: Station, language: str) -> list[dict[str, Any]]:
    """Every service with its names, whether it takes tickets now, and how many wait."""
    now = station.now()
    today = station.today(now)
    _, next_day = station.day_bounds(today)
    with station.store.read() as db:
        waiting = waiting_counts(station, db, today)
        issued = {
            row["issued_service"]: row["n"]
            for row in db.all(
                "SELECT issued_service, MAX(day_seq) AS n FROM tickets WHERE service_day = ? "
                "GROUP BY issued_service",
                [today.isoformat()],
            )
        }
    result = []
    for service in station.config.services:
        state = availability(service, station.local(now), issued.get(service.id, 0), next_day)
        result.append(
            {
                "id": service.id,
                "name": service.name.get(language),
                "names": {"id": service.name.id, "en": service.name.en},
                "prefix": service.prefix,
                "unit": service.unit,
                "open": state.open,
                "closed_reason": state.reason,
                "opens_at": state.opens_at.isoformat(timespec="minutes")
                if state.opens_at
                else None,
                "waiting": waiting[service.id],
                "standard_minutes": service.standard_minutes,
                "fee": {"id": service.fee.id, "en": service.fee.en} if service.fee else None,
            }
        )
    return result


def counters_overview(station: Station) -> list[dict[str, Any]]:
    """Every counter with its services, state, last officer and its called ticket (T) or None."""
    with station.store.read() as db:
        rows = {row["id"]: row for row in db.all("SELECT * FROM counters")}
        tickets = db.all(
            "SELECT t.* FROM tickets t JOIN counters c ON c.ticket_id = t.id "
            "WHERE t.status = 'called'"
        )
        views = {view["counter"]: view for view in ticket_views(station, db, tickets)}
    return [
        {
            "id": counter.id,
            "name": counter.name,
            "services": list(counter.services),
            "state": rows.get(counter.id, {}).get("state", "open"),
            "officer": rows.get(counter.id, {}).get("officer"),
            "ticket": views.get(counter.id),
        }
        for counter in station.config.counters
    ]


def ticket_by_token(station: Station, token: str) -> dict[str, Any] | None:
    with station.store.read() as db:
        row = ticket_row(db, "token = ?", [token])
        return ticket_view(station, db, row) if row else None


def ticket_places(station: Station, tokens: Iterable[str]) -> dict[str, tuple[int, str]]:
    """Each token's ticket id and current service (cheap: no queue positions)."""
    wanted = list(tokens)
    marks = ",".join("?" * len(wanted))
    with station.store.read() as db:
        rows = db.all(
            f"SELECT token, id, service FROM tickets WHERE token IN ({marks})",  # noqa: S608
            wanted,
        )
    return {row["token"]: (row["id"], row["service"]) for row in rows}


def tickets_by_tokens(station: Station, tokens: Iterable[str]) -> dict[str, dict[str, Any]]:
    """Current views of several tickets at once (for phones watching their ticket)."""
    wanted = list(tokens)
    if not wanted:
        return {}
    marks = ",".join("?" * len(wanted))
    with station.store.read() as db:
        rows = db.all(f"SELECT * FROM tickets WHERE token IN ({marks})", wanted)  # noqa: S608
        return {view["token"]: view for view in ticket_views(station, db, rows)}


# The events counted in a counter's day, and the name of each count.
COUNTER_DAY_EVENTS = {
    "ticket.done": "served",
    "ticket.no_show": "no_show",
    "ticket.transferred": "transferred",
}


def counter_queue(station: Station, counter: Counter) -> dict[str, Any]:
    """What a counter's console lists: who waits (in call order), recent no-shows, today's counts.

    `waiting` is in the order call-next would call the tickets (the one rule, `call_order`);
    `no_shows` are this counter's no-shows that may still be put back in the queue; `today`
    counts what happened at this counter since the service day began.
    """
    now = station.now()
    today = station.today(now)
    day_start, _ = station.day_bounds(today)
    marks, names = _service_params(counter.services)
    with station.store.read() as db:
        rows = db.all(
            f"SELECT id, number, service, priority, issued_at FROM tickets "  # noqa: S608
            f"WHERE {_WAITING.format(services=marks)}",
            {"day": today.isoformat(), **names},
        )
        streak = streak_for(station, db, "counter", counter.id)
        marked = db.all(
            "SELECT number, service, finished_at FROM tickets WHERE counter = ? "
            "AND status = 'no_show' AND service_day = ? ORDER BY finished_at DESC",
            [counter.id, today.isoformat()],
        )
        happened = db.all(
            "SELECT name, COUNT(*) AS n FROM events WHERE counter = ? AND at >= ? "
            "AND name IN (?, ?, ?) GROUP BY name",
            [counter.id, utc_text(day_start), *COUNTER_DAY_EVENTS],
        )
    by_id = {row["id"]: row for row in rows}
    items = [
        QueueItem(parse_utc(row["issued_at"]), row["id"], row["service"], bool(row["priority"]))
        for row in rows
    ]
    waiting = [
        {
            "number": by_id[item.id]["number"],
            "service": item.service,
            "priority": item.priority,
            "issued_at": local_text(station, by_id[item.id]["issued_at"]),
        }
        for item in call_order(items, station.config.call_policy, now, streak)
    ]
    window = station.config.no_show_requeue_minutes
    no_shows = [
        {
            "number": row["number"],
            "service": row["service"],
            "finished_at": local_text(station, row["finished_at"]),
        }
        for row in marked
        if may_requeue(parse_utc(row["finished_at"]), now, window)
    ]
    counts = dict.fromkeys(COUNTER_DAY_EVENTS.values(), 0)
    for row in happened:
        counts[COUNTER_DAY_EVENTS[row["name"]]] = row["n"]
    return {"waiting": waiting, "no_shows": no_shows, "today": counts}


def announced_call(station: Station, seq: int) -> dict[str, Any] | None:
    """The logged data of the call or recall that has board `seq`, or None for any other seq."""
    with station.store.read() as db:
        row = db.one(
            "SELECT data FROM events WHERE seq = ? AND name IN (?, ?)",
            [seq, "ticket.called", "ticket.recalled"],
        )
    return json.loads(row["data"]) if row else None


def survey_answered(station: Station, token: str) -> bool:
    """Whether the citizen holding this ticket has already answered its survey."""
    with station.store.read() as db:
        row = db.one(
            "SELECT 1 AS answered FROM surveys s JOIN tickets t ON t.id = s.ticket_id "
            "WHERE t.token = ?",
            [token],
        )
    return row is not None


# A counter's survey tablet asks about the ticket finished there for this long.
SURVEY_DESK_MINUTES = 10


def survey_handle(ticket: dict[str, Any]) -> str:
    """The opaque handle a counter's survey tablet answers with.

    It is derived from the ticket's secret token, so it cannot be guessed, and it is never
    the token itself (which would open the ticket's status page).
    """
    return hashlib.sha256(f"survey-desk:{ticket['token']}".encode()).hexdigest()[:32]


def survey_desk_ticket(db: Reader, counter_id: str, now: datetime) -> dict[str, Any] | None:
    """The ticket a counter's survey tablet asks about, or None.

    It is the latest ticket finished as done at that counter, within SURVEY_DESK_MINUTES,
    while nobody has answered for it yet.
    """
    last = db.one(
        "SELECT ticket_id, at FROM events WHERE name = 'ticket.done' AND counter = ? "
        "ORDER BY id DESC LIMIT 1",
        [counter_id],
    )
    if last is None or parse_utc(last["at"]) < now - timedelta(minutes=SURVEY_DESK_MINUTES):
        return None
    ticket = ticket_row(db, "id = ? AND status = 'done'", [last["ticket_id"]])
    if ticket is None or db.one("SELECT 1 AS x FROM surveys WHERE ticket_id = ?", [ticket["id"]]):
        return None
    return ticket


def survey_desk(station: Station, counter_id: str) -> dict[str, Any] | None:
    """What a counter's survey tablet shows: the ticket's number and its handle, or None."""
    with station.store.read() as db:
        ticket = survey_desk_ticket(db, counter_id, station.now())
    if ticket is None:
        return None
    return {"number": ticket["number"], "handle": survey_handle(ticket)}
