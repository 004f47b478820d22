"""SMS tables in SQL: citizens' numbers (apart from the tickets and the log) and the outbox.

`sms_numbers` holds a number for a ticket (or a booking, until its check-in gives it a
ticket) and is emptied of every day before today at the day's close; the deleted rows are
overwritten (`secure_delete`), not merely unlinked. `sms_outbox` keeps each message once by
its `key` (ticket + kind, or the reply's inbox file) and never holds a number: a message is
joined to its number only when it is handed to the daemon.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from shared.domain.clock import parse_utc, utc_text
from shared.store.store import Reader, Transaction


@dataclass(frozen=True)
class Registered:
    """A number registered for a ticket."""

    ticket_id: int
    number: str
    language: str


@dataclass(frozen=True)
class Outgoing:
    """A message of the outbox."""

    id: int
    ticket_id: int | None
    kind: str
    language: str
    text: str
    status: str
    attempts: int
    spool_digest: str | None
    ticket_number: str | None  # the ticket's number, for the log (never the mobile number)
    ticket_status: str | None  # where the ticket is now
    recipient: str | None  # a supervisor's duty phone (an alert), else the ticket's number


def add_for_ticket(tx: Transaction, ticket_id: int, number: str, language: str, day: date) -> None:
    """Register (or replace) a ticket's number."""
    tx.execute(
        "INSERT INTO sms_numbers (ticket_id, number, language, service_day, added_at) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT (ticket_id) DO UPDATE SET number = excluded.number, "
        "language = excluded.language, added_at = excluded.added_at",
        (ticket_id, number, language, day.isoformat(), utc_text(tx.now)),
    )


def add_for_booking(
    tx: Transaction, booking_id: int, number: str, language: str, day: date
) -> None:
    """Register a booking's number, kept until the close of its slot's day."""
    tx.execute(
        "INSERT INTO sms_numbers (booking_id, number, language, service_day, added_at) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT (booking_id) DO UPDATE SET number = excluded.number, "
        "language = excluded.language, added_at = excluded.added_at",
        (booking_id, number, language, day.isoformat(), utc_text(tx.now)),
    )


def move_to_ticket(tx: Transaction, booking_id: int, ticket_id: int) -> bool:
    """A booking checked in: its number now belongs to the ticket it gave."""
    cursor = tx.execute(
        "UPDATE sms_numbers SET ticket_id = ?, booking_id = NULL WHERE booking_id = ?",
        (ticket_id, booking_id),
    )
    return cursor.rowcount > 0


def of_ticket(db: Reader, ticket_id: int) -> Registered | None:
    row = db.one(
        "SELECT ticket_id, number, language FROM sms_numbers WHERE ticket_id = ?", (ticket_id,)
    )
    return Registered(**row) if row else None


def of_tickets(db: Reader, ticket_ids: list[int]) -> dict[int, str]:
    """The numbers of these tickets that have one: {ticket id: number}."""
    if not ticket_ids:
        return {}
    marks = ", ".join("?" * len(ticket_ids))
    rows = db.all(
        f"SELECT ticket_id, number FROM sms_numbers WHERE ticket_id IN ({marks})",  # noqa: S608
        ticket_ids,
    )
    return {row["ticket_id"]: row["number"] for row in rows}


def of_booking(db: Reader, booking_id: int) -> str | None:
    row = db.one("SELECT number FROM sms_numbers WHERE booking_id = ?", (booking_id,))
    return row["number"] if row else None


def registered_on(db: Reader, day: date) -> list[Registered]:
    """Every ticket of the day with a number."""
    rows = db.all(
        "SELECT ticket_id, number, language FROM sms_numbers "
        "WHERE service_day = ? AND ticket_id IS NOT NULL ORDER BY ticket_id",
        (day.isoformat(),),
    )
    return [Registered(**row) for row in rows]


def tickets_of_number(db: Reader, number: str, day: date) -> list[int]:
    """The day's tickets registered with this number, newest first."""
    rows = db.all(
        "SELECT ticket_id FROM sms_numbers WHERE number = ? AND service_day = ? "
        "AND ticket_id IS NOT NULL ORDER BY ticket_id DESC",
        (number, day.isoformat()),
    )
    return [row["ticket_id"] for row in rows]


def forget_numbers_before(tx: Transaction, day: date) -> int:
    """The day's close: delete the numbers of every earlier day, overwriting their bytes."""
    tx.execute("PRAGMA secure_delete = ON")
    try:
        cursor = tx.execute("DELETE FROM sms_numbers WHERE service_day < ?", (day.isoformat(),))
    finally:
        tx.execute("PRAGMA secure_delete = OFF")
    return cursor.rowcount


