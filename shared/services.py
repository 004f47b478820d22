"""Use cases as plain functions: each runs in one write transaction and records its events.

The store publishes the recorded events after COMMIT; a refused use case raises a
SatuPintuError and leaves the database exactly as it was.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass
from datetime import date
from typing import Any

from printer import PrintResult, TicketPrint
from shared import announce, positions, queries
from shared.config import Counter, Service
from shared.errors import (
    Conflict,
    InvalidRequest,
    NotFound,
    QueueEmpty,
    ServiceClosed,
    UnknownService,
)
from shared.events import (
    CounterStateChanged,
    QueueWaiting,
    SurveyAnswered,
    TicketCalled,
    TicketDone,
    TicketExpired,
    TicketIssued,
    TicketNoShow,
    TicketRecalled,
    TicketRequeued,
    TicketTransferred,
)
from shared.station import Station
from shared.store import Transaction, parse_utc, utc_text
from shared.survey import validate_answers
from shared.ticketing import (
    CounterState,
    Move,
    Status,
    apply_move,
    availability,
    format_number,
    may_requeue,
    next_in_line,
)

MAX_REASON = 200
MAX_IDEMPOTENCY_KEY = 128
PRINT_WAIT_MARGIN_SECONDS = 2.0
DISABLED = PrintResult("disabled")


@dataclass(frozen=True)
class Issued:
    """A kiosk's answer: the ticket, whether this request created it, and the print outcome."""

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


def ensure_counters(station: Station) -> None:
    """Give every configured counter its row (open, idle) the first time the station starts."""
    with station.store.read() as db:
        known = {row["id"] for row in db.all("SELECT id FROM counters")}
    missing = [counter.id for counter in station.config.counters if counter.id not in known]
    if not missing:
        return
    with station.store.write("system", station.now()) as tx:
        for counter_id in missing:
            tx.execute(
                "INSERT OR IGNORE INTO counters (id, state, updated_at) VALUES (?, 'open', ?)",
                [counter_id, utc_text(tx.now)],
            )


def _expire_past_days(station: Station, tx: Transaction, today: date) -> None:
    """Tickets still waiting from an earlier service day become expired (in this transaction)."""
    rows = tx.all(
        "UPDATE tickets SET status = 'expired', finished_at = ? "
        "WHERE status = 'waiting' AND service_day < ? RETURNING id, number, service",
        [utc_text(tx.now), today.isoformat()],
    )
    for row in rows:
        tx.record(TicketExpired(ticket_id=row["id"], number=row["number"], service=row["service"]))
    if rows:
        _record_waiting(station, tx, today)


def _record_waiting(station: Station, tx: Transaction, today: date) -> None:
    tx.record(QueueWaiting(waiting=queries.waiting_counts(station, tx, today)))


def _begin(station: Station, tx: Transaction) -> date:
    """Every ticket-changing transaction starts by closing yesterday's queue."""
    today = station.today(tx.now)
    _expire_past_days(station, tx, today)
    return today


def _current_ticket(tx: Transaction, counter: Counter) -> dict[str, Any] | None:
    return tx.one(
        "SELECT t.* FROM counters c JOIN tickets t ON t.id = c.ticket_id "
        "WHERE c.id = ? AND t.status = 'called'",
        [counter.id],
    )


def _require_current(tx: Transaction, counter: Counter) -> dict[str, Any]:
    current = _current_ticket(tx, counter)
    if current is None:
        raise Conflict("error.no_current_ticket", counter=counter.name)
    return current


def _require_open(tx: Transaction, counter: Counter) -> None:
    row = tx.one("SELECT state FROM counters WHERE id = ?", [counter.id])
    state = row["state"] if row else CounterState.OPEN
    if state != CounterState.OPEN:
        raise Conflict("error.counter_not_open", counter=counter.name, state=state)


def _set_counter(tx: Transaction, counter: Counter, ticket_id: int | None) -> None:
    tx.execute(
        "UPDATE counters SET ticket_id = ?, officer = ?, updated_at = ? WHERE id = ?",
        [ticket_id, tx.actor, utc_text(tx.now), counter.id],
    )


