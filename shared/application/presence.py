"""Who is at each counter now: a console says so when it opens a counter and every minute
after; it stops counting when the console leaves, disconnects or falls silent (a closed lid,
a killed browser). Each change is announced as `counter.presence` (the counter's id only:
consoles and the dashboard reload; names stay with staff). A call at a counter nobody attends
leaves the board after a while (`unattended`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from shared.application.station import Station
from shared.domain.clock import parse_utc, utc_text
from shared.store.store import Reader

HEARTBEAT_SECONDS = 60
FRESH = timedelta(seconds=2.5 * HEARTBEAT_SECONDS)


@dataclass(frozen=True)
class Attendance:
    username: str
    since: datetime


def attend(station: Station, connection: str, counter_id: str, username: str) -> bool:
    """`username`'s console on `connection` is at `counter_id` (again, or from now); whether
    that is news (not a heartbeat)."""
    now = station.now()
    with station.store.write(username, now, durable=False) as tx:
        tx.execute("DELETE FROM presence WHERE seen_at < ?", (utc_text(now - 2 * FRESH),))
        before = tx.one(
            "SELECT counter_id, username FROM presence WHERE connection = ? AND seen_at >= ?",
            (connection, utc_text(now - FRESH)),
        )
        tx.execute(
            "INSERT INTO presence (connection, counter_id, username, since, seen_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (connection) DO UPDATE SET "
            "since = CASE WHEN counter_id = excluded.counter_id AND username = excluded.username "
            "THEN since ELSE excluded.since END, "
            "counter_id = excluded.counter_id, username = excluded.username, "
            "seen_at = excluded.seen_at",
            (connection, counter_id, username, utc_text(now), utc_text(now)),
        )
    return before != {"counter_id": counter_id, "username": username}


def leave(station: Station, connection: str) -> str | None:
    """The console on `connection` is at no counter any more; the counter it was at."""
    with station.store.write("system", station.now(), durable=False) as tx:
        row = tx.one("SELECT counter_id FROM presence WHERE connection = ?", (connection,))
        tx.execute("DELETE FROM presence WHERE connection = ?", (connection,))
    return row["counter_id"] if row else None


def at_counters(db: Reader, now: datetime) -> dict[str, list[Attendance]]:
    """Per counter id, the officers whose consoles are there now, longest present first."""
    present: dict[str, dict[str, datetime]] = {}
    for row in db.all(
        "SELECT counter_id, username, since FROM presence WHERE seen_at >= ? ORDER BY since",
        (utc_text(now - FRESH),),
    ):
        present.setdefault(row["counter_id"], {}).setdefault(
            row["username"], parse_utc(row["since"])
        )
    return {
        counter: [Attendance(user, since) for user, since in users.items()]
        for counter, users in present.items()
    }


def unattended(called_at: datetime, attending: list[Attendance], now: datetime, after: int) -> bool:
    """Whether a call has been left alone: no console at its counter, and made more than
    `after` minutes ago. The board stops showing it as served; the ticket stays as it is."""
    return not attending and now - called_at > timedelta(minutes=after)
