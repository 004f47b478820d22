"""A wall clock that jumps: the station keeps its own time, holds the day's change, says so on
the dashboard, and follows the wall clock again once it is put right or a supervisor confirms.
(The steady clock of `ManualClock` only moves with time passing; `step` is a jump.)"""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask.testing import FlaskClient

from satupintu.app import open_station
from shared.application import clock_trust, desk_actions, housekeeping, ticket_issue
from shared.application.station import Station
from shared.application.views import view_of
from shared.domain.clock import ManualClock
from shared.operations import health
from tests.conftest import Auth
from tests.helpers import MORNING


def issue(station: Station, service: str = "lapor") -> dict:
    return ticket_issue.issue_ticket(station, service).ticket


def test_a_clock_jumping_a_day_ahead_expires_nobody_and_numbers_go_on(
    station: Station, clock: ManualClock
) -> None:
    first = issue(station)
    clock.step(hours=26)
    second = issue(station)
    assert second["number"] == "A-002"  # still today's queue
    assert second["issued_at"] == "2026-05-20T09:00:00+08:00"  # the station's own time
    assert view_of(station, desk_actions.call_next(station, "loket-1", "budi"))["number"] == "A-001"
    assert station.time.jump is not None
    assert round(station.time.jump.off_by / timedelta(hours=1)) == 26
    assert first["status"] == "waiting"


def test_once_the_clock_is_put_right_times_follow_it_without_being_pinned(
    station: Station, clock: ManualClock
) -> None:
    issue(station)
    clock.step(hours=3)
    issue(station)
    clock.step(hours=-3)  # put right
    clock.advance(minutes=5)
    third = issue(station)
    assert station.time.jump is None
    assert third["issued_at"] == "2026-05-20T09:05:00+08:00"


def test_a_clock_stepping_back_keeps_the_queue_in_order(
    station: Station, clock: ManualClock
) -> None:
    issue(station)
    clock.advance(minutes=2)
    clock.step(hours=-5)
    later = issue(station)
    assert later["ahead"] == 1
    assert later["issued_at"] == "2026-05-20T09:02:00+08:00"


def test_a_supervisor_confirms_the_new_time_and_the_day_rolls_over(
    station: Station, clock: ManualClock
) -> None:
    issue(station)
    clock.step(hours=26)
    housekeeping.expire_past_days(station)
    assert issue(station)["number"] == "A-002"  # held: no rollover on a jump alone
    clock_trust.accept_clock(station, "sari")
    assert station.time.jump is None
    housekeeping.expire_past_days(station)
    fresh = issue(station)
    assert fresh["number"] == "A-001"  # the 21st's first ticket
    assert fresh["issued_at"].startswith("2026-05-21T11:00")


def test_another_process_follows_a_confirmation_it_finds_in_the_log(
    station: Station, clock: ManualClock
) -> None:
    issue(station)
    other = open_station(station.config, clock=clock)  # a second server process
    other.now()
    clock.step(hours=26)
    issue(station)
    other.now()
    assert other.time.jump is not None
    clock_trust.accept_clock(station, "sari")
    clock_trust.follow_accepted_clock(other)
    assert other.time.jump is None
    other.store.close()


def test_a_server_starting_with_its_clock_behind_the_log_holds_its_time(
    station: Station, clock: ManualClock
) -> None:
    issue(station)
    clock.step(days=-30)  # e.g. a dead clock battery after a power cut
    restarted = open_station(station.config, clock=clock)
    assert restarted.time.jump is not None
    assert restarted.now() >= MORNING
    restarted.store.close()


def test_the_dashboard_shows_the_jump_and_a_supervisor_confirms_it(
    client: FlaskClient, auth: Auth, clock: ManualClock
) -> None:
    auth.login("sari", "supervisor")
    assert client.get("/api/admin/dashboard").get_json()["clock"] is None
    clock.step(hours=2)
    shown = client.get("/api/admin/dashboard").get_json()["clock"]
    assert shown["off_minutes"] == 120
    assert shown["trusted"].startswith("2026-05-20T09:00")
    accepted = client.post("/api/admin/clock/accept")
    assert accepted.status_code == 200
    assert accepted.get_json()["clock"] is None
    assert client.post("/api/admin/clock/accept").status_code == 409


