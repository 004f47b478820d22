"""ESC/POS commands for a ticket layout, written through python-escpos.

`render_escpos` draws on any python-escpos printer object; `escpos_bytes` renders into a
`Dummy` printer, so a job is one block of bytes that can be sent in a single write (and kept
next to the PNG preview). Every line sets its character size (`GS !`) itself: the number is
4 x 4, everything else 1 x 1.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from escpos.constants import GS, QR_ECLEVEL_M
from escpos.escpos import Escpos
from escpos.image import EscposImage
from escpos.printer import Dummy
from PIL import Image

from printer.layout import NUMBER_SCALE, Block, Logo, QrCode, Style
from printer.logo import logo_picture

QR_MODULE_DOTS = 6  # about 200 dots (25 mm) for a status URL: easy to scan from a phone

_NORMAL = {"custom_size": True, "width": 1, "height": 1, "smooth": False}
_STYLE_SETTINGS: dict[Style, dict[str, Any]] = {
    "plain": {**_NORMAL, "bold": False, "invert": False},
    "bold": {**_NORMAL, "bold": True, "invert": False},
    "number": {
        "custom_size": True,
        "width": NUMBER_SCALE,
        "height": NUMBER_SCALE,
        "smooth": True,  # printers smooth the edges of characters this large
        "bold": True,
        "invert": False,
    },
    "inverse": {**_NORMAL, "bold": True, "invert": True},
}


def render_escpos(blocks: Sequence[Block], printer: Escpos) -> None:
    """Print the layout: reset the printer, centred lines, the logo, a native QR code, a cut."""
    printer.hw("INIT")
    for block in blocks:
        if isinstance(block, Logo):
            picture = logo_picture(block.path)
            if picture is not None:
                printer.set(align="center", **_STYLE_SETTINGS["plain"])
                _raster_image(printer, picture)
        elif isinstance(block, QrCode):
            # Native QR cannot be centred by qr(center=True): align the line instead.
            printer.set(align="center", **_STYLE_SETTINGS["plain"])
            printer.qr(block.data, ec=QR_ECLEVEL_M, size=QR_MODULE_DOTS, native=True)
            printer.ln()
        else:
            printer.set(align="center", **_STYLE_SETTINGS[block.style])
            printer.textln(block.text)
    printer.cut()


def _raster_image(printer: Escpos, picture: Image.Image) -> None:
    """A picture as one `GS v 0` raster image (python-escpos's own `image()` writes to stdout
    when the printer profile does not know its paper width)."""
    image = EscposImage(picture)
    printer._raw(
        GS
        + b"v0\x00"
        + printer._int_low_high(image.width_bytes, 2)
        + printer._int_low_high(image.height, 2)
        + image.to_raster_format()
    )


def escpos_bytes(blocks: Sequence[Block], profile: str | None = None) -> bytes:
    """The exact bytes `render_escpos` sends for this layout and printer profile."""
    dummy = Dummy(profile=profile)
    render_escpos(blocks, dummy)
    return dummy.output
