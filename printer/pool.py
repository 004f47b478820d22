"""Printers: the station's printers, one job at a time each, every job bounded by a timeout.

A job renders the ticket to ESC/POS bytes first, then waits (at most the printer's timeout)
for its printer's lock, then does the device I/O in a worker thread. The caller stops waiting
when the timeout is over; the worker keeps the printer locked until the device lets go, so a
hung printer never gets a second job interleaved into the first.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from escpos.escpos import Escpos

from printer.commands import escpos_bytes
from printer.devices import (
    DEVICE_ERRORS,
    Paper,
    explain,
    open_device,
    paper_status,
    printer_name,
    send,
)
from printer.layout import Block, ticket_layout
from printer.picture import ticket_picture
from printer.preview import PreviewStore
from shared.clock import Clock, SystemClock
from shared.concurrency import blocking_call
from shared.config import Config, PreviewPrinter, PrinterConfig
from shared.printing import PrintResult, TicketPrint

logger = logging.getLogger(__name__)


@dataclass
class _Printer:
    """One physical printer: its lock and what we last saw of it."""

    name: str
    type: str
    default: bool = False
    kiosks: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    last_success_at: datetime | None = None
    last_error: str | None = None
    last_error_at: datetime | None = None
    paper: Paper | None = None


@dataclass(frozen=True)
class _Job:
    config: PrinterConfig
    ticket: TicketPrint
    blocks: list[Block]
    payload: bytes
    timeout: float
    deadline: float  # time.monotonic() by which the caller wants an answer


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
            return self._print(printer, config, job)
        except Exception:  # a bug, not a printer fault: the ticket must still be issued
            return self._unexpected(printer, job)

    def health(self) -> list[dict[str, Any]]:
        """Per physical printer: who prints there, last success, last error, paper; JSON-ready."""
        with self._health_lock:
            return [
                {
                    "printer": printer.name,
                    "type": printer.type,
                    "default": printer.default,
                    "kiosks": list(printer.kiosks),
                    "busy": printer.lock.locked(),
                    "last_success_at": _iso(printer.last_success_at),
                    "last_error": printer.last_error,
                    "last_error_at": _iso(printer.last_error_at),
                    "paper": printer.paper,
                }
                for printer in self._printers.values()
            ]

    def latest_preview(self, kiosk_id: str | None = None) -> Path | None:
        """The newest preview PNG of the kiosk's printer; None if it is not a preview printer."""
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

    def _print(self, printer: _Printer, config: PrinterConfig, ticket: TicketPrint) -> PrintResult:
        timeout = config.timeout
        deadline = time.monotonic() + timeout
        blocks = ticket_layout(ticket, config.width_chars)
        payload = escpos_bytes(blocks, getattr(config, "profile", None))
        if not printer.lock.acquire(timeout=_remaining(deadline)):
            return self._failed(
                printer, f"{printer.name} is busy: the ticket before did not finish in time"
            )
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
            return self._failed(printer, f"{printer.name} did not answer within {timeout:g} s")

    def _work(self, printer: _Printer, job: _Job, outcome: queue.Queue[PrintResult]) -> None:
        """In a worker thread: the device I/O, then the paper status; then free the printer."""
        device: Escpos | None = None
        try:
            try:
                if isinstance(job.config, PreviewPrinter):
                    picture = ticket_picture(job.blocks, job.config.width_chars)
                    store = PreviewStore(
                        self._config.resolve(job.config.directory), job.config.keep_days
                    )
                    store.save(job.ticket, picture, job.payload)
                else:
                    device = blocking_call(open_device, job.config, self._config.resolve)
                    blocking_call(send, device, job.payload, job.deadline)
            except DEVICE_ERRORS as error:
                outcome.put(self._failed(printer, explain(error, printer.name, job.timeout)))
                return
            outcome.put(self._succeeded(printer))
            if device is not None:
                paper = blocking_call(paper_status, device)
                with self._health_lock:
                    printer.paper = paper
        except Exception:  # a bug, not a printer fault: keep the printer usable
            outcome.put(self._unexpected(printer, job.ticket))
        finally:
            if device is not None:
                with suppress(*DEVICE_ERRORS):
                    blocking_call(device.close)
            printer.lock.release()

    def _succeeded(self, printer: _Printer) -> PrintResult:
        with self._health_lock:
            printer.last_success_at = self._now()
        return PrintResult("printed")

    def _failed(self, printer: _Printer, error: str) -> PrintResult:
        logger.warning("ticket not printed: %s", error)
        with self._health_lock:
            printer.last_error = error
            printer.last_error_at = self._now()
        return PrintResult("failed", error)

    def _unexpected(self, printer: _Printer, ticket: TicketPrint) -> PrintResult:
        """Log the traceback of a bug met while printing and report the job as failed."""
        logger.exception("printing ticket %s failed unexpectedly", ticket.number)
        return self._failed(printer, f"{printer.name}: unexpected error (see the server log)")

    def _now(self) -> datetime:
        return self._clock.now().astimezone(self._config.zone)


def _remaining(deadline: float) -> float:
    return max(0.0, deadline - time.monotonic())


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None
