"""Writes that queue up share one COMMIT: none returns before its change is durable, one that
fails undoes only itself, and a fault that rolls the whole transaction back fails them all."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor

import pytest

from shared.application import ticket_issue
from shared.application.station import Station
from shared.domain.config import Config
from shared.domain.errors import Unavailable
from shared.store import repository
from shared.store.store import Transaction
from tests.helpers import chain_ok


def committed_numbers(config: Config) -> set[str]:
    """Ticket numbers a connection of our own sees: what is committed, nothing in flight."""
    conn = sqlite3.connect(config.database_path)
    try:
        return {row[0] for row in conn.execute("SELECT number FROM tickets")}
    finally:
        conn.close()


def waiting_told(config: Config) -> list[int]:
    """The lapor waiting counts the board was told, in order."""
    conn = sqlite3.connect(config.database_path)
    try:
        rows = conn.execute("SELECT data FROM events WHERE name = 'queue.waiting' ORDER BY id")
        return [json.loads(data)["waiting"]["lapor"] for (data,) in rows]
    finally:
        conn.close()


def take(station: Station, tx: Transaction) -> str:
    """A lapor ticket taken inside `tx`: its number."""
    service = station.config.service_by_id["lapor"]
    today = station.today(tx.now)
    return ticket_issue.new_ticket(station, tx, service, False, None, today, None).number


@pytest.fixture
def writers() -> Iterator[ThreadPoolExecutor]:
    with ThreadPoolExecutor(4) as pool:
        yield pool


def first_write_holding(
    station: Station,
    writers: ThreadPoolExecutor,
    others: list[Callable[[], str]],
    *,
    fails: bool = False,
) -> tuple[Future[tuple[str, set[str]]], list[Future[str]]]:
    """A write that takes a ticket, then holds on until `others` (started meanwhile) all wait
    for their turn (and then fails, if `fails`): its number and what was committed the moment
    it returned; with the other writes' futures."""
    holding = threading.Event()

    def first() -> tuple[str, set[str]]:
        with station.store.write("test", station.now()) as tx:
            number = take(station, tx)
            holding.set()
            deadline = time.monotonic() + 10
            while station.store.queued_writes < len(others) and time.monotonic() < deadline:
                time.sleep(0.005)
            if fails:
                raise ValueError("the first write refused")
        return number, committed_numbers(station.config)

    held = writers.submit(first)
    assert holding.wait(10)
    return held, [writers.submit(other) for other in others]


def issue(station: Station) -> str:
    return ticket_issue.issue_ticket(station, "lapor").ticket["number"]


def test_writes_queued_behind_one_are_committed_with_it_and_none_returns_before(
    station: Station, config: Config, writers: ThreadPoolExecutor
) -> None:
    seen_on_return: list[set[str]] = []

    def issue_and_look() -> str:
        number = issue(station)
        seen_on_return.append(committed_numbers(config))
        return number

    held, others = first_write_holding(station, writers, [issue_and_look, issue_and_look])
    first, seen_by_first = held.result(10)
    numbers = {first, *(other.result(10) for other in others)}
    assert numbers == {"A-001", "A-002", "A-003"}
    # The writes queued behind the first joined its transaction, and the last of them
    # committed all three at once: the first returned with the others' tickets committed too.
    assert seen_by_first == numbers
    assert all(seen == numbers for seen in seen_on_return)
    assert chain_ok(config)
    # Each write counted the waiting tickets from the queues the one before it left: the
    # board was told 1, 2, 3 waiting, and the queues later reads start from hold all three.
    assert waiting_told(config) == [1, 2, 3]
    with station.store.read() as db:
        today = station.today(station.now())
        assert repository.waiting_counts(db, today, ["lapor"]) == {"lapor": 3}


def test_a_write_that_fails_among_queued_ones_undoes_only_itself(
    station: Station, config: Config, writers: ThreadPoolExecutor
) -> None:
    def failing() -> str:
        with station.store.write("test", station.now()) as tx:
            take(station, tx)
            raise ValueError("the use case refused")

    held, (fails, succeeds) = first_write_holding(
        station, writers, [failing, lambda: issue(station)]
    )
    first, _ = held.result(10)
    with pytest.raises(ValueError, match="refused"):
        fails.result(10)
    second = succeeds.result(10)
    assert committed_numbers(config) == {first, second}
    assert chain_ok(config)
    assert issue(station) not in {first, second}


def test_the_first_write_failing_leaves_those_queued_behind_it_to_go_on(
    station: Station, config: Config, writers: ThreadPoolExecutor
) -> None:
    held, others = first_write_holding(
        station, writers, [lambda: issue(station), lambda: issue(station)], fails=True
    )
    with pytest.raises(ValueError, match="first write refused"):
        held.result(10)
    numbers = {other.result(10) for other in others}
    assert numbers == {"A-001", "A-002"}  # the first's number was never given out
    assert committed_numbers(config) == numbers
    assert chain_ok(config)


def test_a_fault_that_rolls_the_transaction_back_acknowledges_nothing_it_held(
    station: Station, config: Config, writers: ThreadPoolExecutor
) -> None:
    def faulting() -> str:
        with station.store.write("test", station.now()) as tx:
            take(station, tx)
            # What SQLite does on some I/O errors: the whole transaction is rolled back.
            tx.db.conn.execute("ROLLBACK")
            raise sqlite3.OperationalError("disk I/O error")

    held, (faults, other) = first_write_holding(
        station, writers, [faulting, lambda: issue(station)]
    )
    with pytest.raises(Unavailable):
        held.result(10)
    with pytest.raises(Unavailable):
        faults.result(10)
    # The other queued write either rode in the lost transaction (refused too) or came after
    # it (kept): whatever a writer was told, the file agrees.
    try:
        kept = {other.result(10)}
    except Unavailable:
        kept = set()
    assert committed_numbers(config) == kept
    assert chain_ok(config)
    assert issue(station) not in kept
