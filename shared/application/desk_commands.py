"""The officer's commands at a counter, each parsed once from an HTTP body or a socket payload.

Every command may name the ticket the officer's screen shows at the counter (`"current"`): the
handler (`shared.application.desk_actions`) refuses it, changing nothing, if another is served there
now. A bad field is refused here, before anything is read or written.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from shared.domain.desk import UNCHECKED, Current
from shared.domain.errors import InvalidRequest
from shared.domain.queue_rules import CounterState
from shared.domain.text import text_field

MAX_REASON = 200
MAX_NUMBER = 20


def parse_current(body: dict[str, Any]) -> Current:
    """The ticket the officer's screen shows at the counter (`"current"`), if the body names it."""
    if "current" not in body:
        return UNCHECKED
    current = body["current"]
    if current is None:
        return None
    if not isinstance(current, str) or not current.strip() or len(current) > MAX_NUMBER:
        raise InvalidRequest("error.current_type")
    return text_field(current, "current", MAX_NUMBER).strip().upper()


def parse_number(number: Any) -> str:
    if number is None or (isinstance(number, str) and not number.strip()):
        raise InvalidRequest("error.field_required", field="number")
    return text_field(number, "number", MAX_NUMBER).strip().upper()


def parse_reason(reason: Any) -> str:
    """A reason an officer gives for a call out of turn, a priority or a front place."""
    if not isinstance(reason, str) or not reason.strip():
        raise InvalidRequest("error.reason_required")
    return text_field(reason, "reason", MAX_REASON).strip()


@dataclass(frozen=True, kw_only=True)
class Command:
    """A counter action; `action` names it in the API (`call_next` is POST .../call-next and
    the socket event `call_next`)."""

    action: ClassVar[str]
    current: Current = UNCHECKED

    @classmethod
    def parse(cls, body: dict[str, Any]) -> Command:
        return cls(current=parse_current(body))


@dataclass(frozen=True, kw_only=True)
class CallNext(Command):
    """Finish the current ticket as done and call the next one in the call order."""

    action = "call_next"


@dataclass(frozen=True, kw_only=True)
class _Numbered(Command):
    """A command on a ticket named by its number."""

    number: str

    @classmethod
    def parse(cls, body: dict[str, Any]) -> Command:
        current = parse_current(body)
        return cls(number=parse_number(body.get("number")), current=current)


@dataclass(frozen=True, kw_only=True)
class _NumberWithReason(_Numbered):
    """A command on a ticket named by its number, with the officer's required reason."""

    reason: str

    @classmethod
    def parse(cls, body: dict[str, Any]) -> Command:
        current = parse_current(body)
        number = parse_number(body.get("number"))
        return cls(number=number, reason=parse_reason(body.get("reason")), current=current)


@dataclass(frozen=True, kw_only=True)
class CallNumber(_NumberWithReason):
    """Call one waiting ticket out of order; the reason is required and logged."""

    action = "call"


@dataclass(frozen=True, kw_only=True)
class Recall(Command):
    """Announce the current ticket again."""

    action = "recall"


@dataclass(frozen=True, kw_only=True)
class Finish(Command):
    """The current citizen has been served."""

    action = "done"


@dataclass(frozen=True, kw_only=True)
class NoShow(Command):
    """The current citizen did not come."""

    action = "no_show"


@dataclass(frozen=True, kw_only=True)
class Transfer(Command):
    """Send the current citizen to another service's queue (with `front`, to its front: the
    reason is required)."""

    action = "transfer"
    service: Any  # checked against the configuration by the handler
    front: bool = False
    reason: str | None = None

    @classmethod
    def parse(cls, body: dict[str, Any]) -> Command:
        current = parse_current(body)
        front = body.get("front", False)
        if not isinstance(front, bool):
            raise InvalidRequest("error.field_type", field="front", expected="true/false")
        return cls(
            service=body.get("service"),
            front=front,
            reason=parse_reason(body.get("reason")) if front else None,
            current=current,
        )


@dataclass(frozen=True, kw_only=True)
class Return(Command):
    """The officer leaves before serving the citizen called: first in line again."""

    action = "return"


@dataclass(frozen=True, kw_only=True)
class Prioritize(_NumberWithReason):
    """Give a waiting ticket priority; the reason is logged for fairness."""

    action = "prioritize"


@dataclass(frozen=True, kw_only=True)
class Requeue(_Numbered):
    """Put a no-show back in the queue within the window."""

    action = "requeue"


@dataclass(frozen=True, kw_only=True)
class StepBack(_Numbered):
    """Tunda giliran: the citizen of a waiting ticket, at the counter, lets a few others go
    first."""

    action = "step_back"


@dataclass(frozen=True, kw_only=True)
class SetState(Command):
    """Open the counter, send it on break or close it."""

    action = "state"
    state: CounterState

    @classmethod
    def parse(cls, body: dict[str, Any]) -> Command:
        current = parse_current(body)
        try:
            state = CounterState(body.get("state"))
        except ValueError:
            raise InvalidRequest("error.counter_state", states="open, break, closed") from None
        return cls(state=state, current=current)


COMMANDS: dict[str, type[Command]] = {
    kind.action: kind
    for kind in (
        CallNext,
        CallNumber,
        Recall,
        Finish,
        NoShow,
        Transfer,
        Return,
        Prioritize,
        Requeue,
        StepBack,
        SetState,
    )
}
