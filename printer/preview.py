"""The `preview` printer: each ticket kept as a PNG picture plus its raw ESC/POS bytes."""

from __future__ import annotations

import os
import re
from pathlib import Path

from PIL import Image

from shared.printing import TicketPrint


class PreviewStore:
    """A folder of `<number>-<timestamp>.png` tickets, each with its `.bin` ESC/POS bytes."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def save(self, ticket: TicketPrint, picture: Image.Image, payload: bytes) -> Path:
        """Keep one printed ticket; return the path of its PNG."""
        self.directory.mkdir(parents=True, exist_ok=True)
        number = re.sub(r"[^A-Za-z0-9-]", "_", ticket.number)
        stem = self.directory / f"{number}-{ticket.issued_at:%Y%m%dT%H%M%S}"
        stem.with_suffix(".bin").write_bytes(payload)
        png = stem.with_suffix(".png")
        partial = stem.with_suffix(".png.partial")
        picture.save(partial, format="PNG")
        os.replace(partial, png)  # readers never see a half-written picture
        return png

    def latest(self) -> Path | None:
        """The most recently saved PNG, or None when nothing has been printed yet."""
        pictures = [
            (path.stat().st_mtime_ns, path.name, path) for path in self.directory.glob("*.png")
        ]
        return max(pictures)[2] if pictures else None
