"""Read models: the ticket (T), the board snapshot, services and counters, as the API shows them."""

from __future__ import annotations

import json
import statistics
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from shared.config import Config, Counter
from shared.station import Station
from shared.store import Reader, parse_utc, utc_text
from shared.ticketing import (
    QueueCounts,
    QueueItem,
    Status,
    ahead_of,
    availability,
    estimate_wait_minutes,
    overdue_cutoff,
    regular_streak,
)

RECENT_CALLS = 10
SERVICE_TIME_SAMPLE = 20


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
    counts = {}
    for ticket in tickets:
        overdue = ticket["issued_at"] <= params["cut"]
        part = "issued_at <= :cut" if overdue else "issued_at > :cut AND priority = :priority"
        older = _count(
            db,
            f"{waiting} AND {part} AND (issued_at, id) < (:at, :id)",
            {
                **params,
                "priority": ticket["priority"],
                "at": ticket["issued_at"],
                "id": ticket["id"],
            },
        )
        counts[ticket["id"]] = QueueCounts(
            priority=bool(ticket["priority"]),
            overdue=overdue,
            older_in_part=older,
            overdue_total=totals["overdue_total"],
            overdue_priority=totals["overdue_priority"],
            overdue_regular_after_last_priority=after_last,
            priority_total=totals["priority_total"],
            regular_total=totals["regular_total"],
        )
    return counts


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
    """Mean service time of the service's latest finished tickets, else its standard time."""
    rows = db.all(
        "SELECT called_at, finished_at FROM tickets WHERE service = ? AND status = 'done' "
        "AND called_at IS NOT NULL ORDER BY finished_at DESC LIMIT ?",
        [service_id, SERVICE_TIME_SAMPLE],
    )
    durations = [
        (parse_utc(row["finished_at"]) - parse_utc(row["called_at"])).total_seconds() / 60
        for row in rows
    ]
    if not durations:
        return float(station.config.service_by_id[service_id].standard_minutes)
    return statistics.fmean(durations)


def counters_serving(station: Station, db: Reader, service_id: str) -> int:
    """How many open counters can call this service's tickets."""
    states = {row["id"]: row["state"] for row in db.all("SELECT id, state FROM counters")}
    return sum(
        1
        for counter in station.config.counters
        if service_id in counter.services and states.get(counter.id, "open") == "open"
    )


def ticket_views(station: Station, db: Reader, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The contract's ticket objects for ticket rows, computing queue positions once per service."""
    now = station.now()
    positions: dict[int, int] = {}
    estimates: dict[str, tuple[float, int]] = {}
    wanted_by_service: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        if row["status"] == Status.WAITING:
            wanted_by_service.setdefault(row["service"], []).append(row)
    policy = station.config.call_policy
    for service_id, wanted in wanted_by_service.items():
        streak = streak_for(station, db, "service", service_id)
        for ticket_id, counts in queue_counts(station, db, service_id, wanted, now).items():
            positions[ticket_id] = ahead_of(counts, policy, streak)
        estimates[service_id] = (
            minutes_per_citizen(station, db, service_id),
            counters_serving(station, db, service_id),
        )
    views = []
    for row in rows:
        ahead = positions.get(row["id"]) if row["status"] == Status.WAITING else None
        estimate = None
        if ahead is not None:
            per_citizen, counters = estimates[row["service"]]
            estimate = estimate_wait_minutes(ahead, per_citizen, counters)
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


def tickets_by_tokens(station: Station, tokens: Iterable[str]) -> dict[str, dict[str, Any]]:
    """Current views of several tickets at once (for phones watching their ticket)."""
    wanted = list(tokens)
    if not wanted:
        return {}
    marks = ",".join("?" * len(wanted))
    with station.store.read() as db:
        rows = db.all(f"SELECT * FROM tickets WHERE token IN ({marks})", wanted)  # noqa: S608
        return {view["token"]: view for view in ticket_views(station, db, rows)}
