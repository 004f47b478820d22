"""Use cases as plain functions: load, decide with the pure lifecycle, save, record the events.

Each runs in one write transaction; the store publishes the recorded events after COMMIT. A
refused use case raises a SatuPintuError and leaves the database exactly as it was. Counter
actions return the domain ticket they acted on; its view (positions, estimates) is built after
COMMIT, outside the write lock (`shared.views`).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from shared import announce, log, positions, queries, repository
from shared.clock import utc_text
from shared.config import Counter, Service
from shared.devices import Device
from shared.errors import (
    Conflict,
    Forbidden,
    InvalidRequest,
    NotFound,
    QueueEmpty,
    ServiceClosed,
    StaleCurrent,
    UnknownService,
)
from shared.events import ClockAccepted, CounterStateChanged, QueueWaiting, SurveyAnswered
from shared.printing import DISABLED, PrintResult, TicketPrint
from shared.station import Station
from shared.store import Transaction
from shared.survey import validate_answers
from shared.text import text_field
from shared.ticket import Ticket, apply, issue
from shared.ticketing import (
    CounterState,
    Move,
    Status,
    availability,
    may_requeue,
    next_in_line,
)
from shared.views import view_of

MAX_REASON = 200
MAX_IDEMPOTENCY_KEY = 128
MAX_NUMBER = 20
PRINT_WAIT_MARGIN_SECONDS = 2.0
MAX_REPRINTS = 3


class _Unchecked:
    """`current` not given: the action keeps its old meaning (whatever is current)."""


UNCHECKED = _Unchecked()
Current = str | None | _Unchecked


@dataclass(frozen=True)
class Issued:
    """A kiosk's answer: the ticket (T), whether this request created it, the print outcome."""

    ticket: dict[str, Any]
    created: bool
    print: PrintResult


# ---- helpers shared by the use cases ---------------------------------------------------------


def _service(station: Station, service_id: Any) -> Service:
    if not isinstance(service_id, str) or service_id not in station.config.service_by_id:
        raise UnknownService("error.unknown_service", service=str(service_id)[:40])
    return station.config.service_by_id[service_id]


def _counter(station: Station, counter_id: str) -> Counter:
    counter = station.config.counter_by_id.get(counter_id)
    if counter is None:
        raise NotFound("error.unknown_counter", counter=counter_id[:40])
    return counter


def _number(number: Any) -> str:
    if number is None or (isinstance(number, str) and not number.strip()):
        raise InvalidRequest("error.field_required", field="number")
    return text_field(number, "number", MAX_NUMBER).strip().upper()


def parse_current(body: dict[str, Any]) -> Current:
    """The ticket the officer's screen shows at the counter (`"current"`), if the body names it."""
    if "current" not in body:
        return UNCHECKED
    current = body["current"]
    if current is None:
        return None
    if not isinstance(current, str) or not current.strip() or len(current) > MAX_NUMBER:
        raise InvalidRequest("error.current_type")
    return text_field(current, "current", MAX_NUMBER).strip().upper()


def ensure_counters(station: Station) -> None:
    """Give every configured counter its row (open, idle) the first time the station starts."""
    with station.store.read() as db:
        known = repository.counter_ids(db)
    missing = [counter.id for counter in station.config.counters if counter.id not in known]
    if missing:
        with station.store.write("system", station.now()) as tx:
            repository.add_counters(tx, missing)


def _move(tx: Transaction, ticket: Ticket, move: Move, **details: Any) -> Ticket:
    """Make a move on a ticket: decide (pure), save, record its event."""
    moved, event = apply(ticket, move, tx.now, **details)
    repository.save(tx, moved)
    tx.record(event)
    return moved


def _record_waiting(station: Station, tx: Transaction, today: date) -> None:
    tx.record(QueueWaiting(waiting=queries.waiting_counts(station, tx, today)))


def _begin(station: Station, tx: Transaction) -> date:
    """Every ticket-changing transaction starts by closing yesterday's queue."""
    today = station.today(tx.now)
    expired = repository.waiting_before(tx, today)
    for ticket in expired:
        _move(tx, ticket, Move.EXPIRE)
    if expired:
        _record_waiting(station, tx, today)
    return today


def _serving(tx: Transaction, counter: Counter, current: Current) -> Ticket | None:
    """The ticket the counter serves now, refused unless it is the one the officer sees."""
    row = repository.counter(tx, counter.id)
    serving = row.ticket
    if current is not UNCHECKED and (serving.number if serving else None) != current:
        raise StaleCurrent(counter.name, serving.number if serving else None)
    return serving


