"""The in-memory queues (`queue_index`) give the answers SQL gives from scratch: over random
days of issuing, calling, transfers, returns, no-shows, cancels and priorities with the clock
moving (overdue tickets, a new day), written by two processes on one database file."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from satupintu.app import open_station
from shared.application import citizen_actions, desk_actions, positions, suspensions, ticket_issue
from shared.application.desk_commands import (
    CallNext,
    Finish,
    NoShow,
    Prioritize,
    Requeue,
    Return,
    Transfer,
)
from shared.application.estimate_inputs import Inputs
from shared.application.services import ensure_counters
from shared.application.station import Station
from shared.application.users import Role, User
from shared.domain import estimates
from shared.domain.clock import ManualClock, parse_utc, utc_text
from shared.domain.errors import SatuPintuError
from shared.domain.queue_rules import QueueCounts, QueueItem, Status, call_order, overdue_cutoff
from shared.store import eventlog, repository
from shared.store.queue_index import WaitingLabel
from shared.store.store import Reader
from tests.helpers import MORNING, make_config

pytestmark = pytest.mark.slow

SERVICES = ("lapor", "surat", "lantas")
COUNTERS = ("loket-1", "loket-2", "loket-3")
SUPERVISOR = User("sari", Role.SUPERVISOR)

issues = st.tuples(st.just("issue"), st.sampled_from(SERVICES), st.booleans())
steps = st.lists(
    st.one_of(
        issues,
        issues,
        issues,
        st.tuples(st.just("call"), st.sampled_from(COUNTERS)),
        st.tuples(st.just("done"), st.sampled_from(COUNTERS)),
        st.tuples(st.just("no_show"), st.sampled_from(COUNTERS)),
        st.tuples(st.just("return"), st.sampled_from(COUNTERS)),
        st.tuples(
            st.just("transfer"), st.sampled_from(COUNTERS), st.sampled_from(SERVICES), st.booleans()
        ),
        st.tuples(st.just("requeue"), st.sampled_from(COUNTERS), st.integers(0, 50)),
        st.tuples(st.just("prioritize"), st.sampled_from(COUNTERS), st.integers(0, 50)),
        st.tuples(st.just("cancel"), st.integers(0, 50)),
        st.tuples(st.just("state"), st.sampled_from(COUNTERS), st.sampled_from(["break", "open"])),
        st.tuples(st.just("suspend"), st.sampled_from(SERVICES), st.booleans()),
        st.tuples(st.just("wait"), st.sampled_from([0, 1, 7, 25, 40, 60 * 24])),
    ),
    min_size=1,
    max_size=40,
)
INTERLEAVE_30 = {"mode": "interleave", "interleave_every": 2, "max_wait_minutes": 30}
policies = st.fixed_dictionaries(
    {
        "mode": st.sampled_from(["priority_first", "interleave"]),
        "interleave_every": st.integers(1, 3),
        "max_wait_minutes": st.sampled_from([0, 30]),
    }
)


def sql_items(db: Reader, service: str, day: str) -> list[QueueItem]:
    rows = db.all(
        "SELECT id, service, priority, need, queue_at FROM tickets WHERE status = 'waiting' "
        "AND queue_day = ? AND service = ? ORDER BY queue_at, id",
        [day, service],
    )
    return [
        QueueItem(parse_utc(r["queue_at"]), r["id"], r["service"], bool(r["priority"]), r["need"])
        for r in rows
    ]


def sql_counts(db: Reader, service: str, day: str, cut: str, ticket: dict[str, Any]) -> QueueCounts:
    """What the queue-length-bound SQL of before counted for one ticket ("" cut: none)."""
    waiting = "status = 'waiting' AND queue_day = :day AND service = :s"
    params = {"day": day, "s": service, "cut": cut}
    totals = db.one(
        "SELECT COALESCE(SUM(queue_at <= :cut), 0) AS overdue_total, "
        "COALESCE(SUM(queue_at <= :cut AND priority), 0) AS overdue_priority, "
        "COALESCE(SUM(queue_at > :cut AND priority), 0) AS priority_total, "
        "COALESCE(SUM(queue_at > :cut AND NOT priority), 0) AS regular_total, "
        "MAX(CASE WHEN queue_at <= :cut AND priority THEN queue_at END) AS last_priority "
        f"FROM tickets WHERE {waiting}",
        params,
    )
    assert totals is not None

    def count(where: str, extra: dict[str, Any]) -> int:
        row = db.one(
            f"SELECT COUNT(*) AS n FROM tickets WHERE {waiting} AND {where}", {**params, **extra}
        )
        return row["n"] if row else 0

    after_last = 0
    if totals["last_priority"] is not None:
        after_last = count(
            "NOT priority AND queue_at <= :cut AND queue_at > :last",
            {"last": totals["last_priority"]},
        )
    overdue = ticket["queue_at"] <= cut
    part = "queue_at <= :cut" if overdue else "queue_at > :cut AND priority = :priority"
    older = count(
        f"{part} AND (queue_at, id) < (:at, :id)",
        {"priority": ticket["priority"], "at": ticket["queue_at"], "id": ticket["id"]},
    )
    return QueueCounts(
        priority=bool(ticket["priority"]),
        overdue=overdue,
        older_in_part=older,
        overdue_total=totals["overdue_total"],
        overdue_priority=totals["overdue_priority"],
        overdue_regular_after_last_priority=after_last,
        priority_total=totals["priority_total"],
        regular_total=totals["regular_total"],
    )


def check_against_sql(station: Station, now: datetime) -> None:
    """Every queue read of the index equals SQL's answer from scratch, in one snapshot."""
    policy = station.config.call_policy
    cutoff = overdue_cutoff(policy, now)
    cut = utc_text(cutoff) if cutoff else ""
    with station.store.read() as db:
        days = [r["queue_day"] for r in db.all("SELECT DISTINCT queue_day FROM tickets")]
        for day_text in days:
            day = datetime.fromisoformat(day_text).date()
            counts = repository.waiting_counts(db, day, SERVICES)
            for service in SERVICES:
                expected = sql_items(db, service, day_text)
                assert repository.waiting_items(db, [service], day) == expected
                assert counts[service] == len(expected)
                firsts = [i for i in expected if i.priority][:2] + [
                    i for i in expected if not i.priority
                ][:2]
                assert repository.waiting_items(db, [service], day, per_stream=2) == firsts
                assert repository.first_place(db, service, day) == (
                    expected[0].issued_at if expected else None
                )
                rows = {
                    r["id"]: r
                    for r in db.all(
                        "SELECT * FROM tickets WHERE status = 'waiting' AND queue_day = ? "
                        "AND service = ?",
                        [day_text, service],
                    )
                }
                assert repository.waiting_labels(db, expected, day) == {
                    ticket_id: WaitingLabel(
                        row["number"],
                        parse_utc(row["booked_for"]) if row["booked_for"] else None,
                        row["reference"],
                        row["carried_from"] is not None,
                    )
                    for ticket_id, row in rows.items()
                }
                tickets = [repository.get(db, ticket_id) for ticket_id in rows]
                found = repository.queue_counts(db, service, day, cutoff, tickets)  # type: ignore[arg-type]
                for ticket_id, row in rows.items():
                    assert found[ticket_id] == sql_counts(db, service, day_text, cut, row)
                if day == station.today(now):
                    streak = positions.streak(station, db, service=service)
                    order = [i.id for i in call_order(expected, policy, now, streak)]
                    inputs = positions.inputs_of(station, db)
                    ahead = positions.people_ahead(station, db, tickets, now, inputs)  # type: ignore[arg-type]
                    assert ahead == {ticket_id: order.index(ticket_id) for ticket_id in rows}
                    check_inputs_against_sql(station, db, inputs)
            pair = list(SERVICES[:2])
            both = sorted(sql_items(db, pair[0], day_text) + sql_items(db, pair[1], day_text))
            assert repository.waiting_items(db, pair, day) == both
            streams = ([i for i in both if i.priority], [i for i in both if not i.priority])
            heads = [min(stream) for stream in streams if stream]
            assert repository.heads(db, pair, day) == heads


