"""The officer's actions at a counter: one handler runs every command
(`shared.application.desk_commands`).

`act` does the prologue once: it finds the counter, opens the write transaction, does the day's
housekeeping (`begin`), loads the desk and checks the ticket the officer's screen shows. Then the
command's own step decides with the pure desk (`shared.domain.desk`) or ticket lifecycle, and `act`
saves what moved and records its events. It returns the ticket acted on (None: nobody); its view
is built after COMMIT, outside the write lock. The functions at the end are the same commands
for callers in Python (tests, benchmarks).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from shared.application import positions, routing, stepback
from shared.application.desk_commands import (
    CallNext,
    CallNumber,
    Command,
    Finish,
    NoShow,
    Prioritize,
    Recall,
    Requeue,
    Return,
    SetState,
    StepBack,
    Transfer,
)
from shared.application.housekeeping import begin, record_waiting
from shared.application.services import counter_of, service_of
from shared.application.station import Station
from shared.domain import announce, desk
from shared.domain.clock import utc_text
from shared.domain.config import Counter
from shared.domain.desk import UNCHECKED, Current, Desk, DeskMove, Outcome
from shared.domain.errors import (
    Conflict,
    InvalidRequest,
    NotFound,
    QueueEmpty,
    ServiceClosed,
    ServiceSuspended,
)
from shared.domain.needs import Routing, route, skill_for
from shared.domain.queue_rules import (
    QUEUE_MOVES,
    REFUSAL,
    Move,
    call_order,
    may_requeue,
    within_hours,
)
from shared.domain.suspension import Suspension, check_callable
from shared.domain.ticket import Ticket, apply
from shared.store import eventlog, repository
from shared.store.store import Transaction

FRONT_MARGIN = timedelta(milliseconds=1)


@dataclass(frozen=True)
class Context:
    """What a command's step works with: the station, the open transaction, today and the desk."""

    station: Station
    tx: Transaction
    today: date
    desk: Desk
    suspended: dict[str, Suspension]  # the station's services suspended now
    routes: Routing  # the skills at this counter and at the others open (`routing`)

    @property
    def counter(self) -> Counter:
        return self.desk.counter

    def announced(self, ticket: Ticket) -> dict[str, str]:
        """What a call or recall tells the hall: the counter, its name and the spoken sentence."""
        config = self.station.config
        return {
            "counter": self.counter.id,
            "counter_name": config.shown_name(self.counter).get(config.language),
            "announcement": announce.call_sentence(ticket.number, self.counter, config),
        }

    def front_of(self, service: str) -> str:
        """A place in a queue before everyone waiting in it now."""
        first = repository.first_place(self.tx, service, self.today)
        return utc_text((first or self.tx.now) - FRONT_MARGIN)

    def service_name(self, service: str) -> str:
        config = self.station.config
        return config.service_by_id[service].name.get(config.language)

    def callable_services(self) -> list[str]:
        """This counter's services whose tickets may be called now (not suspended)."""
        return [s for s in self.counter.services if s not in self.suspended]

    def expected(self) -> Ticket | None:
        """Who is next at this counter in the call order (a suspended service's tickets keep
        their place but are passed by), a need's ticket routed to a skilled officer's counter
        (`needs.route`: with skills about, the whole queue is looked at, not its heads)."""
        routes = self.routes
        services = self.callable_services()
        if routes == Routing():
            waiting = repository.heads(self.tx, services, self.today)
        else:
            waiting = repository.waiting_items(self.tx, services, self.today)
        streak = positions.streak(self.station, self.tx, counter=self.counter.id)
        order = call_order(waiting, self.station.config.call_policy, self.tx.now, streak)
        return next(route(order, routes), None)

    def skill_for(self, ticket: Ticket) -> str | None:
        """The skill of this counter's officer that the ticket's need asks for, if any: the
        call event records it (the fairness report names it)."""
        skill = skill_for(ticket.need)
        return skill if skill is not None and skill in self.routes.here else None

    def numbered(self, number: str, move: Move) -> Ticket:
        """Today's ticket `number` of one of this counter's services, for `move` (whether its
        status allows the move is the ticket lifecycle's to say)."""
        ticket = repository.by_number(self.tx, self.today, number)
        if ticket is None:
            raise NotFound(REFUSAL[move][1], number=number)
        if ticket.service not in self.counter.services:
            raise Conflict("error.service_not_served", number=number, counter=self.counter.name)
        return ticket


