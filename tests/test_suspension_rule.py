"""The suspension's one table, tried move by move from both statuses, with no database: what a
suspend, a resume or a call leads to or why it is refused; the reason and expected time as typed;
the state folded from events; the outage added to a wait; the outages a report counts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from shared.domain import suspension
from shared.domain.clock import utc_text
from shared.domain.errors import Conflict, InvalidRequest, ServiceSuspended
from shared.domain.events import ServiceResumed, TicketIssued
from shared.domain.events import ServiceSuspended as Suspended
from shared.domain.suspension import (
    RULES,
    OutageLog,
    ServiceStatus,
    Suspension,
    SuspensionMove,
)

KUPANG = ZoneInfo("Asia/Makassar")
NINE = datetime(2026, 5, 20, 1, 0, tzinfo=UTC)  # 09:00 WITA
DOWN = Suspension("lapor", "Server SINAR gangguan", NINE, NINE + timedelta(hours=2))


def test_every_move_from_every_status_is_in_the_table() -> None:
    assert set(RULES) == {(status, move) for status in ServiceStatus for move in SuspensionMove}


@pytest.mark.parametrize(
    ("current", "move", "reached"),
    [
        (None, SuspensionMove.SUSPEND, ServiceStatus.SUSPENDED),
        (DOWN, SuspensionMove.SUSPEND, ServiceStatus.SUSPENDED),
        (DOWN, SuspensionMove.RESUME, ServiceStatus.RUNNING),
        (None, SuspensionMove.CALL, ServiceStatus.RUNNING),
    ],
)
def test_the_allowed_moves_reach_their_status(
    current: Suspension | None, move: SuspensionMove, reached: ServiceStatus
) -> None:
    assert suspension.decide(current, move, "Laporan") == reached


def test_resuming_a_running_service_is_refused_naming_it() -> None:
    with pytest.raises(Conflict) as refused:
        suspension.decide(None, SuspensionMove.RESUME, "Laporan")
    assert refused.value.message_key == "error.service_not_suspended"
    assert refused.value.params["service"] == "Laporan"


def test_calling_a_suspended_services_ticket_is_refused_with_the_reason() -> None:
    with pytest.raises(ServiceSuspended) as refused:
        suspension.check_callable({"lapor": DOWN}, "lapor", "A-007", name="Laporan")
    assert refused.value.code == "service_suspended"
    assert refused.value.params == {
        "service": "Laporan",
        "number": "A-007",
        "reason": "Server SINAR gangguan",
    }
    suspension.check_callable({"lapor": DOWN}, "surat", "B-001", name="Surat")  # another: fine


def test_suspending_again_keeps_when_the_suspension_began() -> None:
    later = NINE + timedelta(minutes=30)
    changed, event = suspension.suspend(DOWN, "lapor", "Masih gangguan", None, later, name="L")
    assert (changed.since, changed.until, changed.reason) == (NINE, None, "Masih gangguan")
    assert isinstance(event, Suspended) and event.since == utc_text(NINE)


def test_resume_records_when_the_suspension_began() -> None:
    event = suspension.resume(DOWN, "lapor", name="Laporan")
    assert event == ServiceResumed(service="lapor", since=utc_text(NINE))


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("11:30", datetime(2026, 5, 20, 11, 30, tzinfo=KUPANG)),
        ("2026-05-21T08:00", datetime(2026, 5, 21, 8, 0, tzinfo=KUPANG)),
        (None, None),
        ("", None),
    ],
)
def test_the_expected_resume_time_is_read_in_the_stations_zone(
    typed: str | None, expected: datetime | None
) -> None:
    assert suspension.checked_until(typed, NINE, KUPANG) == expected


@pytest.mark.parametrize(
    "typed", ["08:59", "09:00", "24:00", "soon", 1130, "2026-06-01T09:00", "x" * 50]
)
def test_an_expected_time_in_the_past_too_far_or_unreadable_is_refused(typed: object) -> None:
    with pytest.raises(InvalidRequest):
        suspension.checked_until(typed, NINE, KUPANG)


@pytest.mark.parametrize("reason", [None, "", "   ", 5, "x" * 121])
def test_a_missing_or_overlong_reason_is_refused(reason: object) -> None:
    with pytest.raises(InvalidRequest):
        suspension.checked_reason(reason)


def test_a_reason_is_kept_on_one_line() -> None:
    assert suspension.checked_reason("  Server SINAR\n gangguan ") == "Server SINAR gangguan"


def test_the_state_is_folded_from_the_events_in_log_order() -> None:
    events = [
        Suspended(service="lapor", reason="A", since=utc_text(NINE)),
        Suspended(service="surat", reason="B", since=utc_text(NINE)),
        ServiceResumed(service="lapor", since=utc_text(NINE)),
        TicketIssued(ticket_id=1, number="A-001", service="lapor", priority=False,
                     issued_at=utc_text(NINE), kiosk=None),
    ]  # fmt: skip
    assert suspension.fold(events) == {"surat": Suspension("surat", "B", NINE)}


@pytest.mark.parametrize(
    ("found", "now", "minutes"),
    [
        (DOWN, NINE, 120),
        (DOWN, NINE + timedelta(minutes=119, seconds=30), 1),
        (DOWN, NINE + timedelta(hours=3), 0),
        (Suspension("lapor", "x", NINE), NINE, 0),
        (None, NINE, 0),
    ],
)
def test_a_wait_includes_the_rest_of_the_expected_outage(
    found: Suspension | None, now: datetime, minutes: int
) -> None:
    assert suspension.outage_minutes(found, now) == minutes


def test_an_outage_counts_who_waited_and_how_long_within_the_window() -> None:
    outages = OutageLog()
    outages.record(NINE, Suspended(service="lapor", reason="SINAR", since=utc_text(NINE)),
                   {"lapor": [1, 2], "surat": [3]})  # fmt: skip
    outages.waits(4, "lapor")
    outages.waits(5, "surat")
    resumed = NINE + timedelta(minutes=45)
    outages.record(resumed, ServiceResumed(service="lapor", since=utc_text(NINE)), {})
    outages.waits(6, "lapor")  # after the resume: not counted
    [outage] = outages.outages()
    assert (outage.service, outage.reason, outage.waited) == ("lapor", "SINAR", {1, 2, 4})
    assert outage.minutes(NINE - timedelta(hours=1), NINE + timedelta(hours=8)) == 45
    assert outage.minutes(NINE + timedelta(minutes=30), NINE + timedelta(hours=8)) == 15


def test_an_outage_still_going_on_lasts_until_the_windows_end() -> None:
    outages = OutageLog()
    outages.record(NINE, Suspended(service="lapor", reason="SINAR", since=utc_text(NINE)), {})
    [outage] = outages.outages()
    assert outage.end is None
    assert outage.minutes(NINE, NINE + timedelta(minutes=10)) == 10
