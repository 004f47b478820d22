"""Bookings through the use cases: book, cancel, check in, miss; the booked ticket's place."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from satupintu.app import open_station
from shared.application import (
    audit,
    bookings,
    desk_actions,
    desk_view,
    housekeeping,
    services,
    ticket_issue,
)
from shared.application.station import Station
from shared.domain.clock import ManualClock
from shared.domain.config import Config
from shared.domain.errors import (
    BookingExpired,
    Conflict,
    InvalidRequest,
    NotFound,
    RateLimited,
    SlotFull,
    TooEarly,
)
from shared.domain.events import BookingCheckedIn, BookingMade, BookingMissed
from shared.domain.ticket import LOGGED_FIELDS, replay
from shared.store import eventlog, repository
from tests.helpers import BASE_CONFIG, MORNING, make_config

BOOKING = {"hours": ["08:00-12:00"], "slot_minutes": 30, "per_slot": 2, "days_ahead": 3,
           "early_minutes": 30, "late_minutes": 15,
           "counter_places": 0, "citizen_day_percent": 100}  # fmt: skip
TOMORROW_0800 = "2026-05-21T08:00+08:00"
TODAY_1000 = "2026-05-20T10:00+08:00"


def booking_config(tmp_path: Path, **overrides) -> Config:
    services_ = [dict(service) for service in BASE_CONFIG["services"]]
    services_[0]["booking"] = BOOKING
    services_[1]["reference"] = "required"
    return make_config(tmp_path, services=services_, **overrides)


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return booking_config(tmp_path)


def test_slots_list_free_places_and_a_full_slot_shows_none(station: Station) -> None:
    bookings.make_booking(station, "lapor", TODAY_1000)
    bookings.make_booking(station, "lapor", TODAY_1000)
    listed = bookings.booking_slots(station, "lapor", "2026-05-20")
    free = {slot["starts_at"]: slot["free"] for slot in listed["slots"]}
    assert free["2026-05-20T10:00+08:00"] == 0
    assert "2026-05-20T09:00+08:00" not in free  # begun already (it is 09:00)
    assert free["2026-05-20T09:30+08:00"] == 2
    assert listed["last_date"] == "2026-05-23"
    with pytest.raises(SlotFull):
        bookings.make_booking(station, "lapor", TODAY_1000)


def test_a_cancelled_booking_frees_its_place(station: Station) -> None:
    first = bookings.make_booking(station, "lapor", TODAY_1000)
    bookings.make_booking(station, "lapor", TODAY_1000)
    bookings.cancel_booking(station, first.token)
    again = bookings.make_booking(station, "lapor", TODAY_1000)
    assert again.code != first.code
    with pytest.raises(Conflict):
        bookings.cancel_booking(station, first.token)


@pytest.mark.parametrize(
    "starts_at",
    ["2026-05-20T08:30+08:00", "2026-05-25T08:00+08:00", "2026-05-20T08:15+08:00", "yesterday",
     "2026-05-20T10:00+08:00" * 3, 5, None],
)  # fmt: skip
def test_past_far_odd_and_malformed_slots_are_invalid_and_change_nothing(station, starts_at):
    with station.store.read() as db:
        before = eventlog.last_row(db)
    with pytest.raises(InvalidRequest):
        bookings.make_booking(station, "lapor", starts_at)
    with station.store.read() as db:
        assert repository.bookings_of_day(db, MORNING.date()) == []
        assert eventlog.last_row(db) == before


def test_a_service_without_booking_cannot_be_booked(station: Station) -> None:
    with pytest.raises(InvalidRequest):
        bookings.make_booking(station, "lantas", TODAY_1000)


def test_check_in_gives_one_booked_ticket_however_often(station, clock) -> None:
    booking = bookings.make_booking(station, "lapor", TODAY_1000)
    with pytest.raises(TooEarly) as early:
        bookings.check_in(station, booking.code)
    assert early.value.details["opens_at"] == "2026-05-20T09:30+08:00"
    clock.advance(minutes=35)
    first = bookings.check_in(station, booking.code.lower().replace("-", " "))
    second = bookings.check_in(station, f"http://x/b/{booking.token}")
    assert first.created and not second.created
    assert first.ticket["id"] == second.ticket["id"]
    assert first.ticket["booked"] is True


def test_a_late_citizen_is_told_the_booking_expired_and_it_counts_as_missed(station, clock):
    booking = bookings.make_booking(station, "lapor", TODAY_1000)
    clock.advance(hours=1, minutes=16)
    with pytest.raises(BookingExpired):
        bookings.check_in(station, booking.code)
    with station.store.read() as db:  # missed at once, not only at the next housekeeping
        assert repository.booking_by_token(db, booking.token).status == "missed"
        assert eventlog.last_of_kind(db, BookingMissed) is not None


def test_unknown_codes_are_not_found(station) -> None:
    with pytest.raises(NotFound):
        bookings.check_in(station, "ZZZ-ZZZ")
    with pytest.raises(InvalidRequest):
        bookings.check_in(station, "")


def test_a_booked_ticket_whose_slot_began_is_called_before_walk_ins(station, clock) -> None:
    booking = bookings.make_booking(station, "lapor", TODAY_1000)
    clock.advance(minutes=40)  # 09:40: check in early
    ticket_issue.issue_ticket(station, "lapor")
    booked = bookings.check_in(station, booking.code).ticket
    walk_in = ticket_issue.issue_ticket(station, "lapor").ticket
    first = desk_actions.call_next(station, "loket-1", "budi")
    assert first.booked_for is None  # its slot has not begun: the walk-in before it goes first
    clock.advance(minutes=21)  # 10:01
    second = desk_actions.call_next(station, "loket-1", "budi")
    assert second.id == booked["id"]
    third = desk_actions.call_next(station, "loket-1", "budi")
    assert third.id == walk_in["id"]


def test_the_console_list_marks_a_booked_ticket_with_its_slot_and_reference(station, clock) -> None:
    booking = bookings.make_booking(station, "lapor", TODAY_1000, reference="SINAR-77")
    clock.advance(minutes=40)  # 09:40
    ticket_issue.issue_ticket(station, "lapor", reference="SKCK/2026/0042")
    bookings.check_in(station, booking.code)
    waiting = desk_view.counter_desk(station, station.config.counter_by_id["loket-1"])["waiting"]
    marks = [(row["number"], row["booked_for"], row["reference"]) for row in waiting]
    assert marks == [
        ("A-001", None, "SKCK/2026/0042"),
        ("A-002", "2026-05-20T10:00:00+08:00", "SINAR-77"),
    ]
    assert [row["booked"] for row in waiting] == [False, True]


def test_interleave_keeps_the_booking_at_its_slot_start(tmp_path, clock) -> None:
    config = booking_config(tmp_path, call_policy={"bookings": "interleave"})
    station = open_station(config, clock=clock)
    services.ensure_counters(station)
    booking = bookings.make_booking(station, "lapor", TODAY_1000)
    clock.advance(minutes=58)  # 09:58
    walk_in = ticket_issue.issue_ticket(station, "lapor").ticket
    clock.advance(minutes=5)  # 10:03
    booked = bookings.check_in(station, booking.code).ticket
    later = ticket_issue.issue_ticket(station, "lapor").ticket
    order = [desk_actions.call_next(station, "loket-1", "budi").id for _ in range(3)]
    assert order == [walk_in["id"], booked["id"], later["id"]]
    station.store.close()


def test_references_are_kept_as_given_and_required_where_the_service_says(station) -> None:
    with pytest.raises(InvalidRequest):
        ticket_issue.issue_ticket(station, "surat")
    with pytest.raises(InvalidRequest):
        ticket_issue.issue_ticket(station, "surat", reference="x" * 41)
    issued = ticket_issue.issue_ticket(station, "surat", reference=" SKCK/2026/0042 ")
    with station.store.read() as db:
        assert repository.get(db, issued.ticket["id"]).reference == " SKCK/2026/0042 "


def test_bookings_per_address_per_day_and_open_bookings_per_device_are_limited(
    tmp_path, clock
) -> None:
    config = booking_config(tmp_path, limits={"bookings_per_day": 2, "open_bookings_per_device": 1})
    station = open_station(config, clock=clock)

    def booker(device: str) -> repository.Booker:
        return repository.Booker(address="a1", network="n1", device=device)

    bookings.make_booking(station, "lapor", TOMORROW_0800, booker=booker("d1"))
    with pytest.raises(Conflict):
        bookings.make_booking(station, "lapor", TOMORROW_0800, booker=booker("d1"))
    bookings.make_booking(station, "lapor", TOMORROW_0800, booker=booker("d2"))
    with pytest.raises(RateLimited):
        bookings.make_booking(station, "lapor", TODAY_1000, booker=booker("d3"))
    bookings.make_booking(station, "lapor", TODAY_1000, actor="budi", booker=booker("d1"))
    station.store.close()


def test_the_log_folds_into_the_tickets_table_with_bookings_and_the_audit_holds(
    station, clock
) -> None:
    early = bookings.make_booking(station, "lapor", TODAY_1000)
    late = bookings.make_booking(station, "lapor", "2026-05-20T10:30+08:00", reference="SINAR-9")
    clock.advance(minutes=45)
    ticket_issue.issue_ticket(station, "lapor")
    bookings.check_in(station, early.code)
    clock.advance(minutes=30)  # 10:15: the early one is due, the other checks in on time
    bookings.check_in(station, late.code)
    desk_actions.call_next(station, "loket-1", "budi")
    with station.store.read() as db:
        folded = replay(eventlog.every_ticket_event(db))
        table = {ticket.id: ticket for ticket in repository.every_ticket(db)}
        assert eventlog.last_of_kind(db, BookingMade) is not None
        assert eventlog.last_of_kind(db, BookingCheckedIn) is not None
    assert {i: [getattr(t, f) for f in LOGGED_FIELDS] for i, t in folded.items()} == {
        i: [getattr(t, f) for f in LOGGED_FIELDS] for i, t in table.items()
    }
    assert any(ticket.reference == "SINAR-9" for ticket in table.values())
    assert audit.check_station(station).ok


def test_checked_in_early_then_slot_begins_moves_to_the_front_in_the_table(station, clock):
    booking = bookings.make_booking(station, "lapor", TODAY_1000)
    clock.advance(minutes=40)
    ticket = bookings.check_in(station, booking.code).ticket
    clock.advance(minutes=25)
    housekeeping.expire_past_days(station)
    with station.store.read() as db:
        moved = repository.get(db, ticket["id"])
    assert moved.queue_at == moved.booked_for - timedelta(days=1)
    assert ManualClock  # the clock fixture is a ManualClock
