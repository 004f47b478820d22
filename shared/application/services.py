"""The kiosk's, the citizen's and the station clock's use cases, as plain functions: load,
decide with the pure lifecycle, save, record the events.

Each runs in one write transaction; the store publishes the recorded events after COMMIT. A
refused use case raises a SatuPintuError and leaves the database exactly as it was. The
officer's counter actions are in `shared.application.desk_actions`; the day's housekeeping every
write starts with is `shared.application.housekeeping.begin`.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from shared.application import queries
from shared.application.devices import Device
from shared.application.housekeeping import begin, record_waiting, save_move
from shared.application.printing import (
    DISABLED,
    PrintFault,
    PrintOutcome,
    PrintResult,
    TicketPrint,
    qr_base,
)
from shared.application.station import Station
from shared.application.views import view_of
from shared.domain import slots
from shared.domain.clock import utc_text
from shared.domain.config import Config, Counter, LocalText, Service
from shared.domain.errors import (
    Conflict,
    Forbidden,
    InvalidRequest,
    NotFound,
    ServiceClosed,
    UnknownService,
)
from shared.domain.estimates import wait_range
from shared.domain.events import (
    ClockAccepted,
    PrintRecorded,
    SurveyAnswered,
)
from shared.domain.i18n import text
from shared.domain.queue_rules import (
    Move,
    Status,
    availability,
)
from shared.domain.survey import validate_answers
from shared.domain.text import text_field
from shared.domain.ticket import Ticket, issue
from shared.store import eventlog, repository
from shared.store.store import Transaction

MAX_IDEMPOTENCY_KEY = 128
MAX_REFERENCE = 40
PRINT_WAIT_MARGIN_SECONDS = 2.0
MAX_REPRINTS = 3
PRINT_HISTORY_PAGE = 500  # print outcomes read back per query at start-up
PRINT_HISTORY_MAX = 5000  # at most this many: older ones tell nothing about a printer now
# What a private service's ticket and the kiosk's neutral button say instead of its name.
PRIVATE_LABEL = LocalText(
    id=text("ui.common.private_services", "id"), en=text("ui.common.private_services", "en")
)


@dataclass(frozen=True)
class Issued:
    """A kiosk's answer: the ticket (T), whether this request created it, the print outcome."""

    ticket: dict[str, Any]
    created: bool
    print: PrintResult


# ---- helpers shared by the use cases ---------------------------------------------------------


def service_of(station: Station, service_id: Any) -> Service:
    if not isinstance(service_id, str) or service_id not in station.config.service_by_id:
        raise UnknownService("error.unknown_service", service=str(service_id)[:40])
    return station.config.service_by_id[service_id]


def counter_of(station: Station, counter_id: str) -> Counter:
    counter = station.config.counter_by_id.get(counter_id)
    if counter is None:
        raise NotFound("error.unknown_counter", counter=counter_id[:40])
    return counter


def ensure_counters(station: Station) -> None:
    """Give every configured counter its row (open, idle) the first time the station starts."""
    with station.store.read() as db:
        known = repository.counter_ids(db)
    missing = [counter.id for counter in station.config.counters if counter.id not in known]
    if missing:
        with station.store.write("system", station.now()) as tx:
            repository.add_counters(tx, missing)


# ---- kiosk -----------------------------------------------------------------------------------


def checked_idempotency_key(key: str | None) -> None:
    """A kiosk request's Idempotency-Key: none, or short printable text."""
    if key is not None and not 0 < len(key) <= MAX_IDEMPOTENCY_KEY:
        raise InvalidRequest("error.idempotency_key", limit=MAX_IDEMPOTENCY_KEY)
    if key is not None:
        text_field(key, "Idempotency-Key", MAX_IDEMPOTENCY_KEY)


def request_hash(*parts: Any) -> str:
    """What an Idempotency-Key's request asked, to refuse the key reused for another one."""
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()