def _finish(tx: Transaction, counter: Counter, ticket: dict[str, Any], move: Move) -> None:
    """Close the counter's called ticket as done or no-show."""
    status = apply_move(ticket["status"], move)
    tx.execute(
        "UPDATE tickets SET status = ?, finished_at = ? WHERE id = ?",
        [status, utc_text(tx.now), ticket["id"]],
    )
    event = TicketDone if status == Status.DONE else TicketNoShow
    tx.record(
        event(
            ticket_id=ticket["id"],
            number=ticket["number"],
            service=ticket["service"],
            counter=counter.id,
        )
    )
    _set_counter(tx, counter, None)


def _call(
    station: Station,
    tx: Transaction,
    counter: Counter,
    ticket: dict[str, Any],
    *,
    out_of_order: bool = False,
    reason: str | None = None,
) -> dict[str, Any]:
    """Move a waiting ticket to `called` at the counter and announce it."""
    apply_move(ticket["status"], Move.CALL)
    called = tx.one(
        "UPDATE tickets SET status = 'called', called_at = ?, counter = ? "
        "WHERE id = ? AND status = 'waiting' RETURNING *",
        [utc_text(tx.now), counter.id, ticket["id"]],
    )
    assert called is not None, "BEGIN IMMEDIATE makes the claim exclusive"
    _set_counter(tx, counter, called["id"])
    tx.record(
        TicketCalled(
            ticket_id=called["id"],
            number=called["number"],
            service=called["service"],
            counter=counter.id,
            counter_name=counter.name,
            announcement=announce.announcement(
                called["number"], counter, station.config.announcement
            ),
            called_at=called["called_at"],
            priority=bool(called["priority"]),
            out_of_order=out_of_order,
            reason=reason,
        )
    )
    _record_waiting(station, tx, station.today(tx.now))
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
) -> Issued:
    """Give a citizen the next number of a service, then print it.

    The ticket is committed before printing starts, so a printer fault never loses it. The same
    Idempotency-Key on the same service day returns the same ticket and its print result.
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
    request_hash = _request_hash(service.id, priority, kiosk_id)
    printing = station.printers.enabled(kiosk_id)
    actor = f"kiosk:{kiosk_id}" if kiosk_id else "kiosk"
    with station.store.write(actor, station.now()) as tx:
        today = _begin(station, tx)
        earlier = None
        if idempotency_key is not None:
            earlier = tx.one(
                "SELECT ticket_id, request_hash FROM idempotency WHERE service_day = ? AND key = ?",
                [today.isoformat(), idempotency_key],
            )
            if earlier is not None and earlier["request_hash"] != request_hash:
                raise Conflict("error.idempotency_reused")
        created = earlier is None
        if earlier is not None:
            ticket_id = earlier["ticket_id"]
        else:
            ticket_id = _insert_ticket(station, tx, service, priority, kiosk_id, today)
            if idempotency_key is not None:
                tx.execute(
                    "INSERT INTO idempotency (service_day, key, request_hash, ticket_id, "
                    "print_status) VALUES (?, ?, ?, ?, ?)",
                    [
                        today.isoformat(),
                        idempotency_key,
                        request_hash,
                        ticket_id,
                        None if printing else DISABLED.status,
                    ],
                )
        row = queries.ticket_row(tx, "id = ?", [ticket_id])
        assert row is not None
        view = queries.ticket_view(station, tx, row)
    if not created:
        assert idempotency_key is not None
        return Issued(view, False, _earlier_print(station, today, idempotency_key, kiosk_id))
    if not printing:
        return Issued(view, True, DISABLED)
    result = station.printers.print_ticket(
        kiosk_id, _print_job(station, service, view, public_base)
    )
    if idempotency_key is not None:
        with station.store.write(actor, station.now(), durable=False) as tx:
            tx.execute(
                "UPDATE idempotency SET print_status = ?, print_error = ? "
                "WHERE service_day = ? AND key = ?",
                [result.status, result.error, today.isoformat(), idempotency_key],
            )
    return Issued(view, True, result)


def _insert_ticket(
    station: Station,
    tx: Transaction,
    service: Service,
    priority: bool,
    kiosk_id: str | None,
    today: date,
) -> int:
    top = tx.one(
        "SELECT COALESCE(MAX(day_seq), 0) AS n FROM tickets "
        "WHERE service_day = ? AND issued_service = ?",
        [today.isoformat(), service.id],
    )
    assert top is not None
    _, next_day = station.day_bounds(today)
    state = availability(service, station.local(tx.now), top["n"], next_day)
    if not state.open:
        raise ServiceClosed(
            f"error.service_closed_{state.reason}",
            service=service.name.get(station.config.language),
            opens_at=station.local(state.opens_at).strftime("%H:%M") if state.opens_at else "-",
        )
    sequence = top["n"] + 1
    issued_at = utc_text(tx.now)
    row = tx.one(
        "INSERT INTO tickets (token, number, issued_service, day_seq, service_day, service, "
        "priority, status, kiosk, issued_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'waiting', ?, ?) "
        "RETURNING id, number",
        [
            secrets.token_urlsafe(16),
            format_number(service.prefix, sequence),
            service.id,
            sequence,
            today.isoformat(),
            service.id,
            int(priority),
            kiosk_id,
            issued_at,
        ],
    )
    assert row is not None
    tx.record(
        TicketIssued(
            ticket_id=row["id"],
            number=row["number"],
            service=service.id,
            priority=priority,
            issued_at=issued_at,
            kiosk=kiosk_id,
        )
    )
    _record_waiting(station, tx, today)
    return row["id"]


def _print_job(
    station: Station, service: Service, view: dict[str, Any], public_base: str
) -> TicketPrint:
    base = (station.config.public_url or public_base).rstrip("/")
    return TicketPrint(
        station=station.config.station.name,
        number=view["number"],
        service=service.name,
        unit=service.unit,
        priority=view["priority"],
        issued_at=parse_utc(view["issued_at"]).astimezone(station.config.zone),
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
            row = db.one(
                "SELECT print_status, print_error FROM idempotency "
                "WHERE service_day = ? AND key = ?",
                [today.isoformat(), key],
            )
        if row and row["print_status"]:
            return PrintResult(row["print_status"], row["print_error"])
        if time.monotonic() > deadline:
            return PrintResult("failed", "the first request's print result is not known")
        time.sleep(0.05)


# ---- counter ---------------------------------------------------------------------------------


def call_next(station: Station, counter_id: str, actor: str) -> dict[str, Any]:
    """Finish the counter's current ticket as done and call the next one in the call order.

    When nobody waits, nothing changes: QueueEmpty, and the current ticket stays called.
    """
    counter = _counter(station, counter_id)
    with station.store.write(actor, station.now()) as tx:
        today = _begin(station, tx)
        _require_open(tx, counter)
        waiting = positions.stream_heads(tx, counter.services, today)
        streak = positions.streak_for(station, tx, "counter", counter.id)
        chosen = next_in_line(waiting, station.config.call_policy, tx.now, streak)
        if chosen is None:
            raise QueueEmpty("error.queue_empty", counter=counter.name)
        current = _current_ticket(tx, counter)
        if current is not None:
            _finish(tx, counter, current, Move.FINISH)
        ticket = queries.ticket_row(tx, "id = ?", [chosen.id])
        assert ticket is not None
        called = _call(station, tx, counter, ticket)
        return queries.ticket_view(station, tx, called)


def call_number(
    station: Station, counter_id: str, number: Any, reason: Any, actor: str
) -> dict[str, Any]:
    """Call one waiting ticket out of order; the reason is required and kept in the log."""
    counter = _counter(station, counter_id)
    if not isinstance(number, str) or not number.strip():
        raise InvalidRequest("error.field_required", field="number")
    if not isinstance(reason, str) or not reason.strip():
        raise InvalidRequest("error.reason_required")
    if len(reason) > MAX_REASON:
        raise InvalidRequest("error.field_too_long", field="reason", limit=MAX_REASON)
    number = number.strip().upper()
    with station.store.write(actor, station.now()) as tx:
        today = _begin(station, tx)
        _require_open(tx, counter)
        ticket = queries.ticket_row(
            tx, "service_day = ? AND number = ? AND status = 'waiting'", [today.isoformat(), number]
        )
        if ticket is None:
            raise NotFound("error.number_not_waiting", number=number[:20])
        if ticket["service"] not in counter.services:
            raise Conflict("error.service_not_served", number=number, counter=counter.name)
        waiting = positions.stream_heads(tx, counter.services, today)
        streak = positions.streak_for(station, tx, "counter", counter.id)
        expected = next_in_line(waiting, station.config.call_policy, tx.now, streak)
        current = _current_ticket(tx, counter)
        if current is not None:
            _finish(tx, counter, current, Move.FINISH)
        called = _call(
            station,
            tx,
            counter,
            ticket,
            out_of_order=expected is not None and expected.id != ticket["id"],
            reason=reason.strip(),
        )
        return queries.ticket_view(station, tx, called)


def recall(station: Station, counter_id: str, actor: str) -> dict[str, Any]:
    """Announce the counter's current ticket again."""
    counter = _counter(station, counter_id)
    with station.store.write(actor, station.now()) as tx:
        current = _require_current(tx, counter)
        tx.record(
            TicketRecalled(
                ticket_id=current["id"],
                number=current["number"],
                service=current["service"],
                counter=counter.id,
                counter_name=counter.name,
                announcement=announce.announcement(
                    current["number"], counter, station.config.announcement
                ),
                called_at=current["called_at"],
            )
        )
        _set_counter(tx, counter, current["id"])
        return queries.ticket_view(station, tx, current)


