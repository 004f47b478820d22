"""Taking a number: the kiosk's and the phone's issue of a ticket (idempotent per key and day,
within quotas and opening hours), committed before it is printed."""

from __future__ import annotations

import hashlib
import json
import secrets
from datetime import date
from typing import Any

from shared.application import positions
from shared.application.housekeeping import begin, record_waiting
from shared.application.power import closed_by_power
from shared.application.printing import DISABLED
from shared.application.services import service_of
from shared.application.station import Station
from shared.application.ticket_printing import Issued, earlier_print, print_issued
from shared.application.views import new_ticket_view, places, view_of
from shared.domain import carryover, slots
from shared.domain.config import Config, Service
from shared.domain.errors import Conflict, InvalidRequest, ServiceClosed
from shared.domain.needs import parse_need
from shared.domain.queue_rules import availability
from shared.domain.text import text_field
from shared.domain.ticket import Ticket, issue
from shared.store import repository
from shared.store.store import Transaction

MAX_IDEMPOTENCY_KEY = 128


MAX_REFERENCE = 40


def checked_idempotency_key(key: str | None) -> None:
    """A kiosk request's Idempotency-Key: none, or short printable text."""
    if key is not None and not 0 < len(key) <= MAX_IDEMPOTENCY_KEY:
        raise InvalidRequest("error.idempotency_key", limit=MAX_IDEMPOTENCY_KEY)
    if key is not None:
        text_field(key, "Idempotency-Key", MAX_IDEMPOTENCY_KEY)


def checked_kiosk(config: Config, kiosk: Any) -> str | None:
    """The kiosk a request prints at: none, or one the configuration knows."""
    if kiosk is not None and (not isinstance(kiosk, str) or kiosk not in config.kiosk_by_id):
        raise InvalidRequest("error.unknown_kiosk", kiosk=str(kiosk)[:40])
    return kiosk


def kiosk_actor(kiosk: str | None) -> str:
    """Who the log says acted for a request from a kiosk."""
    return f"kiosk:{kiosk}" if kiosk else "kiosk"


def request_hash(*parts: Any) -> str:
    """What an Idempotency-Key's request asked, to refuse the key reused for another one."""
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()


def keyed_request(
    tx: Transaction, today: date, key: str | None, asked: str
) -> repository.KeyedRequest | None:
    """The request an Idempotency-Key was first given with today (None: no key, or a new one);
    the key given again for another request (`asked`: its request_hash) is Conflict."""
    keyed = repository.keyed_request(tx, today, key) if key else None
    if keyed is not None and keyed.request_hash != asked:
        raise Conflict("error.idempotency_reused")
    return keyed


def _request_hash(
    service_id: str,
    priority: bool,
    kiosk_id: str | None,
    reference: str | None = None,
    need: str | None = None,
) -> str:
    extra = [*([reference] if reference else []), *([f"need:{need}"] if need else [])]
    return request_hash(service_id, priority, kiosk_id, *extra)


def checked_reference(service: Service | None, reference: Any) -> str | None:
    """A registration number from another system, kept exactly as given (at most 40 characters);
    required where the service says so."""
    if reference is None or reference == "":
        if service is not None and service.reference == "required":
            raise InvalidRequest("error.reference_required")
        return None
    if not isinstance(reference, str) or not reference.strip():
        raise InvalidRequest("error.field_type", field="reference", expected="text")
    return text_field(reference, "reference", MAX_REFERENCE)


