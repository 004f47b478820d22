"""Pure queue rules: ticket states and moves, numbering, service days, opening hours, who is next.

Nothing here touches Flask, SQL or sockets, and nothing reads the clock: "now" is passed in.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import NamedTuple
from zoneinfo import ZoneInfo

from shared.domain.config import WEEKDAYS, CallPolicy, Service
from shared.domain.errors import Conflict, NumberNotInStatus


class Status(StrEnum):
    WAITING = "waiting"
    CALLED = "called"
    DONE = "done"
    NO_SHOW = "no_show"
    EXPIRED = "expired"
    CANCELLED = "cancelled"
    CARRIED = "carried"  # carried over: a place at the front of its next open day, not yet taken
    RESUMED = "resumed"  # a carried ticket checked in: its place went to the ticket it gave


class Move(StrEnum):
    """What can happen to a ticket after its issue; ALLOWED_MOVES says from which status."""

    CALL = "call"
    RECALL = "recall"
    FINISH = "finish"
    NO_SHOW = "no_show"
    TRANSFER = "transfer"
    RETURN = "return"  # back to the front of its queue: the officer left before serving
    PRIORITIZE = "prioritize"  # an officer gives a waiting ticket priority
    EXPIRE = "expire"
    REQUEUE = "requeue"
    CANCEL = "cancel"  # the citizen gives up their number
    BOOKING_DUE = "booking_due"  # a booking checked in early: its slot began, to the front
    CARRY_OVER = "carry_over"  # cannot be served today: kept for its service's next open day
    RESUME = "resume"  # a carried ticket checked in at the kiosk on its day
    LAPSE = "lapse"  # a carried ticket's day passed with nobody come
    STEP_BACK = "step_back"  # the citizen lets a few others go first (tunda giliran)


class CounterState(StrEnum):
    OPEN = "open"
    BREAK = "break"
    CLOSED = "closed"


# The whole lifecycle of a ticket: (status, move) -> the status it reaches. A ticket is issued
# `waiting`; every other change is one of these moves, recorded by the event that declares it.
ALLOWED_MOVES: dict[tuple[Status, Move], Status] = {
    (Status.WAITING, Move.CALL): Status.CALLED,
    (Status.WAITING, Move.PRIORITIZE): Status.WAITING,
    (Status.WAITING, Move.EXPIRE): Status.EXPIRED,
    (Status.WAITING, Move.CANCEL): Status.CANCELLED,
    (Status.WAITING, Move.BOOKING_DUE): Status.WAITING,
    (Status.WAITING, Move.CARRY_OVER): Status.CARRIED,
    (Status.WAITING, Move.STEP_BACK): Status.WAITING,
    (Status.CARRIED, Move.RESUME): Status.RESUMED,
    (Status.CARRIED, Move.LAPSE): Status.EXPIRED,
    (Status.CALLED, Move.RECALL): Status.CALLED,
    (Status.CALLED, Move.FINISH): Status.DONE,
    (Status.CALLED, Move.NO_SHOW): Status.NO_SHOW,
    (Status.CALLED, Move.TRANSFER): Status.WAITING,
    (Status.CALLED, Move.RETURN): Status.WAITING,
    (Status.NO_SHOW, Move.REQUEUE): Status.WAITING,
}

# Each move leads to one status, whatever it starts from.
STATUS_AFTER: dict[Move, Status] = {move: status for (_, move), status in ALLOWED_MOVES.items()}

# The moves that change who waits in a queue, or in what order: they start or end waiting.
QUEUE_MOVES = frozenset(
    move for (before, move), after in ALLOWED_MOVES.items() if Status.WAITING in (before, after)
)

# The moves that end a call at its counter: the citizen served, absent, sent to another
# service, or back in line because the officer left.
ENDS_A_CALL = frozenset(
    move
    for (before, move), after in ALLOWED_MOVES.items()
    if before == Status.CALLED and after != Status.CALLED
)


# How a refused move is answered to the person who asked for it, by move (the contract's code
# and the message they see); any other refused move is a conflict, move_not_allowed.
REFUSAL: dict[Move, tuple[type[Conflict], str]] = {
    Move.CALL: (NumberNotInStatus, "error.number_not_waiting"),
    Move.PRIORITIZE: (NumberNotInStatus, "error.number_not_waiting"),
    Move.REQUEUE: (NumberNotInStatus, "error.number_not_no_show"),
    Move.CANCEL: (Conflict, "error.cancel_not_waiting"),
    Move.CARRY_OVER: (NumberNotInStatus, "error.number_not_waiting"),
    Move.STEP_BACK: (Conflict, "error.step_back_not_waiting"),
}
NOT_ALLOWED = (Conflict, "error.move_not_allowed")


def transition(status: Status | str, move: Move, number: str = "") -> Status:
    """The status a ticket (`number`, for the message) reaches by `move`, or the move's
    refusal (REFUSAL) if the move is not allowed from here."""
    try:
        return ALLOWED_MOVES[(Status(status), move)]
    except (KeyError, ValueError):
        kind, message = REFUSAL.get(move, NOT_ALLOWED)
        raise kind(message, move=move.value, status=str(status), number=number) from None


def format_number(prefix: str, sequence: int) -> str:
    """The printed ticket number: prefix, hyphen and an at-least-3-digit daily sequence."""
    return f"{prefix}-{sequence:03d}"


def service_day(instant: datetime, zone: ZoneInfo, day_starts_at: time) -> date:
    """The station's service day for an instant: the local date, minus one before day_starts_at."""
    local = instant.astimezone(zone)
    day = local.date()
    return day - timedelta(days=1) if local.time() < day_starts_at else day