def _close_current(station: Station, counter_id: str, actor: str, move: Move) -> dict[str, Any]:
    counter = _counter(station, counter_id)
    with station.store.write(actor, station.now()) as tx:
        current = _require_current(tx, counter)
        _finish(tx, counter, current, move)
        row = queries.ticket_row(tx, "id = ?", [current["id"]])
        assert row is not None
        return queries.ticket_view(station, tx, row)


def finish(station: Station, counter_id: str, actor: str) -> dict[str, Any]:
    """The counter's current citizen has been served."""
    return _close_current(station, counter_id, actor, Move.FINISH)


def no_show(station: Station, counter_id: str, actor: str) -> dict[str, Any]:
    """The counter's current citizen did not come."""
    return _close_current(station, counter_id, actor, Move.NO_SHOW)


def transfer(station: Station, counter_id: str, service_id: Any, actor: str) -> dict[str, Any]:
    """Send the current citizen to another service's queue, keeping number and issue time."""
    counter = _counter(station, counter_id)
    service = _service(station, service_id)
    with station.store.write(actor, station.now()) as tx:
        today = _begin(station, tx)
        current = _require_current(tx, counter)
        if current["service"] == service.id:
            raise InvalidRequest("error.transfer_same_service")
        apply_move(current["status"], Move.TRANSFER)
        moved = tx.one(
            "UPDATE tickets SET status = 'waiting', service = ?, called_at = NULL, counter = NULL "
            "WHERE id = ? RETURNING *",
            [service.id, current["id"]],
        )
        assert moved is not None
        _set_counter(tx, counter, None)
        tx.record(
            TicketTransferred(
                ticket_id=current["id"],
                number=current["number"],
                service=service.id,
                from_service=current["service"],
                counter=counter.id,
            )
        )
        _record_waiting(station, tx, today)
        return queries.ticket_view(station, tx, moved)


