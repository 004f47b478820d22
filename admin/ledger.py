"""The event log replayed into facts: every issue, call, finish, transfer, recall and answer.

Every oversight figure (reports, fairness, satisfaction, the dashboard, the shift hand-over)
is computed from these facts, so a number is the same wherever it is shown. `load` reads the
log; `replay` is pure: it walks the events in log order, keeping each ticket's state, and
turns them into facts with the waits and service times they imply.

How long a citizen waited is measured from the moment the ticket joined the queue it was
called from: its issue, or its transfer from another service, or its return after a no-show.
A call "passes over" another ticket when that ticket, eligible at the calling counter, had
been in its queue longer.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from shared.station import Station
from shared.store import parse_utc, utc_text

# Events the facts are made of; `queue.waiting` only repeats what the others say.
FACT_EVENTS = (
    "ticket.issued",
    "ticket.called",
    "ticket.recalled",
    "ticket.done",
    "ticket.no_show",
    "ticket.transferred",
    "ticket.requeued",
    "ticket.expired",
    "survey.answered",
)


@dataclass(frozen=True)
class LoggedEvent:
    """One row of the event log, its data decoded and its time parsed (UTC)."""

    id: int
    name: str
    at: datetime
    actor: str
    counter: str | None
    ticket_id: int | None
    data: Mapping[str, Any]


def load(station: Station, start: datetime, end: datetime) -> list[LoggedEvent]:
    """The ticket events of [start, end), with every event (any time) of the tickets they touch.

    Loading a ticket's whole life lets a call in the period know when its ticket joined the
    queue, and an expiry recorded the morning after be counted on its ticket's own day.
    """
    marks = ", ".join("?" * len(FACT_EVENTS))
    with station.store.read() as db:
        rows = db.all(
            f"SELECT id, name, at, actor, counter, ticket_id, data FROM events "  # noqa: S608
            f"WHERE name IN ({marks}) AND ticket_id IN (SELECT DISTINCT ticket_id FROM events "
            f"WHERE at >= ? AND at < ? AND ticket_id IS NOT NULL) ORDER BY id",
            [*FACT_EVENTS, utc_text(start), utc_text(end)],
        )
    return [
        LoggedEvent(
            id=row["id"],
            name=row["name"],
            at=parse_utc(row["at"]),
            actor=row["actor"],
            counter=row["counter"],
            ticket_id=row["ticket_id"],
            data=json.loads(row["data"]),
        )
        for row in rows
    ]


@dataclass(frozen=True)
class Issue:
    at: datetime
    ticket_id: int
    number: str
    service: str
    priority: bool


@dataclass(frozen=True)
class Passed:
    """A ticket that was waiting, eligible and in its queue longer when another was called."""

    number: str
    service: str
    priority: bool
    waiting_since: datetime


@dataclass(frozen=True)
class Call:
    """A ticket called to a counter, how long it had waited, and whom it passed over.

    `joined_by` is how the ticket joined the queue it was called from: "issued",
    "transferred" or "requeued".
    """

    at: datetime
    ticket_id: int
    number: str
    service: str
    counter: str
    officer: str
    priority: bool
    wait_seconds: float
    issued_at: datetime
    joined_by: str
    out_of_order: bool
    reason: str | None
    passed_over: tuple[Passed, ...]


@dataclass(frozen=True)
class Finish:
    """A called ticket closed as done or no-show; `service_seconds` from its call (done only)."""

    at: datetime
    ticket_id: int
    number: str
    service: str
    counter: str
    officer: str
    outcome: str
    service_seconds: float | None


@dataclass(frozen=True)
class Transfer:
    at: datetime
    ticket_id: int
    number: str
    from_service: str
    to_service: str
    counter: str
    officer: str


@dataclass(frozen=True)
class Recall:
    at: datetime
    ticket_id: int
    number: str
    service: str
    counter: str
    officer: str


@dataclass(frozen=True)
class Expiry:
    """A ticket that was still waiting when its service day ended (counted on its issue day)."""

    at: datetime
    ticket_id: int
    number: str
    service: str
    issued_at: datetime


@dataclass(frozen=True)
class Answer:
    at: datetime
    ticket_id: int
    number: str
    service: str
    counter: str | None
    answers: Mapping[str, int]


@dataclass
class Track:
    """A ticket's state during the replay."""

    ticket_id: int
    number: str
    service: str
    priority: bool
    issued_at: datetime
    status: str = "waiting"
    joined_at: datetime | None = None
    joined_mark: int = 0  # the event id that put it in its queue: breaks ties in `joined_at`
    joined_by: str = "issued"
    called_at: datetime | None = None