def check_inputs_against_sql(station: Station, db: Reader, inputs: Inputs) -> None:
    """The inputs a process kept for places and estimates equal those read afresh."""
    assert inputs.counters == repository.counters(db)
    assert inputs.suspended == eventlog.suspensions_in_force(db)
    for service in SERVICES:
        latest = repository.latest_counter_minutes(db, service, estimates.SERVICE_TIME_SAMPLE)
        typical = estimates.typical_minutes(latest, 15.0)
        assert inputs.service_minutes(db, service, 15.0) == typical
        kept = positions.streak(station, db, service=service, inputs=inputs)
        assert kept == positions.streak(station, db, service=service)
    for counter in station.config.counters:
        kept = positions.streak(station, db, counter=counter.id, inputs=inputs)
        assert kept == positions.streak(station, db, counter=counter.id)


def play(station: Station, clock: ManualClock, step: tuple[Any, ...]) -> None:
    """One step of a day at the station; refusals (empty queue, nothing to return) are fine."""
    kind, *args = step
    with station.store.read() as db:
        tickets = db.all("SELECT number, token FROM tickets ORDER BY id")
    try:
        match kind:
            case "issue":
                ticket_issue.issue_ticket(station, args[0], priority=args[1])
            case "call":
                desk_actions.act(station, args[0], "petugas", CallNext())
            case "done":
                desk_actions.act(station, args[0], "petugas", Finish())
            case "no_show":
                desk_actions.act(station, args[0], "petugas", NoShow())
            case "return":
                desk_actions.act(station, args[0], "petugas", Return())
            case "transfer":
                desk_actions.act(
                    station,
                    args[0],
                    "petugas",
                    Transfer(
                        service=args[1], front=args[2], reason="ke depan" if args[2] else None
                    ),
                )
            case "requeue" if tickets:
                number = tickets[args[1] % len(tickets)]["number"]
                desk_actions.act(station, args[0], "petugas", Requeue(number=number))
            case "prioritize" if tickets:
                number = tickets[args[1] % len(tickets)]["number"]
                desk_actions.act(
                    station, args[0], "petugas", Prioritize(number=number, reason="lansia")
                )
            case "cancel" if tickets:
                citizen_actions.cancel(station, tickets[args[0] % len(tickets)]["token"])
            case "state":
                desk_actions.set_counter_state(station, args[0], args[1], "petugas")
            case "suspend" if args[1]:
                suspensions.suspend(station, args[0], "Server gangguan", None, SUPERVISOR)
            case "suspend":
                suspensions.resume(station, args[0], SUPERVISOR)
            case "wait":
                clock.advance(minutes=args[0])
    except SatuPintuError:
        pass


