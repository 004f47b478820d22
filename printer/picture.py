"""A picture of a ticket layout as an 80 mm thermal printer would print it, drawn with Pillow.

One pixel is one printer dot: the logo and the QR code have the size they have on paper.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

import qrcode
from PIL import Image, ImageDraw, ImageFont
from qrcode.constants import ERROR_CORRECT_M

from printer.commands import QR_MODULE_DOTS
from printer.layout import NUMBER_SCALE, Block, Logo, QrCode, TextLine
from printer.logo import logo_picture

PAPER_WIDTH_PX = 576  # the printable width of an 80 mm printer at 203 dpi
MARGIN_PX = 24
LINE_SPACING = 1.4  # line height as a multiple of the font size
QR_QUIET_MODULES = 4  # the white border around a QR code that scanners need

_MONOSPACE_ADVANCE = 0.6  # character width / font size of DejaVu Sans Mono
_FONT_FILES = {False: "DejaVuSansMono.ttf", True: "DejaVuSansMono-Bold.ttf"}

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


def ticket_picture(blocks: Sequence[Block], width_chars: int) -> Image.Image:
    """The layout on white paper, 576 px wide, `width_chars` monospace characters per line."""
    size = int((PAPER_WIDTH_PX - 2 * MARGIN_PX) / width_chars / _MONOSPACE_ADVANCE)
    pieces = [piece for block in blocks if (piece := _piece(block)) is not None]
    heights = [
        piece.height if isinstance(piece, Image.Image) else _line_height(piece, size)
        for piece in pieces
    ]
    paper = Image.new("L", (PAPER_WIDTH_PX, sum(heights) + 2 * MARGIN_PX), color=255)
    draw = ImageDraw.Draw(paper)
    top = MARGIN_PX
    for piece, height in zip(pieces, heights, strict=True):
        if isinstance(piece, Image.Image):
            paper.paste(piece, ((PAPER_WIDTH_PX - piece.width) // 2, top))
        else:
            _draw_line(draw, piece, top, height, size)
        top += height
    return paper


def _piece(block: Block) -> Image.Image | TextLine | None:
    """A block as a picture (logo, QR code) or a line of text; None for a logo left out."""
    if isinstance(block, Logo):
        return logo_picture(block.path)
    if isinstance(block, QrCode):
        return _qr_picture(block.data)
    return block


def _line_height(line: TextLine, size: int) -> int:
    scale = NUMBER_SCALE if line.style == "number" else 1
    return round(size * scale * LINE_SPACING)


def _draw_line(draw: ImageDraw.ImageDraw, line: TextLine, top: int, height: int, size: int) -> None:
    """One centred line; "inverse" lines are white on a black band, as the printer does."""
    scale = NUMBER_SCALE if line.style == "number" else 1
    font = _font(size * scale, bold=line.style != "plain")
    width = draw.textlength(line.text, font=font)
    left = (PAPER_WIDTH_PX - width) / 2
    ink = 0
    if line.style == "inverse":
        draw.rectangle((left - size / 2, top, left + width + size / 2, top + height - 1), fill=0)
        ink = 255
    draw.text((left, top + height / 2), line.text, font=font, fill=ink, anchor="lm")


@cache
def _font(size: int, bold: bool) -> Font:
    """DejaVu Sans Mono where installed, else Pillow's built-in font."""
    try:
        return ImageFont.truetype(_FONT_FILES[bold], size)
    except OSError:
        return ImageFont.load_default(size)


def _qr_picture(data: str) -> Image.Image:
    """The QR code at the printer's module size, with its quiet zone."""
    code = qrcode.QRCode(
        error_correction=ERROR_CORRECT_M, box_size=QR_MODULE_DOTS, border=QR_QUIET_MODULES
    )
    code.add_data(data)
    code.make(fit=True)
    return code.make_image().get_image().convert("L")