def _require_serving(tx: Transaction, counter: Counter, current: Current) -> Ticket:
    serving = _serving(tx, counter, current)
    if serving is None:
        raise Conflict("error.no_current_ticket", counter=counter.name)
    return serving


def _require_open(tx: Transaction, counter: Counter) -> None:
    state = repository.counter(tx, counter.id).state
    if state != CounterState.OPEN:
        raise Conflict("error.counter_not_open", counter=counter.name, state=state.value)


def _finish(tx: Transaction, counter: Counter, ticket: Ticket, move: Move) -> Ticket:
    """Close the counter's called ticket as done or no-show; the counter is free again."""
    finished = _move(tx, ticket, move, counter=counter.id)
    repository.set_serving(tx, counter.id, None)
    return finished


def _announced(station: Station, counter: Counter, ticket: Ticket) -> dict[str, str]:
    """What a call or recall tells the hall: the counter, its name and the spoken sentence."""
    return {
        "counter": counter.id,
        "counter_name": counter.name,
        "announcement": announce.announcement(ticket.number, counter, station.config.announcement),
    }


def _call(
    station: Station,
    tx: Transaction,
    counter: Counter,
    ticket: Ticket,
    today: date,
    *,
    out_of_order: bool = False,
    reason: str | None = None,
) -> Ticket:
    """Call a waiting ticket to the counter and announce it."""
    called = _move(
        tx,
        ticket,
        Move.CALL,
        **_announced(station, counter, ticket),
        out_of_order=out_of_order,
        reason=reason,
    )
    repository.set_serving(tx, counter.id, called)
    _record_waiting(station, tx, today)
    return called


# ---- kiosk -----------------------------------------------------------------------------------


def _request_hash(service_id: str, priority: bool, kiosk_id: str | None) -> str:
    body = json.dumps([service_id, priority, kiosk_id])
    return hashlib.sha256(body.encode()).hexdigest()


def issue_ticket(
    station: Station,
    service_id: Any,
    *,
    priority: Any = False,
    kiosk_id: Any = None,
    idempotency_key: str | None = None,
    public_base: str = "",
    phone: str | None = None,
) -> Issued:
    """Give a citizen the next number of a service, then print it.

    The ticket is committed before printing starts, so a printer fault never loses it. The same
    Idempotency-Key on the same service day returns the same ticket and its print result. A
    ticket a phone takes (`phone`: the phone's hashed id) is not printed, and a phone holds at
    most one open ticket.
    """
    service = _service(station, service_id)
    if not isinstance(priority, bool):
        raise InvalidRequest("error.field_type", field="priority", expected="true/false")
    if kiosk_id is not None and (
        not isinstance(kiosk_id, str) or kiosk_id not in station.config.kiosk_by_id
    ):
        raise InvalidRequest("error.unknown_kiosk", kiosk=str(kiosk_id)[:40])
    if idempotency_key is not None and not 0 < len(idempotency_key) <= MAX_IDEMPOTENCY_KEY:
        raise InvalidRequest("error.idempotency_key", limit=MAX_IDEMPOTENCY_KEY)
    if idempotency_key is not None:
        text_field(idempotency_key, "Idempotency-Key", MAX_IDEMPOTENCY_KEY)
    request_hash = _request_hash(service.id, priority, kiosk_id)
    printing = phone is None and station.printers.enabled(kiosk_id)
    actor = "phone" if phone else f"kiosk:{kiosk_id}" if kiosk_id else "kiosk"
    with station.store.write(actor, station.now()) as tx:
        today = _begin(station, tx)
        earlier = repository.keyed_request(tx, today, idempotency_key) if idempotency_key else None
        if earlier is not None and earlier.request_hash != request_hash:
            raise Conflict("error.idempotency_reused")
        if earlier is not None:
            ticket = repository.get(tx, earlier.ticket_id)
            assert ticket is not None
        else:
            held = repository.open_ticket_of_device(tx, phone) if phone else None
            if held is not None:
                raise Conflict("error.phone_has_ticket", number=held.number)
            ticket = _issue(station, tx, service, priority, kiosk_id, today, phone)
            if idempotency_key is not None:
                repository.remember_request(
                    tx,
                    today,
                    idempotency_key,
                    request_hash,
                    ticket.id,
                    None if printing else DISABLED.status,
                )
    view = view_of(station, ticket)
    if earlier is not None:
        assert idempotency_key is not None
        return Issued(view, False, _earlier_print(station, today, idempotency_key, kiosk_id))
    if not printing:
        return Issued(view, True, DISABLED)
    result = station.printers.print_ticket(
        kiosk_id, _print_job(station, service, ticket, view, public_base)
    )
    if idempotency_key is not None:
        with station.store.write(actor, station.now(), durable=False) as tx:
            repository.record_print(tx, today, idempotency_key, result.status, result.error)
    return Issued(view, True, result)


