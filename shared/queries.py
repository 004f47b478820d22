"""Read models: the ticket (T), the board snapshot, services and counters, as the API shows them."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from shared.config import Config, Counter
from shared.positions import (
    WAITING_WHERE,
    queue_counts,
    service_params,
    streak_for,
    wait_estimates,
)
from shared.station import Station
from shared.store import Reader, parse_utc, utc_text
from shared.ticketing import (
    QueueItem,
    Status,
    ahead_of,
    availability,
    call_order,
    may_requeue,
)

RECENT_CALLS = 10


def local_text(station: Station, text: str | None) -> str | None:
    """A stored UTC instant as the station's local time with its offset, to the second."""
    if text is None:
        return None
    return station.local(parse_utc(text)).isoformat(timespec="seconds")


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
    marks, names = service_params(counter.services)
    with station.store.read() as db:
        rows = db.all(
            f"SELECT id, number, service, priority, issued_at FROM tickets "  # noqa: S608
            f"WHERE {WAITING_WHERE.format(services=marks)}",
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
