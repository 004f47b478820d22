"""Every queue's waiting tickets, held in memory per process and kept current change by change.

A queue ("line") is one service's waiting tickets of one queue day, as two sorted lists of
call-order keys (`queue_at` as stored, id): its priority and its regular stream. Counts,
heads and the first tickets of each stream are then bisections and slices, whose cost does not
grow with the queue's length (`repository` answers its queue reads from here). Each ticket's
label (number, slot, reference: never changed once written) is held beside it, for the lists
that show every waiting ticket.

What changed comes from the database itself: triggers on `tickets` append the id of every
ticket that enters, leaves or moves in a queue to `queue_changes` (migration m020), in commit
order, whoever writes (this process, another worker, a command). A read looks up the newest
change it can see and re-reads only the tickets changed since the state it starts from (a
write that inserts a waiting ticket into queues it knew current follows it in memory, as the
log's next change: `Transaction.follow`); a process that fell too far behind (the triggers keep
the log's last 10,000 entries), or a database put back from a backup, loads the waiting tickets
afresh.

States are immutable once made: a read gets the one matching its own snapshot, and a committed
read publishes it for the next ones (copy on write, so a reader holding an older state is
never disturbed). A write transaction sees its own uncommitted changes in a private state,
published only once it committed (the state it saw last is the data as of that state's
change): a rollback leaves nothing behind.
"""

from __future__ import annotations

import threading
from bisect import bisect_left, insort
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, NamedTuple

from shared.domain.clock import parse_utc
from shared.domain.queue_rules import QueueCounts, QueueItem

if TYPE_CHECKING:
    from shared.store.store import Reader

LAST_ID = 2**63  # above every ticket id: (cut, LAST_ID) follows every key at or before cut

Key = tuple[str, int]  # a ticket's place in the call order: (queue_at as stored, id)
LineId = tuple[str, str]  # (queue day as stored, service)


class WaitingLabel(NamedTuple):
    """What a console shows of a waiting ticket beside its place: number, slot, reference, and
    whether it is a carried-over citizen's ("Lanjutan")."""

    number: str
    booked_for: datetime | None
    reference: str | None
    carried: bool = False


Entry = tuple[Key, QueueItem, WaitingLabel]


@dataclass(frozen=True)
class Line:
    """One service's waiting tickets of one day, both streams oldest first (never mutated)."""

    priority: list[Key] = field(default_factory=list)
    regular: list[Key] = field(default_factory=list)
    items: dict[int, Entry] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.items)

    def stream(self, priority: bool) -> list[Key]:
        return self.priority if priority else self.regular

    def firsts(self, per_stream: int | None = None) -> list[QueueItem]:
        """The oldest `per_stream` tickets of the priority stream, then of the regular one."""
        return [
            self.items[key[1]][1]
            for stream in (self.priority, self.regular)
            for key in stream[:per_stream]
        ]

    def counts(self, key: Key, priority: bool, cut: str | None) -> QueueCounts:
        """Where a ticket at `key` stands (see `QueueCounts`); tickets whose `queue_at` is at or
        before `cut` are overdue (None: nobody is)."""
        bound = (cut, LAST_ID) if cut is not None else None
        overdue_priority = bisect_left(self.priority, bound) if bound else 0
        overdue_regular = bisect_left(self.regular, bound) if bound else 0
        overdue = cut is not None and key[0] <= cut
        if overdue:
            older = bisect_left(self.priority, key) + bisect_left(self.regular, key)
        else:
            before = overdue_priority if priority else overdue_regular
            older = bisect_left(self.stream(priority), key) - before
        after_last = 0
        if overdue_priority:
            last = self.priority[overdue_priority - 1][0]
            after_last = overdue_regular - bisect_left(self.regular, (last, LAST_ID))
        return QueueCounts(
            priority=priority,
            overdue=overdue,
            older_in_part=older,
            overdue_total=overdue_priority + overdue_regular,
            overdue_priority=overdue_priority,
            overdue_regular_after_last_priority=after_last,
            priority_total=len(self.priority) - overdue_priority,
            regular_total=len(self.regular) - overdue_regular,
        )


EMPTY = Line()


@dataclass(frozen=True)
class Queues:
    """Every line as of one change of the log (`seq`); never mutated once made."""

    seq: int
    lines: dict[LineId, Line]

    def line(self, day: date, service: str) -> Line:
        return self.lines.get((day.isoformat(), service), EMPTY)

    def after(self, seq: int, ids: Sequence[int], rows: Sequence[dict[str, Any]]) -> Queues:
        """These queues as of change `seq`, the tickets `ids` changed since (`rows`: the rows
        of those that still exist)."""
        return Queues(seq, _changed(self.lines, ids, rows))

    def in_order(self, day: date, services: Iterable[str]) -> list[QueueItem]:
        """Waiting tickets of some services, oldest place first (ties: the lower id)."""
        entries = [
            entry
            for service in dict.fromkeys(services)
            for entry in self.line(day, service).items.values()
        ]
        entries.sort(key=_place)
        return [entry[1] for entry in entries]

    def label(self, day: date, item: QueueItem) -> WaitingLabel:
        """The label of a waiting ticket of `day` (one of this state's)."""
        return self.line(day, item.service).items[item.id][2]


