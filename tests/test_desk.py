"""The counter desk's one lifecycle, tested without a database: every move from every status.

`decide` reads the table; `call`, `recall`, `release` and `set_state` decide with it and return
the moved tickets and their events. A refused move raises Conflict with the table's message.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from shared.domain import desk
from shared.domain.config import Counter
from shared.domain.desk import (
    RULES,
    UNCHECKED,
    Desk,
    DeskMove,
    DeskStatus,
    call,
    check_current,
    decide,
    recall,
    release,
    set_state,
)
from shared.domain.errors import Conflict, NotFound, Refused, StaleCurrent
from shared.domain.events import CounterStateChanged, TicketCalled, TicketDone, TicketRecalled
from shared.domain.queue_rules import CounterState, Status
from shared.domain.ticket import Ticket, issue

T0 = datetime(2026, 5, 20, 1, 0, tzinfo=UTC)
LATER = T0 + timedelta(minutes=5)
COUNTER = Counter(id="loket-1", name="Loket 1", services=("lapor",))
ANNOUNCED = {"counter": "loket-1", "counter_name": "Loket 1", "announcement": "A satu"}


def waiting(ticket_id: int = 1) -> Ticket:
    ticket, _ = issue(
        ticket_id,
        service="lapor",
        prefix="A",
        sequence=ticket_id,
        service_day=date(2026, 5, 20),
        priority=False,
        kiosk=None,
        token="t",
        now=T0,
    )
    return ticket


def called(ticket_id: int = 1) -> Ticket:
    return replace(waiting(ticket_id), status=Status.CALLED, called_at=T0, counter="loket-1")


def desk_in(status: DeskStatus) -> Desk:
    """A desk in `status`: free and serving ones are open."""
    state = {DeskStatus.BREAK: CounterState.BREAK, DeskStatus.CLOSED: CounterState.CLOSED}
    serving = called() if status == DeskStatus.SERVING else None
    return Desk(COUNTER, state.get(status, CounterState.OPEN), serving)


def test_the_table_says_something_for_every_move_from_every_status() -> None:
    assert set(RULES) == {(status, move) for status in DeskStatus for move in DeskMove}


@pytest.mark.parametrize(("status", "move"), sorted(RULES))
def test_decide_follows_the_table(status: DeskStatus, move: DeskMove) -> None:
    rule = RULES[(status, move)]
    if isinstance(rule, Refused):
        with pytest.raises(Conflict) as refused:
            decide(desk_in(status), move)
        assert refused.value.message_key == rule.message
        assert refused.value.params["counter"] == COUNTER.name
    else:
        assert decide(desk_in(status), move) == rule


def test_only_an_open_desk_calls() -> None:
    for status in DeskStatus:
        allowed = not isinstance(RULES[(status, DeskMove.CALL)], Refused)
        assert allowed == (status in (DeskStatus.FREE, DeskStatus.SERVING))


def test_a_desk_leaves_service_only_when_free() -> None:
    for move in (DeskMove.BREAK, DeskMove.CLOSE):
        rule = RULES[(DeskStatus.SERVING, move)]
        assert isinstance(rule, Refused)
        assert rule.message == "error.counter_serving"


def test_a_desk_serving_nobody_cannot_recall_finish_or_pass_anyone_on() -> None:
    for status in (DeskStatus.FREE, DeskStatus.BREAK, DeskStatus.CLOSED):
        for move in desk.SERVES:
            assert RULES[(status, move)] == Refused("error.no_current_ticket")


STATE_OF = {DeskMove.OPEN: "open", DeskMove.BREAK: "break", DeskMove.CLOSE: "closed"}


def make(start: Desk, move: DeskMove) -> desk.Outcome:
    """Make `move` at `start` through the function an officer's action uses."""
    if move == DeskMove.CALL:
        return call(start, waiting(2), LATER, **ANNOUNCED)
    if move == DeskMove.RECALL:
        return recall(start, LATER, 0, **ANNOUNCED)
    if move in STATE_OF:
        return set_state(start, CounterState(STATE_OF[move]))
    if move == DeskMove.TRANSFER:
        return release(start, move, LATER, service="lantas")
    if move == DeskMove.RETURN:
        return release(start, move, LATER, queue_at="2026-05-20T00:59:00.000000Z")
    return release(start, move, LATER)


