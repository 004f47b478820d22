"""The ticket object T as the API shows it, built from domain tickets after the write committed.

Positions and wait estimates are computed here, in a read of their own, never inside a write
transaction, except a new ticket's: the write that takes it computes them from what it just
wrote (its queues and the kept `estimate_inputs`: one statement), and builds its view from them
once it committed. A citizen's view carries the ticket's token and status URL; staff views never do
(whoever holds a token can answer that citizen's survey), and a citizen's view of a private
service's ticket has `service` null: the phone, the kiosk and whoever looks over the citizen's
shoulder learn only the neutral number. A citizen's view also says which number of its service
is being served now, whether it is almost its turn (`almost_turn`, see `estimates.almost_turn`),
after a no-show until when it may be put back in the queue, and while it waits whether it may
still let others go first (`step_back`). A carried-over ticket says until which day it may be
checked in (`carried_until`); a ticket its check-in gave is `carried` ("Lanjutan"). A waiting
ticket of a suspended service carries its `suspension` (reason, since, expected resume; a
private service's reason is not shown to the citizen). Both carry `sms`: the mobile number
registered for SMS, masked (`0812•••7890`), or null.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from shared.application import positions
from shared.application.estimate_inputs import Inputs
from shared.application.station import Station
from shared.application.suspensions import public_json
from shared.domain.estimates import almost_turn, wait_range
from shared.domain.queue_rules import Status, may_requeue
from shared.domain.slots import check_in_closes, check_in_opens
from shared.domain.sms import mask
from shared.domain.suspension import Suspension
from shared.domain.ticket import Ticket
from shared.store import sms_store
from shared.store.repository import BookingRow, CounterRow
from shared.store.store import Reader

CITIZEN_ONLY = ("token", "status_url")


def local_text(station: Station, instant: datetime | None) -> str | None:
    """An instant as the station's local time with its offset, to the second."""
    if instant is None:
        return None
    return station.local(instant).isoformat(timespec="seconds")


def _range(minutes: int | None) -> dict[str, int] | None:
    found = wait_range(minutes)
    return {"low": found.low, "high": found.high} if found else None


@dataclass(frozen=True)
class Places:
    """Of some waiting tickets, by id: how many the call order puts first, and the estimated
    minutes until each is called."""

    ahead: dict[int, int]
    waits: dict[int, int]
    counters: Mapping[str, CounterRow]
    suspended: Mapping[str, Suspension]


def places(
    station: Station,
    db: Reader,
    tickets: Sequence[Ticket],
    now: datetime,
    inputs: Inputs | None = None,
) -> Places:
    """Where the waiting ones of `tickets` stand: queue positions once per service, and one
    play of the wait estimate for them all (`inputs`: `positions.inputs_of` the same `db`,
    read before if given)."""
    if inputs is None:
        inputs = positions.inputs_of(station, db)
    ahead = positions.people_ahead(station, db, tickets, now, inputs)
    waits = positions.wait_minutes(
        station,
        db,
        now,
        {ticket.id: (ticket.service, ahead[ticket.id]) for ticket in tickets if ticket.id in ahead},
        inputs,
    )
    return Places(ahead, waits, inputs.counters, inputs.suspended)


def ticket_views(
    station: Station,
    db: Reader,
    tickets: Sequence[Ticket],
    now: datetime,
    *,
    for_staff: bool = False,
    known: Places | None = None,
) -> list[dict[str, Any]]:
    """The contract's ticket objects, with their `places` (or the `known` ones, computed for
    these tickets as they are now, possibly with others)."""
    found = known if known is not None else places(station, db, tickets, now)
    sms = sms_store.of_tickets(db, [ticket.id for ticket in tickets])
    return _views(station, tickets, now, found, sms, for_staff)


def new_ticket_view(station: Station, ticket: Ticket, known: Places) -> dict[str, Any]:
    """A citizen's view of a ticket the write that just committed created, with the places
    that write computed (`places` of its transaction: nothing is read again; no number for SMS
    can be registered for it yet)."""
    return _views(station, [ticket], station.now(), known, {}, for_staff=False)[0]


