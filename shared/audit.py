"""The tamper-evident audit trail: the event log's hash chain, its anchors and a cross-check.

Three checks, each catching what the others cannot (docs/notes/admin.md explains the design):

1. The hash chain. Each row's hash covers its content and the previous row's hash, so an
   edited, removed or inserted row breaks the chain at that row.
2. Anchors. The chain alone cannot see its last rows cut off. At every service day's close
   the server appends the head of the log (last row id and hash) to an anchors file kept
   outside the database, and every report prints the head so it can be written down; a
   head seen earlier must still be in the log with the same hash.
3. The tickets table. Folding the log with the lifecycle's one reducer (`ticket.replay`)
   must give the tickets table, row for row, and every survey answer must be logged:
   removing the events of the day's last calls shows even before that day's anchor exists.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from shared import log, repository
from shared.chain import GENESIS, row_hash
from shared.clock import utc_text
from shared.events import SurveyAnswered
from shared.store import Reader
from shared.ticket import LOGGED_FIELDS, Logged, Ticket, steps

if TYPE_CHECKING:
    from shared.station import Station


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
class Verdict:
    """The result of a check: ok, rows checked, the first broken row and why.

    `problem` is a catalogue key (`ui.audit.*`) and `params` fill in its text.
    """

    ok: bool
    rows: int
    broken_id: int | None = None
    problem: str | None = None
    params: Mapping[str, Any] = field(default_factory=dict)
    head: Anchor | None = None


def verify(rows: Iterable[Mapping[str, Any]], anchors: Iterable[Anchor] = ()) -> Verdict:
    """Walk the log in id order; name the first row that was edited, removed or slipped in.

    Then every anchor must still be there: its row with its hash.
    """
    by_id: dict[int, list[Anchor]] = {}
    for anchor in anchors:
        by_id.setdefault(anchor.id, []).append(anchor)
    expected_prev = GENESIS
    expected_id = 1
    count = 0
    for row in rows:
        count += 1
        row_id = row["id"]
        if row_id != expected_id:
            return Verdict(False, count, row_id, "ui.audit.missing_row", {"row": expected_id})
        if row["prev_hash"] != expected_prev:
            return Verdict(False, count, row_id, "ui.audit.broken_link", {"row": row_id})
        if row_hash(row) != row["hash"]:
            return Verdict(False, count, row_id, "ui.audit.bad_hash", {"row": row_id})
        for anchor in by_id.get(row_id, ()):
            if not row["hash"].startswith(anchor.hash):
                return Verdict(
                    False,
                    count,
                    row_id,
                    "ui.audit.anchor_differs",
                    {"row": row_id, "label": anchor.label},
                )
        expected_prev = row["hash"]
        expected_id += 1
    beyond = [
        anchor for same_row in by_id.values() for anchor in same_row if anchor.id >= expected_id
    ]
    if beyond:
        furthest = max(beyond, key=lambda anchor: anchor.id)
        return Verdict(
            False,
            count,
            expected_id,
            "ui.audit.truncated",
            {
                "row": expected_id,
                "last": expected_id - 1,
                "anchor": furthest.id,
                "label": furthest.label,
            },
        )
    return Verdict(True, count)


@dataclass
class Folded:
    """What the log makes of its tickets: each ticket, the last row about it, the surveyed ones,
    and the first event that could not have happened (a move the lifecycle refuses)."""

    tickets: dict[int, Ticket] = field(default_factory=dict)
    last_row: dict[int, int] = field(default_factory=dict)
    surveyed: set[int] = field(default_factory=set)
    refused: tuple[int, str] | None = None  # (row, number)


def fold(log_events: Iterable[Logged]) -> Folded:
    """Fold the ticket events of a log with the lifecycle's reducer."""
    folded = Folded()

    def noting_surveys(events: Iterable[Logged]) -> Iterable[Logged]:
        for logged in events:
            if isinstance(logged.event, SurveyAnswered) and logged.event.ticket_id is not None:
                folded.surveyed.add(logged.event.ticket_id)
            yield logged

    for step in steps(noting_surveys(log_events)):
        if step.after is None:
            if folded.refused is None:
                folded.refused = (step.logged.row, step.event.number)
            continue
        folded.tickets[step.after.id] = step.after
        folded.last_row[step.after.id] = step.logged.row
    return folded


def _logged_fields(ticket: Ticket) -> tuple[Any, ...]:
    return tuple(getattr(ticket, name) for name in LOGGED_FIELDS)


def _shown(value: Any) -> str:
    if isinstance(value, datetime):
        return utc_text(value)
    return "-" if value is None else str(value)


