"""The wall board's read model: its counters, the calls it shows and how each ended, the waiting
counts the hall may see, and the services that take no tickets now. One consistent read each."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from shared.application import presence
from shared.application.power import closed_by_power
from shared.application.station import Station
from shared.application.suspensions import public_json
from shared.application.views import local_text
from shared.domain.clock import parse_utc
from shared.domain.config import Config, Counter
from shared.domain.events import TicketCalled
from shared.domain.queue_rules import CounterState, availability
from shared.store import eventlog, repository
from shared.store.store import Reader

RECENT_CALLS = 10
PRIVATE = "private"  # the one key under which the hall sees every private service together


def waiting_counts(station: Station, db: Reader, day: date) -> dict[str, int]:
    """Waiting tickets per service on a day, every configured service listed (staff only)."""
    return repository.waiting_counts(db, day, station.config.service_by_id)


def public_waiting(station: Station, db: Reader, day: date) -> dict[str, int]:
    """Waiting tickets per service as the hall may see them: private services summed under
    PRIVATE, so nobody can tell which one a citizen just took a ticket for."""
    private = station.config.private_services
    counts = waiting_counts(station, db, day)
    shown = {service: n for service, n in counts.items() if service not in private}
    if private:
        shown[PRIVATE] = sum(counts[service] for service in private)
    return shown


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
    """The board's whole state in one consistent read; `seq` is the last board event's.

    Each recent call says how it ended (`outcome`: done, no_show, transferred, returned, or
    None while it goes on); `closed` names the services that take no tickets now and why. A
    counter's `ticket` is None once its call is left unattended (`presence.unattended`).
    """
    counters = board_counters(station.config, board_id)
    private = station.private_services
    now = station.now()
    today = station.today(now)
    day_start, next_day = station.day_bounds(today)
    with station.store.read() as db:
        seq = eventlog.last_seq(db)
        rows = repository.counters(db)
        recent = eventlog.recent_calls(db, day_start, RECENT_CALLS)
        endings = eventlog.call_endings(db, recent)
        waiting = public_waiting(station, db, today)
        issued = repository.issued_on(db, today)
        attending = presence.at_counters(db, now)
        on_battery = closed_by_power(station, db, now)
        suspended = eventlog.suspensions_in_force(db)
    shown = {counter.id for counter in counters}
    calls = [(found.row, found.event) for found in recent if isinstance(found.event, TicketCalled)]
    return {
        "seq": seq,
        "counters": [
            {
                "id": counter.id,
                "name": station.config.shown_name(counter).get(station.config.language),
                "state": rows[counter.id].state.value if counter.id in rows else "open",
                "ticket": _served_number(station, rows.get(counter.id), attending, now),
            }
            for counter in counters
        ],
        "recent": [
            {
                "number": call.number,
                "counter": call.counter,
                "counter_name": call.counter_name,
                "service": None if call.service in private else call.service,
                "called_at": local_text(station, parse_utc(call.called_at)),
                "need": call.need,
                "outcome": endings[row].name.removeprefix("ticket.") if row in endings else None,
            }
            for row, call in calls
            if call.counter in shown
        ],
        "waiting": waiting,
        "closed": closed_services(station, rows, issued, now, next_day, on_battery),
        "suspended": {
            service: public_json(station, found)
            for service, found in suspended.items()
            if service not in private
        },
    }


def _served_number(
    station: Station,
    row: repository.CounterRow | None,
    attending: dict[str, list[presence.Attendance]],
    now: datetime,
) -> str | None:
    """The number a counter shows the hall as served: none when its call is left unattended."""
    if row is None or row.ticket is None or row.ticket.called_at is None:
        return None
    minutes = station.config.unattended_call_minutes
    if presence.unattended(row.ticket.called_at, attending.get(row.id, []), now, minutes):
        return None
    return row.ticket.number


def closed_services(
    station: Station,
    rows: dict[str, repository.CounterRow],
    issued: dict[str, int],
    now: datetime,
    next_day: datetime,
    on_battery: frozenset[str] = frozenset(),
) -> dict[str, str]:
    """The services that take no tickets now, and why: outside their hours ("hours"), their
    daily quota used ("quota"), every counter serving them closed ("counters"), or the
    battery would run out before one more citizen is served (`on_battery`: "power"). The
    private services count as one (PRIVATE), closed only when all of them are."""
    config = station.config
    closed = {}
    for service in config.services:
        state = availability(service, station.local(now), issued.get(service.id, 0), next_day)
        counters = [
            rows[counter.id].state if counter.id in rows else CounterState.OPEN
            for counter in config.counters
            if service.id in counter.services
        ]
        if not state.open:
            closed[service.id] = state.reason or "hours"
        elif counters and all(counter is CounterState.CLOSED for counter in counters):
            closed[service.id] = "counters"
        elif service.id in on_battery:
            closed[service.id] = "power"
    shown = {
        service: why for service, why in closed.items() if service not in config.private_services
    }
    private = [closed.get(service) for service in sorted(config.private_services)]
    if private and all(private):
        shown[PRIVATE] = private[0]
    return shown


def upcoming_calls(station: Station, per_stream: int) -> list[tuple[str, Counter]]:
    """The calls the hall may hear next, nearest first: the first `per_stream` waiting numbers
    of each service's priority and regular stream, each with every open counter that serves it
    (whichever of them calls it, its sentence is then known)."""
    config = station.config
    today = station.today(station.now())
    with station.store.read() as db:
        states = repository.counters(db)
        counters = [
            counter
            for counter in config.counters
            if counter.id in states and states[counter.id].state == CounterState.OPEN
        ]
        services = sorted({service for counter in counters for service in counter.services})
        items = repository.waiting_items(db, services, today, per_stream=per_stream)
        labels = repository.waiting_labels(db, items, today)
    place: dict[tuple[str, bool], int] = {}
    ranked = []
    for item in sorted(items):
        stream = (item.service, item.priority)
        place[stream] = place.get(stream, 0) + 1
        ranked.append((place[stream], item))
    return [
        (labels[item.id].number, counter)
        for _, item in sorted(ranked, key=lambda pair: pair[0])
        for counter in counters
        if item.service in counter.services
    ]
