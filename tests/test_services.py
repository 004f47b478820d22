"""The use cases on a real SQLite file with a hand-moved clock: the queue as a station lives it."""

from __future__ import annotations

import json
import random
import sqlite3
import threading
from collections.abc import Sequence
from datetime import UTC, datetime

import pytest

from satupintu.app import open_station
from shared.application import (
    board_view,
    desk_actions,
    hall_overview,
    housekeeping,
    positions,
    services,
    ticket_issue,
    ticket_reads,
)
from shared.application.station import Station
from shared.application.views import ticket_views, view_of
from shared.domain.clock import ManualClock
from shared.domain.config import parse_config
from shared.domain.errors import (
    Conflict,
    InvalidRequest,
    NotFound,
    QueueEmpty,
    ServiceClosed,
    UnknownService,
)
from shared.domain.events import Recorded
from shared.domain.i18n import text
from shared.domain.queue_rules import call_order
from shared.domain.ticket import Ticket
from shared.store import repository
from tests.helpers import make_config


class Published:
    """Collects what the store publishes after each commit."""

    def __init__(self) -> None:
        self.events: list[Recorded] = []

    def __call__(self, recorded: Sequence[Recorded]) -> None:
        self.events.extend(recorded)

    def names(self) -> list[str]:
        return [recorded.event.name for recorded in self.events]


@pytest.fixture
def published(station: Station) -> Published:
    collector = Published()
    station.store.publisher = collector
    return collector


def view(station: Station, ticket: Ticket | None) -> dict:
    """The ticket object T a citizen would see now."""
    return view_of(station, ticket)


def issue(station: Station, service: str = "lapor", **options: object) -> dict:
    return ticket_issue.issue_ticket(station, service, **options).ticket  # type: ignore[arg-type]


def test_numbers_count_up_per_service_from_001(station: Station) -> None:
    numbers = [issue(station, "lapor")["number"] for _ in range(3)]
    numbers.append(issue(station, "surat")["number"])
    assert numbers == ["A-001", "A-002", "A-003", "B-001"]


def test_an_issued_ticket_has_the_contract_fields_in_local_time(station: Station) -> None:
    ticket = issue(station)
    assert ticket["status"] == "waiting"
    assert ticket["issued_at"] == "2026-05-20T09:00:00+08:00"
    assert ticket["ahead"] == 0
    assert ticket["called_at"] is None
    assert ticket["status_url"] == f"/t/{ticket['token']}"
    assert len(ticket["token"]) >= 20
    assert ticket["number"] not in ticket["token"]


def test_ahead_and_the_estimate_grow_with_the_queue(station: Station) -> None:
    for _ in range(3):
        issue(station)
    fourth = issue(station)
    # Three ahead, the standard 15 minutes each, two idle counters serving "lapor": the first
    # two are called now, the third and the fourth after 15 minutes.
    assert fourth["ahead"] == 3
    assert fourth["estimated_wait_minutes"] == 15


def test_the_full_life_of_a_ticket(
    station: Station, clock: ManualClock, published: Published
) -> None:
    ticket = issue(station)
    clock.advance(minutes=5)
    called = view(station, desk_actions.call_next(station, "loket-1", "budi"))
    assert (called["number"], called["status"], called["counter"]) == ("A-001", "called", "loket-1")
    assert called["called_at"] == "2026-05-20T09:05:00+08:00"
    desk_actions.recall(station, "loket-1", "budi")
    clock.advance(minutes=7)
    done = view(station, desk_actions.finish(station, "loket-1", "budi"))
    assert done["status"] == "done"
    assert ticket_reads.ticket_by_token(station, ticket["token"])["status"] == "done"
    assert published.names() == [
        "ticket.issued", "queue.waiting",
        "ticket.called", "queue.waiting",
        "ticket.recalled",
        "ticket.done",
    ]  # fmt: skip


def test_board_events_carry_consecutive_seq_numbers(station: Station, published: Published) -> None:
    issue(station)
    issue(station, "surat")
    desk_actions.call_next(station, "loket-1", "budi")
    desk_actions.set_counter_state(station, "loket-2", "break", "ani")
    seqs = [recorded.seq for recorded in published.events]
    assert seqs == list(range(seqs[0], seqs[0] + len(seqs)))
    assert board_view.board_snapshot(station)["seq"] == seqs[-1]


def test_call_next_finishes_the_current_ticket_then_calls_the_next(
    station: Station, published: Published
) -> None:
    issue(station)
    issue(station)
    desk_actions.call_next(station, "loket-1", "budi")
    second = view(station, desk_actions.call_next(station, "loket-1", "budi"))
    assert second["number"] == "A-002"
    done = [r.event for r in published.events if r.event.name == "ticket.done"]
    assert [event.number for event in done] == ["A-001"]  # type: ignore[attr-defined]


