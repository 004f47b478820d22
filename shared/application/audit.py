"""The tamper-evident audit trail: the event log's hash chain, its anchors and cross-checks.

The checks, each catching what the others cannot:

1. The hash chain. Each row's hash covers its content and the previous row's hash, so an
   edited, removed or inserted row breaks the chain at that row.
2. Anchors (`shared.store.anchors`). The chain alone cannot see its last rows cut off or the whole
   log rewritten: heads of the log written down outside the database must still be there.
3. Central's receipt (`shared.store.receipts`). A station that ships its log keeps the row the
   central server last confirmed and its hash: the log must still hold it, which a log rewritten
   after shipping (every hash recomputed, the anchors file rewritten too) no longer does.
4. The tables against the log. Folding the log with the lifecycle's one reducer
   (`ticket.steps`) must give the tickets table row for row, both ways; every survey answer
   must be logged; the users table must be what the user events make of it (a user made
   admin behind the log's back shows); every password hash, open session and live device
   credential must be one the log records by its digest (`shared.store.credentials`); the bookings
   table must be what the booking events make of it; the log's
   append-only triggers must be in place.

A declared restore (`station.restored`, logged by `satupintu restore`) is not a break: the log
continues the restored copy, and `check_station` lists each restore so `audit verify` explains
it (the replaced database is kept aside as it was).

`check` runs everything over the whole log (`satupintu audit verify`). Reports run
`check_recent`, which verifies only what was logged since the last verified row (kept in
`audit_progress` with the log's counts up to it), the anchors by a lookup each, and the
tickets those rows touched, so a report's cost follows its period, not the station's history.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from shared.application import users
from shared.domain.chain import GENESIS, row_hash
from shared.domain.clock import utc_text
from shared.domain.errors import Unavailable
from shared.domain.events import (
    AuditBaseline,
    BookingCheckedIn,
    BookingEvent,
    DeviceEnrolled,
    DeviceRevoked,
    StationRestored,
    SurveyAnswered,
    UserChanged,
    UserLoggedIn,
)
from shared.domain.ticket import LOGGED_FIELDS, DayOf, Logged, Ticket, steps
from shared.store import eventlog, receipts, repository
from shared.store.anchors import Anchor, Flagged, head, read_anchors, write_day_anchors
from shared.store.credentials import device_print, password_print, session_print
from shared.store.store import Reader

if TYPE_CHECKING:
    from shared.application.station import Station

APPEND_ONLY_TRIGGERS = ("events_no_update", "events_no_delete")


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
    flagged: tuple[Flagged, ...] = ()  # anchors-file lines not trusted (reported, not used)
    restores: tuple[Logged, ...] = ()  # declared restores (`station.restored`), explained


def verify(
    rows: Iterable[Mapping[str, Any]],
    anchors: Iterable[Anchor] = (),
    *,
    first: tuple[int, str] = (1, GENESIS),
) -> Verdict:
    """Walk the log in id order; name the first row that was edited, removed or slipped in.

    Then every anchor must still be there: its row with its hash. `first` is the row the walk
    starts at and the hash of the row before it (the whole log by default).
    """
    by_id: dict[int, list[Anchor]] = {}
    for anchor in anchors:
        by_id.setdefault(anchor.id, []).append(anchor)
    expected_id, expected_prev = first
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


def fold(log_events: Iterable[Logged], day_of: DayOf | None = None) -> Folded:
    """Fold the ticket events of a log with the lifecycle's reducer (`day_of`: see `evolve`)."""
    folded = Folded()

    def noting_surveys(events: Iterable[Logged]) -> Iterable[Logged]:
        for logged in events:
            if isinstance(logged.event, SurveyAnswered) and logged.event.ticket_id is not None:
                folded.surveyed.add(logged.event.ticket_id)
            yield logged

    for step in steps(noting_surveys(log_events), day_of):
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


