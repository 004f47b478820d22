"""Ticket layout: a TicketPrint as ordered, wrapped, ASCII-only lines and a QR code.

Pure (no I/O, no clock). The ESC/POS commands and the PNG preview are both drawn from this
one list, so paper and preview always say the same thing. The station language comes first,
the other language second.
"""

from __future__ import annotations

import textwrap
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from shared.printing import TicketPrint

Style = Literal["plain", "bold", "large", "inverse"]

LARGE_SCALE = 2  # "large" lines are printed at double width and double height

# Fixed ticket wording as (Bahasa Indonesia, English).
LABELS: dict[str, tuple[str, str]] = {
    "test": ("TIKET TES", "TEST TICKET"),
    "not_a_number": ("Bukan nomor antrean", "Not a queue number"),
    "priority": ("PRIORITAS", "PRIORITY"),
    "ahead": ("Antrean di depan Anda: {n}", "People ahead: {n}"),
    "wait": ("Perkiraan waktu tunggu: {n} menit", "Estimated wait: {n} min"),
    "standard": ("Waktu layanan: {n} menit", "Service time: {n} min"),
    "scan": ("Pindai untuk melihat status antrean", "Scan for live status"),
    "keep": ("Simpan tiket ini", "Keep this ticket"),
}

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


Block = TextLine | QrCode


def to_ascii(text: str) -> str:
    """Printable ASCII only: accents dropped ("é" -> "e"), control characters become spaces."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_ASCII_REPLACEMENTS))
    kept = (char for char in decomposed if not unicodedata.combining(char))
    return "".join(char if " " <= char <= "~" else " " for char in kept if char.isascii())


def ticket_layout(ticket: TicketPrint, width_chars: int) -> list[Block]:
    """The ticket's lines from top to bottom, each at most `width_chars` printed characters."""
    first, second = ("en", "id") if ticket.language == "en" else ("id", "en")

    def pair(first_text: str, second_text: str, style: Style = "plain") -> list[Block]:
        return _pair(first_text, second_text, width_chars, style)

    def label(key: str, style: Style = "plain", **values: int) -> list[Block]:
        texts = dict(zip(("id", "en"), LABELS[key], strict=True))
        return pair(texts[first].format(**values), texts[second].format(**values), style)

    rule: list[Block] = [TextLine("-" * width_chars)]
    blocks: list[Block] = []
    if ticket.test:
        blocks += label("test", "inverse")
    blocks += _wrap(ticket.station, width_chars, "bold")
    blocks += rule
    blocks += _wrap(ticket.service.get(first), width_chars, "bold")
    if ticket.service.get(second) != ticket.service.get(first):
        blocks += _wrap(ticket.service.get(second), width_chars)
    blocks += _wrap(f"Unit: {ticket.unit}", width_chars)
    blocks.append(TextLine(""))
    blocks += _wrap(ticket.number, width_chars // LARGE_SCALE, "large")
    if ticket.priority:
        blocks += label("priority", "inverse")
    blocks += _wrap(_issued_text(ticket.issued_at), width_chars)
    blocks += rule
    blocks += label("ahead", n=ticket.ahead)
    blocks += label("wait", n=ticket.estimated_wait_minutes)
    blocks += label("standard", n=ticket.standard_minutes)
    if ticket.fee:
        blocks += pair(ticket.fee.get(first), ticket.fee.get(second), "bold")
    blocks += rule
    blocks.append(QrCode(ticket.status_url))
    blocks += label("scan")
    blocks += label("keep")
    if ticket.test:
        blocks += label("not_a_number", "inverse")
    return blocks


def _issued_text(issued_at: datetime) -> str:
    """Local date and time with the zone's abbreviation, e.g. "20/05/2026 08:14 WITA"."""
    zone = issued_at.tzname()
    return f"{issued_at:%d/%m/%Y %H:%M}" + (f" {zone}" if zone else "")


def _pair(first: str, second: str, width: int, style: Style) -> list[Block]:
    """Both languages on one line as "first / second" when it fits, else one under the other."""
    first, second = to_ascii(first), to_ascii(second)
    if first == second:
        return _wrap(first, width, style)
    joined = f"{first} / {second}"
    if len(joined) <= width:
        return [TextLine(joined, style)]
    return _wrap(first, width, style) + _wrap(second, width, style)


def _wrap(text: str, width: int, style: Style = "plain") -> list[Block]:
    """`text` in ASCII, wrapped at spaces (long words are split) to lines of at most `width`."""
    lines = textwrap.wrap(to_ascii(text), width, break_on_hyphens=False)
    return [TextLine(line, style) for line in lines]
