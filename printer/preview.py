"""The `preview` printer: each ticket kept as a PNG picture plus its raw ESC/POS bytes, for
`printer.keep_days` days (older ones are deleted as new ones are saved)."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

from PIL import Image

from shared.application.printing import TicketPrint


class PreviewStore:
    """A folder of `<number>-<timestamp>.png` tickets, each with its `.bin` ESC/POS bytes."""

    def __init__(self, directory: Path, keep_days: int = 14) -> None:
        self.directory = directory
        self.keep_seconds = keep_days * 86400

    def save(self, ticket: TicketPrint, picture: Image.Image, payload: bytes) -> Path:
        """Keep one printed ticket (pruning those past `keep_days`); return its PNG's path."""
        self.directory.mkdir(parents=True, exist_ok=True)
        self.prune()
        number = re.sub(r"[^A-Za-z0-9-]", "_", ticket.number)
        stem = self.directory / f"{number}-{ticket.issued_at:%Y%m%dT%H%M%S}"
        stem.with_suffix(".bin").write_bytes(payload)
        png = stem.with_suffix(".png")
        partial = stem.with_suffix(".png.partial")
        picture.save(partial, format="PNG")
        os.replace(partial, png)  # readers never see a half-written picture
        return png

    def prune(self, now: float | None = None) -> int:
        """Delete kept tickets older than `keep_days`; returns how many files went."""
        oldest = (now or time.time()) - self.keep_seconds
        gone = 0
        for path in self.directory.glob("*"):
            if path.suffix in (".png", ".bin") and path.stat().st_mtime < oldest:
                path.unlink(missing_ok=True)
                gone += 1
        return gone

    def latest(self) -> Path | None:
        """The most recently saved PNG, or None when nothing has been printed yet."""
        pictures = [
            (path.stat().st_mtime_ns, path.name, path) for path in self.directory.glob("*.png")
        ]
        return max(pictures)[2] if pictures else None
