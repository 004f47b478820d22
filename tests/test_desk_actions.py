"""The one handler behind every counter action, with a real SQLite file: the lifecycle tables
decide what is refused (with the contract's codes), and who a counter serves is stored once."""

from __future__ import annotations

import pytest

from shared.application import citizen_actions, desk_actions, ticket_issue
from shared.application.station import Station
from shared.domain.errors import Conflict, NotFound
from shared.domain.queue_rules import Status
from shared.store import repository


def issue(station: Station, service: str = "lapor") -> str:
    return ticket_issue.issue_ticket(station, service).ticket["number"]


def test_calling_a_number_that_was_called_already_says_it_does_not_wait(
    station: Station,
) -> None:
    first = issue(station)
    desk_actions.call_next(station, "loket-1", "budi")
    with pytest.raises(NotFound) as refused:
        desk_actions.call_number(station, "loket-2", first, "lansia", "ani")
    assert refused.value.message_key == "error.number_not_waiting"
    assert refused.value.params["number"] == first


def test_requeueing_a_ticket_that_still_waits_says_it_is_no_no_show(station: Station) -> None:
    number = issue(station)
    with pytest.raises(NotFound) as refused:
        desk_actions.requeue(station, "loket-1", number, "budi")
    assert refused.value.message_key == "error.number_not_no_show"


def test_a_number_nobody_took_is_not_found(station: Station) -> None:
    with pytest.raises(NotFound):
        desk_actions.requeue(station, "loket-1", "A-042", "budi")


def test_a_priority_for_a_ticket_being_served_is_refused_by_its_lifecycle(
    station: Station,
) -> None:
    number = issue(station)
    desk_actions.call_next(station, "loket-1", "budi")
    with pytest.raises(NotFound) as refused:
        desk_actions.prioritize(station, "loket-2", number, "lansia", "ani")
    assert refused.value.message_key == "error.number_not_waiting"


def test_cancelling_a_ticket_being_served_is_refused_by_its_lifecycle(station: Station) -> None:
    ticket = ticket_issue.issue_ticket(station, "lapor").ticket
    desk_actions.call_next(station, "loket-1", "budi")
    token = ticket["status_url"].rsplit("/", 1)[1]
    with pytest.raises(Conflict) as refused:
        citizen_actions.cancel(station, token)
    assert refused.value.message_key == "error.cancel_not_waiting"


def test_a_counter_serves_what_its_called_ticket_says_and_keeps_no_copy(
    station: Station,
) -> None:
    issue(station)
    called = desk_actions.call_next(station, "loket-1", "budi")
    with station.store.read() as db:
        columns = {row["name"] for row in db.all("PRAGMA table_info(counters)")}
        served = repository.counter(db, "loket-1").ticket
        plan = " ".join(
            row["detail"]
            for row in db.all(
                "EXPLAIN QUERY PLAN SELECT * FROM tickets WHERE counter = ? AND status = 'called'",
                ["loket-1"],
            )
        )
    assert "ticket_id" not in columns
    assert served is not None and (served.id, served.status) == (called.id, Status.CALLED)
    assert "tickets_serving" in plan  # finding a counter's ticket stays one index lookup
    desk_actions.finish(station, "loket-1", "budi")
    with station.store.read() as db:
        assert repository.counter(db, "loket-1").ticket is None
        assert repository.counter(db, "loket-1").officer == "budi"
