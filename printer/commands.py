"""ESC/POS commands for a ticket layout, written through python-escpos.

`render_escpos` draws on any python-escpos printer object; `escpos_bytes` renders into a
`Dummy` printer, so a job is one block of bytes that can be sent in a single write (and kept
next to the PNG preview).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from escpos.constants import QR_ECLEVEL_M
from escpos.escpos import Escpos
from escpos.printer import Dummy

from printer.layout import Block, QrCode, Style

QR_MODULE_DOTS = 6  # about 200 dots (25 mm) for a status URL: easy to scan from a phone

_STYLE_SETTINGS: dict[Style, dict[str, Any]] = {
    "plain": {"normal_textsize": True, "bold": False, "invert": False},
    "bold": {"normal_textsize": True, "bold": True, "invert": False},
    "large": {"double_width": True, "double_height": True, "bold": True, "invert": False},
    "inverse": {"normal_textsize": True, "bold": True, "invert": True},
}


def render_escpos(blocks: Sequence[Block], printer: Escpos) -> None:
    """Print the layout: reset the printer, centred lines, a native QR code, then cut."""
    printer.hw("INIT")
    for block in blocks:
        if isinstance(block, QrCode):
            # Native QR cannot be centred by qr(center=True): align the line instead.
            printer.set(align="center", **_STYLE_SETTINGS["plain"])
            printer.qr(block.data, ec=QR_ECLEVEL_M, size=QR_MODULE_DOTS, native=True)
            printer.ln()
        else:
            printer.set(align="center", **_STYLE_SETTINGS[block.style])
            printer.textln(block.text)
    printer.cut()


def escpos_bytes(blocks: Sequence[Block], profile: str | None = None) -> bytes:
    """The exact bytes `render_escpos` sends for this layout and printer profile."""
    dummy = Dummy(profile=profile)
    render_escpos(blocks, dummy)
    return dummy.output
