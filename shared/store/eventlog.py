"""The event log read back: rows as typed events, and the few questions asked of it directly.

The store appends to the log (`Transaction.record`); everything that reads it goes through
here, by event class (never by an event-name string written elsewhere).
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from shared.domain.clock import parse_utc, utc_text
from shared.domain.events import (
    AuditBaseline,
    BookingEvent,
    DeviceEnrolled,
    DeviceRevoked,
    Event,
    PowerBack,
    PowerLost,
    PowerLow,
    PrintRecorded,
    ServiceResumed,
    ServiceSuspended,
    SmsNumberAdded,
    SmsRecorded,
    SmsReplied,
    SurveyAnswered,
    TicketCalled,
    TicketDone,
    TicketEvent,
    TicketIssued,
    TicketNoShow,
    TicketRecalled,
    TicketTransferred,
    UserChanged,
    UserLoggedIn,
    from_log,
)
from shared.domain.queue_rules import ENDS_A_CALL
from shared.domain.suspension import Suspension, fold
from shared.domain.ticket import Logged
from shared.store.store import SQLITE_MAX_INTEGER, Reader, Transaction

# Everything that happens to tickets: what reports and the audit fold.
TICKET_KINDS: tuple[type[Event], ...] = (
    *TicketEvent.__subclasses__(),
    SurveyAnswered,
)
# A ticket's life as the reports read it: its moves, its survey answer and its SMS.
LIFE_KINDS: tuple[type[Event], ...] = (*TICKET_KINDS, SmsNumberAdded, SmsRecorded, SmsReplied)


def names(kinds: Iterable[type[Event]]) -> list[str]:
    return [kind.name for kind in kinds]


def logged(row: Mapping[str, Any]) -> Logged | None:
    """A log row (id, at, actor, name, data) as a typed event; None for an unknown kind."""
    event = from_log(row["name"], row["data"])
    if event is None:
        return None
    return Logged(row=row["id"], at=parse_utc(row["at"]), actor=row["actor"], event=event)


def read(rows: Iterable[Mapping[str, Any]]) -> Iterator[Logged]:
    """Typed events of some log rows, in their order (rows of unknown kinds left out)."""
    for row in rows:
        found = logged(row)
        if found is not None:
            yield found


def every_row(db: Reader) -> Iterator[dict[str, Any]]:
    """Every row of the log as stored, in order (streamed): what the hash chain covers."""
    return db.iterate("SELECT * FROM events ORDER BY id")


def last_row(db: Reader, before: datetime | None = None) -> dict[str, Any] | None:
    """The id and hash of the log's last row (or of the last one logged before an instant)."""
    if before is None:
        return db.one("SELECT id, hash FROM events ORDER BY id DESC LIMIT 1")
    return db.one(
        "SELECT id, hash FROM events WHERE at < ? ORDER BY at DESC, id DESC LIMIT 1",
        [utc_text(before)],
    )


def rows_after(db: Reader, row: int) -> Iterator[dict[str, Any]]:
    """The log's rows after a row, as stored, in order (streamed)."""
    return db.iterate("SELECT * FROM events WHERE id > ? ORDER BY id", [row])


def hash_at(db: Reader, row: int) -> str | None:
    found = db.one("SELECT hash FROM events WHERE id = ?", [row])
    return found["hash"] if found else None


@dataclass(frozen=True)
class Progress:
    """How far an audit check verified the log: its last row and that row's hash, and how
    many tickets the log had issued and survey answers it had logged up to there."""

    row: int
    hash: str
    issued: int
    answered: int


def progress(db: Reader) -> Progress | None:
    """Where the last audit check stopped (None before the first, or if it kept no counts)."""
    found = db.one(
        "SELECT row, hash, issued, answered FROM audit_progress "
        "WHERE id = 1 AND issued IS NOT NULL AND answered IS NOT NULL"
    )
    return Progress(**found) if found else None


def save_progress(tx: Transaction, reached: Progress) -> None:
    tx.execute(
        "INSERT INTO audit_progress (id, row, hash, issued, answered, verified_at) "
        "VALUES (1, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET row = excluded.row, "
        "hash = excluded.hash, issued = excluded.issued, answered = excluded.answered, "
        "verified_at = excluded.verified_at",
        [reached.row, reached.hash, reached.issued, reached.answered, utc_text(tx.now)],
    )


def tickets_after(db: Reader, row: int) -> list[int]:
    """The tickets the log's rows after a row are about (read along the log from that row,
    NOT INDEXED: through the ticket index SQLite would read every ticket event ever logged)."""
    found = db.all(
        "SELECT DISTINCT ticket_id FROM events NOT INDEXED WHERE id > ? AND ticket_id IS NOT NULL",
        [row],
    )
    return sorted(item["ticket_id"] for item in found)