def requeue(station: Station, counter_id: str, number: Any, actor: str) -> dict[str, Any]:
    """Put a no-show back in the queue (with its original issue time) within the window."""
    counter = _counter(station, counter_id)
    if not isinstance(number, str) or not number.strip():
        raise InvalidRequest("error.field_required", field="number")
    number = number.strip().upper()
    with station.store.write(actor, station.now()) as tx:
        today = _begin(station, tx)
        ticket = queries.ticket_row(
            tx, "service_day = ? AND number = ? AND status = 'no_show'", [today.isoformat(), number]
        )
        if ticket is None:
            raise NotFound("error.number_not_no_show", number=number[:20])
        window = station.config.no_show_requeue_minutes
        if not may_requeue(parse_utc(ticket["finished_at"]), tx.now, window):
            raise Conflict("error.requeue_too_late", number=number, minutes=window)
        apply_move(ticket["status"], Move.REQUEUE)
        back = tx.one(
            "UPDATE tickets SET status = 'waiting', called_at = NULL, finished_at = NULL, "
            "counter = NULL WHERE id = ? RETURNING *",
            [ticket["id"]],
        )
        assert back is not None
        tx.record(
            TicketRequeued(
                ticket_id=ticket["id"],
                number=ticket["number"],
                service=ticket["service"],
                counter=counter.id,
            )
        )
        _record_waiting(station, tx, today)
        return queries.ticket_view(station, tx, back)


