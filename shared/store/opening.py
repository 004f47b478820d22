"""What a write transaction reads first, in the one statement that reads the head of the event
log: the facts the checks most writes start with ask for, and the queues' newest change (whether
the process's queues are current), so that they need no statement of their own while the
transaction has changed no row (`Transaction.opened`). Each is a statement of its own once the
transaction has changed something."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from shared.domain.booking import BookingStatus
from shared.domain.clock import utc_text

HALL = "SELECT n FROM hall_changes"  # estimate inputs' count of changes (migration m021)
QUEUE = "SELECT COALESCE(MAX(seq), 0) FROM queue_changes"  # the queues' newest change (m020)

# The earliest day or moment of each kind of row the day's housekeeping acts on (the rows of
# repository's WAITING_BEFORE, CARRIED_LAPSED, BOOKINGS_STARTED and BOOKED_DUE, whatever the
# day or moment): each an index's first entry.
HOUSEKEEPING = {
    "waiting_from": "SELECT MIN(queue_day) FROM tickets WHERE status = 'waiting'",
    "carried_until": (
        "SELECT MIN(carried_until) FROM tickets INDEXED BY tickets_carried WHERE status = 'carried'"
    ),
    "booked_from": (
        f"SELECT MIN(starts_at) FROM bookings WHERE status = '{BookingStatus.BOOKED}'"  # noqa: S608
    ),
    "booked_due_from": (
        "SELECT MIN(booked_for) FROM tickets INDEXED BY tickets_booked_waiting "
        "WHERE status = 'waiting' AND booked_for IS NOT NULL"
    ),
}

FIRST = {"hall": HALL, "queue_seq": QUEUE, **HOUSEKEEPING}


def columns(names: Iterable[str] = FIRST) -> str:
    """The SELECT list of some of `FIRST` (all of them by default), each under its name."""
    return ", ".join(f"({FIRST[name]}) AS {name}" for name in names)


COLUMNS = columns()


def housekeeping_due(earliest: dict[str, Any], day: date, moment: datetime) -> bool:
    """Whether the housekeeping's rows (their `HOUSEKEEPING` earliest: text, or None for no
    row) hold one for `day` and `moment`: a waiting ticket of an earlier day, a carried-over
    one valid until before `day`, a booking still open whose slot began before `moment`, a
    booked ticket waiting whose slot began by then."""
    today, now = day.isoformat(), utc_text(moment)
    return (
        _before(earliest["waiting_from"], today)
        or _before(earliest["carried_until"], today)
        or _before(earliest["booked_from"], now)
        or (earliest["booked_due_from"] is not None and earliest["booked_due_from"] <= now)
    )


def _before(value: str | None, bound: str) -> bool:
    return value is not None and value < bound
