"""The counter console's read model: the desk, its current ticket, the call order, the day's
counts at that counter, and the day's bookings of its services."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from shared.application import hall_overview, positions, presence, routing
from shared.application.station import Station
from shared.application.suspensions import public_json
from shared.application.views import local_text, ticket_view
from shared.domain.config import Counter
from shared.domain.needs import route, skill_for
from shared.domain.queue_rules import call_order, may_requeue
from shared.store import eventlog, repository


def counter_desk(station: Station, counter: Counter) -> dict[str, Any]:
    """Everything a counter's console shows, in one read: its state and current ticket, who
    waits (in call order), its recent no-shows, today's counts, and the board `seq` it is at.

    `waiting` is in the order call-next would call the tickets (the one rule, `call_order`,
    with needs routed to skilled officers by `needs.route`: `routed` names the skill that
    brought a ticket forward here);
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
        labels = repository.waiting_labels(db, items, today)
        streak = positions.streak(station, db, counter=counter.id)
        marked = repository.no_shows_at(db, counter.id, today)
        happened = eventlog.counted_at_counter(
            db, counter.id, day_start, eventlog.COUNTER_DAY_KINDS
        )
        attending = presence.at_counters(db, now).get(counter.id, [])
        suspended = eventlog.suspensions_in_force(db)
        routes = routing.routing_at(station, db, counter, now)
    window = station.config.no_show_requeue_minutes
    return {
        "id": counter.id,
        "name": counter.name.get(station.config.language),
        "names": counter.name.json(),
        "services": list(counter.services),
        "seq": seq,
        "state": row.state.value,
        "officer": row.officer,
        "present": hall_overview._present(station, attending),
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
                "carried": labels[item.id].carried,
                "need": item.need,
                "routed": skill if (skill := skill_for(item.need)) in routes.here else None,
            }
            for item in route(call_order(items, station.config.call_policy, now, streak), routes)
        ],
        "seat_area": seat.json() if (seat := station.config.needs.seat_area) else None,
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
        "suspended": {
            service: public_json(station, suspended[service], for_staff=True)
            for service in counter.services
            if service in suspended
        },
    }


# The events counted in a counter's day, and the name of each count.
COUNTER_DAY_NAMES = {
    kind.name: label
    for kind, label in zip(
        eventlog.COUNTER_DAY_KINDS, ("served", "no_show", "transferred"), strict=True
    )
}


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
                "need": booking.need,
                "number": tickets.get(booking.ticket_id) if booking.ticket_id else None,
                "made_by": "citizen" if booking.made_by == "citizen" else "counter",
            }
        )
    return {"date": today.isoformat(), "services": by_service}
