"""What the holder of a ticket does with it: one handler runs every citizen command
(`shared.application.citizen_commands`), for the phone page, the kiosk and the survey tablet.

`act` does the prologue once: it opens the write transaction (the log's actor is the command's),
does the day's housekeeping (`begin`) and finds the ticket: by its holder's token, or, for the
counter's survey tablet, the counter's latest finished ticket its handle names (else nothing
changes). The command's step then decides with the ticket lifecycle or the carry-over, survey
and SMS rules, and saves what moved (a survey's integrity answers, `shared.domain.integrity`,
only as counts of the hour, counter and officer of the service: not in the event log, not
beside the ticket or its survey answers); `act` records the public waiting counts when the queue
changed. After COMMIT it builds the ticket's view and prints where the command prints. The
functions at the end are the same commands for callers in Python (tests, SMS replies).
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, date
from typing import Any

from shared.application import stepback, survey_desk
from shared.application.citizen_commands import (
    AddSmsNumber,
    AnswerSurvey,
    AnswerSurveyAtCounter,
    Asked,
    Cancel,
    CheckInCarried,
    CitizenCommand,
    Reprint,
    StepBack,
)
from shared.application.housekeeping import begin, record_waiting, save_move
from shared.application.printing import DISABLED, PrintResult
from shared.application.services import counter_of, ticket_of
from shared.application.sms import register_number
from shared.application.station import Station
from shared.application.ticket_issue import keyed_request, new_ticket, request_hash
from shared.application.ticket_printing import MAX_REPRINTS, print_checked_in, reprint
from shared.application.views import view_of
from shared.domain import carryover
from shared.domain.errors import Conflict, Forbidden, NotCarried
from shared.domain.events import SurveyAnswered, TicketDone
from shared.domain.integrity import hour_of
from shared.domain.queue_rules import Move, Status
from shared.domain.skm import SkmPeriod
from shared.domain.sms import mask
from shared.domain.ticket import Ticket
from shared.store import eventlog, integrity_records, repository, skm_records
from shared.store.store import Transaction


@dataclass(frozen=True)
class Context:
    """What a command's step works with: the station, the open transaction, today and the
    ticket the command names."""

    station: Station
    tx: Transaction
    today: date
    ticket: Ticket


@dataclass(frozen=True)
class Outcome:
    """What a step decided: the ticket the answer is about, whether the queue changed (its
    public waiting counts are recorded), whether the request made something new (201), and for
    a command that prints, whether its printer is on and whether this request was asked before
    (its Idempotency-Key: the first answer's print result is given again)."""

    ticket: Ticket
    queue_changed: bool = False
    created: bool = False
    printing: bool = False
    retried: bool = False


@dataclass(frozen=True)
class Answer:
    """What a command came to, for its surface to answer with what the command `shows`: the
    ticket (T, built after COMMIT), the print's outcome, a booking, the masked SMS number, and
    whether the request made something new (201). `ticket` and `booking` are the domain's, for
    callers in Python."""

    ticket: Ticket | None
    view: dict[str, Any] | None = None
    print: PrintResult | None = None
    created: bool = False
    booking: repository.BookingRow | None = None
    sms: str | None = None


def act(station: Station, command: CitizenCommand, *, public_base: str = "") -> Answer:
    """Run one citizen command in one write transaction, then answer (and print) after COMMIT;
    `public_base` is the server's address for the links printed on paper."""
    step = STEPS[type(command)]
    with station.store.write(command.actor(), station.now()) as tx:
        today = begin(station, tx)
        ticket = _named_ticket(station, tx, command)
        outcome = step(Context(station, tx, today, ticket), command)
        if outcome.queue_changed:
            record_waiting(station, tx, today)
    return AFTER.get(type(command), _answered)(station, command, outcome, today, public_base)


def _named_ticket(station: Station, tx: Transaction, command: CitizenCommand) -> Ticket:
    """The ticket the command names: its holder's token, or the survey tablet's handle."""
    if not isinstance(command, AnswerSurveyAtCounter):
        return ticket_of(tx, command.token)
    counter = counter_of(station, command.counter)
    ticket = survey_desk.survey_desk_ticket(tx, counter.id, tx.now)
    if (
        ticket is None
        or command.handle is None
        or not hmac.compare_digest(command.handle, survey_desk.survey_handle(ticket))
    ):
        raise Conflict("error.survey_desk_stale")
    return ticket


def _cancel(context: Context, command: CitizenCommand) -> Outcome:
    return Outcome(save_move(context.tx, context.ticket, Move.CANCEL), queue_changed=True)


def _step_back(context: Context, command: CitizenCommand) -> Outcome:
    moved, event = stepback.decide(context.station, context.tx, context.ticket, None)
    repository.save(context.tx, moved)
    context.tx.record(event)
    return Outcome(moved, queue_changed=True)


def _add_sms_number(context: Context, command: CitizenCommand) -> Outcome:
    assert isinstance(command, AddSmsNumber)
    register_number(context.tx, context.today, context.ticket, command.phone, command.language)
    return Outcome(context.ticket, created=True)


def _answer_survey(context: Context, command: CitizenCommand) -> Outcome:
    """Keep one ticket's answers: only once it is done, and only once."""
    assert isinstance(command, AnswerSurvey)
    ticket = context.ticket
    if ticket.status != Status.DONE:
        raise Conflict("error.survey_not_done")
    if repository.surveyed(context.tx, ticket.id):
        raise Conflict("error.survey_answered")
    repository.save_survey(context.tx, ticket.id, json.dumps(command.answers))
    # The profile only adds to its quarter's counts, and the integrity answers to the counts of
    # its service's hour, counter and officer, apart from the answers and the ticket.
    quarter = SkmPeriod.containing("quarter", context.today).label
    skm_records.count_profile(context.tx, quarter, command.profile)
    finish = eventlog.finish_of(context.tx, ticket.id)
    if command.integrity and finish is not None and isinstance(finish.event, TicketDone):
        hour = hour_of(finish.at.astimezone(UTC))
        integrity_records.count_answers(
            context.tx, hour, finish.event.counter, finish.actor, command.integrity
        )
    context.tx.record(
        SurveyAnswered(
            ticket_id=ticket.id,
            number=ticket.number,
            service=ticket.service,
            counter=ticket.counter,
            answers=command.answers,
        )
    )
    return Outcome(ticket, created=True)


def _reprint(context: Context, command: CitizenCommand) -> Outcome:
    """Only the kiosk that issued the ticket (or the server's own machine) may ask, for a
    ticket of today that still waits; at most MAX_REPRINTS, each claimed here before printing,
    so concurrent requests cannot print more."""
    assert isinstance(command, Reprint)
    ticket = context.ticket
    if not (command.own or (command.kiosk is not None and command.kiosk == ticket.kiosk)):
        raise Forbidden("error.reprint_not_this_kiosk", number=ticket.number)
    if not ticket.waiting or ticket.queue_day != context.today:
        raise Conflict("error.reprint_not_waiting", number=ticket.number)
    if ticket.reprints >= MAX_REPRINTS:
        raise Conflict("error.reprint_limit", number=ticket.number, limit=MAX_REPRINTS)
    printing = context.station.printers.enabled(ticket.kiosk)
    if printing:
        repository.save(context.tx, replace(ticket, reprints=ticket.reprints + 1))
    return Outcome(ticket, printing=printing)


def _check_in_carried(context: Context, command: CitizenCommand) -> Outcome:
    """A "Lanjutan" ticket for a carried-over one, on its day. Refused, changing nothing, with
    what to do instead: a ticket never carried over, one whose day has passed, one checked in
    already (its new number said), one still in today's queue. A retry of the same request
    (its Idempotency-Key) gets the same ticket."""
    assert isinstance(command, CheckInCarried)
    station, tx, today, carried = context.station, context.tx, context.today, context.ticket
    key = command.idempotency_key
    asked = request_hash("carried-check-in", carried.id, command.kiosk)
    keyed = keyed_request(tx, today, key, asked)
    earlier = repository.issued_for_carried(tx, carried.id)
    if keyed is not None and earlier is not None and keyed.ticket_id == earlier.id:
        return Outcome(earlier, retried=True)
    refused = carryover.check_in_refusal(carried, today, earlier.number if earlier else None)
    service = station.config.service_by_id.get(carried.service)
    if refused is None and service is None:
        refused = NotCarried("error.carry_not_carried", number=carried.number,
                             date=carried.queue_day)  # fmt: skip
    if refused is not None:
        raise refused
    assert service is not None
    ticket = new_ticket(
        station, tx, service, carried.priority, command.kiosk, today, None,
        reference=carried.reference, carried=carried, need=carried.need,
    )  # fmt: skip
    save_move(tx, carried, Move.RESUME, new_ticket=ticket.id, new_number=ticket.number)
    printing = station.printers.enabled(command.kiosk)
    if key is not None:
        repository.remember_request(
            tx, today, key, asked, ticket.id, None if printing else DISABLED.status
        )
    return Outcome(ticket, created=True)


STEPS: dict[type[CitizenCommand], Callable[[Context, CitizenCommand], Outcome]] = {
    Cancel: _cancel,
    StepBack: _step_back,
    AddSmsNumber: _add_sms_number,
    AnswerSurvey: _answer_survey,
    AnswerSurveyAtCounter: _answer_survey,
    Reprint: _reprint,
    CheckInCarried: _check_in_carried,
}


# ---- after COMMIT: the answer, and the print ------------------------------------------------


def _answered(
    station: Station, command: CitizenCommand, outcome: Outcome, today: date, public_base: str
) -> Answer:
    """The answer, with the ticket's view where the command shows it."""
    view = view_of(station, outcome.ticket) if "ticket" in command.shows else None
    return Answer(outcome.ticket, view, created=outcome.created)


def _print_again(
    station: Station, command: CitizenCommand, outcome: Outcome, today: date, public_base: str
) -> Answer:
    view = view_of(station, outcome.ticket)
    printed = DISABLED
    if outcome.printing:
        printed = reprint(station, command.actor(), outcome.ticket, view, public_base)
    return Answer(outcome.ticket, view, printed)


def _print_checked_in(
    station: Station, command: CitizenCommand, outcome: Outcome, today: date, public_base: str
) -> Answer:
    assert isinstance(command, CheckInCarried)
    issued = print_checked_in(
        station, command.actor(), outcome.ticket, command.kiosk, today,
        command.idempotency_key, public_base, retried=outcome.retried,
    )  # fmt: skip
    return Answer(outcome.ticket, issued.ticket, issued.print, issued.created)


AFTER: dict[type[CitizenCommand], Callable[..., Answer]] = {
    Reprint: _print_again,
    CheckInCarried: _print_checked_in,
}


# ---- the same commands for callers in Python -------------------------------------------------


def _run(station: Station, kind: type[CitizenCommand], asked: Asked) -> Answer:
    return act(station, kind.parse(asked, station.config))


def cancel(station: Station, token: str) -> Ticket:
    """The citizen gives up their number: it leaves the queue for good."""
    answer = _run(station, Cancel, Asked(token))
    assert answer.ticket is not None
    return answer.ticket


def step_back(station: Station, token: str) -> Ticket:
    """The citizen, from their phone, lets a few others go first."""
    answer = _run(station, StepBack, Asked(token))
    assert answer.ticket is not None
    return answer.ticket


def add_sms_number(station: Station, token: str, phone: object, language: str) -> str:
    """The citizen asks for SMS on their ticket; the masked number."""
    asked = Asked(token, {"phone": phone, "language": language})
    command = AddSmsNumber.parse(asked, station.config)
    act(station, command)
    assert isinstance(command, AddSmsNumber)
    return mask(command.phone)


def answer_survey(
    station: Station,
    token: str,
    answers: Any,
    profile: Any = None,
    *,
    integrity: Any = None,
    from_staff: bool = False,
) -> None:
    """Keep a citizen's satisfaction answers: only for a finished ticket, once per ticket;
    with the optional respondent profile (`shared.domain.skm.PROFILE`) and integrity answers
    (`from_staff`: a staff member's session sent it, which may not give integrity answers)."""
    body = {"answers": answers, "profile": profile, "integrity": integrity}
    _run(station, AnswerSurvey, Asked(token, body, staff=from_staff))