def _issue(
    station: Station,
    tx: Transaction,
    service: Service,
    priority: bool,
    kiosk_id: str | None,
    today: date,
    phone: str | None,
) -> Ticket:
    issued_today = repository.issued_on(tx, today, service.id).get(service.id, 0)
    _, next_day = station.day_bounds(today)
    state = availability(service, station.local(tx.now), issued_today, next_day)
    if not state.open:
        raise ServiceClosed(
            f"error.service_closed_{state.reason}",
            service=service.name.get(station.config.language),
            opens_at=station.local(state.opens_at).strftime("%H:%M") if state.opens_at else "-",
        )
    ticket, event = issue(
        repository.next_ticket_id(tx),
        service=service.id,
        prefix=service.prefix,
        sequence=issued_today + 1,
        service_day=today,
        priority=priority,
        kiosk=kiosk_id,
        token=secrets.token_urlsafe(16),
        now=tx.now,
    )
    repository.insert(tx, ticket, phone)
    tx.record(event)
    _record_waiting(station, tx, today)
    return ticket


def _print_job(
    station: Station, service: Service, ticket: Ticket, view: dict[str, Any], public_base: str
) -> TicketPrint:
    base = public_base.rstrip("/")
    return TicketPrint(
        station=station.config.station.name,
        number=ticket.number,
        service=service.name,
        unit=service.unit,
        priority=ticket.priority,
        issued_at=station.local(ticket.issued_at),
        ahead=view["ahead"] or 0,
        estimated_wait_minutes=view["estimated_wait_minutes"] or 0,
        status_url=f"{base}{view['status_url']}",
        standard_minutes=service.standard_minutes,
        fee=service.fee,
        language=station.config.language,
    )


def _earlier_print(station: Station, today: date, key: str, kiosk_id: str | None) -> PrintResult:
    """The print result of the first request with this key, waiting while it is still printing."""
    printer = station.config.printer_for(kiosk_id)
    deadline = time.monotonic() + getattr(printer, "timeout", 0.0) + PRINT_WAIT_MARGIN_SECONDS
    while True:
        with station.store.read() as db:
            request = repository.keyed_request(db, today, key)
        if request and request.print_status:
            return PrintResult(request.print_status, request.print_error)  # type: ignore[arg-type]
        if time.monotonic() > deadline:
            return PrintResult("failed", "the first request's print result is not known")
        time.sleep(0.05)


# ---- counter ---------------------------------------------------------------------------------


def call_next(
    station: Station, counter_id: str, actor: str, current: Current = UNCHECKED
) -> Ticket:
    """Finish the counter's current ticket as done and call the next one in the call order.

    When nobody waits, nothing changes: QueueEmpty, and the current ticket stays called.
    """
    counter = _counter(station, counter_id)
    with station.store.write(actor, station.now()) as tx:
        today = _begin(station, tx)
        serving = _serving(tx, counter, current)
        _require_open(tx, counter)
        waiting = repository.heads(tx, counter.services, today)
        streak = positions.streak(station, tx, counter=counter.id)
        chosen = next_in_line(waiting, station.config.call_policy, tx.now, streak)
        if chosen is None:
            raise QueueEmpty("error.queue_empty", counter=counter.name)
        if serving is not None:
            _finish(tx, counter, serving, Move.FINISH)
        ticket = repository.get(tx, chosen.id)
        assert ticket is not None
        return _call(station, tx, counter, ticket, today)


def call_number(
    station: Station,
    counter_id: str,
    number: Any,
    reason: Any,
    actor: str,
    current: Current = UNCHECKED,
) -> Ticket:
    """Call one waiting ticket out of order; the reason is required and kept in the log."""
    counter = _counter(station, counter_id)
    number = _number(number)
    if not isinstance(reason, str) or not reason.strip():
        raise InvalidRequest("error.reason_required")
    reason = text_field(reason, "reason", MAX_REASON)
    with station.store.write(actor, station.now()) as tx:
        today = _begin(station, tx)
        serving = _serving(tx, counter, current)
        _require_open(tx, counter)
        ticket = repository.by_number(tx, today, number)
        if ticket is None or not ticket.waiting:
            raise NotFound("error.number_not_waiting", number=number)
        if ticket.service not in counter.services:
            raise Conflict("error.service_not_served", number=number, counter=counter.name)
        waiting = repository.heads(tx, counter.services, today)
        streak = positions.streak(station, tx, counter=counter.id)
        expected = next_in_line(waiting, station.config.call_policy, tx.now, streak)
        if serving is not None:
            _finish(tx, counter, serving, Move.FINISH)
        return _call(
            station,
            tx,
            counter,
            ticket,
            today,
            out_of_order=expected is not None and expected.id != ticket.id,
            reason=reason.strip(),
        )


