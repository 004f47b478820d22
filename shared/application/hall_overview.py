"""The hall at a glance, as the kiosk and the oversight dashboard show it: every service (open or
why not, waiting, estimate) and every counter (its state, who is there, whom it serves)."""

from __future__ import annotations

from typing import Any

from shared.application import board_view, presence
from shared.application.power import closed_by_power
from shared.application.station import Station
from shared.application.suspensions import public_json
from shared.application.views import local_text, ticket_views
from shared.domain.queue_rules import availability
from shared.store import eventlog, repository


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
        waiting = board_view.waiting_counts(station, db, today)
        issued = repository.issued_on(db, today)
        suspended = eventlog.suspensions_in_force(db)
        on_battery = closed_by_power(station, db, now)
    result = []
    for service in station.config.services:
        state = availability(service, station.local(now), issued.get(service.id, 0), next_day)
        power_closed = state.open and service.id in on_battery
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
                "open": state.open and not power_closed,
                "closed_reason": "power" if power_closed else state.reason,
                "opens_at": state.opens_at.isoformat(timespec="minutes")
                if state.opens_at
                else None,
                "waiting": waiting[service.id] if for_staff or not service.private else None,
                "standard_minutes": service.standard_minutes,
                "fee": {"id": service.fee.id, "en": service.fee.en} if service.fee else None,
                "suspension": public_json(station, suspended[service.id], for_staff=for_staff)
                if service.id in suspended
                else None,
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