def lives_of(db: Reader, ticket_ids: Iterable[int]) -> list[Logged]:
    """Every event of some tickets, in log order."""
    wanted = list(ticket_ids)
    found: list[Logged] = []
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        found += read(
            db.all(
                f"SELECT id, at, actor, name, data FROM events WHERE ticket_id IN "  # noqa: S608
                f"({', '.join('?' * len(chunk))}) ORDER BY id",
                chunk,
            )
        )
    return sorted(found, key=lambda logged: logged.row)


def issued_and_answered(db: Reader, after: int) -> tuple[int, int]:
    """How many tickets the log's rows after a row issued and how many survey answers they
    logged (read along the log from that row, NOT INDEXED: through the name index SQLite
    would count every ticket ever issued)."""
    row = db.one(
        "SELECT COALESCE(SUM(name = ?), 0) AS issued, COALESCE(SUM(name = ?), 0) AS answered "
        "FROM events NOT INDEXED WHERE id > ?",
        [TicketIssued.name, SurveyAnswered.name, after],
    )
    assert row is not None
    return row["issued"], row["answered"]


def user_events(db: Reader) -> Iterator[Logged]:
    """Every change to the users, in log order."""
    return read(
        db.iterate(
            "SELECT id, at, actor, name, data FROM events WHERE name = ? ORDER BY id",
            [UserChanged.name],
        )
    )


def _of_kinds(kinds: Sequence[type[Event]], condition: str = "", *, by_name: bool = True) -> str:
    """The query of the log's events of some kinds (their names are its first parameters) that
    meet `condition`, in log order. Without `by_name`, SQLite leaves the name index alone
    (`+name`): the condition narrows the rows better than the names do."""
    marks = ", ".join("?" * len(kinds))
    name = "name" if by_name else "+name"
    also = f" AND {condition}" if condition else ""
    query = f"SELECT id, at, actor, name, data FROM events WHERE {name} IN ({marks})"  # noqa: S608
    return f"{query}{also} ORDER BY id"


def credential_events(db: Reader) -> Iterator[Logged]:
    """Every event that explains a stored credential, in log order."""
    kinds = (UserChanged, UserLoggedIn, DeviceEnrolled, DeviceRevoked, AuditBaseline)
    return read(db.iterate(_of_kinds(kinds), names(kinds)))


def triggers(db: Reader) -> set[str]:
    """The names of the triggers guarding the log."""
    rows = db.all("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'events'")
    return {row["name"] for row in rows}


def every_ticket_event(db: Reader) -> Iterator[Logged]:
    """Every ticket event of the whole log, in log order (streamed)."""
    query = _of_kinds(TICKET_KINDS, "ticket_id IS NOT NULL", by_name=False)
    return read(db.iterate(query, names(TICKET_KINDS)))


def lives_touched(db: Reader, start: datetime, end: datetime) -> list[Logged]:
    """The ticket events of [start, end), with every event (any time) of the tickets they touch
    (their survey answers and SMS too).

    Loading a ticket's whole life lets a call in the period know when its ticket joined the
    queue, and an expiry recorded the morning after be counted on its ticket's own day.
    """
    query = _of_kinds(
        LIFE_KINDS,
        "ticket_id IN (SELECT DISTINCT ticket_id "
        "FROM events WHERE at >= ? AND at < ? AND ticket_id IS NOT NULL)",
        by_name=False,
    )
    return list(read(db.all(query, [*names(LIFE_KINDS), utc_text(start), utc_text(end)])))


BOOKING_KINDS: tuple[type[Event], ...] = tuple(BookingEvent.__subclasses__())


def bookings_between(db: Reader, start: datetime, end: datetime) -> list[Logged]:
    """The booking events (made, cancelled, checked in, missed) of [start, end), in log order."""
    query = _of_kinds(BOOKING_KINDS, "at >= ? AND at < ?", by_name=False)
    return list(read(db.all(query, [*names(BOOKING_KINDS), utc_text(start), utc_text(end)])))


def every_booking_event(db: Reader) -> Iterator[Logged]:
    """Every booking's steps, in log order."""
    return read(db.iterate(_of_kinds(BOOKING_KINDS), names(BOOKING_KINDS)))


def in_log_order(*found: Iterable[Logged]) -> list[Logged]:
    """Events loaded by several queries, merged back into log order."""
    return list(heapq.merge(*found, key=lambda logged: logged.row))


def last_seq(db: Reader) -> int:
    """The `seq` of the newest board event (0 before the first)."""
    row = db.one("SELECT COALESCE(MAX(seq), 0) AS seq FROM events")
    assert row is not None
    return row["seq"]