def _place(entry: Entry) -> Key:
    return entry[0]


def _entry(row: dict[str, Any]) -> tuple[LineId, Entry]:
    key = (row["queue_at"], row["id"])
    item = QueueItem(
        parse_utc(row["queue_at"]), row["id"], row["service"], bool(row["priority"]), row["need"]
    )
    booked_for = parse_utc(row["booked_for"]) if row["booked_for"] else None
    label = WaitingLabel(
        row["number"], booked_for, row["reference"], row["carried_from"] is not None
    )
    return (row["queue_day"], row["service"]), (key, item, label)


_COLUMNS = (
    "id, status, service, queue_day, queue_at, priority, need, "
    "number, booked_for, reference, carried_from"
)
_JOINED = ", ".join(f"t.{column}" for column in _COLUMNS.split(", "))


def load(db: Reader) -> Queues:
    """Every waiting ticket read afresh (the log's newest change read in the same snapshot)."""
    top = db.one("SELECT COALESCE(MAX(seq), 0) AS seq FROM queue_changes")
    assert top is not None
    drafts: dict[LineId, tuple[list[Key], list[Key], dict[int, Entry]]] = {}
    for row in db.iterate(f"SELECT {_COLUMNS} FROM tickets WHERE status = 'waiting'"):  # noqa: S608
        line_id, entry = _entry(row)
        key, item, _ = entry
        priority, regular, items = drafts.setdefault(line_id, ([], [], {}))
        (priority if item.priority else regular).append(key)
        items[key[1]] = entry
    lines = {}
    for line_id, (priority, regular, items) in drafts.items():
        priority.sort()
        regular.sort()
        lines[line_id] = Line(priority, regular, items)
    return Queues(top["seq"], lines)


def advanced(db: Reader, base: Queues) -> Queues:
    """`base` brought to the newest change `db` sees: the changed tickets re-read, or, when the
    log no longer holds every change since `base` (or went back), everything loaded afresh."""
    # One statement: the log's span, and the tickets changed since `base` with their rows (a
    # deleted one's all NULL; none at all when the log lost some of them, or nothing changed).
    found = db.all(
        f"SELECT span.low, span.high, c.ticket_id AS changed, {_JOINED} FROM (SELECT "  # noqa: S608
        "(SELECT MIN(seq) FROM queue_changes) AS low, (SELECT MAX(seq) FROM queue_changes) AS "
        "high) span LEFT JOIN (SELECT DISTINCT ticket_id FROM queue_changes WHERE seq > :base "
        "AND :base + 1 >= (SELECT MIN(seq) FROM queue_changes)) c ON 1 "
        "LEFT JOIN tickets t ON t.id = c.ticket_id ORDER BY c.ticket_id",
        {"base": base.seq},
    )
    low, high = found[0]["low"], found[0]["high"]
    if high is None:
        return base if base.seq == 0 else load(db)
    if high == base.seq:
        return base
    if high < base.seq or low > base.seq + 1:
        return load(db)
    ids = [row["changed"] for row in found]
    return base.after(high, ids, [row for row in found if row["id"] is not None])


def _changed(
    lines: dict[LineId, Line], ids: Sequence[int], rows: Sequence[dict[str, Any]]
) -> dict[LineId, Line]:
    """New lines with the changed tickets taken out of where they were and put where they are
    now (if they wait); lines not touched are shared with `lines`."""
    drafts: dict[LineId, Line] = {}

    def draft(line_id: LineId) -> Line:
        if line_id not in drafts:
            old = lines.get(line_id, EMPTY)
            drafts[line_id] = Line(list(old.priority), list(old.regular), dict(old.items))
        return drafts[line_id]

    leaving = set(ids)
    for line_id, line in lines.items():
        for ticket_id in leaving & line.items.keys():
            key, item, _ = line.items[ticket_id]
            editable = draft(line_id)
            stream = editable.stream(item.priority)
            del stream[bisect_left(stream, key)]
            del editable.items[ticket_id]
    for row in rows:
        if row["status"] == "waiting":
            line_id, entry = _entry(row)
            key, item, _ = entry
            editable = draft(line_id)
            insort(editable.stream(item.priority), key)
            editable.items[key[1]] = entry
    merged = {**lines, **drafts}
    return {line_id: line for line_id, line in merged.items() if line.items}


class QueueIndex:
    """A process's newest published `Queues` of one database file."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._published: Queues | None = None

    def current(self, db: Reader, *, publish: bool) -> Queues:
        """The queues as `db` sees them; published for later reads when `publish` (only a
        snapshot of committed data may be: never a write transaction's)."""
        base = self._published
        found = load(db) if base is None else advanced(db, base)
        if publish and found is not base:
            self.publish(found)
        return found

    def as_of(self, seq: int) -> Queues | None:
        """The published queues if they are those as of change `seq` (None: no such)."""
        published = self._published
        return published if published is not None and published.seq == seq else None

    def publish(self, found: Queues) -> None:
        """Make `found` (committed data only) what later reads start from, unless newer is."""
        with self._lock:
            if self._published is None or found.seq > self._published.seq:
                self._published = found
