"""Printers: the station's printers, one job at a time each, every job bounded by a timeout.

A job renders the ticket to ESC/POS bytes first, then waits (at most the printer's timeout)
for its printer's lock, then does the device I/O in a worker thread: send the bytes, then ask
the printer how it went. The caller stops waiting when the timeout is over: a job the printer
took but did not answer for is `unconfirmed`, one it did not take is `failed`. The worker keeps
the printer locked until the device lets go, so a hung printer never gets a second job
interleaved into the first. Each printer's health is what its last jobs returned, and is
taken up again from the event log at start-up (`restore`).
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Iterable
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from printer.layout import Block, ticket_layout
from printer.naming import printer_name
from shared.application.printing import (
    Paper,
    PrintFault,
    PrintOutcome,
    PrintResult,
    PrintStatus,
    TicketPrint,
    is_loopback,
    qr_base,
)
from shared.domain.clock import Clock, SystemClock
from shared.domain.config import Config, PreviewPrinter, PrinterConfig
from shared.store.concurrency import blocking_call

if TYPE_CHECKING:  # python-escpos and Pillow load with the first ticket, not at start
    from escpos.escpos import Escpos

logger = logging.getLogger(__name__)


@dataclass
class _Printer:
    """One physical printer: its lock and what we last saw of it."""

    name: str
    type: str
    default: bool = False
    kiosks: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    status: PrintStatus | None = None
    last_success_at: datetime | None = None
    fault: PrintFault | None = None
    fault_at: datetime | None = None
    paper: Paper | None = None
    qr_base: str | None = None


@dataclass(frozen=True)
class _Job:
    config: PrinterConfig
    ticket: TicketPrint
    blocks: list[Block]
    payload: bytes
    timeout: float
    deadline: float  # time.monotonic() by which the caller wants an answer
    delivered: threading.Event = field(default_factory=threading.Event)  # the printer took it


class Printers:
    """Prints tickets on the configured printers and keeps their health."""

    def __init__(self, config: Config, *, clock: Clock | None = None) -> None:
        self._config = config
        self._clock = clock or SystemClock()
        self._health_lock = threading.Lock()
        self._printers: dict[str, _Printer] = {}
        self._register(config.printer, kiosk_id=None)
        for kiosk in config.kiosks:
            self._register(config.printer_for(kiosk.id), kiosk_id=kiosk.id)

    def enabled(self, kiosk_id: str | None) -> bool:
        """Whether the kiosk's printer prints at all (type `none` does not)."""
        return self._config.printer_for(kiosk_id).type != "none"

    def print_ticket(self, kiosk_id: str | None, job: TicketPrint) -> PrintResult:
        """Print one ticket on the kiosk's printer (or the default one).

        Never raises, and returns within about the printer's timeout whatever the printer does.
        """
        if not self.enabled(kiosk_id):
            return PrintResult("disabled")
        config = self._config.printer_for(kiosk_id)
        printer = self._printers[self._name(config)]
        try:
            result = self._print(printer, config, job)
        except Exception:  # a bug, not a printer fault: the ticket must still be issued
            result = self._unexpected(printer, job)
        if result.fault is not None:
            logger.warning("ticket %s %s: %s", job.number, result.status, result.error)
        self._note(printer, PrintOutcome(self._now(), result, qr_base(job.status_url)))
        return result

    def restore(self, outcomes: Iterable[PrintOutcome]) -> None:
        """Take up the health of each configured printer from logged outcomes, oldest first."""
        for outcome in outcomes:
            printer = self._printers.get(outcome.result.printer or "")
            if printer is not None:
                self._note(printer, outcome)

    def health(self) -> list[dict[str, Any]]:
        """Per physical printer: who prints there, the last job's status, last success, last
        fault (`fault`, and `last_error` in English), paper, and the base of the last QR code
        with whether it leads to the server's own machine; JSON-ready."""
        with self._health_lock:
            return [
                {
                    "printer": printer.name,
                    "type": printer.type,
                    "default": printer.default,
                    "kiosks": list(printer.kiosks),
                    "busy": printer.lock.locked(),
                    "status": printer.status,
                    "last_success_at": _iso(printer.last_success_at),
                    "fault": printer.fault.json() if printer.fault else None,
                    "last_error": printer.fault.message("en") if printer.fault else None,
                    "last_error_at": _iso(printer.fault_at),
                    "paper": printer.paper,
                    "qr_base": printer.qr_base,
                    "qr_loopback": printer.qr_base is not None and is_loopback(printer.qr_base),
                }
                for printer in self._printers.values()
            ]

    def latest_preview(self, kiosk_id: str | None = None) -> Path | None:
        """The newest preview PNG of the kiosk's printer; None if it is not a preview printer."""
        from printer.preview import PreviewStore

        config = self._config.printer_for(kiosk_id)
        if not isinstance(config, PreviewPrinter):
            return None
        return PreviewStore(self._config.resolve(config.directory)).latest()

    def _register(self, config: PrinterConfig, kiosk_id: str | None) -> None:
        printer = self._printers.setdefault(
            self._name(config), _Printer(self._name(config), config.type)
        )
        if kiosk_id is None:
            printer.default = True
        else:
            printer.kiosks.append(kiosk_id)

    def _name(self, config: PrinterConfig) -> str:
        return printer_name(config, self._config.resolve)

    def _note(self, printer: _Printer, outcome: PrintOutcome) -> None:
        """What one job tells about its printer."""
        result = outcome.result
        with self._health_lock:
            printer.status = result.status
            if result.status == "printed":
                printer.last_success_at = outcome.at
            if result.fault is not None:
                printer.fault = result.fault
                printer.fault_at = outcome.at
            if result.paper is not None:
                printer.paper = result.paper
            if outcome.qr_base is not None:
                printer.qr_base = outcome.qr_base

    def _print(self, printer: _Printer, config: PrinterConfig, ticket: TicketPrint) -> PrintResult:
        from printer.commands import escpos_bytes

        timeout = config.timeout
        deadline = time.monotonic() + timeout
        blocks = ticket_layout(ticket, config.width_chars)
        payload = escpos_bytes(blocks, getattr(config, "profile", None))
        if not printer.lock.acquire(timeout=_remaining(deadline)):
            return self._result(printer, "failed", PrintFault("busy", printer.name))
        job = _Job(config, ticket, blocks, payload, timeout, deadline)
        outcome: queue.Queue[PrintResult] = queue.Queue()
        worker = threading.Thread(
            target=self._work, args=(printer, job, outcome), name=f"print-{ticket.number}"
        )
        worker.daemon = True  # a hung device must not keep the server from exiting
        try:
            worker.start()
        except RuntimeError:
            printer.lock.release()
            raise
        try:
            return outcome.get(timeout=_remaining(deadline))
        except queue.Empty:
            if job.delivered.is_set():  # the bytes went out; the printer never said how it went
                return self._unconfirmed(printer, timeout)
            return self._result(printer, "failed", PrintFault("timeout", printer.name, timeout))

    def _work(self, printer: _Printer, job: _Job, outcome: queue.Queue[PrintResult]) -> None:
        """In a worker thread: the device I/O and the status question; then free the printer."""
        from printer.devices import DEVICE_ERRORS, ask_status, fault_of, open_device, send
        from printer.picture import ticket_picture
        from printer.preview import PreviewStore

        device: Escpos | None = None
        try:
            try:
                if isinstance(job.config, PreviewPrinter):
                    picture = ticket_picture(job.blocks, job.config.width_chars)
                    store = PreviewStore(
                        self._config.resolve(job.config.directory), job.config.keep_days
                    )
                    store.save(job.ticket, picture, job.payload)
                    outcome.put(self._result(printer, "printed"))
                    return
                device = blocking_call(open_device, job.config, self._config.resolve)
                blocking_call(send, device, job.payload, job.deadline)
                job.delivered.set()
                status = blocking_call(ask_status, device, job.deadline)
            except DEVICE_ERRORS as error:
                fault = fault_of(error, printer.name, job.timeout)
                outcome.put(self._result(printer, "failed", fault))
                return
            if status is None:  # a file device cannot answer: written is all we can know
                outcome.put(self._result(printer, "printed"))
            elif not status.answered:
                outcome.put(self._unconfirmed(printer, job.timeout))
            elif status.fault is not None:
                fault = PrintFault(status.fault, printer.name)
                outcome.put(self._result(printer, "failed", fault, status.paper))
            else:
                outcome.put(self._result(printer, "printed", paper=status.paper))
        except Exception:  # a bug, not a printer fault: keep the printer usable
            outcome.put(self._unexpected(printer, job.ticket))
        finally:
            if device is not None:
                with suppress(Exception):  # e.g. termios.error from a serial line gone away
                    blocking_call(device.close)
            printer.lock.release()

    def _result(
        self,
        printer: _Printer,
        status: PrintStatus,
        fault: PrintFault | None = None,
        paper: Paper | None = None,
    ) -> PrintResult:
        return PrintResult(status, fault, printer.name, paper)

    def _unconfirmed(self, printer: _Printer, timeout: float) -> PrintResult:
        """Sent, but the printer did not answer the status question: paper unknown."""
        fault = PrintFault("no_answer", printer.name, timeout)
        return self._result(printer, "unconfirmed", fault, "unknown")

    def _unexpected(self, printer: _Printer, ticket: TicketPrint) -> PrintResult:
        """Log the traceback of a bug met while printing and report the job as failed."""
        logger.exception("printing ticket %s failed unexpectedly", ticket.number)
        return self._result(printer, "failed", PrintFault("unexpected", printer.name))

    def _now(self) -> datetime:
        return self._clock.now().astimezone(self._config.zone)


def _remaining(deadline: float) -> float:
    return max(0.0, deadline - time.monotonic())


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None
