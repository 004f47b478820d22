"""Carry-over and tunda giliran through the use cases, on a real SQLite station: carried by a
supervisor or by a service's `carry_over` at the day's close, checked in the next day at the
front, refused when never carried, lapsed or checked in twice; letting others go first; the
audit and the reports."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from shared.application import (
    audit,
    carryover,
    citizen_actions,
    desk_actions,
    housekeeping,
    ticket_issue,
    ticket_reads,
)
from shared.application.citizen_commands import Asked, CheckInCarried
from shared.application.reporting import reports
from shared.application.station import Station
from shared.application.ticket_printing import Issued
from shared.domain.clock import ManualClock
from shared.domain.config import Config
from shared.domain.errors import Conflict, InvalidRequest, NotCarried, NotFound, UnknownService
from shared.domain.events import (
    TicketCarriedOver,
    TicketCarryLapsed,
    TicketResumed,
    TicketSteppedBack,
)
from shared.domain.i18n import text
from shared.store import eventlog
from tests.helpers import BASE_CONFIG, make_config

TODAY = date(2026, 5, 20)  # a Wednesday


def check_in_carried(station: Station, typed: str, kiosk_id: str | None = None) -> Issued:
    """A carried ticket checked in at a kiosk, as the kiosk's route does it."""
    command = CheckInCarried.parse(Asked(typed, kiosk=kiosk_id), station.config)
    answer = citizen_actions.act(station, command)
    assert answer.view is not None and answer.print is not None
    return Issued(answer.view, answer.created, answer.print)


def carrying_config(tmp_path: Path, **overrides) -> Config:
    services_ = [dict(service) for service in BASE_CONFIG["services"]]
    services_[2]["carry_over"] = True  # lantas carries its waiting over at the day's close
    services_[1]["hours"] = {"open": "08:00", "close": "15:00", "days": ["mon", "fri"]}
    return make_config(tmp_path, services=services_, **overrides)


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return carrying_config(tmp_path)


@pytest.fixture(autouse=True)
def _citizens_come_a_minute_apart(monkeypatch: pytest.MonkeyPatch, clock: ManualClock) -> None:
    """Each ticket issued a minute after the one before (no two share an instant)."""
    issue_ticket = ticket_issue.issue_ticket

    def later(*args, **kwargs):
        clock.advance(minutes=1)
        return issue_ticket(*args, **kwargs)

    monkeypatch.setattr(ticket_issue, "issue_ticket", later)


def issue(station: Station, service: str) -> dict:
    return ticket_issue.issue_ticket(station, service, kiosk_id="kiosk-1").ticket


def next_morning(clock: ManualClock) -> None:
    clock.advance(days=1)


def events_of(station: Station, kind: type) -> list:
    with station.store.read() as db:
        return [
            item.event for item in eventlog.every_ticket_event(db) if isinstance(item.event, kind)
        ]


def said(error: pytest.ExceptionInfo, language: str = "id") -> str:
    """What a refusal tells the citizen or the officer, in `language`."""
    return text(error.value.message_key, language, **error.value.params)


def test_a_supervisor_carries_a_service_over_and_the_old_ticket_is_first_the_next_day(
    station: Station, clock: ManualClock
) -> None:
    first, second = issue(station, "lapor"), issue(station, "lapor")
    other = issue(station, "lantas")
    assert carryover.carry_over_waiting(station, reason="Server SINAR gangguan",
                                        service_ids=["lapor"], by="sari") == 2  # fmt: skip
    carried = ticket_reads.ticket_by_token(station, first["token"])
    assert (carried["status"], carried["carried_until"]) == ("carried", "2026-05-21")
    assert ticket_reads.ticket_by_token(station, other["token"])["status"] == "waiting"
    (event, _) = events_of(station, TicketCarriedOver)
    assert (event.by, event.reason, event.valid_until) == ("sari", "Server SINAR gangguan",
                                                           "2026-05-21")  # fmt: skip

    next_morning(clock)
    walk_in = issue(station, "lapor")
    later = check_in_carried(station, f"http://hall/t/{second['token']}", kiosk_id="kiosk-1")
    earlier = check_in_carried(station, first["token"], kiosk_id="kiosk-1")
    assert later.created and earlier.ticket["carried"] is True
    assert earlier.ticket["ahead"] == 0  # the carried keep their old order, before everyone
    assert ticket_reads.ticket_by_token(station, later.ticket["token"])["ahead"] == 1
    assert ticket_reads.ticket_by_token(station, walk_in["token"])["ahead"] == 2
    assert ticket_reads.ticket_by_token(station, first["token"])["status"] == "resumed"
    called = desk_actions.call_next(station, "loket-1", "budi")
    assert called.number == earlier.ticket["number"]
    (resumed, _) = events_of(station, TicketResumed)
    assert resumed.new_number == later.ticket["number"]
    assert audit.check_station(station).ok


