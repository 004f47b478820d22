"""The integrity survey (Zona Integritas' anti-corruption perception) and Propam's alarms.

A citizen whose ticket was served may answer four optional yes/no questions with the
satisfaction survey: were they asked for money beyond the fee, offered a broker (calo), did
they give a gift, were they treated differently. Answers are kept only as counts per hour,
counter and officer, never beside a ticket, a token, a number or a phone.

Propam's alarms, each a pure rule over facts read from the log (or those counts):

- out-of-turn clustering: an officer called numbers out of turn or gave priority at the
  counter (`call` by number, `prioritize`) at least OUT_OF_TURN_CALLS times within
  OUT_OF_TURN_MINUTES;
- quick and unhappy: an officer finished at least QUICK_LOW_TICKETS services in less than
  QUICK_SHARE of their service's `min_minutes` whose citizen then scored them low (a mean of
  at most LOW_SCORE on the 1-4 scale);
- "yes" at one counter: a counter holds at least YES_AT_COUNTER integrity "yes" answers and
  at least YES_SHARE of all the station's "yes" answers in the period.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from shared.domain.config import Config
from shared.domain.survey import validate_optional

# Asked for money beyond the fee, offered a broker, gave a gift, treated differently.
QUESTIONS = ("extra_fee", "broker", "gift", "unequal")
ANSWERS = ("yes", "no")

OUT_OF_TURN_CALLS = 3
OUT_OF_TURN_MINUTES = 60
QUICK_SHARE = 0.5
LOW_SCORE = 2
QUICK_LOW_TICKETS = 2
YES_AT_COUNTER = 3
YES_SHARE = 0.5


def integrity_questions(config: Config) -> tuple[str, ...]:
    """The integrity questions a survey asks: all of them, or none when `survey.integrity` is
    off."""
    return QUESTIONS if config.survey.integrity else ()


def validate_integrity(integrity: Any) -> dict[str, str]:
    """The optional integrity answers: known questions, each "yes" or "no"; any may be left
    out (None or ""), and nothing else is accepted."""
    return validate_optional(
        integrity,
        dict.fromkeys(QUESTIONS, ANSWERS),
        "error.integrity_questions",
        "error.integrity_answer",
    )


def hour_of(instant: datetime) -> datetime:
    """The hour an answer is counted in: its service's finish, to the hour (no finer, so the
    counts cannot be matched to one ticket by time)."""
    return instant.replace(minute=0, second=0, microsecond=0)


@dataclass(frozen=True)
class OutOfTurn:
    """A call out of turn or a priority given at a counter, by an officer."""

    at: datetime
    officer: str
    counter: str


@dataclass(frozen=True)
class Served:
    """A ticket finished as done: by whom, where, how long its service took, its service's
    `min_minutes` (None: no minimum) and its satisfaction scores (empty: not answered)."""

    at: datetime
    officer: str
    counter: str
    service: str
    service_seconds: float
    min_minutes: int | None
    scores: tuple[int, ...] = ()

    @property
    def quick_and_low(self) -> bool:
        """Far quicker than its minimum, and scored low by its citizen."""
        if self.min_minutes is None or not self.scores:
            return False
        quick = self.service_seconds < self.min_minutes * 60 * QUICK_SHARE
        return quick and sum(self.scores) / len(self.scores) <= LOW_SCORE


@dataclass(frozen=True)
class Alarm:
    """Something Propam should look at: its kind (`out_of_turn`, `quick_low`, `yes_counter`),
    whose (an officer's or a counter's), how many facts, and when they fell."""

    kind: str
    officer: str | None
    counter: str | None
    count: int
    first: datetime | None = None
    last: datetime | None = None
    share: float | None = None


def _officer_alarm(kind: str, officer: str, found: Sequence[OutOfTurn | Served]) -> Alarm:
    """One officer's alarm over `found` (in time order): its counter when they all fell at one."""
    counters = {fact.counter for fact in found}
    counter = counters.pop() if len(counters) == 1 else None
    return Alarm(kind, officer, counter, len(found), found[0].at, found[-1].at)


def out_of_turn_alarms(
    facts: Iterable[OutOfTurn],
    calls: int = OUT_OF_TURN_CALLS,
    minutes: int = OUT_OF_TURN_MINUTES,
) -> list[Alarm]:
    """Per officer, the largest cluster of out-of-turn calls within `minutes`, when it holds at
    least `calls` of them."""
    by_officer: dict[str, list[OutOfTurn]] = defaultdict(list)
    for fact in facts:
        by_officer[fact.officer].append(fact)
    window = timedelta(minutes=minutes)
    alarms = []
    for officer, found in sorted(by_officer.items()):
        found.sort(key=lambda fact: fact.at)
        best_start, best_size, start = 0, 0, 0
        for end, fact in enumerate(found):
            while fact.at - found[start].at > window:
                start += 1
            if end - start + 1 > best_size:
                best_start, best_size = start, end - start + 1
        if best_size >= calls:
            alarms.append(
                _officer_alarm("out_of_turn", officer, found[best_start : best_start + best_size])
            )
    return alarms


def quick_low_alarms(facts: Iterable[Served], tickets: int = QUICK_LOW_TICKETS) -> list[Alarm]:
    """Per officer, the services far quicker than their minimum that their citizens scored low,
    when there are at least `tickets` of them."""
    by_officer: dict[str, list[Served]] = defaultdict(list)
    for fact in facts:
        if fact.quick_and_low:
            by_officer[fact.officer].append(fact)
    alarms = []
    for officer, found in sorted(by_officer.items()):
        if len(found) >= tickets:
            found.sort(key=lambda fact: fact.at)
            alarms.append(_officer_alarm("quick_low", officer, found))
    return alarms


def yes_counter_alarms(
    yes_by_counter: Mapping[str, int], least: int = YES_AT_COUNTER, share: float = YES_SHARE
) -> list[Alarm]:
    """The counters where "yes" answers concentrate: at least `least` of them, and at least
    `share` of the station's."""
    total = sum(yes_by_counter.values())
    return [
        Alarm("yes_counter", None, counter, count, share=round(count / total, 3))
        for counter, count in sorted(yes_by_counter.items())
        if count >= least and count / total >= share
    ]