def service_day_bounds(day: date, zone: ZoneInfo, day_starts_at: time) -> tuple[datetime, datetime]:
    """The local start (inclusive) and end (exclusive) of a service day, timezone-aware."""
    start = datetime.combine(day, day_starts_at, tzinfo=zone)
    end = datetime.combine(day + timedelta(days=1), day_starts_at, tzinfo=zone)
    return start, end


@dataclass(frozen=True)
class Availability:
    """Whether a service takes new tickets now, and if not, why and when it opens."""

    open: bool
    reason: str | None = None
    opens_at: datetime | None = None


def availability(
    service: Service, now_local: datetime, issued_today: int, next_day_start: datetime
) -> Availability:
    """Opening hours and the daily quota decide whether a kiosk may issue a ticket now."""
    if service.daily_quota is not None and issued_today >= service.daily_quota:
        return Availability(False, "quota", first_opening(service, next_day_start))
    if within_hours(service, now_local):
        return Availability(True)
    return Availability(False, "hours", first_opening(service, now_local))


def within_hours(service: Service, moment: datetime) -> bool:
    """Whether a local moment falls inside the service's opening hours (always, without hours)."""
    hours = service.hours
    if hours is None:
        return True
    clock = moment.time().replace(tzinfo=None)
    if hours.open < hours.close:
        return WEEKDAYS[moment.weekday()] in hours.days and hours.open <= clock < hours.close
    # Hours that run past midnight belong to the day they opened on.
    if clock >= hours.open:
        return WEEKDAYS[moment.weekday()] in hours.days
    previous = (moment - timedelta(days=1)).weekday()
    return clock < hours.close and WEEKDAYS[previous] in hours.days


def first_opening(service: Service, moment: datetime) -> datetime | None:
    """The first local moment from `moment` on at which the service is open."""
    if within_hours(service, moment):
        return moment
    hours = service.hours
    assert hours is not None
    for offset in range(8):
        day = moment.date() + timedelta(days=offset)
        opening = datetime.combine(day, hours.open, tzinfo=moment.tzinfo)
        if WEEKDAYS[day.weekday()] in hours.days and opening >= moment:
            return opening
    return None


class QueueItem(NamedTuple):
    """What the call-next rule needs to know about a waiting ticket.

    `issued_at` is the ticket's place in the queue: its issue time, kept through transfers,
    or earlier than everyone's when an officer sends it to the front. Items compare by
    (issued_at, id): oldest first, ties to the ticket issued first.
    """

    issued_at: datetime
    id: int
    service: str
    priority: bool
    need: str | None = None  # routed to a skilled officer's counter (`needs.route`)


def overdue_cutoff(policy: CallPolicy, now: datetime) -> datetime | None:
    """Tickets issued at or before this instant have waited too long (None: no such guard)."""
    return now - timedelta(minutes=policy.max_wait_minutes) if policy.max_wait_minutes else None