OVERDUE_BOTH_STREAMS = [
    ("issue", "lapor", False),
    ("wait", 1),
    ("issue", "lapor", True),
    ("wait", 1),
    ("issue", "lapor", False),
    ("issue", "lapor", True),
    ("wait", 40),
    ("issue", "lapor", False),
    ("call", "loket-1"),
]


@example(OVERDUE_BOTH_STREAMS, INTERLEAVE_30, [False] * 40)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps, policies, st.lists(st.booleans(), min_size=40, max_size=40))
def test_the_queues_in_memory_answer_as_sql_does(
    day: list[tuple[Any, ...]], policy: dict[str, Any], by_other: list[bool]
) -> None:
    clock = ManualClock(MORNING)
    with tempfile.TemporaryDirectory() as folder:
        config = make_config(Path(folder), call_policy=policy)
        here = open_station(config, clock=clock)
        ensure_counters(here)
        there = open_station(config, clock=clock)  # another process on the same file
        try:
            for step, other in zip(day, by_other, strict=False):
                play(there if other else here, clock, step)
                check_against_sql(here, clock.now())
                check_against_sql(there, clock.now())
        finally:
            here.store.close()
            there.store.close()


def test_a_write_sees_its_own_changes_and_a_rollback_leaves_none(station: Station) -> None:
    ticket_issue.issue_ticket(station, "lapor")
    with station.store.read() as db:
        assert repository.waiting_counts(db, station.today(), ["lapor"]) == {"lapor": 1}
    seen: list[dict[str, int]] = []

    def call_then_fail() -> None:
        with station.store.write("petugas", station.now()) as tx:
            ticket = repository.get(tx, 1)
            assert ticket is not None
            repository.save(tx, replace(ticket, status=Status.CALLED, counter="loket-1"))
            seen.append(repository.waiting_counts(tx, station.today(), ["lapor"]))
            raise RuntimeError("rolled back")

    with pytest.raises(RuntimeError):
        call_then_fail()
    assert seen == [{"lapor": 0}]
    with station.store.read() as db:
        assert repository.waiting_counts(db, station.today(), ["lapor"]) == {"lapor": 1}