def test_checking_in_twice_or_a_ticket_never_carried_is_refused_and_changes_nothing(
    station: Station, clock: ManualClock
) -> None:
    kept, dropped = issue(station, "lapor"), issue(station, "lapor")
    carryover.carry_over_tickets(station, [kept["number"]], reason="tutup", by="sari")
    next_morning(clock)
    check_in_carried(station, kept["token"])
    with station.store.read() as db:
        before = eventlog.last_row(db)
    with pytest.raises(NotCarried) as twice:
        check_in_carried(station, kept["token"])
    assert "sudah check-in" in said(twice, "id")
    with pytest.raises(NotCarried) as never:
        check_in_carried(station, dropped["token"])
    assert "tidak dilanjutkan" in said(never, "id")
    assert "20 Mei 2026" in said(never, "id")
    with pytest.raises(NotFound):
        check_in_carried(station, "no-such-token")
    with station.store.read() as db:
        assert eventlog.last_row(db) == before


def test_a_ticket_still_waiting_today_needs_no_check_in(station: Station) -> None:
    waiting = issue(station, "lapor")
    with pytest.raises(NotCarried) as refused:
        check_in_carried(station, waiting["token"])
    assert "masih ada dalam antrean" in said(refused, "id")


def test_a_carried_ticket_lapses_after_its_day_said_in_the_log(
    station: Station, clock: ManualClock
) -> None:
    ticket = issue(station, "lapor")
    carryover.carry_over_waiting(station, reason="tutup", by="sari")
    clock.advance(days=2)
    housekeeping.expire_past_days(station)
    assert ticket_reads.ticket_by_token(station, ticket["token"])["status"] == "expired"
    (lapsed,) = events_of(station, TicketCarryLapsed)
    assert lapsed.valid_until == "2026-05-21"
    with pytest.raises(NotCarried) as refused:
        check_in_carried(station, ticket["token"])
    assert "sudah lewat" in said(refused, "id")
    assert "21 May 2026" in said(refused, "en")


def test_the_day_close_carries_a_carry_over_service_and_expires_the_others(
    station: Station, clock: ManualClock
) -> None:
    lantas, lapor = issue(station, "lantas"), issue(station, "lapor")
    next_morning(clock)
    housekeeping.expire_past_days(station)
    assert ticket_reads.ticket_by_token(station, lapor["token"])["status"] == "expired"
    kept = ticket_reads.ticket_by_token(station, lantas["token"])
    assert (kept["status"], kept["carried_until"]) == ("carried", "2026-05-21")
    (event,) = events_of(station, TicketCarriedOver)
    assert (event.by, event.number) == ("config", lantas["number"])
    assert check_in_carried(station, lantas["token"]).ticket["carried"] is True


def test_a_service_open_on_some_days_is_valid_until_its_next_open_day(
    station: Station, clock: ManualClock
) -> None:
    clock.advance(days=2)  # Friday 09:00: surat is open
    ticket = issue(station, "surat")
    carryover.carry_over_waiting(station, reason="tutup", service_ids=["surat"], by="sari")
    assert ticket_reads.ticket_by_token(station, ticket["token"])["carried_until"] == "2026-05-25"


@pytest.mark.parametrize(
    "ask",
    [
        {"reason": ""},
        {"reason": "tutup", "service_ids": ["nope"]},
        {"reason": "tutup", "service_ids": "lapor"},
        {"reason": 5},
    ],
)
def test_a_bad_carry_over_is_refused_and_changes_nothing(station: Station, ask) -> None:
    waiting = issue(station, "lapor")
    with pytest.raises((InvalidRequest, UnknownService)) as refused:
        carryover.carry_over_waiting(station, by="sari", **ask)
    assert refused.value.status == 400
    assert ticket_reads.ticket_by_token(station, waiting["token"])["status"] == "waiting"


def test_carrying_over_no_services_carries_nobody(station: Station) -> None:
    waiting = issue(station, "lapor")
    assert carryover.carry_over_waiting(station, reason="tutup", service_ids=[]) == 0
    assert ticket_reads.ticket_by_token(station, waiting["token"])["status"] == "waiting"


def test_choosing_a_number_not_waiting_carries_none_of_the_chosen(station: Station) -> None:
    first, second = issue(station, "lapor"), issue(station, "lapor")
    desk_actions.call_next(station, "loket-1", "budi")  # the first is at the counter
    with pytest.raises(NotFound):
        carryover.carry_over_tickets(station, [second["number"], first["number"]],
                                     reason="tutup", by="sari")  # fmt: skip
    assert ticket_reads.ticket_by_token(station, second["token"])["status"] == "waiting"