def _request_hash(
    service_id: str, priority: bool, kiosk_id: str | None, reference: str | None = None
) -> str:
    return request_hash(service_id, priority, kiosk_id, *([reference] if reference else []))


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
) -> Issued:
    """Give a citizen the next number of a service, then print it.

    The ticket is committed before printing starts, so a printer fault never loses it. The same
    Idempotency-Key on the same service day returns the same ticket and its print result. A
    ticket a phone takes (`phone`) is not printed; a phone (by its cookie or its address) holds at
    most one open ticket, and phones take at most `limits.phone_quota_percent` of a quota.
    """
    service = service_of(station, service_id)
    if not isinstance(priority, bool):
        raise InvalidRequest("error.field_type", field="priority", expected="true/false")
    if kiosk_id is not None and (
        not isinstance(kiosk_id, str) or kiosk_id not in station.config.kiosk_by_id
    ):
        raise InvalidRequest("error.unknown_kiosk", kiosk=str(kiosk_id)[:40])
    checked_idempotency_key(idempotency_key)
    reference = checked_reference(service, reference)
    request_hash = _request_hash(service.id, priority, kiosk_id, reference)
    printing = phone is None and station.printers.enabled(kiosk_id)
    actor = "phone" if phone else f"kiosk:{kiosk_id}" if kiosk_id else "kiosk"
    with station.store.write(actor, station.now()) as tx:
        today = begin(station, tx)
        earlier = repository.keyed_request(tx, today, idempotency_key) if idempotency_key else None
        if earlier is not None and earlier.request_hash != request_hash:
            raise Conflict("error.idempotency_reused")
        if earlier is not None:
            ticket = repository.get(tx, earlier.ticket_id)
            assert ticket is not None
        else:
            if phone is not None:
                _check_phone(station, tx, phone, service, today)
            ticket = new_ticket(
                station, tx, service, priority, kiosk_id, today, phone, reference=reference
            )
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
        return Issued(view, False, earlier_print(station, today, idempotency_key, kiosk_id))
    if not printing:
        return Issued(view, True, DISABLED)
    job = print_job(station, service, ticket, view, public_base)
    result = station.printers.print_ticket(kiosk_id, job)
    with station.store.write(actor, station.now(), durable=False) as tx:
        if idempotency_key is not None:
            fault = json.dumps(result.fault.json()) if result.fault else None
            repository.record_print(tx, today, idempotency_key, result.status, fault)
        record_print(tx, kiosk_id, job, result)
    return Issued(view, True, result)


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
) -> Ticket:
    """A new ticket; a booking's (`booked_for`: its slot) is not held to opening hours or the
    quota, since its place was given when it was booked."""
    config = station.config
    issued_today = repository.issued_on(tx, today, service.id).get(service.id, 0)
    _, next_day = station.day_bounds(today)
    state = availability(service, station.local(tx.now), issued_today, next_day)
    if not state.open and booked_for is None:
        raise ServiceClosed(
            f"error.service_closed_{state.reason}",
            service=service.name.get(station.config.language),
            opens_at=station.local(state.opens_at).time() if state.opens_at else "-",
        )
    ticket, event = issue(
        repository.next_ticket_id(tx),
        service=service.id,
        prefix=config.number_prefix(service),
        sequence=repository.last_sequence(tx, today, config.numbered_with(service)) + 1,
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
            else None
        ),
    )
    repository.insert(tx, ticket, phone)
    tx.record(event)
    record_waiting(station, tx, today)
    return ticket


def _shared_terms(config: Config, service: Service) -> tuple[int | None, LocalText | None]:
    """The standard time and fee a service's paper states. A private service's paper states
    only what every private service has alike: a time or fee of its own would tell it apart."""
    alike = [config.service_by_id[each] for each in config.numbered_with(service)]
    minutes = {each.standard_minutes for each in alike}
    fees = {each.fee for each in alike}
    return (
        next(iter(minutes)) if len(minutes) == 1 else None,
        next(iter(fees)) if len(fees) == 1 else None,
    )


def paper(station: Station, service: Service, **job: Any) -> TicketPrint:
    """A print job with what every paper says of the station and the service; a private
    service's paper shows the neutral label, never its name, unit, requirements, or a time or
    fee of its own. Every paper names the complaint channels. `job` is the rest (the number,
    the times, the QR's link)."""
    config = station.config
    standard_minutes, fee = _shared_terms(config, service)
    standard = None if service.private else service.standard
    requirements = (
        LocalText(id=standard.paper_requirements("id"), en=standard.paper_requirements("en"))
        if standard
        else None
    )
    shorts = [channel.short for channel in config.complaint_channels if channel.short]
    return TicketPrint(
        station=config.station.name,
        logo=config.logo_path,
        service=PRIVATE_LABEL if service.private else service.name,
        unit=None if service.private else service.unit,
        standard_minutes=standard_minutes,
        fee=fee,
        language=config.language,
        requirements=requirements,
        complaints="; ".join(shorts) or None,
        **job,
    )


def print_job(
    station: Station, service: Service, ticket: Ticket, view: dict[str, Any], public_base: str
) -> TicketPrint:
    """The paper ticket."""
    return paper(
        station,
        service,
        number=ticket.number,
        priority=ticket.priority,
        issued_at=station.local(ticket.issued_at),
        ahead=view["ahead"] or 0,
        estimated_wait=wait_range(view["estimated_wait_minutes"]),
        status_url=f"{public_base.rstrip('/')}{view['status_url']}",
    )


def record_print(
    tx: Transaction, kiosk_id: str | None, job: TicketPrint, result: PrintResult, *,
    reprint: bool = False,
) -> None:  # fmt: skip
    """Log what came of a print job: the printers' health is folded from these at start-up."""
    if result.printer is None:
        return
    tx.record(
        PrintRecorded(
            printer=result.printer,
            kiosk=kiosk_id,
            number=job.number,
            status=result.status,
            fault=result.fault.json() if result.fault else None,
            paper=result.paper,
            qr_base=qr_base(job.status_url),
            reprint=reprint,
        )
    )