def user_states(events: Iterable[Logged]) -> dict[str, tuple[str | None, bool, tuple[str, ...]]]:
    """What the user events make of each user: (role, disabled, units)."""
    states: dict[str, tuple[str | None, bool, tuple[str, ...]]] = {}
    for logged in events:
        change = logged.event
        if not isinstance(change, UserChanged):
            continue
        role, disabled, units = states.get(change.username, (change.role, False, ()))
        match change.change:
            case "added":
                role, disabled, units = change.role, False, tuple(change.units or ())
            case "disabled" | "enabled":
                disabled = change.change == "disabled"
            case "role":
                role = change.role
            case "units":
                units = tuple(change.units or ())
        states[change.username] = (role, disabled, units)
    return states


def compare_users(db: Reader, rows: int) -> Verdict:
    """The users table must be what the user events make of it, both ways."""
    logged = user_states(eventlog.user_events(db))
    stored = {row.username: row for row in users.stored(db)}
    for name, row in stored.items():
        known = logged.get(name)
        if known is None:
            return Verdict(False, rows, rows + 1, "ui.audit.user_unlogged", {"user": name})
        table = (row.role, row.disabled, row.units)
        if table != known:
            field_name = ("role", "disabled", "units")[
                next(index for index in range(3) if table[index] != known[index])
            ]
            return Verdict(
                False,
                rows,
                rows + 1,
                "ui.audit.user_differs",
                {"user": name, "field": field_name},
            )
    gone = sorted(set(logged) - set(stored))
    if gone:
        return Verdict(False, rows, rows + 1, "ui.audit.user_deleted", {"user": gone[0]})
    return Verdict(True, rows)


@dataclass
class Explained:
    """What the log explains of stored credentials: each user's password digest, the sessions
    and device credentials it created, and the devices it revoked."""

    passwords: dict[str, str] = field(default_factory=dict)
    sessions: set[str] = field(default_factory=set)
    devices: set[str] = field(default_factory=set)
    revoked: set[int] = field(default_factory=set)


def explained(events: Iterable[Logged]) -> Explained:
    known = Explained()
    for logged in events:
        match logged.event:
            case AuditBaseline(users=passwords, sessions=sessions, devices=devices):
                known.passwords.update(passwords)
                known.sessions.update(sessions)
                known.devices.update(devices)
            case UserChanged(username=name, password=str(password)):
                known.passwords[name] = password
            case UserLoggedIn(session=str(session)):
                known.sessions.add(session)
            case DeviceEnrolled(credential=str(credential)):
                known.devices.add(credential)
            case DeviceRevoked(device=device):
                known.revoked.add(device)
    return known


def compare_credentials(db: Reader, rows: int) -> Verdict:
    """Every password hash, open session and live device credential stored must be one the
    log records (a swapped hash, a minted session or a slipped-in kiosk shows)."""
    known = explained(eventlog.credential_events(db))

    def unexplained(problem: str, **params: Any) -> Verdict:
        return Verdict(False, rows, rows + 1, problem, params)

    for row in db.iterate("SELECT username, password_hash FROM users ORDER BY username"):
        name = row["username"]
        if known.passwords.get(name) != password_print(name, row["password_hash"]):
            return unexplained("ui.audit.password_unlogged", user=name)
    for row in db.iterate(
        "SELECT token_hash, username, expires_at FROM sessions WHERE revoked_at IS NULL"
    ):
        stored = session_print(row["token_hash"], row["username"], row["expires_at"])
        if stored not in known.sessions:
            return unexplained("ui.audit.session_unlogged", user=row["username"])
    for row in db.iterate(
        "SELECT id, kind, target, credential_hash FROM devices "
        "WHERE credential_hash IS NOT NULL AND revoked_at IS NULL"
    ):
        stored = device_print(row["id"], row["kind"], row["target"], row["credential_hash"])
        if stored not in known.devices or row["id"] in known.revoked:
            return unexplained("ui.audit.device_unlogged", kind=row["kind"], target=row["target"])
    return Verdict(True, rows)


