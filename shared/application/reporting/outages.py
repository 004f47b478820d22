"""Power cuts in a report: how long the hall ran on battery, and how many were served meanwhile.

An outage runs from `power.lost` to `power.back` (logged when the UPS is on mains again, or at
the first start on mains after an orderly close). One that began before the period counts from
the period's start; one still going counts until the period's end or now, whichever is first.
"Served" counts the tickets finished as done during the outage.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from shared.application.reporting.ledger import Finish
from shared.domain.events import PowerBack, PowerLost, PowerLow
from shared.domain.ticket import Logged


@dataclass(frozen=True)
class Outage:
    """The hall on battery from `start` to `end` (within the period); `ongoing` if not over."""

    start: datetime
    end: datetime
    ongoing: bool
    closed: bool  # the orderly close stopped the server during it

    @property
    def minutes(self) -> int:
        return round((self.end - self.start).total_seconds() / 60)


def outages(
    power_events: Iterable[Logged], start: datetime, end: datetime, now: datetime
) -> list[Outage]:
    """The outages within [start, end), from the power events of the period and the last one
    before it (`shared.store.eventlog.power_between`)."""
    found: list[Outage] = []
    began: datetime | None = None
    closed = False
    for logged in power_events:
        at = max(logged.at, start)
        if isinstance(logged.event, PowerLost) and began is None:
            began, closed = at, False
        elif isinstance(logged.event, PowerLow):
            began, closed = began or at, True
        elif isinstance(logged.event, PowerBack) and began is not None:
            found.append(Outage(began, at, ongoing=False, closed=closed))
            began = None
    if began is not None:
        found.append(Outage(began, max(began, min(end, now)), ongoing=True, closed=closed))
    return found


def served_during(outage: Outage, finishes: Iterable[Finish]) -> int:
    return sum(
        1
        for finish in finishes
        if finish.outcome == "done" and outage.start <= finish.at < outage.end
    )