def test_an_empty_queue_leaves_the_current_ticket_called(station: Station) -> None:
    issue(station)
    desk_actions.call_next(station, "loket-1", "budi")
    with pytest.raises(QueueEmpty):
        desk_actions.call_next(station, "loket-1", "budi")
    current = hall_overview.counters_overview(station)[0]["ticket"]
    assert (current["number"], current["status"]) == ("A-001", "called")


def test_priority_citizens_are_called_before_earlier_regular_ones(
    station: Station, clock: ManualClock
) -> None:
    issue(station)
    clock.advance(minutes=1)
    priority = issue(station, priority=True)
    assert priority["ahead"] == 0
    assert desk_actions.call_next(station, "loket-1", "budi").number == "A-002"


def test_a_counter_only_calls_its_own_services(station: Station) -> None:
    issue(station, "lantas")
    with pytest.raises(QueueEmpty):
        desk_actions.call_next(station, "loket-1", "budi")
    assert desk_actions.call_next(station, "loket-3", "ani").number == "C-001"


def test_transfer_keeps_the_number_and_the_place_by_issue_time(
    station: Station, clock: ManualClock, published: Published
) -> None:
    issue(station, "lapor")  # A-001 at 09:00
    clock.advance(minutes=1)
    issue(station, "lantas")  # C-001 at 09:01
    desk_actions.call_next(station, "loket-1", "budi")
    moved = view(station, desk_actions.transfer(station, "loket-1", "lantas", "budi"))
    assert (moved["number"], moved["service"], moved["status"]) == ("A-001", "lantas", "waiting")
    assert moved["issued_at"] == "2026-05-20T09:00:00+08:00"
    assert moved["ahead"] == 0  # issued before C-001, so it goes first
    assert desk_actions.call_next(station, "loket-3", "ani").number == "A-001"
    transferred = [r for r in published.events if r.event.name == "ticket.transferred"]
    payload = transferred[0].event.payload(transferred[0].seq, station.private_services)
    assert (payload["service"], payload["from_service"]) == ("lantas", "lapor")


def test_recall_done_no_show_and_transfer_need_a_called_ticket(station: Station) -> None:
    for action in (desk_actions.recall, desk_actions.finish, desk_actions.no_show):
        with pytest.raises(Conflict):
            action(station, "loket-1", "budi")
    with pytest.raises(Conflict):
        desk_actions.transfer(station, "loket-1", "lantas", "budi")


def test_a_counter_on_break_calls_nobody_until_opened(station: Station) -> None:
    issue(station)
    desk_actions.set_counter_state(station, "loket-1", "break", "budi")
    with pytest.raises(Conflict):
        desk_actions.call_next(station, "loket-1", "budi")
    with pytest.raises(Conflict):
        desk_actions.call_number(station, "loket-1", "A-001", "urgent", "budi")
    assert board_view.board_snapshot(station)["counters"][0]["state"] == "break"
    desk_actions.set_counter_state(station, "loket-1", "open", "budi")
    assert desk_actions.call_next(station, "loket-1", "budi").number == "A-001"


def test_calling_a_number_out_of_turn_needs_a_reason_and_is_logged(
    station: Station, published: Published
) -> None:
    issue(station)
    issue(station)
    with pytest.raises(InvalidRequest):
        desk_actions.call_number(station, "loket-1", "A-002", "  ", "budi")
    called = view(
        station, desk_actions.call_number(station, "loket-1", "a-002", "korban luka", "budi")
    )
    assert called["number"] == "A-002"
    event = next(r.event for r in published.events if r.event.name == "ticket.called")
    assert event.out_of_order and event.reason == "korban luka"  # type: ignore[attr-defined]
    assert "reason" not in event.payload(1, set())


def test_calling_a_number_that_is_not_waiting_or_not_served(station: Station) -> None:
    issue(station, "lantas")
    with pytest.raises(NotFound):
        desk_actions.call_number(station, "loket-1", "A-009", "x", "budi")
    with pytest.raises(Conflict):
        desk_actions.call_number(station, "loket-1", "C-001", "x", "budi")


def test_a_no_show_can_come_back_within_the_window(station: Station, clock: ManualClock) -> None:
    issue(station)
    issue(station)
    desk_actions.call_next(station, "loket-1", "budi")
    desk_actions.no_show(station, "loket-1", "budi")
    clock.advance(minutes=10)
    back = view(station, desk_actions.requeue(station, "loket-1", "A-001", "budi"))
    assert (back["status"], back["ahead"]) == ("waiting", 0)
    assert desk_actions.call_next(station, "loket-1", "budi").number == "A-001"


