"""The logo at the top of a paper ticket: the station's image file, or the built-in mark.

`logo.png` is the built-in mark (shared/static/img/icon.svg) drawn in two tones for thermal
paper. A station logo is printed when Pillow can read it (PNG, JPEG, WebP); an SVG logo is
shown on the screens only, so its tickets print no logo (`printable_logo` says so at start).
"""

from __future__ import annotations

import logging
from functools import cache
from pathlib import Path

from PIL import Image, UnidentifiedImageError

BUILT_IN = Path(__file__).with_name("logo.png")
HEIGHT_DOTS = 120  # 15 mm at 203 dpi
MAX_WIDTH_DOTS = 360  # fits 58 mm paper too

logger = logging.getLogger(__name__)


def logo_picture(path: Path | None) -> Image.Image | None:
    """The logo in greyscale at print size; None when the file cannot be printed."""
    source = path or BUILT_IN
    try:
        return _scaled(source, source.stat().st_mtime_ns)
    except (OSError, UnidentifiedImageError, ValueError):
        return None


def printable_logo(path: Path | None) -> bool:
    """Whether tickets can carry this logo; logs why not, for the server's start-up."""
    if logo_picture(path) is not None:
        return True
    logger.warning(
        "station.logo %s cannot be printed (tickets need a PNG, JPEG or WebP file): "
        "tickets print no logo",
        path,
    )
    return False


@cache
def _scaled(source: Path, modified_ns: int) -> Image.Image:
    """The picture `HEIGHT_DOTS` high (narrower if it is wide), on white; cached per version."""
    with Image.open(source) as opened:
        picture = opened.convert("RGBA")
    paper = Image.new("RGBA", picture.size, "white")
    paper.alpha_composite(picture)
    grey = paper.convert("L")
    scale = min(HEIGHT_DOTS / grey.height, MAX_WIDTH_DOTS / grey.width)
    size = (max(1, round(grey.width * scale)), max(1, round(grey.height * scale)))
    return grey.resize(size, Image.Resampling.LANCZOS)