def compare_tickets(
    folded: Folded, tickets: Iterable[Ticket], surveyed: Iterable[int], rows: int
) -> Verdict:
    """The tickets table must be what the log makes of it, both ways; every survey answer must
    be logged; and no logged event may be one the lifecycle refuses.

    A mismatch means log rows were removed (often the last ones) or forged, or the table was
    edited. The verdict names the log's last row about the ticket, or, for a ticket the log
    does not know, the first row after the log's end.
    """
    if folded.refused is not None:
        row, number = folded.refused
        return Verdict(False, rows, row, "ui.audit.move_refused", {"number": number, "row": row})
    seen: set[int] = set()
    for ticket in tickets:
        seen.add(ticket.id)
        logged = folded.tickets.get(ticket.id)
        if logged is None:
            return Verdict(
                False,
                rows,
                rows + 1,
                "ui.audit.ticket_unlogged",
                {"number": ticket.number, "last": rows},
            )
        if _logged_fields(logged) != _logged_fields(ticket):
            name, table, fold_value = next(
                (name, getattr(ticket, name), getattr(logged, name))
                for name in LOGGED_FIELDS
                if getattr(ticket, name) != getattr(logged, name)
            )
            row = folded.last_row[ticket.id]
            return Verdict(
                False,
                rows,
                row,
                "ui.audit.ticket_differs",
                {
                    "number": ticket.number,
                    "field": name,
                    "table": _shown(table),
                    "log": _shown(fold_value),
                    "row": row,
                },
            )
    missing = sorted(set(folded.tickets) - seen)
    if missing:
        gone = folded.tickets[missing[0]]
        row = folded.last_row[gone.id]
        return Verdict(
            False, rows, row, "ui.audit.ticket_deleted", {"number": gone.number, "row": row}
        )
    for ticket_id in surveyed:
        if ticket_id not in folded.surveyed:
            known = folded.tickets.get(ticket_id)
            number = known.number if known else f"#{ticket_id}"
            return Verdict(
                False, rows, rows + 1, "ui.audit.survey_unlogged", {"number": number, "last": rows}
            )
    return Verdict(True, rows)


def check(db: Reader, anchors: Iterable[Anchor] = ()) -> Verdict:
    """All three checks over a database, in one consistent read (the caller's transaction)."""
    verdict = verify(log.every_row(db), anchors)
    if not verdict.ok:
        return verdict
    return compare_tickets(
        fold(log.every_ticket_event(db)),
        repository.every_ticket(db),
        repository.surveyed_ids(db),
        verdict.rows,
    )


def head(db: Reader, before: datetime | None = None) -> Anchor | None:
    """The last row of the log (or the last one logged before an instant), as an anchor."""
    row = log.last_row(db, before)
    return Anchor(row["id"], row["hash"], "head") if row else None


def parse_witness(text: str) -> Anchor:
    """`ID:HASH` as printed by a report (the hash may be shortened to its first 16 digits)."""
    row, _, digest = text.partition(":")
    if not row.isdigit() or len(digest) < 16 or any(c not in "0123456789abcdef" for c in digest):
        raise ValueError(f"an anchor is ROW:HASH as a report prints it, not {text!r}")
    return Anchor(int(row), digest, "witness")


def read_anchors(path: Path) -> list[Anchor]:
    """The anchors written so far (none if the file does not exist yet)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return []
    anchors = []
    for line in lines:
        if line.strip():
            entry = json.loads(line)
            anchors.append(Anchor(entry["id"], entry["hash"], entry["day"]))
    return anchors


def write_day_anchors(
    db: Reader, path: Path, today: date, zone: ZoneInfo, day_starts_at: time
) -> list[Anchor]:
    """Append the log's head at the close of every ended service day not anchored yet.

    The head of day D is the last row logged before day D+1 began. Days without a new row
    are skipped. Returns the anchors written.
    """
    existing = read_anchors(path)
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
        path.parent.mkdir(parents=True, exist_ok=True)
        lines = "".join(
            json.dumps({"day": a.label, "id": a.id, "hash": a.hash}) + "\n" for a in written
        )
        descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
        try:
            os.write(descriptor, lines.encode("utf-8"))
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
    return written


def check_station(station: Station, witnesses: Iterable[Anchor] = ()) -> Verdict:
    """Check a station's log against its anchors file and any witnessed heads."""
    anchors = [*read_anchors(station.config.anchor_path), *witnesses]
    with station.store.read() as db:
        verdict = check(db, anchors)
        return replace(verdict, head=head(db))


def close_days(station: Station) -> list[Anchor]:
    """Anchor every ended service day of a station (the server calls this periodically)."""
    config = station.config
    with station.store.read() as db:
        return write_day_anchors(
            db, config.anchor_path, station.today(), config.zone, config.day_starts_at
        )