# ---- the outbox --------------------------------------------------------------------------------


def queue(
    tx: Transaction,
    *,
    key: str,
    ticket_id: int | None,
    kind: str,
    day: date,
    language: str,
    text: str,
    recipient: str | None = None,
) -> bool:
    """Put a message in the outbox unless one with this key is there; whether it was new."""
    cursor = tx.execute(
        "INSERT INTO sms_outbox (key, ticket_id, kind, recipient, service_day, language, text, "
        "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING",
        (key, ticket_id, kind, recipient, day.isoformat(), language, text, utc_text(tx.now)),
    )
    return cursor.rowcount > 0


def queued_kinds(db: Reader, ticket_ids: list[int]) -> set[tuple[int, str]]:
    """Which (ticket, kind) messages exist already."""
    if not ticket_ids:
        return set()
    marks = ", ".join("?" * len(ticket_ids))
    rows = db.all(
        f"SELECT ticket_id, kind FROM sms_outbox WHERE ticket_id IN ({marks})",  # noqa: S608
        ticket_ids,
    )
    return {(row["ticket_id"], row["kind"]) for row in rows}


def with_status(db: Reader, status: str) -> list[Outgoing]:
    rows = db.all(
        "SELECT o.id, o.ticket_id, o.kind, o.language, o.text, o.status, o.attempts, "
        "o.spool_digest, t.number AS ticket_number, t.status AS ticket_status, o.recipient "
        "FROM sms_outbox o "
        "LEFT JOIN tickets t ON t.id = o.ticket_id WHERE o.status = ? ORDER BY o.id",
        (status,),
    )
    return [Outgoing(**row) for row in rows]


def mark_handed(tx: Transaction, message_id: int, digest: str) -> None:
    tx.execute(
        "UPDATE sms_outbox SET status = 'handed', attempts = attempts + 1, spool_digest = ?, "
        "handed_at = ? WHERE id = ?",
        (digest, utc_text(tx.now), message_id),
    )


def attempt_failed(tx: Transaction, message_id: int) -> None:
    """A hand-over that did not happen still counts as an attempt (the retry bound holds)."""
    tx.execute("UPDATE sms_outbox SET attempts = attempts + 1 WHERE id = ?", (message_id,))


def mark(tx: Transaction, message_id: int, status: str, *, final: bool) -> None:
    """A message's new status: `final` ones (sent, failed, over budget) get their time."""
    tx.execute(
        "UPDATE sms_outbox SET status = ?, finished_at = ? WHERE id = ?",
        (status, utc_text(tx.now) if final else None, message_id),
    )


def spent_on(db: Reader, day: date) -> int:
    """Messages handed to the modem on a service day, every retry counted (credit spent)."""
    row = db.one(
        "SELECT COALESCE(SUM(attempts), 0) AS spent FROM sms_outbox WHERE service_day = ?",
        (day.isoformat(),),
    )
    return int(row["spent"]) if row else 0


def spent_on_number(db: Reader, number: str, day: date) -> int:
    """Messages handed for one number on a service day (through any of its tickets)."""
    row = db.one(
        "SELECT COALESCE(SUM(o.attempts), 0) AS spent FROM sms_outbox o "
        "JOIN sms_numbers n ON n.ticket_id = o.ticket_id "
        "WHERE n.number = ? AND o.service_day = ?",
        (number, day.isoformat()),
    )
    return int(row["spent"]) if row else 0


def day_counts(db: Reader, day: date) -> dict[str, int]:
    """The day's messages by status."""
    rows = db.all(
        "SELECT status, COUNT(*) AS n FROM sms_outbox WHERE service_day = ? GROUP BY status",
        (day.isoformat(),),
    )
    return {row["status"]: row["n"] for row in rows}


def oldest_handed(db: Reader) -> datetime | None:
    """When the longest-waiting message was handed to the daemon (None: nothing waits)."""
    row = db.one("SELECT MIN(handed_at) AS at FROM sms_outbox WHERE status = 'handed'")
    return parse_utc(row["at"]) if row and row["at"] else None


# ---- supervisors' alerts ------------------------------------------------------------------------


def raised_alerts(db: Reader) -> set[str]:
    """The alerts raised and not over yet (their keys)."""
    return {row["key"] for row in db.all("SELECT key FROM sms_alerts")}


def raise_alert(tx: Transaction, key: str) -> None:
    tx.execute(
        "INSERT INTO sms_alerts (key, raised_at) VALUES (?, ?) ON CONFLICT (key) DO NOTHING",
        (key, utc_text(tx.now)),
    )


def end_alert(tx: Transaction, key: str) -> None:
    tx.execute("DELETE FROM sms_alerts WHERE key = ?", (key,))