def recent_calls(db: Reader, since: datetime, limit: int) -> list[Logged]:
    """The latest calls since an instant, newest first.

    Read through the time index, so only the events since `since` are looked at: through
    the name index SQLite would sort every call ever logged to find the latest few.
    """
    rows = db.all(
        "SELECT id, at, actor, name, data FROM events INDEXED BY events_at "
        "WHERE at >= ? AND name = ? ORDER BY id DESC LIMIT ?",
        [utc_text(since), TicketCalled.name, limit],
    )
    return [found for found in read(rows) if isinstance(found.event, TicketCalled)]


# The events of the moves that end a call at its counter (`queue_rules.ENDS_A_CALL`).
CALL_ENDINGS: tuple[type[TicketEvent], ...] = tuple(
    kind for kind in TICKET_KINDS if issubclass(kind, TicketEvent) and kind.move in ENDS_A_CALL
)


def call_endings(db: Reader, calls: Iterable[Logged]) -> dict[int, TicketEvent]:
    """How each call ended (by the call's row): the first of CALL_ENDINGS its ticket had after
    it. A call still going on has no entry."""
    wanted = {call.row: call.event.ticket_id for call in calls}
    tickets = {ticket for ticket in wanted.values() if ticket is not None}
    if not tickets:
        return {}
    marks = ", ".join("?" * len(tickets))
    endings = ", ".join("?" * len(CALL_ENDINGS))
    later = list(
        read(
            db.all(
                f"SELECT id, at, actor, name, data FROM events WHERE ticket_id IN ({marks}) "  # noqa: S608
                f"AND id > ? AND +name IN ({endings}) ORDER BY id",
                [*tickets, min(wanted), *names(CALL_ENDINGS)],
            )
        )
    )
    ended: dict[int, TicketEvent] = {}
    for row, ticket in wanted.items():
        for found in later:
            if found.row > row and found.event.ticket_id == ticket:
                assert isinstance(found.event, TicketEvent)
                ended[row] = found.event
                break
    return ended


def call_priorities(db: Reader, *, counter: str | None = None, service: str | None = None,
                    limit: int) -> list[bool]:  # fmt: skip
    """Priority flags of the latest calls at a counter or of a service, newest first."""
    column, value = ("counter", counter) if counter is not None else ("service", service)
    rows = db.all(
        f"SELECT json_extract(data, '$.priority') AS priority FROM events "  # noqa: S608
        f"WHERE name = ? AND {column} = ? ORDER BY id DESC LIMIT ?",
        [TicketCalled.name, value, limit],
    )
    return [bool(row["priority"]) for row in rows]


def counted_at_counter(
    db: Reader, counter_id: str, since: datetime, kinds: Iterable[type[Event]]
) -> dict[type[Event], int]:
    """How many events of each kind happened at a counter since an instant.

    Read through the time index, so the cost is the events since `since` (a day's, for a
    console): through `events_name_counter` it would be every such event the counter ever
    logged.
    """
    wanted = {kind.name: kind for kind in kinds}
    marks = ", ".join("?" * len(wanted))
    rows = db.all(
        f"SELECT name, COUNT(*) AS n FROM events INDEXED BY events_at "  # noqa: S608
        f"WHERE at >= ? AND counter = ? AND name IN ({marks}) GROUP BY name",
        [utc_text(since), counter_id, *wanted],
    )
    counts = dict.fromkeys(wanted.values(), 0)
    for row in rows:
        counts[wanted[row["name"]]] = row["n"]
    return counts


def announced(db: Reader, seq: int) -> TicketCalled | TicketRecalled | None:
    """The call or recall that has board `seq`, or None for any other seq."""
    row = db.one(
        "SELECT id, at, actor, name, data FROM events WHERE seq = ? AND name IN (?, ?)",
        [seq, TicketCalled.name, TicketRecalled.name],
    )
    found = logged(row) if row else None
    if found is None or not isinstance(found.event, TicketCalled | TicketRecalled):
        return None
    return found.event


def print_events(db: Reader, before: int | None, limit: int) -> list[Logged]:
    """Up to `limit` print outcomes logged before row `before` (None: the newest), newest first.

    Read backwards along the log (`+name` keeps SQLite off the name index, which would sort
    every print outcome ever logged): print outcomes are a good share of recent rows.
    """
    rows = db.all(
        "SELECT id, at, actor, name, data FROM events WHERE +name = ? AND id < ? "
        "ORDER BY id DESC LIMIT ?",
        [PrintRecorded.name, before if before is not None else SQLITE_MAX_INTEGER, limit],
    )
    return list(read(rows))


def last_of_kind(db: Reader, kind: type[Event]) -> Logged | None:
    """The latest event of a kind."""
    row = db.one(
        "SELECT id, at, actor, name, data FROM events WHERE name = ? ORDER BY id DESC LIMIT 1",
        [kind.name],
    )
    return logged(row) if row else None


