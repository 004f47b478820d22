"""The printing contract: what the core hands a printer, what it gets back, and who prints.

The core decides everything a paper ticket shows (`TicketPrint`) and only ever talks to the
station's printers through `Printing`; the ESC/POS adapters that implement it live in
`printer/` and are built by the composition root (`satupintu.app`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Literal, Protocol

from shared.config import LocalText

PrintStatus = Literal["printed", "failed", "disabled"]


@dataclass(frozen=True)
class TicketPrint:
    """Everything a paper ticket shows, already decided by the core (no clock, no database)."""

    station: str
    number: str
    service: LocalText
    unit: str
    priority: bool
    issued_at: datetime  # timezone-aware, in the station's time zone
    ahead: int
    estimated_wait_minutes: int
    status_url: str  # absolute URL of the phone status page, for the QR code
    standard_minutes: int
    fee: LocalText | None
    language: str  # the station language, printed first
    test: bool = False  # a printer test ticket (`satupintu printer test`), not a queue number


@dataclass(frozen=True)
class PrintResult:
    status: PrintStatus
    error: str | None = None


DISABLED = PrintResult("disabled")


class Printing(Protocol):
    """The station's printers as the core sees them."""

    def enabled(self, kiosk_id: str | None) -> bool:
        """Whether the kiosk's printer prints at all (type `none` does not)."""
        ...

    def print_ticket(self, kiosk_id: str | None, job: TicketPrint) -> PrintResult:
        """Print one ticket; never raises, and returns within about the printer's timeout."""
        ...

    def health(self) -> list[dict[str, Any]]:
        """Per physical printer: who prints there, last success, last error, paper."""
        ...

    def latest_preview(self, kiosk_id: str | None = None) -> Path | None:
        """The newest preview picture of the kiosk's printer, if it is a preview printer."""
        ...
