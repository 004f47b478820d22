"""Anchors: heads of the event log written down outside the database, so the log cannot be cut
short or rewritten without it showing.

At every service day's close the server appends the head of the log (last row id and hash)
to an anchors file kept outside the database (`audit.anchor_file`), one JSON line a day;
every report prints the head too, so it can be written down and given back to
`audit verify --anchor`. A line the file cannot be trusted with (torn by a power cut mid-
append, a hash that is not a whole SHA-256, a day in the future) is reported and never used.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from shared.store import eventlog
from shared.store.store import Reader

HEX = frozenset("0123456789abcdef")


@dataclass(frozen=True)
class Anchor:
    """A head of the log seen at some moment: row `id` had hash `hash`.

    `label` says who saw it: a service day ("2026-05-20", written at that day's close) or
    "witness" (a head written down from a report and given to `audit verify --anchor`).
    """

    id: int
    hash: str
    label: str


@dataclass(frozen=True)
class Flagged:
    """A line of the anchors file that is not trusted: its number and why (a catalogue key)."""

    line: int
    problem: str


@dataclass(frozen=True)
class AnchorsFile:
    anchors: list[Anchor] = field(default_factory=list)
    flagged: list[Flagged] = field(default_factory=list)


def _anchor(text: str, today: date | None) -> Anchor | str:
    """The anchor a line holds, or the catalogue key of why it cannot be trusted."""
    try:
        entry = json.loads(text)
        anchor = Anchor(int(entry["id"]), str(entry["hash"]), str(entry["day"]))
        day = date.fromisoformat(anchor.label)
    except (ValueError, KeyError, TypeError):
        return "ui.audit.anchor_unreadable"
    if len(anchor.hash) != 64 or not HEX.issuperset(anchor.hash) or anchor.id < 1:
        return "ui.audit.anchor_bad_hash"
    if today is not None and day > today:
        return "ui.audit.anchor_future"
    return anchor


def read_anchors(path: Path, today: date | None = None) -> AnchorsFile:
    """The anchors written so far (none if there is no file yet), and the lines not trusted."""
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except FileNotFoundError:
        return AnchorsFile()
    found = AnchorsFile()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        read = _anchor(line, today)
        if isinstance(read, Anchor):
            found.anchors.append(read)
        else:
            found.flagged.append(Flagged(number, read))
    return found


def parse_witness(text: str) -> Anchor:
    """`ID:HASH` as printed by a report (the hash may be shortened to its first 16 digits)."""
    row, _, digest = text.partition(":")
    if not row.isdigit() or len(digest) < 16 or not HEX.issuperset(digest):
        raise ValueError(f"an anchor is ROW:HASH as a report prints it, not {text!r}")
    return Anchor(int(row), digest, "witness")


def head(db: Reader, before: datetime | None = None) -> Anchor | None:
    """The last row of the log (or the last one logged before an instant), as an anchor."""
    row = eventlog.last_row(db, before)
    return Anchor(row["id"], row["hash"], "head") if row else None


def write_day_anchors(
    db: Reader, path: Path, today: date, zone: ZoneInfo, day_starts_at: time
) -> list[Anchor]:
    """Append the log's head at the close of every ended service day not anchored yet.

    The head of day D is the last row logged before day D+1 began. Days without a new row
    are skipped. Lines not trusted are left as they are (and reported by the audit); a torn
    last line gets its line ended first, so it never swallows the next anchor. Returns the
    anchors written.
    """
    existing = read_anchors(path, today).anchors
    if existing:
        first = date.fromisoformat(max(anchor.label for anchor in existing)) + timedelta(days=1)
        last_id = max(anchor.id for anchor in existing)
    else:
        first = today - timedelta(days=1)
        last_id = 0
    written = []
    day = first
    while day < today:
        close = datetime.combine(day + timedelta(days=1), day_starts_at, tzinfo=zone)
        anchor = head(db, before=close)
        if anchor is not None and anchor.id > last_id:
            written.append(Anchor(anchor.id, anchor.hash, day.isoformat()))
            last_id = anchor.id
        day += timedelta(days=1)
    if written:
        _append(path, written)
    return written


def _append(path: Path, anchors: Iterable[Anchor]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = "".join(
        json.dumps({"day": a.label, "id": a.id, "hash": a.hash}) + "\n" for a in anchors
    )
    descriptor = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        size = os.fstat(descriptor).st_size
        if size and os.pread(descriptor, 1, size - 1) != b"\n":
            lines = "\n" + lines  # the last line was torn: end it before appending
        os.write(descriptor, lines.encode("utf-8"))
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
