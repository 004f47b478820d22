"""A ticket on paper: what is printed for it (the private services' neutral label), the print job
and its outcome, the printers' health as the log remembers it, an earlier request's result, a
check-in's print, and reprints."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from shared.application.printing import (
    DISABLED,
    PrintFault,
    PrintOutcome,
    PrintResult,
    TicketPrint,
    qr_base,
)
from shared.application.services import service_of
from shared.application.station import Station
from shared.application.views import view_of
from shared.domain.config import Config, LocalText, Service
from shared.domain.estimates import wait_range
from shared.domain.events import PrintRecorded
from shared.domain.i18n import text
from shared.domain.ticket import Ticket
from shared.store import eventlog, repository
from shared.store.store import Transaction

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


def print_issued(
    station: Station,
    actor: str,
    service: Service,
    ticket: Ticket,
    view: dict[str, Any],
    kiosk_id: str | None,
    today: date,
    idempotency_key: str | None,
    public_base: str,
) -> Issued:
    """Print a ticket just issued (at a kiosk, at a booking's check-in or a carried ticket's)
    and log what came of it, for the request's Idempotency-Key too when it has one."""
    job = print_job(station, service, ticket, view, public_base)
    result = station.printers.print_ticket(kiosk_id, job)
    with station.store.write(actor, station.now(), durable=False) as tx:
        if idempotency_key is not None:
            fault = json.dumps(result.fault.json()) if result.fault else None
            repository.record_print(tx, today, idempotency_key, result.status, fault)
        record_print(tx, kiosk_id, job, result)
    return Issued(view, True, result)


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


def print_checked_in(
    station: Station, actor: str, ticket: Ticket, kiosk_id: str | None, today: date,
    idempotency_key: str | None, public_base: str, *, retried: bool,
) -> Issued:  # fmt: skip
    """The answer to a check-in at a kiosk (a booking's, a carried ticket's) that gave `ticket`:
    a retry of the same request (its Idempotency-Key) gets its first print's result; a new
    ticket is printed at that kiosk, unless its printer is off."""
    view = view_of(station, ticket)
    if retried:
        assert idempotency_key is not None
        return Issued(view, False, earlier_print(station, today, idempotency_key, kiosk_id))
    if not station.printers.enabled(kiosk_id):
        return Issued(view, True, DISABLED)
    service = service_of(station.config, ticket.service)
    return print_issued(
        station, actor, service, ticket, view, kiosk_id, today, idempotency_key, public_base
    )


def reprint(
    station: Station, actor: str, ticket: Ticket, view: dict[str, Any], public_base: str
) -> PrintResult:
    """Print a ticket again on the printer of the kiosk that issued it, its reprint claimed
    already (at most MAX_REPRINTS): a failed print gives its claim back. The reprint shows the
    ticket's place in the queue now (`view`)."""
    job = print_job(station, service_of(station.config, ticket.service), ticket, view, public_base)
    result = station.printers.print_ticket(ticket.kiosk, job)
    gave_back = result.status == "failed"  # an unconfirmed ticket may have come out: it counts
    with station.store.write(actor, station.now(), durable=gave_back) as tx:
        if gave_back:
            claimed = repository.get(tx, ticket.id)
            assert claimed is not None
            repository.save(tx, replace(claimed, reprints=max(0, claimed.reprints - 1)))
        record_print(tx, ticket.kiosk, job, result, reprint=True)
    return result