BOOKING_FIELDS = ("service", "starts_at", "status", "ticket_id")


def booking_states(events: Iterable[Logged]) -> dict[int, tuple[Any, ...]]:
    """What the booking events make of each booking: its BOOKING_FIELDS."""
    states: dict[int, tuple[Any, ...]] = {}
    for logged in events:
        step = logged.event
        if isinstance(step, BookingEvent):
            ticket = step.ticket_id if isinstance(step, BookingCheckedIn) else None
            before = states.get(step.booking_id, (None, None, None, None))
            status = step.status
            states[step.booking_id] = (step.service, step.starts_at, status, ticket or before[3])
    return states


def compare_bookings(db: Reader, rows: int) -> Verdict:
    """The bookings table must be what the booking events make of it, both ways (a booking
    moved to another slot, cancelled, deleted or slipped in by hand shows)."""
    logged = booking_states(eventlog.every_booking_event(db))
    stored = {
        row["id"]: tuple(row[name] for name in BOOKING_FIELDS)
        for row in db.iterate(f"SELECT id, {', '.join(BOOKING_FIELDS)} FROM bookings")  # noqa: S608
    }
    for booking, table in stored.items():
        known = logged.get(booking)
        if known is None:
            return Verdict(False, rows, rows + 1, "ui.audit.booking_unlogged", {"booking": booking})
        if table != known:
            index = next(index for index in range(len(table)) if table[index] != known[index])
            return Verdict(
                False,
                rows,
                rows + 1,
                "ui.audit.booking_differs",
                {"booking": booking, "field": BOOKING_FIELDS[index]},
            )
    gone = sorted(set(logged) - set(stored))
    if gone:
        return Verdict(False, rows, rows + 1, "ui.audit.booking_deleted", {"booking": gone[0]})
    return Verdict(True, rows)


def compare_triggers(db: Reader, rows: int) -> Verdict:
    """The log's append-only triggers must be in place."""
    present = eventlog.triggers(db)
    missing = [name for name in APPEND_ONLY_TRIGGERS if name not in present]
    if missing:
        return Verdict(False, rows, None, "ui.audit.triggers_dropped", {"trigger": missing[0]})
    return Verdict(True, rows)


def _first_failure(*verdicts: Verdict) -> Verdict:
    return next((verdict for verdict in verdicts if not verdict.ok), verdicts[-1])


def receipt_holds(db: Reader, receipt: receipts.Receipt | None, last: int) -> Verdict:
    """The row central confirmed is still in the log (of `last` rows) with the hash it had."""
    if receipt is None or receipt.row == 0:
        return Verdict(True, last)
    if receipt.row > last:
        return Verdict(
            False, last, last + 1, "ui.audit.receipt_truncated", {"row": receipt.row, "last": last}
        )
    if eventlog.hash_at(db, receipt.row) != receipt.hash:
        return Verdict(False, last, receipt.row, "ui.audit.receipt_differs", {"row": receipt.row})
    return Verdict(True, last)


def check(db: Reader, anchors: Iterable[Anchor] = (), day_of: DayOf | None = None) -> Verdict:
    """Every check over the whole log, in one consistent read (the caller's transaction)."""
    verdict = verify(eventlog.every_row(db), anchors)
    if not verdict.ok:
        return verdict
    rows = verdict.rows
    return _first_failure(
        receipt_holds(db, receipts.latest(db), rows),
        compare_triggers(db, rows),
        compare_tickets(
            fold(eventlog.every_ticket_event(db), day_of),
            repository.every_ticket(db),
            repository.surveyed_ids(db),
            rows,
        ),
        compare_users(db, rows),
        compare_credentials(db, rows),
        compare_bookings(db, rows),
    )


