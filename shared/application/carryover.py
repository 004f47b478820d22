"""Carry-over as use cases: a supervisor (or the orderly close on battery) carries the waiting
over to their service's next open day; the citizen checks the old paper ticket in there (the
`CheckInCarried` command of `citizen_actions`).

A carried ticket is valid until its service's next open day (`domain.carryover.valid_until`);
scanned at the kiosk by then, it gives a "Lanjutan" ticket at the front of that service's queue
(`services.new_ticket` places it), printed like any other; after that day it lapses, logged
(`housekeeping.begin`). A service's own `carry_over` carries its waiting at the day's close.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from shared.application.desk_commands import MAX_REASON, parse_number
from shared.application.housekeeping import begin, record_waiting, save_move
from shared.application.services import service_of
from shared.application.sms_notices import tell_carried
from shared.application.station import Station
from shared.domain import carryover
from shared.domain.errors import InvalidRequest, NotFound
from shared.domain.queue_rules import REFUSAL, Move
from shared.domain.text import text_field
from shared.domain.ticket import Ticket
from shared.store import repository
from shared.store.store import Transaction

MAX_NUMBERS = 500  # tickets one request may carry over


def _carry(station: Station, tx: Transaction, ticket: Ticket, reason: str, by: str) -> Ticket:
    service = station.config.service_by_id.get(ticket.service)
    until = carryover.valid_until(service, ticket.queue_day)
    moved = save_move(
        tx, ticket, Move.CARRY_OVER, valid_until=until.isoformat(), by=by, reason=reason
    )
    tell_carried(station, tx, moved)
    return moved


def _reason(reason: Any) -> str:
    """Why the waiting are carried over (required: it goes to the log and the reports)."""
    if not isinstance(reason, str) or not reason.strip():
        raise InvalidRequest("error.carry_reason_required")
    return text_field(reason, "reason", MAX_REASON).strip()


def _service_ids(station: Station, service_ids: Any) -> list[str]:
    if service_ids is None:
        return [service.id for service in station.config.services]
    if not isinstance(service_ids, list | tuple):
        raise InvalidRequest("error.field_type", field="services", expected="[service id, ...]")
    return [service_of(station.config, service_id).id for service_id in service_ids]


def carry_over_waiting(
    station: Station,
    *,
    reason: str,
    service_ids: Sequence[str] | None = None,
    by: str | None = None,
) -> int:
    """Carry over every ticket waiting today in some services (None: every service), each to
    its service's next open day; how many were carried. `by` is who asked (the log's actor;
    None: the system, e.g. the orderly close on battery). No services: nothing to carry."""
    reason = _reason(reason)
    wanted = _service_ids(station, service_ids)
    if not wanted:
        return 0
    actor = by or "system"
    with station.store.write(actor, station.now()) as tx:
        today = begin(station, tx)
        waiting = repository.waiting_of(tx, today, wanted)
        for ticket in waiting:
            _carry(station, tx, ticket, reason, actor)
        if waiting:
            record_waiting(station, tx, today)
        return len(waiting)


def carry_over_tickets(station: Station, numbers: Any, *, reason: Any, by: str) -> list[Ticket]:
    """Carry over chosen tickets waiting today, by number: all of them or, if one cannot be
    (unknown, not waiting), none."""
    if not isinstance(numbers, list) or not numbers or len(numbers) > MAX_NUMBERS:
        raise InvalidRequest("error.field_type", field="numbers", expected="[number, ...]")
    wanted = list(dict.fromkeys(parse_number(number) for number in numbers))
    reason = _reason(reason)
    with station.store.write(by, station.now()) as tx:
        today = begin(station, tx)
        carried = []
        for number in wanted:
            ticket = repository.by_number(tx, today, number)
            if ticket is None:
                raise NotFound(REFUSAL[Move.CARRY_OVER][1], number=number)
            carried.append(_carry(station, tx, ticket, reason, by))
        record_waiting(station, tx, today)
        return carried