def recall(station: Station, counter_id: str, actor: str, current: Current = UNCHECKED) -> Ticket:
    """Announce the counter's current ticket again."""
    counter = _counter(station, counter_id)
    with station.store.write(actor, station.now()) as tx:
        serving = _require_serving(tx, counter, current)
        recalled = _move(tx, serving, Move.RECALL, **_announced(station, counter, serving))
        repository.set_serving(tx, counter.id, recalled)
        return recalled


def _close_current(
    station: Station, counter_id: str, actor: str, move: Move, current: Current
) -> Ticket:
    counter = _counter(station, counter_id)
    with station.store.write(actor, station.now()) as tx:
        serving = _require_serving(tx, counter, current)
        return _finish(tx, counter, serving, move)


def finish(station: Station, counter_id: str, actor: str, current: Current = UNCHECKED) -> Ticket:
    """The counter's current citizen has been served."""
    return _close_current(station, counter_id, actor, Move.FINISH, current)


def no_show(station: Station, counter_id: str, actor: str, current: Current = UNCHECKED) -> Ticket:
    """The counter's current citizen did not come."""
    return _close_current(station, counter_id, actor, Move.NO_SHOW, current)


def transfer(
    station: Station, counter_id: str, service_id: Any, actor: str, current: Current = UNCHECKED
) -> Ticket:
    """Send the current citizen to another service's queue, keeping number and issue time."""
    counter = _counter(station, counter_id)
    service = _service(station, service_id)
    with station.store.write(actor, station.now()) as tx:
        today = _begin(station, tx)
        serving = _require_serving(tx, counter, current)
        if serving.service == service.id:
            raise InvalidRequest("error.transfer_same_service")
        moved = _move(
            tx,
            serving,
            Move.TRANSFER,
            service=service.id,
            counter=counter.id,
            queue_day=today.isoformat(),  # called before midnight: it waits in today's queue
        )
        repository.set_serving(tx, counter.id, None)
        _record_waiting(station, tx, today)
        return moved


def requeue(
    station: Station, counter_id: str, number: Any, actor: str, current: Current = UNCHECKED
) -> Ticket:
    """Put a no-show back in the queue (with its original issue time) within the window."""
    counter = _counter(station, counter_id)
    number = _number(number)
    with station.store.write(actor, station.now()) as tx:
        today = _begin(station, tx)
        _serving(tx, counter, current)
        ticket = repository.by_number(tx, today, number)
        if ticket is None or ticket.status != Status.NO_SHOW:
            raise NotFound("error.number_not_no_show", number=number)
        if ticket.service not in counter.services:
            raise Conflict("error.service_not_served", number=number, counter=counter.name)
        window = station.config.no_show_requeue_minutes
        assert ticket.finished_at is not None
        if not may_requeue(ticket.finished_at, tx.now, window):
            raise Conflict("error.requeue_too_late", number=number, minutes=window)
        back = _move(tx, ticket, Move.REQUEUE, counter=counter.id)
        _record_waiting(station, tx, today)
        return back


def set_counter_state(
    station: Station, counter_id: str, state: Any, actor: str, current: Current = UNCHECKED
) -> Ticket | None:
    """Open a counter, send it on break or close it; returns its current ticket, if any."""
    counter = _counter(station, counter_id)
    try:
        new_state = CounterState(state)
    except ValueError:
        raise InvalidRequest("error.counter_state", states="open, break, closed") from None
    with station.store.write(actor, station.now()) as tx:
        serving = _serving(tx, counter, current)
        if repository.counter(tx, counter.id).state != new_state:
            repository.set_state(tx, counter.id, new_state)
            tx.record(CounterStateChanged(counter=counter.id, state=new_state.value))
        return serving


def accept_clock(station: Station, actor: str) -> None:
    """A supervisor confirms the wall clock's new time after a jump: the station follows it
    (and may roll the day over). Logged, so every server process follows it too."""
    jump = station.time.jump
    if jump is None:
        raise Conflict("error.no_clock_jump")
    station.time.accept()
    with station.store.write(actor, station.now()) as tx:
        tx.record(ClockAccepted(wall=utc_text(jump.wall), trusted=utc_text(jump.trusted)))


