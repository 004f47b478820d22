"""The counter desk and its one lifecycle: open, on break or closed, and the ticket it serves.

A desk is a configured counter, its state and the ticket called there (if any). Its status
(free, serving, on break, closed) and a move (call, recall, finish, no-show, transfer, return,
open, break, close) decide in one table, `RULES`, what the move leads to or why it is refused.
The moves here decide and return the moved tickets and the events that record them; saving
them is the caller's. No Flask, no SQL, no clock.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from typing import Any

from shared.domain.config import Counter
from shared.domain.errors import Conflict, Refused, StaleCurrent
from shared.domain.events import CounterStateChanged, Event
from shared.domain.queue_rules import CounterState, Move
from shared.domain.ticket import Ticket, apply


class _Unchecked:
    """`current` not given: the action keeps its old meaning (whatever is current)."""


UNCHECKED = _Unchecked()
Current = str | None | _Unchecked


class DeskStatus(StrEnum):
    FREE = "free"  # open, nobody called
    SERVING = "serving"  # open, a ticket called here
    BREAK = "break"
    CLOSED = "closed"


class DeskMove(StrEnum):
    """What an officer does at a desk; RULES says from which status."""

    CALL = "call"  # a waiting ticket (the one served, if any, is finished as done first)
    RECALL = "recall"
    FINISH = "finish"
    NO_SHOW = "no_show"
    TRANSFER = "transfer"
    RETURN = "return"
    OPEN = "open"
    BREAK = "break"
    CLOSE = "close"


LETS_GO = (DeskMove.FINISH, DeskMove.NO_SHOW, DeskMove.TRANSFER, DeskMove.RETURN)
SERVES = (DeskMove.RECALL, *LETS_GO)  # the moves about the ticket served
AWAY = (DeskStatus.BREAK, DeskStatus.CLOSED)
# Where a state move takes a desk that serves nobody.
SETS = {
    DeskMove.OPEN: DeskStatus.FREE,
    DeskMove.BREAK: DeskStatus.BREAK,
    DeskMove.CLOSE: DeskStatus.CLOSED,
}
NOBODY = Refused("error.no_current_ticket")
NOT_OPEN = Refused("error.counter_not_open")
BUSY = Refused("error.counter_serving")  # a desk leaves service only when free

# The whole lifecycle of a desk: (status, move) -> the status it reaches, or why not.
RULES: dict[tuple[DeskStatus, DeskMove], DeskStatus | Refused] = {
    **{(status, move): NOBODY for status in (DeskStatus.FREE, *AWAY) for move in SERVES},
    **{
        (status, move): reached
        for status in (DeskStatus.FREE, *AWAY)
        for move, reached in SETS.items()
    },
    **{(status, DeskMove.CALL): NOT_OPEN for status in AWAY},
    (DeskStatus.FREE, DeskMove.CALL): DeskStatus.SERVING,
    (DeskStatus.SERVING, DeskMove.CALL): DeskStatus.SERVING,  # the one served is finished first
    (DeskStatus.SERVING, DeskMove.RECALL): DeskStatus.SERVING,
    **{(DeskStatus.SERVING, move): DeskStatus.FREE for move in LETS_GO},
    (DeskStatus.SERVING, DeskMove.OPEN): DeskStatus.SERVING,
    (DeskStatus.SERVING, DeskMove.BREAK): BUSY,
    (DeskStatus.SERVING, DeskMove.CLOSE): BUSY,
}
# The move that sets each state, and the ticket move each serving move makes.
STATE_MOVE = {
    CounterState.OPEN: DeskMove.OPEN,
    CounterState.BREAK: DeskMove.BREAK,
    CounterState.CLOSED: DeskMove.CLOSE,
}
TICKET_MOVE = {
    DeskMove.CALL: Move.CALL,
    DeskMove.RECALL: Move.RECALL,
    DeskMove.FINISH: Move.FINISH,
    DeskMove.NO_SHOW: Move.NO_SHOW,
    DeskMove.TRANSFER: Move.TRANSFER,
    DeskMove.RETURN: Move.RETURN,
}


@dataclass(frozen=True)
class Desk:
    """A counter as the officer acts at it: its configuration, state and called ticket."""

    counter: Counter
    state: CounterState
    serving: Ticket | None

    @property
    def status(self) -> DeskStatus:
        if self.serving is not None:
            return DeskStatus.SERVING
        return {
            CounterState.OPEN: DeskStatus.FREE,
            CounterState.BREAK: DeskStatus.BREAK,
            CounterState.CLOSED: DeskStatus.CLOSED,
        }[self.state]


@dataclass(frozen=True)
class Outcome:
    """What a move did: the desk after it, the ticket acted on, every ticket moved (to save, in
    order) and the events that record it."""

    desk: Desk
    ticket: Ticket | None
    moved: tuple[Ticket, ...] = ()
    events: tuple[Event, ...] = ()


def decide(desk: Desk, move: DeskMove) -> DeskStatus:
    """The status `move` leads the desk to, or Conflict with the table's reason."""
    rule = RULES[(desk.status, move)]
    if isinstance(rule, Refused):
        number = desk.serving.number if desk.serving else ""
        raise Conflict(
            rule.message, counter=desk.counter.name, state=desk.state.value, number=number
        )
    return rule