def test_a_no_show_is_put_back_only_by_a_counter_that_serves_it(station: Station) -> None:
    issue(station)
    desk_actions.call_next(station, "loket-1", "budi")
    desk_actions.no_show(station, "loket-1", "budi")
    with pytest.raises(Conflict):
        desk_actions.requeue(station, "loket-3", "A-001", "wayan")  # loket-3 serves lantas only
    assert desk_actions.requeue(station, "loket-2", "A-001", "ani").status == "waiting"


def test_a_ticket_called_before_midnight_and_transferred_after_it_waits_today(
    station: Station, clock: ManualClock
) -> None:
    clock.set(datetime(2026, 5, 20, 15, 55, tzinfo=UTC))  # 23:55 in Kupang
    issue(station)
    desk_actions.call_next(station, "loket-1", "budi")
    clock.advance(minutes=10)  # 00:05 on the 21st: a new service day
    moved = desk_actions.transfer(station, "loket-1", "lantas", "budi")
    assert (moved.status, moved.queue_day.isoformat()) == ("waiting", "2026-05-21")
    housekeeping.expire_past_days(station)
    assert desk_actions.call_next(station, "loket-3", "wayan").number == "A-001"


def test_a_no_show_cannot_come_back_after_the_window(station: Station, clock: ManualClock) -> None:
    issue(station)
    desk_actions.call_next(station, "loket-1", "budi")
    desk_actions.no_show(station, "loket-1", "budi")
    clock.advance(minutes=31)
    with pytest.raises(Conflict):
        desk_actions.requeue(station, "loket-1", "A-001", "budi")


def test_at_local_midnight_waiting_tickets_expire_and_numbers_restart(
    station: Station, clock: ManualClock, published: Published
) -> None:
    clock.set(datetime(2026, 5, 20, 15, 58, tzinfo=UTC))  # 23:58 in Kupang
    first = issue(station)
    issue(station)
    clock.set(datetime(2026, 5, 20, 16, 1, tzinfo=UTC))  # 00:01 on the 21st in Kupang
    housekeeping.expire_past_days(station)
    assert ticket_reads.ticket_by_token(station, first["token"])["status"] == "expired"
    assert board_view.board_snapshot(station)["waiting"]["lapor"] == 0
    assert issue(station)["number"] == "A-001"
    assert published.names().count("ticket.expired") == 2


def test_the_day_does_not_roll_over_at_utc_midnight(station: Station, clock: ManualClock) -> None:
    clock.set(datetime(2026, 5, 20, 23, 50, tzinfo=UTC))  # 07:50 on the 21st in Kupang
    issue(station)
    clock.set(datetime(2026, 5, 21, 0, 10, tzinfo=UTC))  # 08:10, same service day
    assert issue(station)["number"] == "A-002"


def test_a_day_starting_at_six_keeps_night_tickets_until_six(tmp_path, clock: ManualClock) -> None:
    config = make_config(tmp_path, day_starts_at="06:00")
    station = open_station(config, clock=clock)
    services.ensure_counters(station)
    clock.set(datetime(2026, 5, 20, 20, 0, tzinfo=UTC))  # 04:00 on the 21st in Kupang
    issue(station)
    clock.set(datetime(2026, 5, 20, 21, 30, tzinfo=UTC))  # 05:30
    assert issue(station)["number"] == "A-002"
    clock.set(datetime(2026, 5, 20, 22, 0, tzinfo=UTC))  # 06:00: a new service day
    assert issue(station)["number"] == "A-001"


def test_unknown_or_malformed_input_changes_nothing(station: Station) -> None:
    with pytest.raises(UnknownService):
        issue(station, "nope")
    with pytest.raises(InvalidRequest):
        issue(station, "lapor", priority="yes")
    with pytest.raises(InvalidRequest):
        issue(station, "lapor", kiosk_id="kiosk-9")
    with pytest.raises(NotFound):
        desk_actions.call_next(station, "loket-9", "budi")
    with pytest.raises(InvalidRequest):
        desk_actions.set_counter_state(station, "loket-1", "lunch", "budi")
    with pytest.raises(UnknownService):
        desk_actions.transfer(station, "loket-1", "nope", "budi")
    with station.store.read() as db:
        assert db.one("SELECT COUNT(*) AS n FROM tickets")["n"] == 0