def act(station: Station, counter_id: str, actor: str, command: Command) -> Ticket | None:
    """Run one command at a counter in one write transaction; the ticket acted on."""
    counter = counter_of(station, counter_id)
    step = STEPS[type(command)]
    with station.store.write(actor, station.now()) as tx:
        today = begin(station, tx)
        row = repository.counter(tx, counter.id)
        desk_now = Desk(counter, row.state, row.ticket)
        routes = routing.routing_at(station, tx, counter, tx.now, acting=actor)
        context = Context(station, tx, today, desk_now, eventlog.suspensions_in_force(tx), routes)
        desk.check_current(context.desk, command.current)
        outcome = step(context, command)
        for ticket in outcome.moved:
            repository.save(tx, ticket)
        for event in outcome.events:
            tx.record(event)
        if outcome.desk != context.desk:
            repository.save_desk(tx, counter.id, outcome.desk.state)
        if any(getattr(event, "move", None) in QUEUE_MOVES for event in outcome.events):
            record_waiting(station, tx, today)
        return outcome.ticket


def _call_next(context: Context, command: Command) -> Outcome:
    desk.decide(context.desk, DeskMove.CALL)
    chosen = context.expected()
    held = [s for s in context.counter.services if s in context.suspended]
    if chosen is None and held and repository.heads(context.tx, held, context.today):
        raise ServiceSuspended(
            "error.call_next_suspended",
            counter=context.counter.name,
            services=", ".join(context.service_name(service) for service in held),
        )
    if chosen is None:
        raise QueueEmpty("error.queue_empty", counter=context.counter.name)
    ticket = repository.get(context.tx, chosen.id)
    assert ticket is not None
    return desk.call(
        context.desk,
        ticket,
        context.tx.now,
        **context.announced(ticket),
        skill=context.skill_for(ticket),
    )


def _call_number(context: Context, command: Command) -> Outcome:
    assert isinstance(command, CallNumber)
    desk.decide(context.desk, DeskMove.CALL)
    ticket = context.numbered(command.number, Move.CALL)
    if ticket.waiting:
        check_callable(
            context.suspended,
            ticket.service,
            ticket.number,
            name=context.service_name(ticket.service),
        )
    expected = context.expected()
    return desk.call(
        context.desk,
        ticket,
        context.tx.now,
        **context.announced(ticket),
        out_of_order=expected is not None and expected.id != ticket.id,
        reason=command.reason,
        skill=context.skill_for(ticket),
    )


def _recall(context: Context, command: Command) -> Outcome:
    serving = context.desk.serving
    details = context.announced(serving) if serving else {}
    limit = context.station.config.no_show_after_recalls
    return desk.recall(context.desk, context.tx.now, limit, **details)


def _finish(context: Context, command: Command) -> Outcome:
    return desk.release(context.desk, DeskMove.FINISH, context.tx.now)


def _no_show(context: Context, command: Command) -> Outcome:
    return desk.release(context.desk, DeskMove.NO_SHOW, context.tx.now)


def _transfer(context: Context, command: Command) -> Outcome:
    assert isinstance(command, Transfer)
    service = service_of(context.station.config, command.service)
    desk.decide(context.desk, DeskMove.TRANSFER)
    assert context.desk.serving is not None
    if context.desk.serving.service == service.id:
        raise InvalidRequest("error.transfer_same_service")
    if not within_hours(service, context.station.local(context.tx.now)):
        raise ServiceClosed(
            "error.service_closed_hours",
            service=service.name.get(context.station.config.language),
            opens_at="-",
        )
    return desk.release(
        context.desk,
        DeskMove.TRANSFER,
        context.tx.now,
        service=service.id,
        queue_day=context.today.isoformat(),  # called before midnight: today's queue
        queue_at=context.front_of(service.id) if command.front else None,
        front=command.front,
        reason=command.reason,
    )


def _return(context: Context, command: Command) -> Outcome:
    serving = context.desk.serving
    desk.decide(context.desk, DeskMove.RETURN)
    assert serving is not None
    return desk.release(
        context.desk, DeskMove.RETURN, context.tx.now, queue_at=context.front_of(serving.service)
    )


def _prioritize(context: Context, command: Command) -> Outcome:
    assert isinstance(command, Prioritize)
    ticket = context.numbered(command.number, Move.PRIORITIZE)
    marked, event = apply(
        ticket, Move.PRIORITIZE, context.tx.now, counter=context.counter.id, reason=command.reason
    )
    if ticket.priority:
        raise Conflict("error.already_priority", number=command.number)
    return Outcome(context.desk, marked, (marked,), (event,))