def last_of_kinds(db: Reader, kinds: Iterable[type[Event]]) -> Logged | None:
    """The latest event of any of these kinds."""
    wanted = names(kinds)
    marks = ", ".join("?" * len(wanted))
    row = db.one(
        f"SELECT id, at, actor, name, data FROM events WHERE name IN ({marks}) "  # noqa: S608
        "ORDER BY id DESC LIMIT 1",
        wanted,
    )
    return logged(row) if row else None


POWER_KINDS: tuple[type[Event], ...] = (PowerLost, PowerBack, PowerLow)


def power_between(db: Reader, start: datetime, end: datetime) -> list[Logged]:
    """The power events (lost, back, low) of [start, end), and the last one before `start`
    (which tells whether the window began on battery), in log order.

    The last one before is found through the name index, among the power events (a few per
    cut): through the time index SQLite would sort every event logged before `start`. The
    window's are read through the time index: the window's events, not every power event."""
    marks = ", ".join("?" * len(POWER_KINDS))
    kinds = names(POWER_KINDS)
    before = db.all(
        f"SELECT id, at, actor, name, data FROM events INDEXED BY events_name_service "  # noqa: S608
        f"WHERE name IN ({marks}) AND at < ? ORDER BY id DESC LIMIT 1",
        [*kinds, utc_text(start)],
    )
    within = db.all(
        f"SELECT id, at, actor, name, data FROM events WHERE +name IN ({marks}) "  # noqa: S608
        "AND at >= ? AND at < ? ORDER BY id",
        [*kinds, utc_text(start), utc_text(end)],
    )
    return list(read([*before, *within]))


def every_of_kind(db: Reader, kind: type[Event]) -> list[Logged]:
    """Every event of a rare kind, oldest first (one pass over the log)."""
    return list(
        read(
            db.all(
                "SELECT id, at, actor, name, data FROM events WHERE name = ? ORDER BY id",
                [kind.name],
            )
        )
    )


def of_kinds_between(
    db: Reader, kinds: Sequence[type[Event]], start: datetime, end: datetime
) -> list[Logged]:
    """The events of some kinds logged in [start, end), in log order."""
    query = _of_kinds(kinds, "at >= ? AND at < ?")
    return list(read(db.all(query, [*names(kinds), utc_text(start), utc_text(end)])))


def count_between(db: Reader, kind: type[Event], start: datetime, end: datetime) -> int:
    """How many events of a kind were logged in [start, end) (through the time index)."""
    row = db.one(
        "SELECT COUNT(*) AS n FROM events INDEXED BY events_at WHERE at >= ? AND at < ? "
        "AND name = ?",
        [utc_text(start), utc_text(end), kind.name],
    )
    assert row is not None
    return row["n"]


SUSPENSION_KINDS: tuple[type[Event], ...] = (ServiceSuspended, ServiceResumed)
SUSPENSION_NAMES = names(SUSPENSION_KINDS)


def suspensions_in_force(db: Reader) -> dict[str, Suspension]:
    """The services suspended now: {service: Suspension}, folded
    (`shared.domain.suspension.fold`) from each service's latest suspension event."""
    rows = db.all(
        "SELECT id, at, actor, name, data FROM events WHERE id IN (SELECT max(id) FROM events "
        "WHERE name IN (?, ?) GROUP BY service) ORDER BY id",
        SUSPENSION_NAMES,
    )
    return fold(logged.event for logged in read(rows))


def suspensions_between(db: Reader, start: datetime, end: datetime) -> list[Logged]:
    """The suspension events of [start, end), after each service's latest one before `start`
    (a suspension going on when the window opens), in log order."""
    rows = db.all(
        "SELECT id, at, actor, name, data FROM events WHERE name IN (?, ?) AND at < ? "
        "AND (at >= ? OR id IN (SELECT max(id) FROM events WHERE name IN (?, ?) AND at < ? "
        "GROUP BY service)) ORDER BY id",
        [*SUSPENSION_NAMES, utc_text(end), utc_text(start), *SUSPENSION_NAMES, utc_text(start)],
    )
    return list(read(rows))


def last_finished_at(db: Reader, counter_id: str) -> Logged | None:
    """The latest ticket finished as done at a counter."""
    row = db.one(
        "SELECT id, at, actor, name, data FROM events WHERE name = ? AND counter = ? "
        "ORDER BY id DESC LIMIT 1",
        [TicketDone.name, counter_id],
    )
    return logged(row) if row else None


def finish_of(db: Reader, ticket_id: int) -> Logged | None:
    """A ticket's (latest) finish as done: when, at which counter, by whom."""
    row = db.one(
        "SELECT id, at, actor, name, data FROM events WHERE ticket_id = ? AND +name = ? "
        "ORDER BY id DESC LIMIT 1",
        [ticket_id, TicketDone.name],
    )
    return logged(row) if row else None


COUNTER_DAY_KINDS = (TicketDone, TicketNoShow, TicketTransferred)
