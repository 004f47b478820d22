"""What the screenshot scripts share: the language to shoot in, and where each picture goes.

Indonesian pictures are `docs/<name>.png`, English ones `docs/en/<name>.png`. Every script
takes `--lang id` or `--lang en`; without it, it shoots both. The pictures are committed, so
each is kept in at most PALETTE_COLOURS colours: a screen's flat colours and text look the
same, at about a third of the bytes.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image

DOCS = Path(__file__).resolve().parent
LANGUAGES = ("id", "en")
PALETTE_COLOURS = 256


def languages(description: str) -> tuple[str, ...]:
    """The languages asked for on the command line (default: both)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--lang", choices=LANGUAGES, help="one language only")
    asked = parser.parse_args().lang
    return (asked,) if asked else LANGUAGES


@dataclass(frozen=True)
class Shots:
    """Pages and pictures in one language."""

    lang: str
    taken: list[Path] = field(default_factory=list, compare=False)

    def url(self, base: str, path: str) -> str:
        """The page at `path` in this language."""
        separator = "&" if "?" in path else "?"
        return f"{base}{path}{separator}lang={self.lang}"

    def file(self, name: str) -> str:
        """Where the picture `name` goes."""
        folder = DOCS if self.lang == "id" else DOCS / self.lang
        folder.mkdir(exist_ok=True)
        self.taken.append(folder / name)
        return str(folder / name)

    def compact(self) -> None:
        """Every picture taken, in at most PALETTE_COLOURS colours (no dithering)."""
        for path in self.taken:
            compact(path)


def compact(path: Path) -> None:
    """The picture at `path` rewritten in at most PALETTE_COLOURS colours."""
    with Image.open(path) as picture:
        if picture.mode == "P":
            return
        fewer = picture.convert("RGB").quantize(
            PALETTE_COLOURS, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE
        )
    fewer.save(path, optimize=True)