def follow_accepted_clock(station: Station) -> None:
    """Follow a supervisor's acceptance logged by another process since this one saw a jump."""
    jump = station.time.jump
    if jump is None:
        return
    with station.store.read() as db:
        accepted = log.last_of_kind(db, ClockAccepted)
    if accepted is not None and accepted.at >= jump.since - station.time.tolerance:
        station.time.accept()


def expire_past_days(station: Station) -> None:
    """Close earlier service days' queues and forget their idempotency keys.

    Runs periodically, so boards roll over at the day's start even when nobody acts.
    """
    with station.store.write("system", station.now()) as tx:
        today = _begin(station, tx)
        repository.forget_requests_before(tx, today)


# ---- citizen ---------------------------------------------------------------------------------


def answer_survey(station: Station, token: str, answers: Any) -> None:
    """Keep a citizen's satisfaction answers: only for a finished ticket, once per ticket."""
    clean = validate_answers(station.config.survey.form, answers)
    with station.store.write("citizen", station.now()) as tx:
        ticket = repository.by_token(tx, token)
        if ticket is None:
            raise NotFound("error.unknown_ticket")
        _save_survey(tx, ticket, clean)


def answer_survey_at_counter(station: Station, counter_id: str, handle: Any, answers: Any) -> None:
    """Keep answers given on a counter's survey tablet, for the ticket just finished there.

    `handle` is what the tablet was shown with that ticket (queries.survey_desk); it is only
    good while that ticket is the counter's latest finished one, unanswered, for
    SURVEY_DESK_MINUTES: nobody can answer there for any other ticket.
    """
    counter = _counter(station, counter_id)
    clean = validate_answers(station.config.survey.form, answers)
    with station.store.write(f"survey-desk:{counter.id}", station.now()) as tx:
        ticket = queries.survey_desk_ticket(tx, counter.id, tx.now)
        if (
            ticket is None
            or not isinstance(handle, str)
            or not hmac.compare_digest(handle, queries.survey_handle(ticket))
        ):
            raise Conflict("error.survey_desk_stale")
        _save_survey(tx, ticket, clean)


def _save_survey(tx: Transaction, ticket: Ticket, answers: dict[str, int]) -> None:
    """Keep one ticket's answers: only once it is done, and only once."""
    if ticket.status != Status.DONE:
        raise Conflict("error.survey_not_done")
    if repository.surveyed(tx, ticket.id):
        raise Conflict("error.survey_answered")
    repository.save_survey(tx, ticket.id, json.dumps(answers))
    tx.record(
        SurveyAnswered(
            ticket_id=ticket.id,
            number=ticket.number,
            service=ticket.service,
            counter=ticket.counter,
            answers=answers,
        )
    )


def reprint_ticket(
    station: Station, token: str, device: Device, *, public_base: str = ""
) -> Issued:
    """Print a ticket of today that still waits again, on the printer of the kiosk that issued it.

    Only that kiosk (or the server's own machine) may ask. At most MAX_REPRINTS reprints per
    ticket: each is claimed in a write transaction before printing, so concurrent requests
    cannot print more, and a failed print gives its claim back. The reprint shows the ticket's
    place in the queue now.
    """
    actor = f"kiosk:{device.kiosk}" if device.kiosk else "kiosk"
    with station.store.write(actor, station.now()) as tx:
        ticket = repository.by_token(tx, token)
        if ticket is None:
            raise NotFound("error.unknown_ticket")
        if not (device.own or (device.kiosk is not None and device.kiosk == ticket.kiosk)):
            raise Forbidden("error.reprint_not_this_kiosk", number=ticket.number)
        if not ticket.waiting or ticket.queue_day != station.today(tx.now):
            raise Conflict("error.reprint_not_waiting", number=ticket.number)
        if ticket.reprints >= MAX_REPRINTS:
            raise Conflict("error.reprint_limit", number=ticket.number, limit=MAX_REPRINTS)
        printing = station.printers.enabled(ticket.kiosk)
        if printing:
            repository.save(tx, replace(ticket, reprints=ticket.reprints + 1))
    view = view_of(station, ticket)
    if not printing:
        return Issued(view, False, DISABLED)
    job = _print_job(station, _service(station, ticket.service), ticket, view, public_base)
    result = station.printers.print_ticket(ticket.kiosk, job)
    if result.status != "printed":
        with station.store.write(actor, station.now()) as tx:
            claimed = repository.get(tx, ticket.id)
            assert claimed is not None
            repository.save(tx, replace(claimed, reprints=max(0, claimed.reprints - 1)))
    return Issued(view, False, result)
