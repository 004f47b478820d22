"""Domain events: what happened, as small dataclasses that are both log rows and Socket.IO payloads.

Board events (`board = True`) get the next `seq` of the durable event log and go to every board;
the others are kept in the log for oversight only. Fields in `log_only` never leave the server,
and a private service's id is replaced by None in everything that is broadcast.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field, fields
from typing import Any, ClassVar


@dataclass(frozen=True, kw_only=True)
class Event:
    name: ClassVar[str]
    board: ClassVar[bool] = True
    log_only: ClassVar[frozenset[str]] = frozenset({"ticket_id", "reason"})

    ticket_id: int | None = None

    def data(self) -> dict[str, Any]:
        """Everything about the event, as stored in the log."""
        return {field.name: getattr(self, field.name) for field in fields(self)}

    def payload(self, seq: int | None, private_services: Collection[str]) -> dict[str, Any]:
        """The broadcast form: no log-only fields, no private service ids, plus `seq`."""
        public = {key: value for key, value in self.data().items() if key not in self.log_only}
        for key in ("service", "from_service"):
            if public.get(key) in private_services:
                public[key] = None
        return {"seq": seq, **public}


@dataclass(frozen=True, kw_only=True)
class TicketIssued(Event):
    name = "ticket.issued"
    number: str
    service: str
    priority: bool
    issued_at: str
    kiosk: str | None


@dataclass(frozen=True, kw_only=True)
class TicketCalled(Event):
    name = "ticket.called"
    number: str
    service: str
    counter: str
    counter_name: str
    announcement: str
    called_at: str
    priority: bool
    out_of_order: bool = False
    reason: str | None = None


@dataclass(frozen=True, kw_only=True)
class TicketRecalled(Event):
    name = "ticket.recalled"
    number: str
    service: str
    counter: str
    counter_name: str
    announcement: str
    called_at: str


@dataclass(frozen=True, kw_only=True)
class TicketDone(Event):
    name = "ticket.done"
    number: str
    service: str
    counter: str


@dataclass(frozen=True, kw_only=True)
class TicketNoShow(Event):
    name = "ticket.no_show"
    number: str
    service: str
    counter: str


@dataclass(frozen=True, kw_only=True)
class TicketTransferred(Event):
    name = "ticket.transferred"
    number: str
    service: str
    from_service: str
    counter: str


@dataclass(frozen=True, kw_only=True)
class TicketRequeued(Event):
    name = "ticket.requeued"
    number: str
    service: str
    counter: str


@dataclass(frozen=True, kw_only=True)
class TicketExpired(Event):
    name = "ticket.expired"
    number: str
    service: str


@dataclass(frozen=True, kw_only=True)
class QueueWaiting(Event):
    name = "queue.waiting"
    waiting: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class CounterStateChanged(Event):
    name = "counter.state"
    counter: str
    state: str


@dataclass(frozen=True, kw_only=True)
class UserChanged(Event):
    name = "user.changed"
    board = False
    username: str
    role: str | None
    change: str


@dataclass(frozen=True, kw_only=True)
class UserLoggedIn(Event):
    name = "user.login"
    board = False
    username: str


@dataclass(frozen=True, kw_only=True)
class SurveyAnswered(Event):
    name = "survey.answered"
    board = False
    number: str
    service: str
    counter: str | None
    answers: dict[str, int]


BOARD_EVENT_NAMES = tuple(
    cls.name
    for cls in Event.__subclasses__()
    if cls.board  # every board event, for docs/tests
)


@dataclass(frozen=True)
class Recorded:
    """An event as committed to the log: its row id, its board `seq` (or None) and itself."""

    id: int
    seq: int | None
    event: Event