@dataclass
class Ledger:
    """Every fact of the loaded events, in log order, plus the tickets waiting at the end."""

    issues: list[Issue] = field(default_factory=list)
    calls: list[Call] = field(default_factory=list)
    finishes: list[Finish] = field(default_factory=list)
    transfers: list[Transfer] = field(default_factory=list)
    recalls: list[Recall] = field(default_factory=list)
    expiries: list[Expiry] = field(default_factory=list)
    answers: list[Answer] = field(default_factory=list)
    waiting: dict[int, Track] = field(default_factory=dict)


def replay(events: Iterable[LoggedEvent], counter_services: Mapping[str, Iterable[str]]) -> Ledger:
    """Turn logged events (in log order) into facts.

    `counter_services` says which services each counter calls, to know which waiting tickets
    a call passed over.
    """
    serves = {counter: frozenset(services) for counter, services in counter_services.items()}
    ledger = Ledger()
    tracks: dict[int, Track] = {}
    for event in events:
        if event.ticket_id is None:
            continue
        data = event.data
        if event.name == "ticket.issued":
            track = Track(
                ticket_id=event.ticket_id,
                number=data["number"],
                service=data["service"],
                priority=bool(data["priority"]),
                issued_at=event.at,
            )
            _join(track, event, "issued")
            tracks[event.ticket_id] = track
            ledger.waiting[track.ticket_id] = track
            ledger.issues.append(
                Issue(event.at, track.ticket_id, track.number, track.service, track.priority)
            )
            continue
        track = tracks.get(event.ticket_id)
        if track is None:
            continue  # a ticket whose issue is not in the log: audit verify reports it
        if event.name == "ticket.called":
            ledger.calls.append(_call(track, event, ledger.waiting, serves))
            ledger.waiting.pop(track.ticket_id, None)
            track.status, track.called_at = "called", event.at
        elif event.name in ("ticket.done", "ticket.no_show"):
            outcome = "done" if event.name == "ticket.done" else "no_show"
            elapsed = (event.at - track.called_at).total_seconds() if track.called_at else None
            ledger.finishes.append(
                Finish(
                    at=event.at,
                    ticket_id=track.ticket_id,
                    number=track.number,
                    service=track.service,
                    counter=data["counter"],
                    officer=event.actor,
                    outcome=outcome,
                    service_seconds=elapsed if outcome == "done" else None,
                )
            )
            track.status = outcome
        elif event.name == "ticket.transferred":
            ledger.transfers.append(
                Transfer(
                    at=event.at,
                    ticket_id=track.ticket_id,
                    number=track.number,
                    from_service=data["from_service"],
                    to_service=data["service"],
                    counter=data["counter"],
                    officer=event.actor,
                )
            )
            track.service = data["service"]
            _join(track, event, "transferred")
            ledger.waiting[track.ticket_id] = track
        elif event.name == "ticket.requeued":
            _join(track, event, "requeued")
            ledger.waiting[track.ticket_id] = track
        elif event.name == "ticket.recalled":
            ledger.recalls.append(
                Recall(
                    event.at,
                    track.ticket_id,
                    track.number,
                    track.service,
                    data["counter"],
                    event.actor,
                )
            )
        elif event.name == "ticket.expired":
            ledger.waiting.pop(track.ticket_id, None)
            track.status = "expired"
            ledger.expiries.append(
                Expiry(event.at, track.ticket_id, track.number, track.service, track.issued_at)
            )
        elif event.name == "survey.answered":
            ledger.answers.append(
                Answer(
                    event.at,
                    track.ticket_id,
                    track.number,
                    data["service"],
                    data.get("counter"),
                    data["answers"],
                )
            )
    return ledger


def _join(track: Track, event: LoggedEvent, how: str) -> None:
    """The ticket (re)joins a queue: it waits from now on."""
    track.status = "waiting"
    track.joined_at = event.at
    track.joined_mark = event.id
    track.joined_by = how
    track.called_at = None


def _call(
    track: Track,
    event: LoggedEvent,
    waiting: Mapping[int, Track],
    serves: Mapping[str, frozenset[str]],
) -> Call:
    assert track.joined_at is not None
    counter = event.data["counter"]
    eligible = serves.get(counter, frozenset())
    mine = (track.joined_at, track.joined_mark)
    passed = tuple(
        Passed(other.number, other.service, other.priority, other.joined_at)
        for other in sorted(waiting.values(), key=lambda t: (t.joined_at, t.joined_mark))
        if other.ticket_id != track.ticket_id
        and other.service in eligible
        and other.joined_at is not None
        and (other.joined_at, other.joined_mark) < mine
    )
    return Call(
        at=event.at,
        ticket_id=track.ticket_id,
        number=track.number,
        service=track.service,
        counter=counter,
        officer=event.actor,
        priority=track.priority,
        wait_seconds=(event.at - track.joined_at).total_seconds(),
        issued_at=track.issued_at,
        joined_by=track.joined_by,
        out_of_order=bool(event.data.get("out_of_order")),
        reason=event.data.get("reason"),
        passed_over=passed,
    )