def check_current(desk: Desk, current: Current) -> None:
    """Refuse an action unless the officer's screen shows the ticket served at the desk now."""
    serving = desk.serving.number if desk.serving else None
    if current is not UNCHECKED and serving != current:
        raise StaleCurrent(desk.counter.name, serving)


def call(desk: Desk, ticket: Ticket, now: datetime, **details: Any) -> Outcome:
    """Call a waiting ticket to the desk, finishing the one served there (as done) first.

    `details` are the call event's own (the announcement, out of order and why)."""
    decide(desk, DeskMove.CALL)
    finished = _finished(desk, Move.FINISH, now)
    called, event = apply(ticket, Move.CALL, now, **details)
    return Outcome(
        replace(desk, serving=called),
        called,
        (*finished.moved, called),
        (*finished.events, event),
    )


def recall(desk: Desk, now: datetime, limit: int, **details: Any) -> Outcome:
    """Announce the served ticket again; with a `limit`, a ticket recalled that many times is
    refused another (the officer marks a no-show instead)."""
    decide(desk, DeskMove.RECALL)
    assert desk.serving is not None
    if limit and desk.serving.recalls >= limit:
        raise Conflict("error.recall_limit", number=desk.serving.number, recalls=limit)
    recalled, event = apply(desk.serving, Move.RECALL, now, **details)
    return Outcome(replace(desk, serving=recalled), recalled, (recalled,), (event,))


def release(desk: Desk, move: DeskMove, now: datetime, **details: Any) -> Outcome:
    """Let the served ticket go (finished, no-show, transferred or back in line): the desk is
    free. `details` are the event's own (where a transfer goes, a return's place)."""
    decide(desk, move)
    assert desk.serving is not None
    moved, event = apply(desk.serving, TICKET_MOVE[move], now, counter=desk.counter.id, **details)
    return Outcome(replace(desk, serving=None), moved, (moved,), (event,))


def set_state(desk: Desk, state: CounterState) -> Outcome:
    """Open the desk, send it on break or close it (recorded only when it changes)."""
    decide(desk, STATE_MOVE[state])
    if state == desk.state:
        return Outcome(desk, desk.serving)
    changed = CounterStateChanged(counter=desk.counter.id, state=state.value)
    return Outcome(replace(desk, state=state), desk.serving, (), (changed,))


def _finished(desk: Desk, move: Move, now: datetime) -> Outcome:
    if desk.serving is None:
        return Outcome(desk, None)
    finished, event = apply(desk.serving, move, now, counter=desk.counter.id)
    return Outcome(replace(desk, serving=None), finished, (finished,), (event,))
