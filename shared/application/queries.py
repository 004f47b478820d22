"""Read models: the board snapshot, services, counters and a counter's console, as the API shows
them. Each is one consistent read through the repository and the log, with one clock reading."""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Iterable
from datetime import date, datetime, timedelta
from typing import Any

from shared.application import positions, presence
from shared.application.station import Station
from shared.application.views import local_text, ticket_view, ticket_views
from shared.domain.clock import parse_utc
from shared.domain.config import Config, Counter
from shared.domain.events import TicketCalled, TicketRecalled
from shared.domain.queue_rules import CounterState, Status, availability, call_order, may_requeue
from shared.domain.ticket import Ticket
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
                "outcome": endings[row].name.removeprefix("ticket.") if row in endings else None,
            }
            for row, call in calls
            if call.counter in shown
        ],
        "waiting": waiting,
        "closed": closed_services(station, rows, issued, now, next_day),
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
) -> dict[str, str]:
    """The services that take no tickets now, and why: outside their hours ("hours"), their
    daily quota used ("quota"), or every counter serving them closed ("counters"). The
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
    shown = {
        service: why for service, why in closed.items() if service not in config.private_services
    }
    private = [closed.get(service) for service in sorted(config.private_services)]
    if private and all(private):
        shown[PRIVATE] = private[0]
    return shown


def services_overview(
    station: Station, language: str, *, for_staff: bool = False
) -> list[dict[str, Any]]:
    """Every service with its names, whether it takes tickets now, and how many wait.

    `prefix` is the letters its numbers carry (a private service's are the shared
    `privacy.prefix`); `icon` is its kiosk pictogram; `private` tells the kiosk to keep it
    behind the neutral button. Only staff see how many wait for each private service: the
    hall gets `waiting: null` for them (their sum is the board's `waiting` under PRIVATE).
    """
    now = station.now()
    today = station.today(now)
    _, next_day = station.day_bounds(today)
    with station.store.read() as db:
        waiting = waiting_counts(station, db, today)
        issued = repository.issued_on(db, today)
    result = []
    for service in station.config.services:
        state = availability(service, station.local(now), issued.get(service.id, 0), next_day)
        result.append(
            {
                "id": service.id,
                "name": service.name.get(language),
                "names": {"id": service.name.id, "en": service.name.en},
                "prefix": station.config.number_prefix(service),
                "reference": service.reference,
                "unit": service.unit,
                "icon": service.icon,
                "private": service.private,
                "open": state.open,
                "closed_reason": state.reason,
                "opens_at": state.opens_at.isoformat(timespec="minutes")
                if state.opens_at
                else None,
                "waiting": waiting[service.id] if for_staff or not service.private else None,
                "standard_minutes": service.standard_minutes,
                "fee": {"id": service.fee.id, "en": service.fee.en} if service.fee else None,
            }
        )
    return result


def counters_overview(station: Station) -> list[dict[str, Any]]:
    """Every counter with its services, state, the officers at it now (`present`), the last
    to act there (`officer`) and its called ticket (T) or None.

    For staff: the tickets carry no token.
    """
    now = station.now()
    with station.store.read() as db:
        rows = repository.counters(db)
        attending = presence.at_counters(db, now)
        serving = [row.ticket for row in rows.values() if row.ticket is not None]
        views = {
            view["counter"]: view
            for view in ticket_views(station, db, serving, now, for_staff=True)
        }
    return [
        {
            "id": counter.id,
            "name": counter.name.get(station.config.language),
            "names": counter.name.json(),
            "services": list(counter.services),
            "state": rows[counter.id].state.value if counter.id in rows else "open",
            "officer": rows[counter.id].officer if counter.id in rows else None,
            "present": _present(station, attending.get(counter.id, [])),
            "ticket": views.get(counter.id),
        }
        for counter in station.config.counters
    ]


def _present(station: Station, attending: list[presence.Attendance]) -> list[dict[str, Any]]:
    return [
        {"username": person.username, "since": local_text(station, person.since)}
        for person in attending
    ]


def counter_desk(station: Station, counter: Counter) -> dict[str, Any]:
    """Everything a counter's console shows, in one read: its state and current ticket, who
    waits (in call order), its recent no-shows, today's counts, and the board `seq` it is at.

    `waiting` is in the order call-next would call the tickets (the one rule, `call_order`);
    `no_shows` are this counter's no-shows that may still be put back in the queue; `today`
    counts what happened at this counter since the service day began.
    """
    now = station.now()
    today = station.today(now)
    day_start, _ = station.day_bounds(today)
    with station.store.read() as db:
        seq = eventlog.last_seq(db)
        row = repository.counter(db, counter.id)
        current = ticket_view(station, db, row.ticket, now, for_staff=True) if row.ticket else None
        items = repository.waiting_items(db, counter.services, today)
        labels = repository.waiting_labels(db, [item.id for item in items])
        streak = positions.streak(station, db, counter=counter.id)
        marked = repository.no_shows_at(db, counter.id, today)
        happened = eventlog.counted_at_counter(
            db, counter.id, day_start, eventlog.COUNTER_DAY_KINDS
        )
        attending = presence.at_counters(db, now).get(counter.id, [])
    window = station.config.no_show_requeue_minutes
    return {
        "id": counter.id,
        "name": counter.name.get(station.config.language),
        "names": counter.name.json(),
        "services": list(counter.services),
        "seq": seq,
        "state": row.state.value,
        "officer": row.officer,
        "present": _present(station, attending),
        "ticket": current,
        "waiting": [
            {
                "number": labels[item.id].number,
                "service": item.service,
                "priority": item.priority,
                "issued_at": local_text(station, item.issued_at),
                "booked": labels[item.id].booked_for is not None,
                "booked_for": local_text(station, labels[item.id].booked_for),
                "reference": labels[item.id].reference,
            }
            for item in call_order(items, station.config.call_policy, now, streak)
        ],
        "no_shows": [
            {
                "number": ticket.number,
                "service": ticket.service,
                "finished_at": local_text(station, ticket.finished_at),
            }
            for ticket in marked
            if ticket.finished_at and may_requeue(ticket.finished_at, now, window)
        ],
        "today": {COUNTER_DAY_NAMES[kind.name]: count for kind, count in happened.items()},
    }


# The events counted in a counter's day, and the name of each count.
COUNTER_DAY_NAMES = {
    kind.name: label
    for kind, label in zip(
        eventlog.COUNTER_DAY_KINDS, ("served", "no_show", "transferred"), strict=True
    )
}


def ticket_by_token(station: Station, token: str) -> dict[str, Any] | None:
    """A citizen's view of their ticket (T with its token), or None for an unknown token."""
    now = station.now()
    with station.store.read() as db:
        ticket = repository.by_token(db, token)
        return ticket_view(station, db, ticket, now) if ticket else None


def ticket_places(station: Station, tokens: Iterable[str]) -> dict[str, tuple[int, str]]:
    """Each token's ticket id and current service (cheap: no queue positions)."""
    with station.store.read() as db:
        return repository.places_by_tokens(db, list(tokens))


def tickets_by_tokens(station: Station, tokens: Iterable[str]) -> dict[str, dict[str, Any]]:
    """Current views of several tickets at once (for phones watching their ticket)."""
    wanted = list(tokens)
    if not wanted:
        return {}
    now = station.now()
    with station.store.read() as db:
        tickets = repository.by_tokens(db, wanted)
        return {view["token"]: view for view in ticket_views(station, db, tickets, now)}


def announced_call(station: Station, seq: int) -> TicketCalled | TicketRecalled | None:
    """The call or recall that has board `seq`, or None for any other seq."""
    with station.store.read() as db:
        return eventlog.announced(db, seq)


def survey_answered(station: Station, token: str) -> bool:
    """Whether the citizen holding this ticket has already answered its survey."""
    with station.store.read() as db:
        ticket = repository.by_token(db, token)
        return ticket is not None and repository.surveyed(db, ticket.id)


# A counter's survey tablet asks about the ticket finished there for this long.
SURVEY_DESK_MINUTES = 10


def survey_handle(ticket: Ticket) -> str:
    """The opaque handle a counter's survey tablet answers with.

    It is derived from the ticket's secret token, so it cannot be guessed, and it is never
    the token itself (which would open the ticket's status page).
    """
    return hashlib.sha256(f"survey-desk:{ticket.token}".encode()).hexdigest()[:32]


def survey_desk_ticket(db: Reader, counter_id: str, now: datetime) -> Ticket | None:
    """The ticket a counter's survey tablet asks about, or None.

    It is the latest ticket finished as done at that counter, within SURVEY_DESK_MINUTES,
    while nobody has answered for it yet.
    """
    last = eventlog.last_finished_at(db, counter_id)
    if last is None or last.at < now - timedelta(minutes=SURVEY_DESK_MINUTES):
        return None
    assert last.event.ticket_id is not None
    ticket = repository.get(db, last.event.ticket_id)
    if ticket is None or ticket.status != Status.DONE or repository.surveyed(db, ticket.id):
        return None
    return ticket


def survey_desk(station: Station, counter_id: str) -> dict[str, Any] | None:
    """What a counter's survey tablet shows: the ticket's number and its handle, or None."""
    with station.store.read() as db:
        ticket = survey_desk_ticket(db, counter_id, station.now())
    if ticket is None:
        return None
    return {"number": ticket.number, "handle": survey_handle(ticket)}


def todays_bookings(station: Station, services: Collection[str] | None = None) -> dict[str, Any]:
    """Today's bookings per service (of `services`, or all), as staff see them: code, slot,
    status, reference and the ticket's number once checked in (never the booking's token)."""
    today = station.today()
    with station.store.read() as db:
        found = repository.bookings_of_day(db, today)
        ids = [booking.ticket_id for booking in found if booking.ticket_id]
        tickets = {ticket.id: ticket.number for ticket in repository.tickets_by_ids(db, ids)}
    by_service: dict[str, list[dict[str, Any]]] = {
        service.id: []
        for service in station.config.services
        if service.booking is not None and (services is None or service.id in services)
    }
    for booking in found:
        if booking.service not in by_service:
            continue
        by_service[booking.service].append(
            {
                "code": booking.code,
                "starts_at": station.local(booking.starts_at).isoformat(timespec="minutes"),
                "status": booking.status,
                "reference": booking.reference,
                "number": tickets.get(booking.ticket_id) if booking.ticket_id else None,
                "made_by": "citizen" if booking.made_by == "citizen" else "counter",
            }
        )
    return {"date": today.isoformat(), "services": by_service}