def restore_printer_health(station: Station) -> None:
    """Give the printers back, at start-up, what the log's latest print outcomes say of them.

    Reads back from the newest outcome until every printer has appeared (or
    PRINT_HISTORY_MAX outcomes), and hands them over oldest first.
    """
    wanted = {printer["printer"] for printer in station.printers.health()}
    found: list[eventlog.Logged] = []
    with station.store.read() as db:
        while len(found) < PRINT_HISTORY_MAX:
            before = found[-1].row if found else None
            page = eventlog.print_events(db, before, PRINT_HISTORY_PAGE)
            found += page
            seen = {item.event.printer for item in found if isinstance(item.event, PrintRecorded)}
            if len(page) < PRINT_HISTORY_PAGE or wanted <= seen:
                break
    station.printers.restore(_print_outcome(station, item) for item in reversed(found))


def _print_outcome(station: Station, logged: eventlog.Logged) -> PrintOutcome:
    event = logged.event
    assert isinstance(event, PrintRecorded)
    result = PrintResult(
        event.status,  # type: ignore[arg-type]
        PrintFault.from_json(event.fault) if event.fault else None,
        event.printer,
        event.paper,  # type: ignore[arg-type]
    )
    return PrintOutcome(station.local(logged.at), result, event.qr_base)


def earlier_print(station: Station, today: date, key: str, kiosk_id: str | None) -> PrintResult:
    """The print result of the first request with this key, waiting while it is still printing."""
    printer = station.config.printer_for(kiosk_id)
    deadline = time.monotonic() + getattr(printer, "timeout", 0.0) + PRINT_WAIT_MARGIN_SECONDS
    while True:
        with station.store.read() as db:
            request = repository.keyed_request(db, today, key)
        if request and request.print_status:
            fault = json.loads(request.print_error) if request.print_error else None
            return PrintResult(
                request.print_status,  # type: ignore[arg-type]
                PrintFault.from_json(fault) if fault else None,
            )
        if time.monotonic() > deadline:
            return PrintResult("failed", PrintFault("unknown_result", ""))
        time.sleep(0.05)


# ---- clock and day ----------------------------------------------------------------------------


def accept_clock(station: Station, actor: str) -> None:
    """A supervisor confirms the wall clock's new time after a jump: the station follows it
    (and may roll the day over). Logged, so every server process follows it too."""
    jump = station.time.jump
    if jump is None:
        raise Conflict("error.no_clock_jump")
    station.time.accept()
    with station.store.write(actor, station.now()) as tx:
        tx.record(ClockAccepted(wall=utc_text(jump.wall), trusted=utc_text(jump.trusted)))


def confirm_clock_by_device(station: Station, actor: str, device_time: datetime) -> bool:
    """A staff device's own clock (an officer's console at login) agrees with the wall clock
    the station did not believe: that confirms it, as a supervisor would. Whether it did."""
    jump = station.time.jump
    if jump is None or not station.time.agrees(device_time):
        return False
    station.time.accept()
    with station.store.write(actor, station.now()) as tx:
        tx.record(
            ClockAccepted(wall=utc_text(jump.wall), trusted=utc_text(jump.trusted), by="device")
        )
    return True


def follow_accepted_clock(station: Station) -> None:
    """Follow a supervisor's acceptance logged by another process since this one saw a jump."""
    jump = station.time.jump
    if jump is None:
        return
    with station.store.read() as db:
        accepted = eventlog.last_of_kind(db, ClockAccepted)
    if accepted is not None and accepted.at >= jump.since - station.time.tolerance:
        station.time.accept()


def expire_past_days(station: Station) -> None:
    """Close earlier service days' queues and forget their idempotency keys.

    Runs periodically, so boards roll over at the day's start even when nobody acts.
    """
    with station.store.write("system", station.now()) as tx:
        today = begin(station, tx)
        repository.forget_requests_before(tx, today)


# ---- citizen ---------------------------------------------------------------------------------


def cancel(station: Station, token: str) -> Ticket:
    """The citizen gives up their number (from the phone page): it leaves the queue for good."""
    with station.store.write("citizen", station.now()) as tx:
        today = begin(station, tx)
        ticket = repository.by_token(tx, token)
        if ticket is None:
            raise NotFound("error.unknown_ticket")
        cancelled = save_move(tx, ticket, Move.CANCEL)
        record_waiting(station, tx, today)
        return cancelled


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
    counter = counter_of(station, counter_id)
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
    job = print_job(station, service_of(station, ticket.service), ticket, view, public_base)
    result = station.printers.print_ticket(ticket.kiosk, job)
    gave_back = result.status == "failed"  # an unconfirmed ticket may have come out: it counts
    with station.store.write(actor, station.now(), durable=gave_back) as tx:
        if gave_back:
            claimed = repository.get(tx, ticket.id)
            assert claimed is not None
            repository.save(tx, replace(claimed, reprints=max(0, claimed.reprints - 1)))
        record_print(tx, ticket.kiosk, job, result, reprint=True)
    return Issued(view, False, result)
