"""The inputs of places and estimates a process keeps (`estimate_inputs`) never outlive a change:
made by another process on the same file, by a call, a finished ticket, a counter's break, a
suspension, a cancel, or over a change of day; and a ticket taken keeps them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from satupintu.app import open_station
from shared.application import (
    citizen_actions,
    desk_actions,
    positions,
    suspensions,
    ticket_issue,
    ticket_reads,
)
from shared.application.station import Station
from shared.application.users import Role, User
from shared.domain import estimates
from shared.domain.clock import ManualClock
from shared.store import repository

SUPERVISOR = User("sari", Role.SUPERVISOR)


@pytest.fixture
def other(station: Station, clock: ManualClock) -> Iterator[Station]:
    """Another process's station on the same database file."""
    there = open_station(station.config, clock=clock)
    yield there
    there.store.close()


def shown(station: Station, token: str) -> tuple[int | None, int | None, object]:
    view = ticket_reads.ticket_by_token(station, token)
    return view["ahead"], view["estimated_wait_minutes"], view["suspension"]


def kept_version(station: Station) -> int:
    with station.store.read() as db:
        return positions.inputs_of(station, db).version


def test_a_ticket_taken_keeps_the_inputs_and_the_next_view_reads_none_of_them(
    station: Station,
) -> None:
    ticket_issue.issue_ticket(station, "lantas")
    before = kept_version(station)
    issued = ticket_issue.issue_ticket(station, "lantas")
    assert kept_version(station) == before
    assert issued.ticket["ahead"] == 1


def test_a_call_and_a_finish_by_another_process_reach_this_ones_estimates(
    station: Station, other: Station, clock: ManualClock
) -> None:
    for _ in range(4):
        ticket_issue.issue_ticket(station, "lantas")  # loket-3 alone, standard 15 minutes
    last = ticket_issue.issue_ticket(station, "lantas").ticket
    assert shown(station, last["token"])[:2] == (4, 60)
    desk_actions.call_next(other, "loket-3", "budi")
    clock.advance(minutes=5)
    assert shown(station, last["token"])[:2] == (3, 55)  # serving since 5 minutes
    desk_actions.finish(other, "loket-3", "budi")
    with station.store.read() as db:
        learned = positions.inputs_of(station, db).service_minutes(db, "lantas", 15.0)
    assert learned == estimates.typical_minutes([5.0], 15.0)
    assert shown(station, last["token"]) == shown(other, last["token"])


def test_a_break_and_a_suspension_elsewhere_change_the_view_here(
    station: Station, other: Station
) -> None:
    ticket_issue.issue_ticket(station, "lantas")
    last = ticket_issue.issue_ticket(station, "lantas").ticket
    open_wait = shown(station, last["token"])[1]
    desk_actions.set_counter_state(other, "loket-3", "break", "budi")
    assert open_wait is not None
    on_break = shown(station, last["token"])[1]
    assert on_break is not None and on_break > open_wait
    suspensions.suspend(other, "lantas", "Server gangguan", None, SUPERVISOR)
    assert shown(station, last["token"])[2] is not None
    suspensions.resume(other, "lantas", SUPERVISOR)
    assert shown(station, last["token"])[2] is None


def test_a_cancel_and_a_skip_move_the_places_the_kept_inputs_are_used_with(
    station: Station, other: Station
) -> None:
    first, second, third = (ticket_issue.issue_ticket(station, "lapor").ticket for _ in range(3))
    citizen_actions.cancel(other, first["token"])
    assert shown(station, third["token"])[0] == 1
    desk_actions.call_next(other, "loket-1", "budi")
    desk_actions.no_show(other, "loket-1", "budi")
    assert shown(station, third["token"])[0] == 0
    assert shown(station, third["token"]) == shown(other, third["token"])
    assert second["number"] != third["number"]


def test_a_write_rolled_back_leaves_no_inputs_behind(station: Station) -> None:
    last = ticket_issue.issue_ticket(station, "lantas").ticket
    before = shown(station, last["token"])

    def break_then_fail() -> None:
        with station.store.write("budi", station.now()) as tx:
            tx.execute("UPDATE counters SET state = 'break' WHERE id = 'loket-3'")
            assert positions.inputs_of(station, tx).counters["loket-3"].state == "break"
            raise RuntimeError("rolled back")

    with pytest.raises(RuntimeError):
        break_then_fail()
    desk_actions.set_counter_state(station, "loket-1", "break", "budi")  # the same count again
    with station.store.read() as db:
        assert positions.inputs_of(station, db).counters == repository.counters(db)
    assert shown(station, last["token"]) == before  # loket-3 never went on break


def test_the_next_day_starts_from_the_inputs_as_they_are(
    station: Station, clock: ManualClock
) -> None:
    ticket_issue.issue_ticket(station, "lantas")
    desk_actions.call_next(station, "loket-3", "budi")
    clock.advance(hours=24)
    fresh = ticket_issue.issue_ticket(station, "lantas").ticket
    with station.store.read() as db:
        assert positions.inputs_of(station, db).counters == repository.counters(db)
    assert fresh["ahead"] == 0
    assert shown(station, fresh["token"])[:2] == (fresh["ahead"], fresh["estimated_wait_minutes"])


def test_a_new_tickets_view_from_its_write_is_the_view_a_read_gives(
    station: Station, other: Station, clock: ManualClock
) -> None:
    for service in ("lapor", "surat", "lantas", "lapor"):
        ticket_issue.issue_ticket(station, service)
    desk_actions.call_next(other, "loket-1", "budi")
    clock.advance(minutes=7)
    desk_actions.finish(other, "loket-1", "budi")
    desk_actions.set_counter_state(other, "loket-2", "break", "budi")
    for service in ("lapor", "surat", "lantas"):
        issued = ticket_issue.issue_ticket(station, service).ticket
        assert issued == ticket_reads.ticket_by_token(station, issued["token"])
        assert issued == ticket_reads.ticket_by_token(other, issued["token"])
