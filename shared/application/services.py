"""The configured services and counters, and a ticket by its holder's token, looked up as the
use cases need them (an unknown one is refused with its code), and every counter given its row
at start."""

from __future__ import annotations

from typing import Any

from shared.application.station import Station
from shared.domain.config import Config, Counter, Service
from shared.domain.errors import NotFound, UnknownService
from shared.domain.ticket import Ticket
from shared.store import repository
from shared.store.store import Reader


def service_of(config: Config, service_id: Any) -> Service:
    if not isinstance(service_id, str) or service_id not in config.service_by_id:
        raise UnknownService("error.unknown_service", service=str(service_id)[:40])
    return config.service_by_id[service_id]


def counter_of(station: Station, counter_id: str) -> Counter:
    counter = station.config.counter_by_id.get(counter_id)
    if counter is None:
        raise NotFound("error.unknown_counter", counter=counter_id[:40])
    return counter


def ticket_of(db: Reader, token: str) -> Ticket:
    """The ticket its holder's token names; an unknown token is NotFound."""
    ticket = repository.by_token(db, token)
    if ticket is None:
        raise NotFound("error.unknown_ticket")
    return ticket


def ensure_counters(station: Station) -> None:
    """Give every configured counter its row (open, idle) the first time the station starts."""
    with station.store.read() as db:
        known = repository.counter_ids(db)
    missing = [counter.id for counter in station.config.counters if counter.id not in known]
    if missing:
        with station.store.write("system", station.now()) as tx:
            repository.add_counters(tx, missing)
