"""A citizen's SMS reply, answered: from the number registered for a ticket of today, "BATAL"
cancels the ticket (the same `Cancel` command as the phone's), "STATUS" answers where it stands,
"TUNDA" that it cannot be done by SMS, anything else the help. The answer joins the outbox."""

from __future__ import annotations

import hashlib
from datetime import date, datetime

from shared.application import citizen_actions
from shared.application.sms import OPEN_STATUSES, message_body
from shared.application.sms_notices import message_text
from shared.application.station import Station
from shared.application.views import ticket_views
from shared.domain.errors import InvalidRequest, SatuPintuError
from shared.domain.events import SmsReplied
from shared.domain.i18n import text
from shared.domain.queue_rules import Status
from shared.domain.sms import MessageKind, Reply, normalise_number, reply_command
from shared.domain.ticket import Ticket
from shared.store import repository, sms_store
from shared.store.store import Reader


def _replying_ticket(db: Reader, number: str, today: date) -> Ticket | None:
    """The ticket a reply from this number is about: its newest still in the queue, else its
    newest (None: the number is registered for no ticket of today)."""
    tickets = repository.tickets_by_ids(db, sms_store.tickets_of_number(db, number, today))
    tickets.sort(key=lambda ticket: ticket.id, reverse=True)
    open_ones = [t for t in tickets if t.status in (*OPEN_STATUSES, Status.NO_SHOW)]
    return (open_ones or tickets or [None])[0]


def _status_body(station: Station, ticket: Ticket, language: str, now: datetime) -> str:
    with station.store.read() as db:
        view = ticket_views(station, db, [ticket], now)[0]
    if ticket.status == Status.CALLED:
        return message_body(station, MessageKind.CALLED, language, ticket, view, now)
    if ticket.status != Status.WAITING:
        return text("sms.status_over", language, number=ticket.number)
    estimate = view["estimated_wait"]
    if estimate is None:
        return text("sms.status_soon", language, number=ticket.number, n=view["ahead"])
    return text(
        "sms.status", language, number=ticket.number, n=view["ahead"], low=estimate["low"],
        high=estimate["high"],
    )  # fmt: skip


def _postpone(station: Station, ticket: Ticket, language: str) -> str:
    """TUNDA: the ticket's step-back move (Tunda giliran), where it is allowed; the outcome."""
    try:
        moved = citizen_actions.step_back(station, ticket.token)
    except SatuPintuError as refused:
        reason = text(refused.message_key, language, **refused.params)
        return text("sms.postpone_refused", language, number=ticket.number, reason=reason)
    with station.store.read() as db:
        view = ticket_views(station, db, [moved], station.now())[0]
    return text("sms.postponed", language, number=moved.number, n=view["ahead"])


def answer_reply(station: Station, sender: str, body: str, received: str) -> Reply | None:
    """A reply arrived from `sender`: act on it when that number is registered for a ticket of
    today, and queue the answer (once per received message, keyed by `received`). Replies from
    any other number change nothing and get no answer (None)."""
    try:
        number = normalise_number(sender)
    except InvalidRequest:
        return None
    now = station.now()
    today = station.today(now)
    with station.store.read() as db:
        ticket = _replying_ticket(db, number, today)
        registered = sms_store.of_ticket(db, ticket.id) if ticket else None
    if ticket is None or registered is None:
        return None
    language = registered.language
    command = reply_command(body)
    if command is Reply.CANCEL:
        try:
            cancelled = citizen_actions.cancel(station, ticket.token)
        except SatuPintuError:
            answer = text("sms.status_over", language, number=ticket.number)
        else:
            answer = text("sms.cancelled", language, number=cancelled.number)
    elif command is Reply.STATUS:
        answer = _status_body(station, ticket, language, now)
    elif command is Reply.POSTPONE:
        answer = _postpone(station, ticket, language)
    else:
        answer = text("sms.help", language, number=ticket.number)
    key = hashlib.sha256(received.encode()).hexdigest()[:32]
    with station.store.write("sms", station.now()) as tx:
        fresh = sms_store.queue(
            tx,
            key=f"reply:{key}",
            ticket_id=ticket.id,
            kind=f"reply_{command.name.lower()}",
            day=today,
            language=language,
            text=message_text(station, answer),
        )
        if fresh:
            tx.record(SmsReplied(ticket_id=ticket.id, number=ticket.number, command=command.value))
    return command