def test_a_jump_is_a_health_warning_until_a_supervisor_accepts_the_new_time(
    station: Station, clock: ManualClock
) -> None:
    assert health.run(station, ("clock",)).level == "ok"
    issue(station)
    clock.step(hours=3)
    issue(station)
    [notice] = health.run(station, ("clock",)).notices
    assert (notice.level, notice.message.params["minutes"]) == ("warning", 180)
    assert "180 minutes" in notice.message.text("en")
    clock_trust.accept_clock(station, "sari")
    assert health.run(station, ("clock",)).notices == []


def test_a_server_restarting_26_hours_fast_expires_nobody_until_its_clock_is_confirmed(
    station: Station, clock: ManualClock
) -> None:
    waiting = [issue(station), issue(station)]
    station.store.close()
    clock.step(hours=26)  # the server comes back with its clock a day and two hours fast
    restarted = open_station(station.config, clock=clock)
    housekeeping.expire_past_days(restarted)
    third = issue(restarted)
    assert third["number"] == "A-003"  # the same day's numbering goes on
    assert third["issued_at"].startswith("2026-05-20T09:00")
    assert [view_of(restarted, restarted_ticket(restarted, ticket))["status"]
            for ticket in waiting] == ["waiting", "waiting"]  # fmt: skip
    [notice] = health.run(restarted, ("clock",)).notices
    assert "not confirmed" in notice.message.text("en")
    clock.step(hours=-26)  # put right
    clock.advance(minutes=5)
    fourth = issue(restarted)
    assert restarted.time.jump is None
    assert (fourth["number"], fourth["issued_at"]) == ("A-004", "2026-05-20T09:05:00+08:00")
    assert desk_actions.call_next(restarted, "loket-1", "budi").number == "A-001"
    restarted.store.close()


def restarted_ticket(station: Station, view: dict):
    from shared.store import repository

    with station.store.read() as db:
        return repository.get(db, view["id"])


def test_a_restart_the_same_day_is_believed_at_once(station: Station, clock: ManualClock) -> None:
    issue(station)
    station.store.close()
    clock.step(hours=3)  # three hours without power, the same service day
    restarted = open_station(station.config, clock=clock)
    assert restarted.time.jump is None
    assert issue(restarted)["issued_at"].startswith("2026-05-20T12:00")
    restarted.store.close()


@pytest.mark.slow
def test_the_next_morning_the_first_officer_whose_device_agrees_confirms_the_clock(
    tmp_path, clock: ManualClock
) -> None:
    from satupintu.app import create_app
    from tests.helpers import make_config

    config = make_config(tmp_path)
    first = create_app(config, clock=clock)
    client = first.test_client()
    assert client.post("/api/tickets", json={"service": "lapor"}).status_code == 201
    first.extensions["satupintu"].store.close()
    clock.step(hours=23)  # restarted the next morning
    app = create_app(config, clock=clock)
    client = app.test_client()
    the_station = app.extensions["satupintu"]
    assert the_station.time.jump is not None and the_station.time.jump.at_start
    auth = Auth(app, client)
    auth.user("budi")
    wrong = str(int((clock.now() + timedelta(hours=5)).timestamp() * 1000))
    login = {"username": "budi", "password": "rahasia-123"}
    client.post("/api/login", json=login, headers={"X-Client-Clock": wrong})
    assert the_station.time.jump is not None  # a device that disagrees confirms nothing
    right = str(int(clock.now().timestamp() * 1000))
    client.post("/api/logout")
    login_again = client.post("/api/login", json=login, headers={"X-Client-Clock": right})
    assert login_again.status_code == 200
    assert the_station.time.jump is None
    clock.advance(hours=2)  # the session lasts from the confirmed time, not the held one
    assert client.get("/api/me").status_code == 200
    fresh = client.post("/api/tickets", json={"service": "lapor"}).get_json()["ticket"]
    assert (fresh["number"], fresh["issued_at"][:10]) == ("A-001", "2026-05-21")
    the_station.store.close()


def test_small_steps_of_the_clock_add_up_to_a_jump(station: Station, clock: ManualClock) -> None:
    issue(station)
    for _ in range(20):  # +100 s every 3 s: each step under the tolerance
        clock.step(seconds=100)
        clock.advance(seconds=3)
        station.now()
    assert station.time.jump is not None
    assert round(station.time.jump.off_by / timedelta(minutes=1)) == 33
    assert issue(station)["issued_at"] == "2026-05-20T09:01:00+08:00"