def test_letting_others_go_first_moves_back_within_its_limit(station: Station) -> None:
    tickets = [issue(station, "lapor") for _ in range(6)]
    first = tickets[0]
    moved = citizen_actions.step_back(station, first["token"])
    view = ticket_reads.ticket_by_token(station, first["token"])
    assert view["ahead"] == 3 and view["step_back"] == {"places": 3, "left": 1}
    assert moved.step_backs == 1
    citizen_actions.step_back(station, first["token"])  # two places left behind it: the last
    assert ticket_reads.ticket_by_token(station, first["token"])["ahead"] == 5
    citizen_actions.step_back(station, tickets[1]["token"])
    citizen_actions.step_back(station, tickets[1]["token"])
    with pytest.raises(Conflict) as limit:
        citizen_actions.step_back(station, tickets[1]["token"])
    assert "sudah ditunda 2 kali" in said(limit, "id")
    events = events_of(station, TicketSteppedBack)
    assert [event.places for event in events[:2]] == [3, 2]
    assert audit.check_station(station).ok


def test_the_last_in_line_or_a_ticket_not_waiting_cannot_step_back(station: Station) -> None:
    first, last = issue(station, "lapor"), issue(station, "lapor")
    with pytest.raises(Conflict) as alone:
        citizen_actions.step_back(station, last["token"])
    assert "Tidak ada yang menunggu" in said(alone, "id")
    desk_actions.call_next(station, "loket-1", "budi")
    with pytest.raises(Conflict) as called:
        citizen_actions.step_back(station, first["token"])
    assert "tidak sedang menunggu" in said(called, "id")
    assert "not waiting" in said(called, "en")


def test_an_officer_moves_a_citizen_back_at_the_counter(station: Station) -> None:
    first, second = issue(station, "lapor"), issue(station, "lapor")
    desk_actions.step_back(station, "loket-1", first["number"], "budi")
    assert desk_actions.call_next(station, "loket-1", "budi").number == second["number"]
    (event,) = events_of(station, TicketSteppedBack)
    assert event.counter == "loket-1"


def test_reports_count_carry_overs_check_ins_lapses_and_step_backs(
    station: Station, clock: ManualClock
) -> None:
    tickets = [issue(station, "lapor") for _ in range(4)]
    walk_ins_tomorrow = 2
    citizen_actions.step_back(station, tickets[2]["token"])
    carryover.carry_over_waiting(station, reason="tutup", by="sari")
    next_morning(clock)
    for _ in range(walk_ins_tomorrow):
        issue(station, "lapor")
    check_in_carried(station, tickets[0]["token"])
    check_in_carried(station, tickets[1]["token"])
    desk_actions.call_next(station, "loket-1", "budi")
    clock.advance(days=1)
    housekeeping.expire_past_days(station)
    period = reports.Period(TODAY, TODAY + timedelta(days=2))
    report = reports.build_report(reports.station_source(station), period, "en")
    totals = report["totals"]
    assert (totals["carried_over"], totals["carried_in"], totals["carry_lapsed"]) == (4, 2, 2)
    assert totals["stepped_back"] == 1
    assert report["fairness"]["by_kind"]["carried"] == 1
    (call,) = [row for row in report["fairness"]["calls"] if row["kind"] == "carried"]
    assert call["passed_over"] == walk_ins_tomorrow
    assert audit.check_station(station).ok


def test_a_booked_citizen_who_let_others_go_first_is_not_sent_back_to_the_front(
    tmp_path: Path, clock: ManualClock
) -> None:
    from satupintu.app import open_station
    from shared.application import bookings
    from tests.test_bookings import booking_config

    station = open_station(booking_config(tmp_path), clock=clock)
    try:
        booked = bookings.make_booking(station, "lapor", "2026-05-20T09:30+08:00")
        clock.advance(minutes=1)
        mine = bookings.check_in(station, booked.code).ticket  # early: waits as a walk-in
        walk_ins = [issue(station, "lapor") for _ in range(2)]
        citizen_actions.step_back(station, mine["token"])
        clock.advance(minutes=30)  # its slot has begun
        issue(station, "lapor")
        assert ticket_reads.ticket_by_token(station, mine["token"])["ahead"] == len(walk_ins)
    finally:
        station.store.close()


def test_a_lanjutan_ticket_keeps_the_need_of_the_carried_one(
    station: Station, clock: ManualClock
) -> None:
    deaf = ticket_issue.issue_ticket(station, "lapor", kiosk_id="kiosk-1", need="deaf").ticket
    carryover.carry_over_waiting(
        station, reason="Server gangguan", service_ids=["lapor"], by="sari"
    )
    next_morning(clock)
    resumed = check_in_carried(station, deaf["token"], kiosk_id="kiosk-1")
    assert resumed.ticket["need"] == "deaf"
    assert audit.check_station(station).ok
