"""The printing contract: what the core hands a printer, what it gets back, and who prints.

The core decides everything a paper ticket shows (`TicketPrint`) and only ever talks to the
station's printers through `Printing`; the ESC/POS adapters that implement it live in
`printer/` and are built by the composition root (`satupintu.app`). A ticket counts as
printed only when the printer said so: a job it took without answering the status question
afterwards is `unconfirmed`. Why a job failed is a `PrintFault`, worded by the catalogue
(`error.print.<code>`) in whatever language the reader has.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any, Literal, Protocol
from urllib.parse import urlsplit

from shared.domain.config import Config, LocalText
from shared.domain.estimates import WaitRange
from shared.domain.i18n import text

PrintStatus = Literal["printed", "unconfirmed", "failed", "disabled"]
Paper = Literal["ok", "low", "out", "unknown"]
# Why a job did not print, or is not known to have printed: each has `error.print.<code>`.
FaultCode = Literal[
    "refused",  # nothing listens at the printer's address
    "unreachable",  # the address cannot be reached (or another connection error)
    "not_found",  # no such USB, serial or file device
    "timeout",  # the printer did not take the whole job in time
    "busy",  # the job before is still stuck in the printer
    "no_answer",  # the printer took the job but never answered the status question
    "paper_out",
    "cover_open",
    "printer_error",  # the printer reports an error (cutter jammed, head too hot, ...)
    "device",  # another fault of the device or its driver (see `detail`)
    "unexpected",  # a bug: see the server log
    "unknown_result",  # an earlier request's print result was never recorded
]


@dataclass(frozen=True)
class PrintFault:
    """Why a job failed or is unconfirmed, on which printer; `detail` is the system's own words."""

    code: FaultCode
    printer: str
    seconds: float | None = None
    detail: str | None = None

    def message(self, language: str) -> str:
        """The fault as a sentence in `language` (English for the server log)."""
        seconds = f"{self.seconds or 0:g}"
        sentence = text(
            f"error.print.{self.code}",
            language,
            printer=self.printer,
            seconds=seconds.replace(".", ",") if language == "id" else seconds,
            detail=self.detail or "",
        )
        return sentence[:1].upper() + sentence[1:]

    def json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "printer": self.printer,
            "seconds": self.seconds,
            "detail": self.detail,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PrintFault:
        return cls(data["code"], data["printer"], data.get("seconds"), data.get("detail"))


@dataclass(frozen=True)
class BookingSlip:
    """What turns a print job into a booking slip: the slot and its check-in window (local)."""

    starts_at: datetime
    opens_at: datetime
    closes_at: datetime


@dataclass(frozen=True)
class TicketPrint:
    """Everything a paper ticket shows, already decided by the core (no clock, no database).

    With `booking`, the job is a booking slip printed at the counter: `number` is the booking's
    code and `status_url` its /b/<token> page (the QR the kiosk scans to check in)."""

    station: str
    logo: Path | None  # the station's logo file; None: the built-in mark
    number: str
    service: LocalText  # for a private service, the neutral label, never its name
    unit: str | None  # None for a private service
    priority: bool
    issued_at: datetime  # timezone-aware, in the station's time zone
    ahead: int
    estimated_wait: WaitRange | None  # the range every screen shows; None: called soon
    status_url: str  # absolute URL of the phone status page, for the QR code
    standard_minutes: int | None  # None: none set (or private services differ): none printed
    fee: LocalText | None
    language: str  # the station language, printed first
    # The service's requirements in short (`ServiceStandard.paper_requirements`); None for a
    # private service or one without a standard.
    requirements: LocalText | None = None
    complaints: str | None = None  # the complaint channels' `short`s, joined
    test: bool = False  # a printer test ticket (`satupintu printer test`), not a queue number
    booking: BookingSlip | None = None


@dataclass(frozen=True)
class PrintResult:
    """What came of a job: its status, the fault if any, the printer and the paper it reported."""

    status: PrintStatus
    fault: PrintFault | None = None
    printer: str | None = None
    paper: Paper | None = None

    @property
    def error(self) -> str | None:
        """The fault in English, for the server log and the command line."""
        return self.fault.message("en") if self.fault else None


DISABLED = PrintResult("disabled")


@dataclass(frozen=True)
class PrintOutcome:
    """A print job as the event log keeps it: when, what came of it, where its QR code led."""

    at: datetime
    result: PrintResult
    qr_base: str | None


def printer_faults(
    health: list[dict[str, Any]], config: Config, language: str
) -> list[dict[str, Any]]:
    """The printers whose last job failed or is unconfirmed, from `Printing.health()`, each
    named by its kiosks (`name`) with its fault worded in `language`, its address only in
    brackets: what counter consoles warn of."""
    faults = []
    for printer in health:
        if printer["status"] not in ("failed", "unconfirmed") or not printer["fault"]:
            continue
        name = kiosk_names(config, printer["kiosks"]) or text("ui.health.main_printer", language)
        device = printer["printer"].removeprefix("printer ")
        called = text("ui.printer.named", language, name=name, device=device)
        fault = replace(PrintFault.from_json(printer["fault"]), printer=called)
        faults.append(
            {
                "printer": printer["printer"],
                "name": name,
                "kiosks": printer["kiosks"],
                "status": printer["status"],
                "since": printer["last_error_at"],
                "message": fault.message(language),
            }
        )
    return faults


def kiosk_names(config: Config, kiosk_ids: Iterable[str]) -> str | None:
    """How the hall knows a printer: by the kiosks it prints for (None: the station's own)."""
    kiosks = [config.kiosk_by_id[kiosk] for kiosk in kiosk_ids]
    return ", ".join(kiosk.name or kiosk.id for kiosk in kiosks) or None


def loopback_qr_base(health: list[dict[str, Any]]) -> str | None:
    """Where the last tickets' QR codes lead, when that is the server's own machine (a kiosk
    opened on localhost with `public_url` unset): no phone can open such a code."""
    return next((printer["qr_base"] for printer in health if printer["qr_loopback"]), None)


def qr_base(status_url: str) -> str:
    """The scheme and host a ticket's QR code leads to, e.g. "http://192.168.1.10:8000"."""
    parts = urlsplit(status_url)
    return f"{parts.scheme}://{parts.netloc}"


def is_loopback(url: str) -> bool:
    """Whether a link leads to the machine that opens it (localhost, 127.0.0.0/8, ::1):
    printed in a QR code, no phone can open it."""
    host = (urlsplit(url).hostname or "").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class Printing(Protocol):
    """The station's printers as the core sees them."""

    def enabled(self, kiosk_id: str | None) -> bool:
        """Whether the kiosk's printer prints at all (type `none` does not)."""
        ...

    def print_ticket(self, kiosk_id: str | None, job: TicketPrint) -> PrintResult:
        """Print one ticket; never raises, and returns within about the printer's timeout."""
        ...

    def restore(self, outcomes: Iterable[PrintOutcome]) -> None:
        """Take up each printer's health from logged outcomes (oldest first) at start-up."""
        ...

    def health(self) -> list[dict[str, Any]]:
        """Per physical printer: who prints there, its status, last success and fault, paper,
        and where its last ticket's QR code led."""
        ...

    def latest_preview(self, kiosk_id: str | None = None) -> Path | None:
        """The newest preview picture of the kiosk's printer, if it is a preview printer."""
        ...