def _requeue(context: Context, command: Command) -> Outcome:
    assert isinstance(command, Requeue)
    ticket = context.numbered(command.number, Move.REQUEUE)
    back, event = apply(ticket, Move.REQUEUE, context.tx.now, counter=context.counter.id)
    window = context.station.config.no_show_requeue_minutes
    assert ticket.finished_at is not None  # a no-show, or the lifecycle refused it
    if not may_requeue(ticket.finished_at, context.tx.now, window):
        raise Conflict("error.requeue_too_late", number=command.number, minutes=window)
    return Outcome(context.desk, back, (back,), (event,))


def _step_back(context: Context, command: Command) -> Outcome:
    assert isinstance(command, StepBack)
    ticket = context.numbered(command.number, Move.STEP_BACK)
    moved, event = stepback.decide(context.station, context.tx, ticket, context.counter.id)
    return Outcome(context.desk, moved, (moved,), (event,))


def _set_state(context: Context, command: Command) -> Outcome:
    assert isinstance(command, SetState)
    return desk.set_state(context.desk, command.state)


STEPS: dict[type[Command], Callable[[Context, Command], Outcome]] = {
    CallNext: _call_next,
    CallNumber: _call_number,
    Recall: _recall,
    Finish: _finish,
    NoShow: _no_show,
    Transfer: _transfer,
    Return: _return,
    Prioritize: _prioritize,
    Requeue: _requeue,
    StepBack: _step_back,
    SetState: _set_state,
}


# ---- the same commands for callers in Python -------------------------------------------------


def _run(
    station: Station, counter_id: str, actor: str, kind: type[Command], current: Current,
    **body: Any,
) -> Any:  # fmt: skip
    if current is not UNCHECKED:
        body["current"] = current
    return act(station, counter_id, actor, kind.parse(body))


def call_next(
    station: Station, counter_id: str, actor: str, current: Current = UNCHECKED
) -> Ticket:
    """Finish the counter's current ticket as done and call the next one (QueueEmpty: nobody
    waits, and nothing changes)."""
    return _run(station, counter_id, actor, CallNext, current)


def call_number(
    station: Station, counter_id: str, number: Any, reason: Any, actor: str,
    current: Current = UNCHECKED,
) -> Ticket:  # fmt: skip
    return _run(station, counter_id, actor, CallNumber, current, number=number, reason=reason)


def recall(station: Station, counter_id: str, actor: str, current: Current = UNCHECKED) -> Ticket:
    return _run(station, counter_id, actor, Recall, current)


def finish(station: Station, counter_id: str, actor: str, current: Current = UNCHECKED) -> Ticket:
    return _run(station, counter_id, actor, Finish, current)


def no_show(station: Station, counter_id: str, actor: str, current: Current = UNCHECKED) -> Ticket:
    return _run(station, counter_id, actor, NoShow, current)


def transfer(
    station: Station, counter_id: str, service_id: Any, actor: str, current: Current = UNCHECKED,
    *, front: Any = False, reason: Any = None,
) -> Ticket:  # fmt: skip
    return _run(
        station, counter_id, actor, Transfer, current, service=service_id, front=front,
        reason=reason,
    )  # fmt: skip


def return_to_queue(
    station: Station, counter_id: str, actor: str, current: Current = UNCHECKED
) -> Ticket:
    return _run(station, counter_id, actor, Return, current)


def prioritize(
    station: Station, counter_id: str, number: Any, reason: Any, actor: str,
    current: Current = UNCHECKED,
) -> Ticket:  # fmt: skip
    return _run(station, counter_id, actor, Prioritize, current, number=number, reason=reason)


def requeue(
    station: Station, counter_id: str, number: Any, actor: str, current: Current = UNCHECKED
) -> Ticket:
    return _run(station, counter_id, actor, Requeue, current, number=number)


def step_back(
    station: Station, counter_id: str, number: Any, actor: str, current: Current = UNCHECKED
) -> Ticket:
    return _run(station, counter_id, actor, StepBack, current, number=number)


def set_counter_state(
    station: Station, counter_id: str, state: Any, actor: str, current: Current = UNCHECKED
) -> Ticket | None:
    return _run(station, counter_id, actor, SetState, current, state=state)