def test_a_write_reads_its_queues_again_after_each_change_and_leaves_the_reads_current(
    station: Station,
) -> None:
    for _ in range(2):
        ticket_issue.issue_ticket(station, "lapor")
    with station.store.write("petugas", station.now()) as tx:
        assert repository.waiting_counts(tx, station.today(), ["lapor"]) == {"lapor": 2}
        for number, counter, left in ((1, "loket-1", 1), (2, "loket-2", 0)):
            ticket = repository.get(tx, number)
            assert ticket is not None
            repository.save(tx, replace(ticket, status=Status.CALLED, counter=counter))
            assert repository.waiting_counts(tx, station.today(), ["lapor"]) == {"lapor": left}
    with station.store.read() as db:
        assert repository.waiting_counts(db, station.today(), ["lapor"]) == {"lapor": 0}
        assert repository.waiting_items(db, ["lapor"], station.today()) == []


@pytest.fixture
def other(station: Station, clock: ManualClock) -> Iterator[Station]:
    """The same station's file opened by a second process (its own queues in memory)."""
    second = open_station(station.config, clock=clock)
    yield second
    second.store.close()


def test_a_process_behind_the_kept_changes_loads_the_queues_afresh(
    station: Station, other: Station
) -> None:
    ticket_issue.issue_ticket(station, "lapor")
    with other.store.read() as db:
        assert repository.waiting_counts(db, station.today(), ["lapor"]) == {"lapor": 1}
    for _ in range(3):
        ticket_issue.issue_ticket(station, "lapor")
    with station.store.write("housekeeping", station.now()) as tx:  # as if trimmed
        tx.execute("DELETE FROM queue_changes WHERE seq < (SELECT MAX(seq) FROM queue_changes)")
    with other.store.read() as db:
        assert repository.waiting_counts(db, station.today(), ["lapor"]) == {"lapor": 4}


def test_a_ticket_taken_after_another_process_took_some_stands_behind_them(
    station: Station, other: Station
) -> None:
    first = ticket_issue.issue_ticket(station, "lapor", printed=False)
    for _ in range(2):
        ticket_issue.issue_ticket(other, "lapor", printed=False)
    later = [ticket_issue.issue_ticket(station, "lapor", printed=False) for _ in range(2)]
    assert [first.ticket["ahead"], *(issued.ticket["ahead"] for issued in later)] == [0, 3, 4]
    with station.store.read() as db:
        assert repository.waiting_counts(db, station.today(), ["lapor"]) == {"lapor": 5}
    with other.store.read() as db:
        assert repository.waiting_counts(db, station.today(), ["lapor"]) == {"lapor": 5}


def test_the_first_ticket_of_a_day_closes_the_day_before_in_its_write(
    station: Station, clock: ManualClock
) -> None:
    left = ticket_issue.issue_ticket(station, "lapor", printed=False)
    clock.advance(days=1)
    issued = ticket_issue.issue_ticket(station, "lapor", printed=False)
    assert issued.ticket["ahead"] == 0
    with station.store.read() as db:
        expired = repository.get(db, left.ticket["id"])
        assert expired is not None and expired.status == Status.EXPIRED
        assert repository.waiting_counts(db, station.today(), ["lapor"]) == {"lapor": 1}
