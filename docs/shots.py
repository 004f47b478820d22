"""What the screenshot scripts share: the language to shoot in, and where each picture goes.

Indonesian pictures are `docs/<name>.png`, English ones `docs/en/<name>.png`. Every script
takes `--lang id` or `--lang en`; without it, it shoots both.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

DOCS = Path(__file__).resolve().parent
LANGUAGES = ("id", "en")


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

    def url(self, base: str, path: str) -> str:
        """The page at `path` in this language."""
        separator = "&" if "?" in path else "?"
        return f"{base}{path}{separator}lang={self.lang}"

    def file(self, name: str) -> str:
        """Where the picture `name` goes."""
        folder = DOCS if self.lang == "id" else DOCS / self.lang
        folder.mkdir(exist_ok=True)
        return str(folder / name)
