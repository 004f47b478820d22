"""SMS tables in SQL: citizens' numbers (apart from the tickets and the log) and the outbox.

`sms_numbers` holds a number for a ticket (or a booking, and then for the ticket its check-in
gives) and is emptied of every day before today at the day's close (a number whose ticket was
carried over keeps until that message is sent); the deleted rows are overwritten
(`secure_delete`), not merely unlinked. `sms_outbox` keeps each message once by its `key`
(ticket or booking + kind, or the reply's inbox file) and never holds a citizen's number: a
message is joined to its number only when it is handed to the daemon. `user_phones` holds
staff's numbers, apart from `users`, and whether a supervisor chose the alerts by SMS.
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
    booking_id: int | None
    kind: str
    language: str
    text: str
    status: str
    attempts: int
    spool_digest: str | None
    ticket_number: str | None  # the ticket's number, for the log (never the mobile number)
    ticket_status: str | None  # where the ticket is now
    recipient: str | None  # an alert's: a duty phone, or `user:NAME`; None: the citizen's
    booking_status: str | None = None  # where the booking is now (a booking's message)


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
    """A booking checked in: its number now belongs to the ticket it gave (too)."""
    cursor = tx.execute(
        "UPDATE sms_numbers SET ticket_id = ? WHERE booking_id = ?",
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


def of_booking(db: Reader, booking_id: int) -> tuple[str, str] | None:
    """A booking's number and the language of its messages."""
    row = db.one("SELECT number, language FROM sms_numbers WHERE booking_id = ?", (booking_id,))
    return (row["number"], row["language"]) if row else None


@dataclass(frozen=True)
class BookedWithNumber:
    """An open booking with a number, whose slot starts before some time."""

    booking_id: int
    code: str
    service: str
    starts_at: datetime
    language: str


def bookings_starting_before(db: Reader, now: datetime, until: datetime) -> list[BookedWithNumber]:
    """The open (`booked`) bookings with a number whose slot starts in [now, until)."""
    rows = db.all(
        "SELECT b.id AS booking_id, b.code, b.service, b.starts_at, n.language "
        "FROM sms_numbers n JOIN bookings b ON b.id = n.booking_id "
        "WHERE b.status = 'booked' AND b.starts_at >= ? AND b.starts_at < ? ORDER BY b.id",
        (utc_text(now), utc_text(until)),
    )
    return [BookedWithNumber(**{**row, "starts_at": parse_utc(row["starts_at"])}) for row in rows]


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
    """The day's close: delete the numbers of every earlier day, overwriting their bytes. A
    number whose ticket's carry-over message is still to go keeps until it went."""
    tx.execute("PRAGMA secure_delete = ON")
    try:
        cursor = tx.execute(
            "DELETE FROM sms_numbers WHERE service_day < ? AND ticket_id IS NOT ("
            "SELECT ticket_id FROM sms_outbox WHERE ticket_id = sms_numbers.ticket_id "
            "AND kind = 'carried' AND status IN ('pending', 'handed'))",
            (day.isoformat(),),
        )
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
    booking_id: int | None = None,
) -> bool:
    """Put a message in the outbox unless one with this key is there; whether it was new."""
    cursor = tx.execute(
        "INSERT INTO sms_outbox (key, ticket_id, booking_id, kind, recipient, service_day, "
        "language, text, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (key) DO NOTHING",
        (key, ticket_id, booking_id, kind, recipient, day.isoformat(), language, text,
         utc_text(tx.now)),
    )  # fmt: skip
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
        "SELECT o.id, o.ticket_id, o.booking_id, o.kind, o.language, o.text, o.status, o.attempts, "
        "o.spool_digest, t.number AS ticket_number, t.status AS ticket_status, o.recipient, "
        "b.status AS booking_status FROM sms_outbox o "
        "LEFT JOIN tickets t ON t.id = o.ticket_id LEFT JOIN bookings b ON b.id = o.booking_id "
        "WHERE o.status = ? ORDER BY o.id",
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


def has_key(db: Reader, key: str) -> bool:
    return db.one("SELECT 1 AS found FROM sms_outbox WHERE key = ?", (key,)) is not None


def spent_on_number(db: Reader, number: str, day: date) -> int:
    """Messages handed for one number on a service day (through any of its tickets and
    bookings)."""
    row = db.one(
        "SELECT COALESCE(SUM(o.attempts), 0) AS spent FROM sms_outbox o "
        "WHERE o.service_day = ? AND o.id IN (SELECT o2.id FROM sms_outbox o2 "
        "JOIN sms_numbers n ON n.ticket_id = o2.ticket_id OR n.booking_id = o2.booking_id "
        "WHERE n.number = ?)",
        (day.isoformat(), number),
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


# ---- staff's phones ---------------------------------------------------------------------------


@dataclass(frozen=True)
class StaffPhone:
    username: str
    number: str
    sms_alerts: bool


def set_user_phone(tx: Transaction, username: str, number: str | None, alerts: bool) -> None:
    """A user's number and whether they get the alerts by SMS (None: no number any more)."""
    if number is None:
        tx.execute("PRAGMA secure_delete = ON")
        try:
            tx.execute("DELETE FROM user_phones WHERE username = ?", (username,))
        finally:
            tx.execute("PRAGMA secure_delete = OFF")
        return
    tx.execute(
        "INSERT INTO user_phones (username, number, sms_alerts, changed_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (username) DO UPDATE SET number = excluded.number, "
        "sms_alerts = excluded.sms_alerts, changed_at = excluded.changed_at",
        (username, number, int(alerts), utc_text(tx.now)),
    )


def user_phones(db: Reader) -> dict[str, StaffPhone]:
    rows = db.all("SELECT username, number, sms_alerts FROM user_phones ORDER BY username")
    return {
        row["username"]: StaffPhone(row["username"], row["number"], bool(row["sms_alerts"]))
        for row in rows
    }


def alerted_supervisors(db: Reader) -> list[str]:
    """The supervisors and admins, not disabled, with a number who chose the alerts by SMS."""
    rows = db.all(
        "SELECT p.username FROM user_phones p JOIN users u ON u.username = p.username "
        "WHERE p.sms_alerts = 1 AND u.disabled = 0 AND u.role IN ('supervisor', 'admin') "
        "ORDER BY p.username"
    )
    return [row["username"] for row in rows]


def phone_of_user(db: Reader, username: str) -> str | None:
    row = db.one("SELECT number FROM user_phones WHERE username = ?", (username,))
    return row["number"] if row else None
