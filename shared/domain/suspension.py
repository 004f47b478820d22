"""A service suspended and resumed: its one lifecycle, what a suspension holds, and its outages.

When the system behind a service is down (SINAR, the Polri Super App, the national ID system),
a supervisor, or an officer of the service's unit, suspends it with a reason and, if known, the
time it is expected back. Its waiting tickets keep their place; none is called until it resumes.
A service is running or suspended; a move (suspend, resume, call one of its tickets) decides in
one table, `RULES`, what it leads to or why it is refused. Suspending a suspended service again
changes its reason or expected time and keeps when it began.

The state is never stored beside the log: it is folded from the `service.suspended` and
`service.resumed` events (`fold`), and the reports' outages come from the same events
(`outages`). No Flask, no SQL, no clock.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from shared.domain.clock import parse_utc, utc_text
from shared.domain.errors import Conflict, InvalidRequest, Refused, ServiceSuspended
from shared.domain.events import Event, ServiceResumed
from shared.domain.events import ServiceSuspended as SuspendedEvent
from shared.domain.text import text_field

MAX_REASON = 120
MAX_AHEAD = timedelta(days=7)  # an expected resume time further off is a typing mistake


class ServiceStatus(StrEnum):
    RUNNING = "running"
    SUSPENDED = "suspended"


class SuspensionMove(StrEnum):
    SUSPEND = "suspend"  # from suspended: a new reason or expected time
    RESUME = "resume"
    CALL = "call"  # a counter calls one of the service's tickets


NOT_SUSPENDED = Refused("error.service_not_suspended")
SUSPENDED = Refused("error.service_suspended")

# The whole lifecycle of a service's availability: (status, move) -> the status it reaches, or why
# not. A refused call is a ServiceSuspended error (409 `service_suspended`), the others Conflict.
RULES: dict[tuple[ServiceStatus, SuspensionMove], ServiceStatus | Refused] = {
    (ServiceStatus.RUNNING, SuspensionMove.SUSPEND): ServiceStatus.SUSPENDED,
    (ServiceStatus.SUSPENDED, SuspensionMove.SUSPEND): ServiceStatus.SUSPENDED,
    (ServiceStatus.RUNNING, SuspensionMove.RESUME): NOT_SUSPENDED,
    (ServiceStatus.SUSPENDED, SuspensionMove.RESUME): ServiceStatus.RUNNING,
    (ServiceStatus.RUNNING, SuspensionMove.CALL): ServiceStatus.RUNNING,
    (ServiceStatus.SUSPENDED, SuspensionMove.CALL): SUSPENDED,
}


@dataclass(frozen=True)
class Suspension:
    """A service suspended now: why, since when and until when it is expected (None: unknown)."""

    service: str
    reason: str
    since: datetime
    until: datetime | None = None

    def json(self, local: Callable[[datetime], datetime]) -> dict[str, Any]:
        """As the API shows it, times in the station's zone (`local` converts an instant)."""
        return {
            "service": self.service,
            "reason": self.reason,
            "since": local(self.since).isoformat(timespec="seconds"),
            "until": local(self.until).isoformat(timespec="seconds") if self.until else None,
        }


def status_of(suspension: Suspension | None) -> ServiceStatus:
    return ServiceStatus.RUNNING if suspension is None else ServiceStatus.SUSPENDED


def decide(
    suspension: Suspension | None, move: SuspensionMove, name: str, number: str = ""
) -> ServiceStatus:
    """The status `move` leads the service to, or the table's refusal (naming the service by
    `name`, and the ticket a refused call was for)."""
    rule = RULES[(status_of(suspension), move)]
    if isinstance(rule, Refused):
        kind = ServiceSuspended if rule is SUSPENDED else Conflict
        reason = suspension.reason if suspension else ""
        raise kind(rule.message, service=name, number=number, reason=reason)
    return rule


def checked_reason(value: Any) -> str:
    """The reason a suspension gives: required, at most MAX_REASON characters."""
    if not isinstance(value, str) or not value.strip():
        raise InvalidRequest("error.suspension_reason", limit=MAX_REASON)
    return " ".join(text_field(value, "reason", MAX_REASON).split())


def checked_until(value: Any, now: datetime, zone: ZoneInfo) -> datetime | None:
    """The expected resume time as given in the station's local time ("11:30" today, or
    "2026-12-07T09:00"), as an aware instant: later than now, at most MAX_AHEAD from now.
    None or "" means not known."""
    if value is None or value == "":
        return None
    if not isinstance(value, str) or len(value) > 40:
        raise InvalidRequest("error.suspension_until")
    local_now = now.astimezone(zone)
    try:
        if "T" in value or "-" in value:
            moment = datetime.fromisoformat(value)
            moment = moment.replace(tzinfo=zone) if moment.tzinfo is None else moment
        else:
            moment = datetime.combine(local_now.date(), time.fromisoformat(value), tzinfo=zone)
    except ValueError:
        raise InvalidRequest("error.suspension_until") from None
    if moment <= now or moment - now > MAX_AHEAD:
        raise InvalidRequest("error.suspension_until_range", days=MAX_AHEAD.days)
    return moment


