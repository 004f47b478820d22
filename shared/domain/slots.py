"""Pure booking rules: which slots a service day has, which may be booked, check-in windows,
and where a checked-in booking waits. No Flask, no SQL, no clock: "now" is passed in.

A slot is its start instant (UTC-aware). A service day's slots are the booking hours of that
day, local time; hours before `day_starts_at` belong to the next calendar date, as the
station's service day does.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from shared.domain.config import WEEKDAYS, Booking

# Letters and digits that cannot be mistaken for one another when read aloud or typed.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6
FRONT_OF_DAY = timedelta(days=1)  # a due booking's place: earlier than any walk-in of its day


class CheckIn(StrEnum):
    """Whether a booking may be checked in at an instant."""

    TOO_EARLY = "too_early"
    OPEN = "open"
    EXPIRED = "expired"


@dataclass(frozen=True)
class Slot:
    starts_at: datetime
    free: int


@dataclass(frozen=True)
class CitizenShare:
    """What citizens booking for themselves hold of a service day: per slot start and in all."""

    per_slot: Mapping[datetime, int]
    day: int


def citizen_slot_places(booking: Booking) -> int:
    """The places of each slot a citizen may book; the rest are kept for the counter."""
    return booking.per_slot - booking.kept_for_counter


def citizen_day_places(booking: Booking, day_places: int) -> int:
    """The places of a service day citizens may book themselves (rounded up)."""
    return -(-day_places * booking.citizen_day_percent // 100)


def _citizen_free(booking: Booking, start: datetime, day_places: int, share: CitizenShare) -> int:
    left_in_slot = citizen_slot_places(booking) - share.per_slot.get(start, 0)
    left_in_day = citizen_day_places(booking, day_places) - share.day
    return max(0, min(left_in_slot, left_in_day))


def _local(day: date, clock: time, zone: ZoneInfo, day_starts_at: time) -> datetime:
    """The instant a local clock time happens on a service day."""
    calendar = day if clock >= day_starts_at else day + timedelta(days=1)
    return datetime.combine(calendar, clock, tzinfo=zone)


def day_slots(booking: Booking, day: date, zone: ZoneInfo, day_starts_at: time) -> list[datetime]:
    """Every slot start of a service day, in order (none on a day the service is not booked)."""
    if WEEKDAYS[day.weekday()] not in booking.days:
        return []
    step = timedelta(minutes=booking.slot_minutes)
    starts: list[datetime] = []
    for first, last in booking.hours:
        start = _local(day, first, zone, day_starts_at)
        end = _local(day, last, zone, day_starts_at)
        if end <= start:  # a range that crosses the start of the service day
            end += timedelta(days=1)
        while start + step <= end:
            starts.append(start.astimezone(UTC))
            start += step
    return sorted(starts)


def bookable_days(today: date, booking: Booking) -> tuple[date, date]:
    """The first and last service day that may be booked: today up to `days_ahead` ahead."""
    return today, today + timedelta(days=booking.days_ahead)


def slots(
    booking: Booking,
    day: date,
    zone: ZoneInfo,
    day_starts_at: time,
    taken: Mapping[datetime, int],
    now: datetime,
    citizens: CitizenShare | None = None,
) -> list[Slot]:
    """The slots of a day still ahead of `now`, with their free places (`taken`: per start).
    Given what citizens hold (`citizens`), the places a citizen may still book themselves."""
    starts = day_slots(booking, day, zone, day_starts_at)
    day_places = len(starts) * booking.per_slot
    found = []
    for start in starts:
        if start <= now:
            continue
        free = max(0, booking.per_slot - taken.get(start, 0))
        if citizens is not None:
            free = min(free, _citizen_free(booking, start, day_places, citizens))
        found.append(Slot(start, free))
    return found


class Refusal(StrEnum):
    """Why a slot cannot be booked."""

    NOT_A_SLOT = "not_a_slot"
    PAST = "past"
    TOO_FAR = "too_far"
    FULL = "full"


def refusal(
    booking: Booking,
    starts_at: datetime,
    zone: ZoneInfo,
    day_starts_at: time,
    day: date,
    today: date,
    taken: int,
    now: datetime,
    citizens: CitizenShare | None = None,
) -> Refusal | None:
    """Why `starts_at` (of service day `day`) cannot be booked now, or None: it can. Given what
    citizens hold (`citizens`), for a citizen booking for themselves."""
    if starts_at <= now:
        return Refusal.PAST
    first, last = bookable_days(today, booking)
    if not first <= day <= last:
        return Refusal.TOO_FAR if day > last else Refusal.PAST
    starts = day_slots(booking, day, zone, day_starts_at)
    if starts_at not in starts:
        return Refusal.NOT_A_SLOT
    if taken >= booking.per_slot:
        return Refusal.FULL
    if citizens is not None and not _citizen_free(
        booking, starts_at, len(starts) * booking.per_slot, citizens
    ):
        return Refusal.FULL
    return None


def check_in_opens(booking: Booking, starts_at: datetime) -> datetime:
    return starts_at - timedelta(minutes=booking.early_minutes)


def check_in_closes(booking: Booking, starts_at: datetime) -> datetime:
    return starts_at + timedelta(minutes=booking.late_minutes)


def check_in(booking: Booking, starts_at: datetime, now: datetime) -> CheckIn:
    """Too early before `early_minutes` ahead of the slot, expired after `late_minutes` past it."""
    if now < check_in_opens(booking, starts_at):
        return CheckIn.TOO_EARLY
    if now > check_in_closes(booking, starts_at):
        return CheckIn.EXPIRED
    return CheckIn.OPEN


def missed(bookings: Iterable[tuple[int, Booking, datetime]], now: datetime) -> list[int]:
    """The ids of open bookings whose check-in has closed by `now`."""
    return [ident for ident, booking, start in bookings if now > check_in_closes(booking, start)]


def front_place(starts_at: datetime) -> datetime:
    """A due booking's place in its queue: before every walk-in of the day, bookings among
    themselves by slot."""
    return starts_at - FRONT_OF_DAY


def queue_place(mode: str, starts_at: datetime, now: datetime) -> datetime:
    """Where a booking checked in at `now` waits.

    `first`: once its slot has begun, before every walk-in (`front_place`); checked in early,
    where a walk-in would, until the slot begins (`due_for_front`). `interleave`: it holds its
    place from the slot's start, between the walk-ins who came before and after it.
    """
    if mode == "first":
        return front_place(starts_at) if now >= starts_at else now
    return min(now, starts_at)


def due_for_front(mode: str, starts_at: datetime, queue_at: datetime, now: datetime) -> bool:
    """A booking checked in early whose slot has begun since: it goes to the front now."""
    return mode == "first" and now >= starts_at and queue_at > front_place(starts_at)


def new_code(chooser: object = secrets) -> str:
    """A short code to type at the kiosk: six letters and digits, as K7Q-4M2 (31^6 codes)."""
    letters = "".join(chooser.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))  # type: ignore[attr-defined]
    return f"{letters[:3]}-{letters[3:]}"


def normal_code(typed: str) -> str:
    """What a citizen or scanner typed, as the code is kept: upper case, one hyphen."""
    letters = "".join(ch for ch in typed.upper() if ch.isalnum())
    return f"{letters[:3]}-{letters[3:]}" if len(letters) == CODE_LENGTH else letters