def set_counter_state(
    station: Station, counter_id: str, state: Any, actor: str
) -> dict[str, Any] | None:
    """Open a counter, send it on break or close it; returns its current ticket, if any."""
    counter = _counter(station, counter_id)
    try:
        new_state = CounterState(state)
    except ValueError:
        raise InvalidRequest("error.counter_state", states="open, break, closed") from None
    with station.store.write(actor, station.now()) as tx:
        row = tx.one("SELECT state FROM counters WHERE id = ?", [counter.id])
        if row is None or row["state"] != new_state:
            tx.execute(
                "UPDATE counters SET state = ?, officer = ?, updated_at = ? WHERE id = ?",
                [new_state.value, tx.actor, utc_text(tx.now), counter.id],
            )
            tx.record(CounterStateChanged(counter=counter.id, state=new_state.value))
        current = _current_ticket(tx, counter)
        return queries.ticket_view(station, tx, current) if current else None


def expire_past_days(station: Station) -> None:
    """Close earlier service days' queues and forget their idempotency keys.

    Runs periodically, so boards roll over at the day's start even when nobody acts.
    """
    with station.store.write("system", station.now()) as tx:
        today = _begin(station, tx)
        tx.execute("DELETE FROM idempotency WHERE service_day < ?", [today.isoformat()])


# ---- citizen ---------------------------------------------------------------------------------


def answer_survey(station: Station, token: str, answers: Any) -> None:
    """Keep a citizen's satisfaction answers: only for a finished ticket, once per ticket."""
    clean = validate_answers(station.config.survey.form, answers)
    with station.store.write("citizen", station.now()) as tx:
        ticket = queries.ticket_row(tx, "token = ?", [token])
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


def _save_survey(tx: Transaction, ticket: dict[str, Any], answers: dict[str, int]) -> None:
    """Keep one ticket's answers: only once it is done, and only once."""
    if ticket["status"] != Status.DONE:
        raise Conflict("error.survey_not_done")
    if tx.one("SELECT 1 AS x FROM surveys WHERE ticket_id = ?", [ticket["id"]]):
        raise Conflict("error.survey_answered")
    tx.execute(
        "INSERT INTO surveys (ticket_id, answered_at, answers) VALUES (?, ?, ?)",
        [ticket["id"], utc_text(tx.now), json.dumps(answers)],
    )
    tx.record(
        SurveyAnswered(
            ticket_id=ticket["id"],
            number=ticket["number"],
            service=ticket["service"],
            counter=ticket["counter"],
            answers=answers,
        )
    )


MAX_REPRINTS = 3


def reprint_ticket(station: Station, token: str, *, public_base: str = "") -> Issued:
    """Print a ticket of today that still waits again, on the printer of the kiosk that issued it.

    For a kiosk whose printer failed. At most MAX_REPRINTS reprints per ticket succeed, so a
    status-page link cannot be used to empty a printer's paper roll. The reprint shows the
    ticket's place in the queue now.
    """
    with station.store.read() as db:
        row = queries.ticket_row(db, "token = ?", [token])
        if row is None:
            raise NotFound("error.unknown_ticket")
        if row["status"] != Status.WAITING or row["service_day"] != station.today().isoformat():
            raise Conflict("error.reprint_not_waiting", number=row["number"])
        if row["reprints"] >= MAX_REPRINTS:
            raise Conflict("error.reprint_limit", number=row["number"], limit=MAX_REPRINTS)
        view = queries.ticket_view(station, db, row)
    service = _service(station, view["service"])
    if not station.printers.enabled(row["kiosk"]):
        return Issued(view, False, DISABLED)
    job = _print_job(station, service, view, public_base)
    result = station.printers.print_ticket(row["kiosk"], job)
    if result.status == "printed":
        actor = f"kiosk:{row['kiosk']}" if row["kiosk"] else "kiosk"
        with station.store.write(actor, station.now(), durable=False) as tx:
            tx.execute("UPDATE tickets SET reprints = reprints + 1 WHERE id = ?", [row["id"]])
    return Issued(view, False, result)