def test_a_closed_service_refuses_tickets_and_says_when_it_opens(tmp_path, clock) -> None:
    config = make_config(tmp_path)
    data = config.model_dump(exclude={"base_dir"})
    data["services"][2]["hours"] = {"open": "10:00", "close": "15:00"}
    station = open_station(parse_config(data, base_dir=tmp_path), clock=clock)
    with pytest.raises(ServiceClosed) as refused:
        issue(station, "lantas")
    error = refused.value
    assert text(error.message_key, "id", **error.params).endswith("10.00.")  # Indonesian: 10.00
    assert "10:00" in text(error.message_key, "en", **error.params)
    overview = {s["id"]: s for s in hall_overview.services_overview(station, "id")}
    assert overview["lantas"]["open"] is False
    assert overview["lantas"]["closed_reason"] == "hours"


def test_the_daily_quota_closes_a_service(tmp_path, clock) -> None:
    config = make_config(tmp_path)
    data = config.model_dump(exclude={"base_dir"})
    data["services"][1]["daily_quota"] = 2
    station = open_station(parse_config(data, base_dir=tmp_path), clock=clock)
    issue(station, "surat")
    issue(station, "surat")
    with pytest.raises(ServiceClosed):
        issue(station, "surat")


def test_the_same_idempotency_key_returns_the_same_ticket(station: Station) -> None:
    first = ticket_issue.issue_ticket(station, "lapor", idempotency_key="tap-1")
    again = ticket_issue.issue_ticket(station, "lapor", idempotency_key="tap-1")
    assert first.created and not again.created
    assert again.ticket["number"] == first.ticket["number"]
    assert again.print == first.print
    with pytest.raises(Conflict):
        ticket_issue.issue_ticket(station, "surat", idempotency_key="tap-1")
    assert (
        ticket_issue.issue_ticket(station, "lapor", idempotency_key="tap-2").ticket["number"]
        == "A-002"
    )


def test_idempotency_keys_last_for_the_service_day(station: Station, clock: ManualClock) -> None:
    ticket_issue.issue_ticket(station, "lapor", idempotency_key="tap-1")
    clock.advance(days=1)
    again = ticket_issue.issue_ticket(station, "lapor", idempotency_key="tap-1")
    assert again.created
    assert again.ticket["number"] == "A-001"


def test_private_services_never_reach_the_board_with_their_name(
    station: Station, published: Published
) -> None:
    issue(station, "propam")
    desk_actions.call_next(station, "loket-4", "propam-officer")
    for recorded in published.events:
        payload = recorded.event.payload(recorded.seq, station.private_services)
        assert payload.get("service") is None or payload["service"] != "propam"
        assert "token" not in json.dumps(payload)
    assert board_view.board_snapshot(station)["recent"][0]["service"] is None


def test_the_event_log_cannot_be_changed_through_sql(station: Station) -> None:
    issue(station)
    conn = sqlite3.connect(station.config.database_path)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("UPDATE events SET actor = 'x'")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("DELETE FROM events")
    conn.close()


def test_counters_in_many_threads_never_call_the_same_ticket(station: Station) -> None:
    for _ in range(60):
        issue(station)
    called: list[str] = []
    lock = threading.Lock()

    def officer(counter: str) -> None:
        while True:
            try:
                ticket = desk_actions.call_next(station, counter, counter)
            except QueueEmpty:
                return
            with lock:
                called.append(ticket.number)

    threads = [threading.Thread(target=officer, args=(c,)) for c in ("loket-1", "loket-2") * 3]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(called) == [f"A-{n:03d}" for n in range(1, 61)]


@pytest.mark.parametrize("mode", ["priority_first", "interleave"])
@pytest.mark.slow
def test_the_ahead_count_from_sqlite_follows_the_call_order(
    tmp_path, clock: ManualClock, mode: str
) -> None:
    policy = {"mode": mode, "interleave_every": 2, "max_wait_minutes": 40}
    station = open_station(make_config(tmp_path, call_policy=policy), clock=clock)
    services.ensure_counters(station)
    chance = random.Random(7)
    for _ in range(40):
        issue(station, "lapor", priority=chance.random() < 0.3)
        clock.advance(minutes=chance.randint(0, 4))
        if chance.random() < 0.2:
            desk_actions.call_next(station, "loket-1", "budi")
    with station.store.read() as db:
        items = repository.waiting_items(db, ["lapor"], station.today())
        waiting = [repository.get(db, item.id) for item in items]
        streak = positions.streak(station, db, service="lapor")
        views = {
            view["id"]: view["ahead"]
            for view in ticket_views(station, db, waiting, clock.now())  # type: ignore[arg-type]
        }
    order = call_order(items, station.config.call_policy, clock.now(), streak)
    assert views == {item.id: ahead for ahead, item in enumerate(order)}
    assert any(item.priority for item in items)