@pytest.mark.parametrize("status", list(DeskStatus))
@pytest.mark.parametrize("move", list(DeskMove))
def test_every_move_from_every_status_does_what_the_table_says(
    status: DeskStatus, move: DeskMove
) -> None:
    rule = RULES[(status, move)]
    if isinstance(rule, Refused):
        with pytest.raises(Conflict) as refused:
            make(desk_in(status), move)
        assert refused.value.message_key == rule.message
    else:
        assert make(desk_in(status), move).desk.status == rule


def test_a_call_finishes_the_ticket_served_first_and_records_both() -> None:
    outcome = call(desk_in(DeskStatus.SERVING), waiting(2), LATER, **ANNOUNCED)
    done, now_called = outcome.moved
    assert (done.id, done.status) == (1, Status.DONE)
    assert (now_called.id, now_called.status, now_called.counter) == (2, Status.CALLED, "loket-1")
    assert [type(event) for event in outcome.events] == [TicketDone, TicketCalled]
    assert outcome.desk.serving == now_called == outcome.ticket


def test_a_call_at_a_free_desk_records_only_the_call() -> None:
    outcome = call(desk_in(DeskStatus.FREE), waiting(2), LATER, **ANNOUNCED)
    assert [type(event) for event in outcome.events] == [TicketCalled]


def test_a_call_of_a_ticket_that_does_not_wait_is_refused_by_the_ticket() -> None:
    with pytest.raises(NotFound, match="number_not_waiting"):
        call(desk_in(DeskStatus.FREE), called(2), LATER, **ANNOUNCED)


def test_a_recall_counts_and_stops_at_the_limit() -> None:
    outcome = recall(desk_in(DeskStatus.SERVING), LATER, 2, **ANNOUNCED)
    assert outcome.desk.serving is not None and outcome.desk.serving.recalls == 1
    assert [type(event) for event in outcome.events] == [TicketRecalled]
    again = recall(outcome.desk, LATER, 2, **ANNOUNCED)
    with pytest.raises(Conflict) as refused:
        recall(again.desk, LATER, 2, **ANNOUNCED)
    assert refused.value.message_key == "error.recall_limit"


@pytest.mark.parametrize(
    ("move", "status"),
    [(DeskMove.FINISH, Status.DONE), (DeskMove.NO_SHOW, Status.NO_SHOW)],
)
def test_release_frees_the_desk(move: DeskMove, status: Status) -> None:
    outcome = release(desk_in(DeskStatus.SERVING), move, LATER)
    assert outcome.desk.serving is None
    assert outcome.ticket is not None and outcome.ticket.status == status
    assert outcome.events[0].move == desk.TICKET_MOVE[move]


def test_a_state_change_is_recorded_only_when_it_changes() -> None:
    outcome = set_state(desk_in(DeskStatus.FREE), CounterState.BREAK)
    assert outcome.events == (CounterStateChanged(counter="loket-1", state="break"),)
    assert set_state(outcome.desk, CounterState.BREAK).events == ()


@pytest.mark.parametrize(
    ("serving", "shown", "stale"),
    [
        (None, UNCHECKED, False),
        (None, None, False),
        (None, "A-001", True),
        ("A-001", UNCHECKED, False),
        ("A-001", "A-001", False),
        ("A-001", None, True),
        ("A-001", "A-002", True),
    ],
)
def test_an_action_is_refused_when_the_screen_shows_another_ticket(
    serving: str | None, shown: object, stale: bool
) -> None:
    at_desk = desk_in(DeskStatus.SERVING if serving else DeskStatus.FREE)
    if stale:
        with pytest.raises(StaleCurrent) as refused:
            check_current(at_desk, shown)  # type: ignore[arg-type]
        assert refused.value.details == {"current": serving}
    else:
        check_current(at_desk, shown)  # type: ignore[arg-type]