def suspend(
    current: Suspension | None,
    service: str,
    reason: str,
    until: datetime | None,
    now: datetime,
    *,
    name: str,
) -> tuple[Suspension, Event]:
    """Suspend a service (or change a suspension's reason or expected time, keeping its start);
    `name` is what a refusal calls it."""
    decide(current, SuspensionMove.SUSPEND, name)
    since = current.since if current else now
    suspension = Suspension(service, reason, since, until)
    event = SuspendedEvent(
        service=service,
        reason=reason,
        since=utc_text(since),
        until=utc_text(until) if until else None,
    )
    return suspension, event


def resume(current: Suspension | None, service: str, *, name: str) -> Event:
    """Resume a suspended service: its tickets are called again, in the same order."""
    decide(current, SuspensionMove.RESUME, name)
    assert current is not None
    return ServiceResumed(service=service, since=utc_text(current.since))


def check_callable(
    suspensions: Mapping[str, Suspension], service: str, number: str, *, name: str
) -> None:
    """Refuse calling ticket `number` of a suspended service (ServiceSuspended)."""
    decide(suspensions.get(service), SuspensionMove.CALL, name, number)


def applied(suspensions: Mapping[str, Suspension], event: Event) -> dict[str, Suspension]:
    """The suspensions after one logged event (events of other kinds change nothing)."""
    after = dict(suspensions)
    if isinstance(event, SuspendedEvent):
        until = parse_utc(event.until) if event.until else None
        after[event.service] = Suspension(
            event.service, event.reason, parse_utc(event.since), until
        )
    elif isinstance(event, ServiceResumed):
        after.pop(event.service, None)
    return after


def fold(events: Iterable[Event]) -> dict[str, Suspension]:
    """The services suspended after these events (in log order): {service: Suspension}."""
    suspensions: dict[str, Suspension] = {}
    for event in events:
        suspensions = applied(suspensions, event)
    return suspensions


def outage_minutes(suspension: Suspension | None, now: datetime) -> int:
    """How much longer the service is expected to be down, in whole minutes (rounded up); 0
    when it is not suspended, or its expected resume time is unknown or passed."""
    if suspension is None or suspension.until is None or suspension.until <= now:
        return 0
    return -(-int((suspension.until - now).total_seconds()) // 60)


@dataclass(frozen=True)
class Outage:
    """One suspension of a service as a report counts it, clipped to the report's window."""

    service: str
    reason: str
    start: datetime
    end: datetime | None  # None: still suspended
    waited: frozenset[int]  # tickets that were waiting in the service while it was suspended

    def minutes(self, window_start: datetime, window_end: datetime) -> float:
        """How long the outage lasted within [window_start, window_end)."""
        end = min(self.end or window_end, window_end)
        return max(0.0, (end - max(self.start, window_start)).total_seconds() / 60)


class OutageLog:
    """The outages a replay of the log meets (the reports'
    `shared.application.reporting.ledger.replay`): fed the suspension events and the tickets
    waiting, in log order."""

    def __init__(self) -> None:
        self._open: dict[str, tuple[datetime, str, set[int]]] = {}  # service -> start, reason
        self._closed: list[Outage] = []

    def record(self, at: datetime, event: Event, waiting: Mapping[str, Iterable[int]]) -> None:
        """A suspension event logged at `at`; `waiting` is who waits in each service then."""
        if isinstance(event, SuspendedEvent):
            began = self._open.get(event.service)
            tickets = began[2] if began else set(waiting.get(event.service, ()))
            self._open[event.service] = (parse_utc(event.since), event.reason, tickets)
        elif isinstance(event, ServiceResumed) and event.service in self._open:
            start, reason, tickets = self._open.pop(event.service)
            self._closed.append(Outage(event.service, reason, start, at, frozenset(tickets)))

    def waits(self, ticket_id: int, service: str) -> None:
        """A ticket joined (or is back in) a service's queue."""
        if service in self._open:
            self._open[service][2].add(ticket_id)

    def outages(self) -> list[Outage]:
        """Every outage met, the ones still going on included, in order of their start."""
        going_on = [
            Outage(service, reason, start, None, frozenset(tickets))
            for service, (start, reason, tickets) in self._open.items()
        ]
        return sorted([*self._closed, *going_on], key=lambda outage: (outage.start, outage.service))