def call_order(
    waiting: Sequence[QueueItem],
    policy: CallPolicy,
    now: datetime,
    regulars_since_priority: int | None,
) -> Iterator[QueueItem]:
    """Yield waiting tickets in the order they would be called: the one rule for "who is next".

    Anyone waiting `max_wait_minutes` or longer goes first, oldest first. Otherwise
    `priority_first` takes priority tickets before regular ones, and `interleave` takes one
    priority ticket after every `interleave_every` regular calls. Ties go to the oldest issue
    time (a transferred ticket keeps its original one). `regulars_since_priority` counts the
    regular calls since the last priority call; None means no priority call yet today.
    """
    priority = sorted(item for item in waiting if item.priority)
    regular = sorted(item for item in waiting if not item.priority)
    overdue_before = overdue_cutoff(policy, now)
    streak = policy.interleave_every if regulars_since_priority is None else regulars_since_priority
    p = r = 0
    while p < len(priority) or r < len(regular):
        head_p = priority[p] if p < len(priority) else None
        head_r = regular[r] if r < len(regular) else None
        overdue = [
            head
            for head in (head_p, head_r)
            if head is not None and overdue_before is not None and head.issued_at <= overdue_before
        ]
        if overdue:
            chosen = min(overdue)
        elif head_p is not None and (
            head_r is None or policy.mode == "priority_first" or streak >= policy.interleave_every
        ):
            chosen = head_p
        else:
            chosen = head_r
        assert chosen is not None
        if chosen is head_p:
            p += 1
            streak = 0
        else:
            r += 1
            streak += 1
        yield chosen


def next_in_line(
    waiting: Sequence[QueueItem],
    policy: CallPolicy,
    now: datetime,
    regulars_since_priority: int | None,
) -> QueueItem | None:
    """The ticket a counter calls next, or None when nobody waits.

    The first choice of `call_order` looks only at the oldest priority and the oldest regular
    ticket, so `waiting` may hold just those two heads.
    """
    return next(call_order(waiting, policy, now, regulars_since_priority), None)


@dataclass(frozen=True)
class QueueCounts:
    """Where one waiting ticket stands in its service's queue, as counts a database can give.

    Overdue tickets are those issued at or before `overdue_cutoff`; the other counts are of
    tickets that are not overdue. `*_older` counts tickets of the ticket's own part (overdue,
    priority or regular) that were issued before it.
    """

    priority: bool
    overdue: bool
    older_in_part: int
    overdue_total: int
    overdue_priority: int
    overdue_regular_after_last_priority: int
    priority_total: int
    regular_total: int


def ahead_of(counts: QueueCounts, policy: CallPolicy, regulars_since_priority: int | None) -> int:
    """How many tickets `call_order` puts before this one, computed from counts alone.

    The call order is: every overdue ticket, oldest first; then the priority and regular
    streams merged by the policy. tests/test_queue_position.py checks this against
    `call_order` on random queues.
    """
    if counts.overdue:
        return counts.older_in_part
    ahead = counts.overdue_total
    if policy.mode == "priority_first":
        if counts.priority:
            return ahead + counts.older_in_part
        return ahead + counts.priority_total + counts.older_in_part
    every = policy.interleave_every
    streak = every if regulars_since_priority is None else regulars_since_priority
    if counts.overdue_priority:
        streak = counts.overdue_regular_after_last_priority
    else:
        streak += counts.overdue_total
    regulars_first = max(0, every - streak)  # regular calls before the first priority slot
    if counts.priority:
        regulars_before = min(counts.regular_total, regulars_first + counts.older_in_part * every)
        return ahead + counts.older_in_part + regulars_before
    index = counts.older_in_part
    priorities_before = 0 if index < regulars_first else 1 + (index - regulars_first) // every
    return ahead + index + min(counts.priority_total, priorities_before)


def regular_streak(recent_calls_newest_first: Sequence[bool]) -> int | None:
    """Regular calls since the last priority call, from recent calls' priority flags."""
    for count, was_priority in enumerate(recent_calls_newest_first):
        if was_priority:
            return count
    return None


def may_requeue(finished_at: datetime, now: datetime, window_minutes: int) -> bool:
    """A no-show may go back in the queue within the configured window after it was marked."""
    return window_minutes > 0 and now - finished_at <= timedelta(minutes=window_minutes)
