"""The domain ticket's one lifecycle, tested without a database: every move from every status.

`apply` decides (the transition table) and records (the event); `evolve` is the reducer that
folds the log back into tickets. Refused moves raise Conflict and change nothing.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from shared.domain.errors import Conflict
from shared.domain.events import (
    TicketBookingDue,
    TicketCalled,
    TicketCancelled,
    TicketCarriedOver,
    TicketCarryLapsed,
    TicketDone,
    TicketExpired,
    TicketIssued,
    TicketNoShow,
    TicketPrioritized,
    TicketRecalled,
    TicketRequeued,
    TicketResumed,
    TicketReturned,
    TicketSteppedBack,
    TicketTransferred,
)
from shared.domain.queue_rules import ALLOWED_MOVES, ENDS_A_CALL, Move, Status
from shared.domain.ticket import Logged, Ticket, apply, evolve, issue, replay, steps

T0 = datetime(2026, 5, 20, 1, 0, tzinfo=UTC)
LATER = T0 + timedelta(minutes=5)
CALL = {"counter": "loket-1", "counter_name": "Loket 1", "announcement": "Nomor antrean A satu"}
DETAILS: dict[Move, dict[str, object]] = {
    Move.CALL: CALL,
    Move.RECALL: CALL,
    Move.FINISH: {"counter": "loket-1"},
    Move.NO_SHOW: {"counter": "loket-1"},
    Move.TRANSFER: {"service": "lantas", "counter": "loket-1"},
    Move.RETURN: {"counter": "loket-1", "queue_at": "2026-05-20T00:59:00.000000Z"},
    Move.PRIORITIZE: {"counter": "loket-1", "reason": "lansia"},
    Move.EXPIRE: {},
    Move.REQUEUE: {"counter": "loket-1"},
    Move.CANCEL: {},
    Move.BOOKING_DUE: {"queue_at": "2026-05-19T01:00:00.000000Z"},
    Move.CARRY_OVER: {"valid_until": "2026-05-21", "by": "supervisor", "reason": "tutup"},
    Move.RESUME: {"new_ticket": 99, "new_number": "A-001"},
    Move.LAPSE: {"valid_until": "2026-05-21"},
    Move.STEP_BACK: {"places": 3, "queue_at": "2026-05-20T01:02:00.000000Z"},
}
EVENT = {
    Move.CALL: TicketCalled,
    Move.RECALL: TicketRecalled,
    Move.FINISH: TicketDone,
    Move.NO_SHOW: TicketNoShow,
    Move.TRANSFER: TicketTransferred,
    Move.RETURN: TicketReturned,
    Move.PRIORITIZE: TicketPrioritized,
    Move.EXPIRE: TicketExpired,
    Move.REQUEUE: TicketRequeued,
    Move.CANCEL: TicketCancelled,
    Move.BOOKING_DUE: TicketBookingDue,
    Move.CARRY_OVER: TicketCarriedOver,
    Move.RESUME: TicketResumed,
    Move.LAPSE: TicketCarryLapsed,
    Move.STEP_BACK: TicketSteppedBack,
}


def issued(
    ticket_id: int = 7, *, sequence: int = 12, priority: bool = True, token: str = "secret"
) -> tuple[Ticket, TicketIssued]:
    """A ticket of `lapor` issued at the kiosk (by default priority A-012), and its event."""
    return issue(
        ticket_id,
        service="lapor",
        prefix="A",
        sequence=sequence,
        service_day=date(2026, 5, 20),
        priority=priority,
        kiosk="kiosk-1",
        token=token,
        now=T0,
    )


def new_ticket() -> Ticket:
    return issued()[0]


def in_status(status: Status) -> Ticket:
    """A ticket brought to `status` the way the station would (called at the counter first)."""
    ticket = new_ticket()
    path = {
        Status.WAITING: [],
        Status.CALLED: [Move.CALL],
        Status.DONE: [Move.CALL, Move.FINISH],
        Status.NO_SHOW: [Move.CALL, Move.NO_SHOW],
        Status.EXPIRED: [Move.EXPIRE],
        Status.CANCELLED: [Move.CANCEL],
        Status.CARRIED: [Move.CARRY_OVER],
        Status.RESUMED: [Move.CARRY_OVER, Move.RESUME],
    }[status]
    for move in path:
        ticket, _ = apply(ticket, move, T0, **DETAILS[move])
    return ticket


def test_an_issued_ticket_waits_with_its_number_and_the_event_says_so() -> None:
    ticket, event = issued()
    assert (ticket.number, ticket.status, ticket.token) == ("A-012", Status.WAITING, "secret")
    assert (event.number, event.service, event.priority, event.kiosk) == (
        "A-012",
        "lapor",
        True,
        "kiosk-1",
    )
    assert "secret" not in repr(event.data())  # the token is never logged


@pytest.mark.parametrize("status", list(Status))
@pytest.mark.parametrize("move", list(Move))
def test_every_move_from_every_status_follows_the_transition_table(
    status: Status, move: Move
) -> None:
    ticket = in_status(status)
    if (status, move) not in ALLOWED_MOVES:
        with pytest.raises(Conflict):
            apply(ticket, move, LATER, **DETAILS[move])
        return
    moved, event = apply(ticket, move, LATER, **DETAILS[move])
    assert moved.status == ALLOWED_MOVES[(status, move)]
    assert isinstance(event, EVENT[move])
    assert event.move is move
    assert event.status == moved.status  # what the boards are told
    assert (event.ticket_id, event.number) == (ticket.id, ticket.number)
    assert moved.token == ticket.token  # a move never forgets who holds the ticket


def test_a_call_records_the_counter_and_the_time() -> None:
    called, event = apply(new_ticket(), Move.CALL, LATER, **CALL)
    assert (called.counter, called.called_at) == ("loket-1", LATER)
    assert isinstance(event, TicketCalled)
    assert event.called_at == "2026-05-20T01:05:00.000000Z"
    assert event.priority is True


def test_a_recall_only_counts_and_announces_the_original_call_again() -> None:
    called = in_status(Status.CALLED)
    recalled, event = apply(called, Move.RECALL, LATER, **CALL)
    twice, _ = apply(recalled, Move.RECALL, LATER, **CALL)
    assert (recalled.recalls, twice.recalls) == (1, 2)
    assert replace(twice, recalls=0) == called
    assert isinstance(event, TicketRecalled)
    assert event.called_at == "2026-05-20T01:00:00.000000Z"
    again, _ = apply(in_status(Status.WAITING), Move.CALL, LATER, **CALL)
    assert again.recalls == 0


def test_returning_puts_the_citizen_first_in_line_again() -> None:
    back, _ = apply(in_status(Status.CALLED), Move.RETURN, LATER, **DETAILS[Move.RETURN])
    assert (back.status, back.counter, back.called_at) == (Status.WAITING, None, None)
    assert back.queue_at < back.issued_at  # ahead of everyone issued since


def test_an_officer_can_give_a_waiting_ticket_priority() -> None:
    ordinary, _ = issued(priority=False)
    marked, event = apply(ordinary, Move.PRIORITIZE, LATER, **DETAILS[Move.PRIORITIZE])
    assert marked.priority and marked.status == Status.WAITING
    assert isinstance(event, TicketPrioritized)
    assert event.reason == "lansia"


def test_a_transfer_waits_again_elsewhere_keeping_number_and_issue_time() -> None:
    moved, event = apply(in_status(Status.CALLED), Move.TRANSFER, LATER, **DETAILS[Move.TRANSFER])
    assert (moved.service, moved.issued_service, moved.number) == ("lantas", "lapor", "A-012")
    assert (moved.status, moved.counter, moved.called_at) == (Status.WAITING, None, None)
    assert moved.issued_at == T0
    assert isinstance(event, TicketTransferred)
    assert (event.from_service, event.service) == ("lapor", "lantas")


def test_a_requeued_no_show_waits_again_with_no_trace_of_the_call() -> None:
    back, _ = apply(in_status(Status.NO_SHOW), Move.REQUEUE, LATER, counter="loket-1")
    assert (back.status, back.called_at, back.finished_at, back.counter) == (
        Status.WAITING,
        None,
        None,
        None,
    )


@pytest.mark.parametrize("move", [Move.FINISH, Move.NO_SHOW, Move.EXPIRE])
def test_an_ending_move_records_when_the_ticket_ended(move: Move) -> None:
    start = in_status(Status.WAITING if move is Move.EXPIRE else Status.CALLED)
    ended, _ = apply(start, move, LATER, **DETAILS[move])
    assert ended.finished_at == LATER


def test_folding_the_events_gives_the_same_ticket_as_applying_them() -> None:
    ticket, first = issued(1, sequence=1, priority=False, token="t")
    log = [Logged(1, T0, "kiosk", first)]
    for row, move in enumerate([Move.CALL, Move.NO_SHOW, Move.REQUEUE, Move.CALL], start=2):
        moment = T0 + timedelta(minutes=row)
        ticket, event = apply(ticket, move, moment, **DETAILS[move])
        log.append(Logged(row, moment, "budi", event))
    assert replay(log) == {1: replace(ticket, token="")}


def test_an_impossible_logged_move_is_reported_and_changes_nothing() -> None:
    ticket, first = issued(1, sequence=1, priority=False, token="")
    done = TicketDone(ticket_id=1, number="A-001", service="lapor", counter="loket-1")
    orphan = TicketDone(ticket_id=2, number="A-002", service="lapor", counter="loket-1")
    log = [
        Logged(1, T0, "kiosk", first),
        Logged(2, LATER, "x", done),
        Logged(3, LATER, "x", orphan),
    ]
    found = list(steps(log))
    assert [step.problem for step in found] == [None, "move_not_allowed", "unknown_ticket"]
    assert replay(log) == {1: ticket}


def test_an_event_for_a_ticket_never_issued_cannot_be_evolved() -> None:
    with pytest.raises(Conflict):
        evolve(None, TicketDone(ticket_id=3, number="A-003", service="a", counter="x"), T0)


def test_a_call_ends_when_the_citizen_leaves_the_counter_by_any_move_but_a_recall() -> None:
    """The board clears a call, and the counter's day counts move, on exactly these moves."""
    leaving = {move for move in Move if (Status.CALLED, move) in ALLOWED_MOVES}
    assert leaving - {Move.RECALL} == ENDS_A_CALL
    called = in_status(Status.CALLED)
    for move in ENDS_A_CALL:
        moved, _ = apply(called, move, LATER, **DETAILS[move])
        assert moved.status != Status.CALLED