def check_station(station: Station, witnesses: Iterable[Anchor] = ()) -> Verdict:
    """The whole check of a station's log, with its anchors file and any witnessed heads."""
    anchors_file = read_anchors(station.config.anchor_path, station.today())
    with station.store.read() as db:
        verdict = check(db, [*anchors_file.anchors, *witnesses], station.today)
        return replace(
            verdict,
            head=head(db),
            flagged=tuple(anchors_file.flagged),
            restores=tuple(eventlog.every_of_kind(db, StationRestored)),
        )


def _anchors_hold(db: Reader, anchors: Iterable[Anchor], last: int) -> Verdict:
    """Every anchor's row is still in the log with its hash (a lookup each)."""
    for anchor in anchors:
        if anchor.id > last:
            return Verdict(
                False,
                last,
                last + 1,
                "ui.audit.truncated",
                {"row": last + 1, "last": last, "anchor": anchor.id, "label": anchor.label},
            )
        if not (eventlog.hash_at(db, anchor.id) or "").startswith(anchor.hash):
            return Verdict(
                False,
                last,
                anchor.id,
                "ui.audit.anchor_differs",
                {"row": anchor.id, "label": anchor.label},
            )
    return Verdict(True, last)


def _recent(db: Reader, anchors: list[Anchor], day_of: DayOf) -> tuple[Verdict, eventlog.Progress]:
    """The checks over what was logged since the last verified row (see the module's text),
    and how far they reached: where the next check starts."""
    start = eventlog.progress(db)
    if start is None or eventlog.hash_at(db, start.row) != start.hash:
        start = eventlog.Progress(row=0, hash=GENESIS, issued=0, answered=0)
    chained = verify(eventlog.rows_after(db, start.row), first=(start.row + 1, start.hash))
    if not chained.ok:
        return chained, start
    last = start.row + chained.rows
    issued, answered = eventlog.issued_and_answered(db, after=start.row)
    reached = eventlog.Progress(
        row=last,
        hash=eventlog.hash_at(db, last) or GENESIS,
        issued=start.issued + issued,
        answered=start.answered + answered,
    )
    touched = eventlog.tickets_after(db, start.row)
    verdict = _first_failure(
        _anchors_hold(db, anchors, last),
        receipt_holds(db, receipts.latest(db), last),
        compare_triggers(db, last),
        compare_tickets(
            fold(eventlog.lives_of(db, touched), day_of),
            repository.tickets_by_ids(db, touched),
            (),
            last,
        ),
        _counts_match(db, reached),
        compare_users(db, last),
        Verdict(True, last),
    )
    return verdict, reached


def _counts_match(db: Reader, reached: eventlog.Progress) -> Verdict:
    """As many tickets and survey answers in the tables as the log issued and logged."""
    last = reached.row
    if repository.ticket_count(db) != reached.issued:
        return Verdict(False, last, last + 1, "ui.audit.tickets_count", {"last": last})
    if repository.survey_count(db) != reached.answered:
        return Verdict(False, last, last + 1, "ui.audit.surveys_count", {"last": last})
    return Verdict(True, last)


def check_recent(station: Station) -> Verdict:
    """The report's check: cost proportional to what was logged since the last check.

    On success the log's head becomes the last verified row, so the next check starts there.
    """
    anchors_file = read_anchors(station.config.anchor_path, station.today())
    with station.store.read() as db:
        verdict, reached = _recent(db, anchors_file.anchors, station.today)
        latest = head(db)
        known = eventlog.progress(db)
    # Nothing logged since (a health probe every few seconds on a quiet hall): nothing to write.
    if verdict.ok and reached.row > 0 and reached != known:
        try:
            with station.store.write("audit", station.now(), durable=False) as tx:
                eventlog.save_progress(tx, reached)
        except Unavailable:
            pass  # read-only or full: the next check simply starts from further back
    return replace(verdict, head=latest, flagged=tuple(anchors_file.flagged))


def close_days(station: Station) -> list[Anchor]:
    """Anchor every ended service day of a station (the server calls this periodically)."""
    config = station.config
    with station.store.read() as db:
        return write_day_anchors(
            db, config.anchor_path, station.today(), config.zone, config.day_starts_at
        )
