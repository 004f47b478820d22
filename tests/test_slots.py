"""Slot arithmetic, pure: the slots of a service day, what may be booked, check-in windows."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from shared.domain import slots
from shared.domain.clock import ManualClock
from shared.domain.config import Booking, ConfigError, parse_config
from tests.helpers import BASE_CONFIG, MORNING

KUPANG = ZoneInfo("Asia/Makassar")
JAKARTA = ZoneInfo("Asia/Jakarta")
RULES = Booking(hours=((time(8), time(10)), (time(13), time(14))), slot_minutes=30, per_slot=2,
                days_ahead=3, early_minutes=30, late_minutes=15)  # fmt: skip
DAY = date(2026, 5, 20)  # a Wednesday


def local(hour: int, minute: int = 0, day: date = DAY, zone: ZoneInfo = KUPANG) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=zone).astimezone(UTC)


def test_a_day_is_cut_into_slots_of_its_booking_hours_in_the_station_zone() -> None:
    starts = slots.day_slots(RULES, DAY, KUPANG, time(0))
    assert starts == [local(8), local(8, 30), local(9), local(9, 30), local(13), local(13, 30)]
    assert starts[0] == datetime(2026, 5, 20, 0, 0, tzinfo=UTC)  # 08:00 WITA is midnight UTC


def test_the_same_hours_fall_an_hour_later_in_utc_in_jakarta() -> None:
    assert slots.day_slots(RULES, DAY, JAKARTA, time(0))[0] == local(8, zone=JAKARTA)
    assert local(8, zone=JAKARTA) - local(8) == timedelta(hours=1)


def test_hours_before_the_day_starts_belong_to_the_next_calendar_date() -> None:
    night = Booking(hours=((time(1), time(2)),), slot_minutes=60)
    assert slots.day_slots(night, DAY, KUPANG, time(3)) == [local(1, day=DAY + timedelta(days=1))]
    assert slots.day_slots(night, DAY, KUPANG, time(0)) == [local(1)]


def test_a_slot_that_does_not_fit_before_the_hours_end_is_left_out() -> None:
    odd = Booking(hours=((time(8), time(9, 10)),), slot_minutes=20)
    assert slots.day_slots(odd, DAY, KUPANG, time(0))[-1] == local(8, 40)


def test_days_the_service_is_not_booked_have_no_slots() -> None:
    weekdays = Booking(hours=((time(8), time(9)),), days=("mon", "tue"))
    assert slots.day_slots(weekdays, DAY, KUPANG, time(0)) == []


def test_free_places_count_what_is_taken_and_past_slots_are_gone() -> None:
    clock = ManualClock(local(8, 10))
    found = slots.slots(RULES, DAY, KUPANG, time(0), {local(9): 2, local(9, 30): 1}, clock.now())
    assert [(slot.starts_at, slot.free) for slot in found] == [
        (local(8, 30), 2), (local(9), 0), (local(9, 30), 1), (local(13), 2), (local(13, 30), 2),
    ]  # fmt: skip


def refusal(starts_at: datetime, now: datetime, taken: int = 0, day: date = DAY):
    return slots.refusal(RULES, starts_at, KUPANG, time(0), day, slots_today(now), taken, now)


def slots_today(now: datetime) -> date:
    return now.astimezone(KUPANG).date()


def test_a_full_slot_is_refused_and_a_cancelled_place_frees_it() -> None:
    now = MORNING - timedelta(hours=2)  # 07:00 WITA
    assert refusal(local(9), now, taken=2) == slots.Refusal.FULL
    assert refusal(local(9), now, taken=1) is None  # one of the two cancelled


def test_past_slots_and_days_beyond_days_ahead_are_refused() -> None:
    clock = ManualClock(local(9, 5))
    assert refusal(local(9), clock.now()) == slots.Refusal.PAST
    later = DAY + timedelta(days=4)
    assert refusal(local(8, day=later), clock.now(), day=later) == slots.Refusal.TOO_FAR
    last = DAY + timedelta(days=3)
    assert refusal(local(8, day=last), clock.now(), day=last) is None
    assert refusal(local(8, 15), clock.now() - timedelta(hours=2)) == slots.Refusal.NOT_A_SLOT


def test_check_in_opens_early_minutes_before_and_closes_late_minutes_after() -> None:
    start = local(9)
    clock = ManualClock(start - timedelta(minutes=31))
    assert slots.check_in(RULES, start, clock.now()) == slots.CheckIn.TOO_EARLY
    clock.advance(minutes=1)
    assert slots.check_in(RULES, start, clock.now()) == slots.CheckIn.OPEN
    clock.set(start + timedelta(minutes=15))
    assert slots.check_in(RULES, start, clock.now()) == slots.CheckIn.OPEN
    clock.advance(seconds=1)
    assert slots.check_in(RULES, start, clock.now()) == slots.CheckIn.EXPIRED
    assert slots.missed([(7, RULES, start)], clock.now()) == [7]


def test_a_due_booking_waits_before_every_walk_in_of_its_day() -> None:
    start = local(9)
    assert slots.queue_place("first", start, start + timedelta(minutes=5)) < local(0, 0)
    early = start - timedelta(minutes=10)
    assert slots.queue_place("first", start, early) == early
    assert slots.due_for_front("first", start, early, start)
    assert not slots.due_for_front("first", start, slots.front_place(start), start)
    assert slots.queue_place("interleave", start, start + timedelta(minutes=5)) == start


def test_codes_are_short_and_typed_codes_are_read_loosely() -> None:
    code = slots.new_code()
    assert len(code) == 7 and code[3] == "-"
    assert not set(code) & set("01IOL")
    assert slots.normal_code(" k7q 4m2 ") == "K7Q-4M2"
    assert slots.normal_code("k7q-4m2") == "K7Q-4M2"


@pytest.mark.parametrize(
    ("booking", "message"),
    [
        ({"hours": ["08:00-12:00", "11:00-13:00"]}, "services[0].booking.hours: "),
        ({"hours": ["08:00-07:00"]}, "services[0].booking.hours[0]: "),
        ({"hours": ["8-12"]}, "services[0].booking.hours[0]: "),
        ({"hours": ["08:00-12:00"], "slot_minutes": 0}, "services[0].booking.slot_minutes: "),
        ({"hours": ["08:00-12:00"], "per_slot": 0}, "services[0].booking.per_slot: "),
        ({"hours": ["08:00-12:00"], "days_ahead": -1}, "services[0].booking.days_ahead: "),
        ({"hours": ["08:00-12:00"], "early_minutes": -5}, "services[0].booking.early_minutes: "),
        ({"hours": ["08:00-12:00"], "late_minutes": "x"}, "services[0].booking.late_minutes: "),
        ({"hours": ["08:00-12:00"], "slots": 3}, "services[0].booking.slots: unknown key"),
    ],
)
def test_a_bad_booking_config_fails_with_one_line_naming_the_key(booking, message) -> None:
    data = {**BASE_CONFIG, "services": [{**BASE_CONFIG["services"][0], "booking": booking},
                                        *BASE_CONFIG["services"][1:]]}  # fmt: skip
    with pytest.raises(ConfigError) as raised:
        parse_config(data)
    assert str(raised.value).startswith(message), str(raised.value)
    assert "\n" not in str(raised.value)


def test_reference_and_call_policy_bookings_and_bookings_per_day_are_checked() -> None:
    for key, value, where in (
        ("services", [{**BASE_CONFIG["services"][0], "reference": "always"}],
         "services[0].reference"),
        ("call_policy", {"bookings": "last"}, "call_policy.bookings"),
        ("limits", {"bookings_per_day": -1}, "limits.bookings_per_day"),
    ):  # fmt: skip
        with pytest.raises(ConfigError, match=rf"^{where.replace('[', '.').replace(']', '.')}"):
            parse_config({**BASE_CONFIG, key: value})
