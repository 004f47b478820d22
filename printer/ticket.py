"""What the core hands over for printing (TicketPrint) and what it gets back (PrintResult)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

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
