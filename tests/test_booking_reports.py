"""Bookings in the report and the fairness review, from a scripted morning on a manual clock.

The morning, WITA (lapor books 30-minute slots, two places each, check-in from 30 minutes
before to 15 after):

    09:00  four bookings: two at 09:30, one at 10:00, one at 10:30
    09:05  the 10:30 booking is cancelled
    09:10  walk-in A-001
    09:20  the first 09:30 booking checks in, 10 minutes early: A-002
    09:35  the second checks in, 5 minutes late: A-003 (its slot began: before A-001)
    09:40  loket-1 calls A-002, A-003, then A-001; both booked tickets passed A-001
    10:16  the 10:00 booking's check-in has closed: missed
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from shared.application import bookings, desk_actions, housekeeping, ticket_issue
from shared.application.reporting import reports
from shared.application.reporting.export import to_csv
from shared.application.reporting.reports import Period
from shared.application.station import Station
from shared.domain.clock import ManualClock
from shared.domain.config import Config
from tests.test_bookings import booking_config

DAY = Period(date(2026, 5, 20), date(2026, 5, 20))


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return booking_config(tmp_path)


def scripted_morning(station: Station, clock: ManualClock) -> None:
    early, late, _ = (
        bookings.make_booking(station, "lapor", starts_at)
        for starts_at in ("2026-05-20T09:30+08:00",) * 2 + ("2026-05-20T10:00+08:00",)
    )
    cancelled = bookings.make_booking(station, "lapor", "2026-05-20T10:30+08:00")
    clock.advance(minutes=5)
    bookings.cancel_booking(station, cancelled.token)
    clock.advance(minutes=5)
    ticket_issue.issue_ticket(station, "lapor")
    clock.advance(minutes=10)
    bookings.check_in(station, early.code)
    clock.advance(minutes=15)
    bookings.check_in(station, late.code)
    clock.advance(minutes=5)
    for _ in range(3):
        desk_actions.call_next(station, "loket-1", "budi")
        desk_actions.finish(station, "loket-1", "budi")
    clock.advance(minutes=36)
    housekeeping.expire_past_days(station)


@pytest.fixture
def report(station: Station, clock: ManualClock) -> dict[str, Any]:
    scripted_morning(station, clock)
    return reports.build_report(reports.station_source(station), DAY, "en")


def test_bookings_made_cancelled_checked_in_and_missed_are_counted_per_service(report) -> None:
    (lapor,) = report["bookings"]  # the only service that takes bookings
    assert lapor == {
        "id": "lapor",
        "name": lapor["name"],
        "made": 4,
        "cancelled": 1,
        "checked_in": 2,
        "missed": 1,
        "avg_arrival_minutes": -2.5,  # (-10 + 5) / 2
        "on_time": 1,
        "on_time_pct": 50.0,
    }


def test_a_booked_ticket_called_before_earlier_walk_ins_is_listed_as_booking(report) -> None:
    calls = [
        (call["at"], call["number"], call["kind"], call["passed_numbers"])
        for call in report["fairness"]["calls"]
    ]
    assert calls == [
        ("2026-05-20T09:40:00+08:00", "A-002", "booking", ["A-001"]),
        ("2026-05-20T09:40:00+08:00", "A-003", "booking", ["A-001"]),
    ]
    assert report["fairness"]["by_kind"]["booking"] == 2


def test_the_bookings_table_carries_the_report_numbers(report) -> None:
    lines = to_csv(report, "bookings").splitlines()
    assert lines[0] == (
        "id,name,made,cancelled,checked_in,missed,avg_arrival_minutes,on_time,on_time_pct"
    )
    assert lines[1].startswith("lapor,") and lines[1].endswith(",4,1,2,1,-2.5,1,50.0")


def test_a_day_without_booking_steps_shows_zeros_and_no_punctuality(station) -> None:
    (lapor,) = reports.build_report(reports.station_source(station), DAY)["bookings"]
    assert (lapor["made"], lapor["avg_arrival_minutes"], lapor["on_time_pct"]) == (0, None, None)


def test_the_report_page_shows_the_bookings_table(app, client, auth, clock) -> None:
    scripted_morning(app.extensions["satupintu"], clock)
    auth.login("sari", "supervisor")
    page = client.get("/admin/reports?from=2026-05-20&lang=en").get_data(as_text=True)
    section = page.split('id="bookings"', 1)[1].split("</section>", 1)[0]
    assert "Bookings" in section and "On time" in section
    assert '<td class="num">-2.5</td>' in section and '<td class="num">50.0 %</td>' in section
