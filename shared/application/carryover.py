"""Carry-over as use cases: a supervisor (or the orderly close on battery) carries the waiting
over to their service's next open day, and the citizen checks the old paper ticket in there.

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
from shared.application.printing import DISABLED
from shared.application.services import service_of, ticket_of
from shared.application.station import Station
from shared.application.ticket_issue import checked_idempotency_key, new_ticket, request_hash
from shared.application.ticket_printing import Issued, earlier_print, print_issued
from shared.application.views import view_of
from shared.domain import carryover
from shared.domain.errors import Conflict, InvalidRequest, NotCarried, NotFound
from shared.domain.queue_rules import REFUSAL, Move
from shared.domain.text import text_field
from shared.domain.ticket import Ticket
from shared.store import repository
from shared.store.store import Transaction

MAX_TOKEN = 200  # a scanned status link, or its token
MAX_NUMBERS = 500  # tickets one request may carry over


def _carry(station: Station, tx: Transaction, ticket: Ticket, reason: str, by: str) -> Ticket:
    service = station.config.service_by_id.get(ticket.service)
    until = carryover.valid_until(service, ticket.queue_day)
    return save_move(
        tx, ticket, Move.CARRY_OVER, valid_until=until.isoformat(), by=by, reason=reason
    )


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
    return [service_of(station, service_id).id for service_id in service_ids]


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


def _token_of(typed: Any) -> str:
    """The token a scanned status link (…/t/<token>) or a typed token names."""
    if not isinstance(typed, str) or not typed.strip() or len(typed) > MAX_TOKEN:
        raise InvalidRequest("error.field_required", field="code")
    text = typed.strip().rstrip("/")
    return text.rsplit("/t/", 1)[1] if "/t/" in text else text


def check_in(
    station: Station,
    typed: Any,
    *,
    kiosk_id: Any = None,
    public_base: str = "",
    idempotency_key: str | None = None,
) -> Issued:
    """The citizen brings a carried-over paper ticket back on its day: its QR code (scanned,
    or its token) gives a "Lanjutan" ticket at the front of its service's queue, printed like
    any other. Refused, changing nothing, with what to do instead: a ticket never carried
    over, one whose day has passed, one checked in already (its new number said), one still
    in today's queue. A retry of the same request (its Idempotency-Key) gets the same answer.
    """
    token = _token_of(typed)
    if kiosk_id is not None and (
        not isinstance(kiosk_id, str) or kiosk_id not in station.config.kiosk_by_id
    ):
        raise InvalidRequest("error.unknown_kiosk", kiosk=str(kiosk_id)[:40])
    checked_idempotency_key(idempotency_key)
    actor = f"kiosk:{kiosk_id}" if kiosk_id else "kiosk"
    with station.store.write(actor, station.now()) as tx:
        today = begin(station, tx)
        carried = ticket_of(tx, token)
        asked = request_hash("carried-check-in", carried.id, kiosk_id)
        keyed = repository.keyed_request(tx, today, idempotency_key) if idempotency_key else None
        if keyed is not None and keyed.request_hash != asked:
            raise Conflict("error.idempotency_reused")
        earlier = repository.issued_for_carried(tx, carried.id)
        if keyed is not None and earlier is not None and keyed.ticket_id == earlier.id:
            retried = earlier
        else:
            retried = None
            refused = carryover.check_in_refusal(
                carried, today, earlier.number if earlier else None
            )
            service = station.config.service_by_id.get(carried.service)
            if refused is None and service is None:
                refused = NotCarried("error.carry_not_carried", number=carried.number,
                                     date=carried.queue_day)  # fmt: skip
            if refused is not None:
                raise refused
            assert service is not None
            ticket = new_ticket(
                station, tx, service, carried.priority, kiosk_id, today, None,
                reference=carried.reference, carried=carried, need=carried.need,
            )  # fmt: skip
            save_move(tx, carried, Move.RESUME, new_ticket=ticket.id, new_number=ticket.number)
            printing = station.printers.enabled(kiosk_id)
            if idempotency_key is not None:
                repository.remember_request(
                    tx, today, idempotency_key, asked, ticket.id,
                    None if printing else DISABLED.status,
                )  # fmt: skip
    if retried is not None:
        assert idempotency_key is not None
        printed = earlier_print(station, today, idempotency_key, kiosk_id)
        return Issued(view_of(station, retried), False, printed)
    view = view_of(station, ticket)
    if not printing:
        return Issued(view, True, DISABLED)
    return print_issued(
        station, actor, service, ticket, view, kiosk_id, today, idempotency_key, public_base
    )
