"""Pure rules of carry-over and of letting others go first (tunda giliran).

A carried-over ticket is valid until its service's next open day after the day it waited in
(`valid_until`); checked in at the kiosk by then, it gives a "Lanjutan" ticket placed where the
carried ticket stood (`front_place`): before everyone who came since. A citizen who lets others
go first moves back a few places in their line (`stepped_back_place`). No Flask, no SQL, no
clock.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from shared.domain.config import WEEKDAYS, Service, StepBack
from shared.domain.errors import Conflict, NotCarried
from shared.domain.queue_rules import Status
from shared.domain.ticket import Ticket

LOOK_AHEAD_DAYS = 7  # opening days are weekdays: one of the next seven is open, or none is
PLACE_MARGIN = timedelta(microseconds=1)


def valid_until(service: Service | None, day: date) -> date:
    """The service's next open day after `day` (the next day for a service without hours, or
    one no longer configured)."""
    hours = service.hours if service else None
    for offset in range(1, LOOK_AHEAD_DAYS + 1):
        candidate = day + timedelta(days=offset)
        if hours is None or WEEKDAYS[candidate.weekday()] in hours.days:
            return candidate
    return day + timedelta(days=1)


def front_place(carried: Ticket) -> datetime:
    """Where the ticket a carried one gives waits: where the carried one stood, so before every
    ticket issued since, and carried tickets among themselves in their old order."""
    return carried.queue_at


def check_in_refusal(ticket: Ticket, today: date, new_number: str | None) -> NotCarried | None:
    """Why a paper ticket cannot be checked in today as a carried-over one (None: it can).

    `new_number` is the ticket its check-in gave, if it was checked in already."""
    valid = ticket.carried_until
    if ticket.status == Status.CARRIED and valid is not None and today <= valid:
        return None
    if ticket.status == Status.RESUMED:
        return NotCarried("error.carry_checked_in", number=ticket.number, new=new_number or "-")
    if valid is not None:
        return NotCarried("error.carry_lapsed", number=ticket.number, date=valid)
    if ticket.status in (Status.WAITING, Status.CALLED) and ticket.queue_day == today:
        return NotCarried("error.carry_still_today", number=ticket.number)
    return NotCarried("error.carry_not_carried", number=ticket.number, date=ticket.queue_day)


def step_back_refusal(ticket: Ticket, rules: StepBack) -> Conflict | None:
    """Why a waiting ticket may not let others go first now (None: it may)."""
    if rules.times == 0:
        return Conflict("error.step_back_off")
    if ticket.step_backs >= rules.times:
        return Conflict("error.step_back_limit", number=ticket.number, times=rules.times)
    return None


def stepped_back_place(behind: Sequence[datetime], places: int) -> datetime | None:
    """The new place of a ticket letting up to `places` others go first, given the places of
    the tickets behind it in its line, in order (the one after those it lets go too, if there
    is one): between the last one it lets go and the next. None when nobody is behind it.
    (Two tickets issued in the same microsecond have no place between them: it goes after.)"""
    if not behind:
        return None
    passed = min(places, len(behind))
    last = behind[passed - 1]
    if passed < len(behind) and behind[passed] - last > PLACE_MARGIN:
        return last + (behind[passed] - last) / 2
    return last + PLACE_MARGIN