def _views(
    station: Station,
    tickets: Sequence[Ticket],
    now: datetime,
    found: Places,
    sms: Mapping[int, str],
    for_staff: bool,
) -> list[dict[str, Any]]:
    ahead, waits, suspended = found.ahead, found.waits, found.suspended
    serving = {} if for_staff else now_serving(found.counters)
    phone = station.config.phone
    hidden = frozenset() if for_staff else station.private_services
    views = []
    for ticket in tickets:
        view: dict[str, Any] = {
            "id": ticket.id,
            "number": ticket.number,
            "service": None if ticket.service in hidden else ticket.service,
            "status": ticket.status.value,
            "priority": ticket.priority,
            "need": ticket.need,
            "issued_at": local_text(station, ticket.issued_at),
            "called_at": local_text(station, ticket.called_at),
            "finished_at": local_text(station, ticket.finished_at),
            "counter": ticket.counter,
            "ahead": ahead.get(ticket.id),
            "estimated_wait_minutes": waits.get(ticket.id) if ticket.id in ahead else None,
            "estimated_wait": _range(waits.get(ticket.id)) if ticket.id in ahead else None,
            "recalls": ticket.recalls,
            "booked": ticket.booked,
            "booked_for": local_text(station, ticket.booked_for),
            "reference": ticket.reference,
            "carried": ticket.carried,
            "carried_until": ticket.carried_until.isoformat() if ticket.carried_until else None,
            "suspension": public_json(station, suspended[ticket.service], for_staff=for_staff)
            if ticket.waiting and ticket.service in suspended
            else None,
        }
        view["sms"] = mask(sms[ticket.id]) if ticket.id in sms else None
        if not for_staff:
            view["token"] = ticket.token
            view["status_url"] = f"/t/{ticket.token}"
            view["now_serving"] = serving.get(ticket.service)
            view["almost_turn"] = view["suspension"] is None and almost_turn(
                view["ahead"],
                view["estimated_wait_minutes"],
                phone.alert_ahead,
                phone.alert_minutes,
            )
            view["requeue_until"] = local_text(station, requeue_until(station, ticket, now))
            view["step_back"] = step_back_offer(station, ticket)
        views.append(view)
    return views


def now_serving(rows: Mapping[str, CounterRow]) -> dict[str, str]:
    """Per service, the number most recently called among those at a counter now (`rows`:
    `repository.counters`)."""
    latest: dict[str, Ticket] = {}
    for row in rows.values():
        ticket = row.ticket
        if ticket is None or ticket.called_at is None:
            continue
        known = latest.get(ticket.service)
        if known is None or (ticket.called_at, ticket.id) > (known.called_at, known.id):
            latest[ticket.service] = ticket
    return {service: ticket.number for service, ticket in latest.items()}


def requeue_until(station: Station, ticket: Ticket, now: datetime) -> datetime | None:
    """Until when a no-show may still be put back in the queue (its service day only)."""
    window = station.config.no_show_requeue_minutes
    finished = ticket.finished_at
    if (
        ticket.status != Status.NO_SHOW
        or finished is None
        or not may_requeue(finished, now, window)
    ):
        return None
    if ticket.queue_day != station.today(now):
        return None
    _, day_end = station.day_bounds(ticket.queue_day)
    return min(finished + timedelta(minutes=window), day_end)


def step_back_offer(station: Station, ticket: Ticket) -> dict[str, int] | None:
    """What the phone offers a waiting citizen who would let others go first: how many places
    and how many times are left (None: not waiting, or not offered)."""
    rules = station.config.step_back
    if ticket.status != Status.WAITING or rules.times == 0:
        return None
    return {"places": rules.places, "left": max(0, rules.times - ticket.step_backs)}


def ticket_view(
    station: Station,
    db: Reader,
    ticket: Ticket,
    now: datetime,
    *,
    for_staff: bool = False,
) -> dict[str, Any]:
    return ticket_views(station, db, [ticket], now, for_staff=for_staff)[0]


def view_of(station: Station, ticket: Ticket | None, *, for_staff: bool = False) -> Any:
    """The view of a ticket just changed, in a read of its own (None stays None)."""
    if ticket is None:
        return None
    now = station.now()
    with station.store.read() as db:
        return ticket_view(station, db, ticket, now, for_staff=for_staff)


def booking_view(station: Station, booking: BookingRow) -> dict[str, Any]:
    """A booking as its holder sees it (with its token), times in the station's zone."""
    service = station.config.service_by_id.get(booking.service)
    rules = service.booking if service else None
    return {
        "code": booking.code,
        "service": booking.service,
        "starts_at": local_text(station, booking.starts_at),
        "status": booking.status,
        "reference": booking.reference,
        "need": booking.need,
        "check_in_opens": local_text(station, check_in_opens(rules, booking.starts_at))
        if rules
        else None,
        "check_in_closes": local_text(station, check_in_closes(rules, booking.starts_at))
        if rules
        else None,
        "token": booking.token,
        "status_url": f"/b/{booking.token}",
    }
