"""Ticket layout: a TicketPrint as ordered, wrapped, ASCII-only lines, a logo and a QR code.

Pure (no I/O, no clock). The ESC/POS commands and the PNG preview are both drawn from this
one list, so paper and preview always say the same thing. From the top: the station's logo
and name, the number in characters four times the normal size, the issue time; then one
block per language (the station's language first), each line in one language only, with the
service's requirements in short and the complaint channels; then the QR code of the status
page. A booking slip (`TicketPrint.booking`) has the booking's code
large, its slot, the check-in window and the QR of its page instead. Every word comes from the
catalogue (`ui.ticket.*`, the wait as the screens word it, `ui.common.wait_*`).
"""

from __future__ import annotations

import textwrap
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Literal

from shared.application.printing import BookingSlip, TicketPrint
from shared.domain.i18n import text

Style = Literal["plain", "bold", "number", "inverse"]

NUMBER_SCALE = 4  # the number is printed four times as wide and as high as normal text

# Typographic characters NFKD does not reduce to ASCII.
_ASCII_REPLACEMENTS = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u2026": "...",
        "\u00b1": "+/-",
        "\u00d7": "x",
        "\u00df": "ss",
        "\u00e6": "ae",
        "\u00c6": "AE",
        "\u00f8": "o",
        "\u00d8": "O",
    }
)


@dataclass(frozen=True)
class TextLine:
    """One centred printed line, already wrapped to fit the paper."""

    text: str
    style: Style = "plain"


@dataclass(frozen=True)
class QrCode:
    """A centred QR code of a link."""

    data: str


@dataclass(frozen=True)
class Logo:
    """The station's logo, centred: its image file, or None for the built-in mark."""

    path: Path | None


Block = TextLine | QrCode | Logo


def to_ascii(text: str) -> str:
    """Printable ASCII only: accents dropped ("é" -> "e"), control characters become spaces."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_ASCII_REPLACEMENTS))
    kept = (char for char in decomposed if not unicodedata.combining(char))
    return "".join(char if " " <= char <= "~" else " " for char in kept if char.isascii())


def ticket_layout(ticket: TicketPrint, width_chars: int) -> list[Block]:
    """The ticket's blocks from top to bottom, each line at most `width_chars` characters."""
    languages = ("en", "id") if ticket.language == "en" else ("id", "en")
    if ticket.booking is not None:
        return _booking_layout(ticket, ticket.booking, languages, width_chars)

    def wrap(words: str, style: Style = "plain") -> list[Block]:
        return _wrap(words, width_chars, style)

    rule: list[Block] = [TextLine("-" * width_chars)]
    blocks: list[Block] = []
    if ticket.test:
        for lang in languages:
            blocks += wrap(text("ui.ticket.test", lang), "inverse")
    blocks.append(Logo(ticket.logo))
    blocks += wrap(ticket.station, "bold")
    blocks.append(TextLine(""))
    blocks += _wrap(ticket.number, width_chars // NUMBER_SCALE, "number")
    blocks.append(TextLine(""))
    blocks += wrap(_issued_text(ticket.issued_at))
    for lang in languages:
        blocks += rule
        for words, style in _in_language(ticket, lang):
            blocks += wrap(words, style)
    blocks += rule
    blocks.append(QrCode(ticket.status_url))
    if ticket.test:
        for lang in languages:
            blocks += wrap(text("ui.ticket.not_a_number", lang), "inverse")
    return blocks


def _booking_layout(
    slip: TicketPrint, booking: BookingSlip, languages: tuple[str, str], width_chars: int
) -> list[Block]:
    """A booking slip: logo and station, the code large, the slot, then per language the
    service, the check-in window and what to do at the kiosk; the QR of the booking's page."""
    rule: list[Block] = [TextLine("-" * width_chars)]
    blocks: list[Block] = [Logo(slip.logo), *_wrap(slip.station, width_chars, "bold")]
    for lang in languages:
        blocks += _wrap(text("ui.ticket.booking_title", lang), width_chars, "inverse")
    blocks.append(TextLine(""))
    blocks += _wrap(slip.number, width_chars // NUMBER_SCALE, "number")
    blocks.append(TextLine(""))
    blocks += _wrap(_issued_text(booking.starts_at), width_chars, "bold")
    window = {"opens": f"{booking.opens_at:%H:%M}", "closes": f"{booking.closes_at:%H:%M}"}
    for lang in languages:
        blocks += rule
        blocks += _wrap(slip.service.get(lang), width_chars, "bold")
        blocks += _wrap(text("ui.ticket.booking_check_in", lang, **window), width_chars)
        blocks += _wrap(text("ui.ticket.booking_scan", lang), width_chars)
    blocks += rule
    blocks.append(QrCode(slip.status_url))
    return blocks


def _in_language(ticket: TicketPrint, lang: str) -> list[tuple[str, Style]]:
    """What the ticket says in one language, line by line, as (words, style)."""
    said: list[tuple[str, Style]] = []
    if ticket.priority:
        said.append((text("ui.ticket.priority", lang), "inverse"))
    said.append((ticket.service.get(lang), "bold"))
    if ticket.unit:
        said.append((text("ui.ticket.unit", lang, unit=ticket.unit), "plain"))
    if ticket.ahead:
        said.append((text("ui.ticket.ahead", lang, n=ticket.ahead), "plain"))
    else:
        said.append((text("ui.ticket.ahead_none", lang), "plain"))
    wait = ticket.estimated_wait
    if wait is None:
        said.append((text("ui.common.wait_soon", lang), "bold"))
    else:
        key = "ui.common.wait_range" if wait.low else "ui.common.wait_under"
        worded = text(key, lang, low=wait.low, high=wait.high)
        said.append((text("ui.ticket.wait", lang, wait=worded), "bold"))
    if ticket.standard_minutes is not None:
        said.append((text("ui.ticket.standard", lang, n=ticket.standard_minutes), "plain"))
    if ticket.fee:
        said.append((ticket.fee.get(lang), "bold"))
    if ticket.requirements:
        requirements = ticket.requirements.get(lang)
        said.append((text("ui.ticket.requirements", lang, requirements=requirements), "plain"))
    said.append((text("ui.ticket.scan", lang), "plain"))
    said.append((text("ui.ticket.keep", lang), "plain"))
    if ticket.complaints:
        said.append((text("ui.ticket.complaints", lang, channels=ticket.complaints), "plain"))
    return said


def _issued_text(issued_at: datetime) -> str:
    """Local date and time with the zone's abbreviation, e.g. "20/05/2026 08:14 WITA"."""
    zone = issued_at.tzname()
    return f"{issued_at:%d/%m/%Y %H:%M}" + (f" {zone}" if zone else "")


def _wrap(text: str, width: int, style: Style = "plain") -> list[Block]:
    """`text` in ASCII, wrapped at spaces (long words are split) to lines of at most `width`."""
    lines = textwrap.wrap(to_ascii(text), width, break_on_hyphens=False)
    return [TextLine(line, style) for line in lines]
