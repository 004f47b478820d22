"""Folding the event log gives the tickets table: a property over generated days of a hall.

Hypothesis draws a day's worth of actions (issues, calls, out-of-turn calls, recalls, done,
no-shows, transfers, put-backs, breaks, bookings and check-ins, the clock moving, a day rolling
over); the station runs
them through its real use cases on a real SQLite file, refusals and all. Afterwards the
lifecycle's one reducer, folded over the log, must give every ticket row exactly.
"""

from __future__ import annotations

import tempfile
from contextlib import suppress
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from satupintu.app import open_station
from shared.application import audit, bookings, desk_actions, housekeeping, services, ticket_issue
from shared.application.station import Station
from shared.domain.clock import ManualClock
from shared.domain.errors import SatuPintuError
from shared.domain.queue_rules import Status
from shared.domain.ticket import LOGGED_FIELDS
from shared.store import eventlog, repository
from tests.helpers import BASE_CONFIG, MORNING, make_config
from tests.test_bookings import BOOKING

pytestmark = pytest.mark.slow

COUNTERS = ("loket-1", "loket-2", "loket-3")
SERVICES = ("lapor", "surat", "lantas")

# Weighted so that most actions succeed: tickets are issued and called often, and the
# numbers an action names are picked among the real ones when it runs (`pick`).
KINDS = (
    ["issue"] * 4
    + ["call_next"] * 4
    + ["finish"] * 2
    + ["no_show", "recall", "transfer", "transfer", "call", "requeue", "state", "wait", "wait"]
    + ["book", "book", "check_in", "check_in"]
    + ["next_day"]
)
action = st.tuples(
    st.sampled_from(KINDS),
    st.integers(0, 2),  # which counter (or service)
    st.integers(0, 9),  # which ticket among the candidates
    st.booleans(),  # priority, or a counter's break
)


def pick(station: Station, status: Status, index: int) -> str:
    """The number of the index-th ticket of today in a status (a made-up one if none)."""
    with station.store.read() as db:
        found = [
            ticket.number
            for ticket in repository.every_ticket(db)
            if ticket.status == status and ticket.service_day == station.today()
        ]
    return found[index % len(found)] if found else "A-999"


def slot(station: Station, days: int, index: int) -> str:
    """One of the next slots of the booked service (every 30 min) from now, `days` later."""
    now = station.local(station.now()) + timedelta(days=days)
    start = now.replace(minute=0, second=0, microsecond=0) + timedelta(minutes=30 * (index + 1))
    return start.isoformat()


def check_in_one(station: Station) -> None:
    """Check in today's open booking that starts first (none: nothing happens)."""
    with station.store.read() as db:
        found = [b for b in repository.bookings_of_day(db, station.today()) if b.status == "booked"]
    if found:
        bookings.check_in(station, min(found, key=lambda booking: booking.starts_at).code)


def run(station: Station, clock: ManualClock, step: tuple[str, int, int, bool]) -> None:
    kind, which, index, flag = step
    counter = COUNTERS[which]
    match kind:
        case "issue":
            ticket_issue.issue_ticket(station, SERVICES[which], priority=flag)
        case "call_next" | "recall" | "finish" | "no_show":
            getattr(desk_actions, kind)(station, counter, "budi")
        case "transfer":
            desk_actions.transfer(station, counter, SERVICES[(which + index) % 3], "budi")
        case "call":
            number = pick(station, Status.WAITING, index)
            desk_actions.call_number(station, counter, number, "lansia", "budi")
        case "requeue":
            desk_actions.requeue(station, counter, pick(station, Status.NO_SHOW, index), "budi")
        case "state":
            desk_actions.set_counter_state(
                station, counter, "break" if index < 3 else "open", "budi"
            )
        case "book":
            days = 1 if which == 2 else 0  # mostly today, so that many are checked in
            bookings.make_booking(station, "lapor", slot(station, days, index % 3), actor="budi")
        case "check_in":
            check_in_one(station)
        case "wait":
            clock.advance(minutes=5 * index + 1)
        case "next_day":
            clock.advance(days=1)
            housekeeping.expire_past_days(station)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=st.lists(action, min_size=10, max_size=60))
def test_folding_the_log_gives_the_tickets_table(steps: list[tuple[str, int, int, bool]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        clock = ManualClock(MORNING)
        offered = [dict(service) for service in BASE_CONFIG["services"]]
        offered[0]["booking"] = BOOKING
        station = open_station(make_config(Path(folder), services=offered), clock=clock)
        services.ensure_counters(station)
        for step in steps:
            with suppress(SatuPintuError):  # a refused action changes nothing: so must the fold
                run(station, clock, step)
        with station.store.read() as db:
            folded = audit.fold(eventlog.every_ticket_event(db))
            table = {ticket.id: ticket for ticket in repository.every_ticket(db)}
        station.store.close()
    assert folded.refused is None
    assert folded.tickets.keys() == table.keys()
    for ticket_id, ticket in table.items():
        rebuilt = folded.tickets[ticket_id]
        assert [getattr(rebuilt, name) for name in LOGGED_FIELDS] == [
            getattr(ticket, name) for name in LOGGED_FIELDS
        ]
        assert rebuilt.service_day == ticket.service_day
