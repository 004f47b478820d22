"""What a ticket's place and wait estimate read besides the queues, kept per process.

The counters (each with its called ticket), the suspensions in force, each service's typical
time at a counter and the interleave policy's streaks change only with a call, a finished
ticket, a counter's state or a suspension, never with a ticket taken: the database counts
those changes (`hall_changes`, migration m021, by triggers, whoever writes: this process,
another worker, a command). A read asks for that number (one statement; a write that has
changed nothing has it from its first read) and reuses the inputs kept for it, or reads them
afresh and keeps them; the times and streaks are read at their first use. A write transaction
(whose changes may still roll back) works on a copy, kept once it committed.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from shared.domain import estimates
from shared.domain.queue_rules import regular_streak
from shared.domain.suspension import Suspension
from shared.store import eventlog, repository
from shared.store.repository import CounterRow
from shared.store.store import Reader, Transaction

Streak = tuple[str | None, str | None]  # (counter, service): the calls a streak counts


@dataclass(frozen=True)
class Inputs:
    """The inputs as of one count of `hall_changes` (`version`)."""

    version: int
    counters: Mapping[str, CounterRow]
    suspended: Mapping[str, Suspension]
    _minutes: dict[str, float] = field(default_factory=dict)
    _streaks: dict[Streak, int] = field(default_factory=dict)

    def copy(self) -> Inputs:
        """The same inputs, with what is read at first use held apart from these."""
        return replace(self, _minutes=dict(self._minutes), _streaks=dict(self._streaks))

    def service_minutes(self, db: Reader, service: str, standard: float) -> float:
        """How long one of the service's tickets keeps a counter (`estimates.typical_minutes`
        of its latest finished tickets, `standard` without them; `db`: a snapshot of this
        version, `standard` the same every time)."""
        if service not in self._minutes:
            latest = repository.latest_counter_minutes(db, service, estimates.SERVICE_TIME_SAMPLE)
            self._minutes[service] = estimates.typical_minutes(latest, standard)
        return self._minutes[service]

    def streak(
        self, db: Reader, every: int, *, counter: str | None = None, service: str | None = None
    ) -> int:
        """Regular calls since the last priority call at a counter or of a service, counting at
        most `every` + 1 calls back (`db`: a snapshot of this version)."""
        key = (counter, service)
        if key not in self._streaks:
            self._streaks[key] = regular_calls(db, every, counter=counter, service=service)
        return self._streaks[key]


def regular_calls(
    db: Reader, every: int, *, counter: str | None = None, service: str | None = None
) -> int:
    """Regular calls since the last priority call at a counter or of a service, as the log
    says, counting at most `every` + 1 calls back."""
    flags = eventlog.call_priorities(db, counter=counter, service=service, limit=every + 1)
    return regular_streak(flags)


def _read(db: Reader, version: int) -> Inputs:
    return Inputs(version, repository.counters(db), eventlog.suspensions_in_force(db))


class EstimateInputs:
    """A process's latest `Inputs` of one database file."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._kept: Inputs | None = None

    def of(self, db: Reader) -> Inputs:
        """The inputs as `db` sees them: those kept, if the database's count is theirs.

        A write transaction gets a copy of its own (it may change what it read, or roll back),
        kept once it committed: a change it made after reading raised the count, so its copy's
        count is then never the database's again.
        """
        version = repository.hall_version(db)
        kept = self._kept
        matches = kept is not None and kept.version == version
        if isinstance(db, Transaction):
            found = kept.copy() if kept is not None and matches else _read(db, version)
            db.after_commit(lambda: self._keep(found))
            return found
        if kept is not None and matches:
            return kept
        found = _read(db, version)
        self._keep(found)
        return found

    def _keep(self, found: Inputs) -> None:
        with self._lock:
            if self._kept is None or found.version >= self._kept.version:
                self._kept = found
