"""The tamper-evident audit trail: the event log's hash chain, its anchors and a cross-check.

Three checks, each catching what the others cannot (docs/notes/admin.md explains the design):

1. The hash chain. Each row's hash covers its content and the previous row's hash, so an
   edited, removed or inserted row breaks the chain at that row.
2. Anchors. The chain alone cannot see its last rows cut off. At every service day's close
   the server appends the head of the log (last row id and hash) to an anchors file kept
   outside the database, and every report prints the head so it can be written down; a
   head seen earlier must still be in the log with the same hash.
3. The tickets table. Every ticket's status and service must be what its logged events
   make of it, and every survey answer must be logged: removing the events of the day's
   last calls shows even before that day's anchor exists.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from shared.station import Station

GENESIS = "0" * 64
HASHED_COLUMNS = ("id", "seq", "at", "name", "actor", "counter", "service", "ticket_id", "data")

# The status a ticket reaches with each event of its life (see shared/events.py).
STATUS_AFTER = {
    "ticket.issued": "waiting",
    "ticket.called": "called",
    "ticket.done": "done",
    "ticket.no_show": "no_show",
    "ticket.transferred": "waiting",
    "ticket.requeued": "waiting",
    "ticket.expired": "expired",
}


def row_hash(row: Mapping[str, Any]) -> str:
    """SHA-256 over the previous hash and the row's columns, in a fixed canonical form."""
    content = json.dumps(
        [row["prev_hash"], *(row[column] for column in HASHED_COLUMNS)],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(content.encode("utf-8")).hexdigest()


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
class _Logged:
    """What the log says about one ticket: the status and service its events lead to."""

    number: str
    status: str
    service: str | None
    row: int = 0  # the log row of the ticket's latest status
    surveyed: bool = False


def ticket_states(rows: Iterable[Mapping[str, Any]]) -> dict[int, _Logged]:
    """Replay the ticket events of the log: the status and service each ticket reached."""
    states: dict[int, _Logged] = {}
    for row in rows:
        ticket_id = row["ticket_id"]
        if ticket_id is None:
            continue
        data = json.loads(row["data"])
        state = states.setdefault(ticket_id, _Logged(data.get("number", "?"), "?", None))
        if row["name"] == "survey.answered":
            state.surveyed = True
        elif row["name"] in STATUS_AFTER:
            state.status = STATUS_AFTER[row["name"]]
            state.service = data.get("service", state.service)
            state.row = row["id"]
    return states


def compare_tickets(
    logged: Mapping[int, _Logged],
    tickets: Iterable[Mapping[str, Any]],
    surveyed: Iterable[int],
    rows: int,
) -> Verdict:
    """Every ticket row must be what its events made it; every survey answer must be logged.

    A mismatch means log rows were removed (often the last ones) or forged, or the table was
    edited. The verdict names the log's last row about the ticket, or, for a ticket the log
    does not know, the first row after the log's end.
    """
    for ticket in tickets:
        state = logged.get(ticket["id"])
        if state is None:
            return Verdict(
                False,
                rows,
                rows + 1,
                "ui.audit.ticket_unlogged",
                {"number": ticket["number"], "last": rows},
            )
        if (state.status, state.service) != (ticket["status"], ticket["service"]):
            return Verdict(
                False,
                rows,
                state.row,
                "ui.audit.ticket_differs",
                {
                    "number": ticket["number"],
                    "table": ticket["status"],
                    "log": state.status,
                    "row": state.row,
                },
            )
    for ticket_id in surveyed:
        state = logged.get(ticket_id)
        if state is None or not state.surveyed:
            number = state.number if state else f"#{ticket_id}"
            return Verdict(
                False, rows, rows + 1, "ui.audit.survey_unlogged", {"number": number, "last": rows}
            )
    return Verdict(True, rows)


class Database(Protocol):
    """What the checks need of a database: sqlite-utils' streaming `query`."""

    def query(self, sql: str, params: Any = ...) -> Iterable[dict[str, Any]]: ...


def check(db: Database, anchors: Iterable[Anchor] = ()) -> Verdict:
    """All three checks over a database, in one consistent read (the caller's transaction)."""
    verdict = verify(db.query("SELECT * FROM events ORDER BY id"), anchors)
    if not verdict.ok:
        return verdict
    logged = ticket_states(
        db.query(
            "SELECT id, ticket_id, name, data FROM events WHERE ticket_id IS NOT NULL ORDER BY id"
        )
    )
    return compare_tickets(
        logged,
        db.query("SELECT id, number, status, service FROM tickets ORDER BY id"),
        (row["ticket_id"] for row in db.query("SELECT ticket_id FROM surveys ORDER BY ticket_id")),
        verdict.rows,
    )


def head(db: Database, before: datetime | None = None) -> Anchor | None:
    """The last row of the log (or the last one logged before an instant), as an anchor."""
    if before is None:
        rows = db.query("SELECT id, hash FROM events ORDER BY id DESC LIMIT 1")
    else:
        text = before.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        rows = db.query(
            "SELECT id, hash FROM events WHERE at < ? ORDER BY at DESC, id DESC LIMIT 1", [text]
        )
    for row in rows:
        return Anchor(row["id"], row["hash"], "head")
    return None


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
    db: Database, path: Path, today: date, zone: ZoneInfo, day_starts_at: time
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
    with station.store.read() as reader:
        verdict = check(reader.db, anchors)
        return replace(verdict, head=head(reader.db))


def close_days(station: Station) -> list[Anchor]:
    """Anchor every ended service day of a station (the server calls this periodically)."""
    config = station.config
    with station.store.read() as reader:
        return write_day_anchors(
            reader.db, config.anchor_path, station.today(), config.zone, config.day_starts_at
        )