def issue_ticket(
    station: Station,
    service_id: Any,
    *,
    priority: Any = False,
    kiosk_id: Any = None,
    idempotency_key: str | None = None,
    public_base: str = "",
    phone: repository.Phone | None = None,
    reference: Any = None,
    need: Any = None,
    actor: str | None = None,
    printed: bool = True,
) -> Issued:
    """Give a citizen the next number of a service, then print it.

    The ticket is committed before printing starts, so a printer fault never loses it. The same
    Idempotency-Key on the same service day returns the same ticket and its print result. A
    ticket a phone takes (`phone`), or one `printed=False` (a greeter hands it over by voice),
    is not printed; `actor` names who issued it when not the kiosk (a greeter's tablet). A phone
    (by its cookie or its address) holds at most one open ticket, and phones take at most
    `limits.phone_quota_percent` of a quota.
    """
    service = service_of(station.config, service_id)
    if not isinstance(priority, bool):
        raise InvalidRequest("error.field_type", field="priority", expected="true/false")
    checked_kiosk(station.config, kiosk_id)
    checked_idempotency_key(idempotency_key)
    reference = checked_reference(service, reference)
    said = parse_need(need)
    request_hash = _request_hash(service.id, priority, kiosk_id, reference, said)
    printing = printed and phone is None and station.printers.enabled(kiosk_id)
    actor = actor or ("phone" if phone else kiosk_actor(kiosk_id))
    with station.store.write(actor, station.now()) as tx:
        today = begin(station, tx)
        earlier = keyed_request(tx, today, idempotency_key, request_hash)
        if earlier is not None:
            ticket = repository.get(tx, earlier.ticket_id)
            assert ticket is not None
        else:
            if phone is not None:
                _check_phone(station, tx, phone, service, today)
            # Read before the ticket is taken, which changes none of them: while the
            # transaction has changed nothing, it knows their count from its first read.
            inputs = positions.inputs_of(station, tx)
            ticket = new_ticket(
                station, tx, service, priority, kiosk_id, today, phone,
                reference=reference, need=said,
            )  # fmt: skip
            known = places(station, tx, [ticket], tx.now, inputs)
            if idempotency_key is not None:
                repository.remember_request(
                    tx,
                    today,
                    idempotency_key,
                    request_hash,
                    ticket.id,
                    None if printing else DISABLED.status,
                )
    if earlier is not None:
        assert idempotency_key is not None
        view = view_of(station, ticket)
        return Issued(view, False, earlier_print(station, today, idempotency_key, kiosk_id))
    view = new_ticket_view(station, ticket, known)
    if not printing:
        return Issued(view, True, DISABLED)
    return print_issued(
        station, actor, service, ticket, view, kiosk_id, today, idempotency_key, public_base
    )


def _check_phone(
    station: Station, tx: Transaction, phone: repository.Phone, service: Service, today: date
) -> None:
    """A phone holds one open ticket, and phones leave the kiosk its share of a quota."""
    held = repository.open_ticket_of_phone(tx, phone)
    if held is not None:
        raise Conflict("error.phone_has_ticket", number=held.number)
    quota = service.daily_quota
    if quota is not None:
        share = -(-quota * station.config.limits.phone_quota_percent // 100)
        if repository.phone_tickets_on(tx, today, service.id) >= share:
            raise Conflict("error.phone_quota", service=service.name.get(station.config.language))


def new_ticket(
    station: Station,
    tx: Transaction,
    service: Service,
    priority: bool,
    kiosk_id: str | None,
    today: date,
    phone: repository.Phone | None,
    *,
    reference: str | None = None,
    booked_for: Any = None,
    carried: Ticket | None = None,
    need: str | None = None,
) -> Ticket:
    """A new ticket; a booking's (`booked_for`: its slot) and a carried-over ticket's
    (`carried`: the "Lanjutan" ticket, placed where the carried one stood) are not held to
    opening hours, the quota or the battery's runtime, since their place was given before."""
    config = station.config
    issued_today = (  # counted only for a quota: the count grows with the day
        repository.issued_on(tx, today, service.id).get(service.id, 0)
        if service.daily_quota is not None
        else 0
    )
    _, next_day = station.day_bounds(today)
    state = availability(service, station.local(tx.now), issued_today, next_day)
    if not state.open and booked_for is None and carried is None:
        raise ServiceClosed(
            f"error.service_closed_{state.reason}",
            service=service.name.get(station.config.language),
            opens_at=station.local(state.opens_at).time() if state.opens_at else "-",
        )
    if (
        booked_for is None
        and carried is None
        and closed_by_power(station, tx, tx.now, [service.id])
    ):
        _refuse_on_battery(station, service)
    ticket_id, last_sequence = repository.next_ticket(tx, today, config.numbered_with(service))
    ticket, event = issue(
        ticket_id,
        service=service.id,
        prefix=config.number_prefix(service),
        sequence=last_sequence + 1,
        service_day=today,
        priority=priority,
        kiosk=kiosk_id,
        token=secrets.token_urlsafe(16),
        now=tx.now,
        reference=reference,
        booked_for=booked_for,
        queue_at=(
            slots.queue_place(config.call_policy.bookings, booked_for, tx.now)
            if booked_for
            else carryover.front_place(carried)
            if carried
            else None
        ),
        carried_from=carried.id if carried else None,
        need=need,
    )
    repository.insert(tx, ticket, phone)
    record_waiting(station, tx, today, event)
    return ticket


def _refuse_on_battery(station: Station, service: Service) -> None:
    """No new ticket for a service the battery cannot last for (or when the close began)."""
    name = service.name.get(station.config.language)
    power = station.power
    if power.closing or power.runtime_minutes is None:
        raise ServiceClosed("error.service_closed_power_closing", service=name)
    raise ServiceClosed("error.service_closed_power", service=name, minutes=power.runtime_minutes)
