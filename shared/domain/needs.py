"""A citizen's need: how they must be called or helped, and which officer may help them.

A ticket carries at most one kind of need, never who has it: `deaf` (cannot hear the call),
`sight` (cannot read the board) or `interpreter` (needs a companion or a sign-language
interpreter). Every need means the officer walks to the citizen; an interpreter need goes to a
counter whose officer has the skill it asks for when one is open (`route`). No Flask, no SQL.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Protocol, TypeVar

from shared.domain.errors import InvalidRequest


class Need(StrEnum):
    DEAF = "deaf"  # "sulit mendengar / tuli": the call must be seen and felt, not heard
    SIGHT = "sight"  # "sulit melihat": cannot read the board
    INTERPRETER = "interpreter"  # "perlu pendamping / juru bahasa isyarat"


class Skill(StrEnum):
    BISINDO = "bisindo"  # Bahasa Isyarat Indonesia


# The skill an officer needs to take a need's ticket first (needs without one go to anyone).
SKILL_FOR: dict[Need, Skill] = {Need.INTERPRETER: Skill.BISINDO}
NEEDS = tuple(need.value for need in Need)


def parse_need(value: Any) -> Need | None:
    """A need as a request gives it: absent, null or "" is none; anything else must be a kind."""
    if value is None or value == "":
        return None
    if isinstance(value, str) and value in NEEDS:
        return Need(value)
    raise InvalidRequest("error.need", needs=", ".join(NEEDS))


def check_lead(need: Need | None, starts_at: datetime, now: datetime, lead_hours: int) -> None:
    """An interpreter is booked at least `lead_hours` before the slot (the hall must find one:
    there are few); other needs, and none, may be booked as late as any booking."""
    if need == Need.INTERPRETER and starts_at - now < timedelta(hours=lead_hours):
        raise InvalidRequest("error.interpreter_lead", hours=lead_hours)


def skill_for(need: str | None) -> Skill | None:
    """The skill a need's ticket asks of the officer who calls it, if any."""
    return SKILL_FOR.get(Need(need)) if need else None


class Routed(Protocol):
    """A waiting ticket as routing sees it (`queue_rules.QueueItem` is one)."""

    @property
    def service(self) -> str: ...

    @property
    def need(self) -> str | None: ...


T = TypeVar("T", bound=Routed)


@dataclass(frozen=True)
class Routing:
    """Who else could take a skilled need: the skills of the officers at this counter, and the
    (skill, service) pairs an open counter elsewhere, with an officer of that skill, serves."""

    here: frozenset[str] = frozenset()
    elsewhere: frozenset[tuple[str, str]] = frozenset()


def route(order: Iterable[T], routing: Routing) -> Iterator[T]:
    """The call order at one counter, with the skilled needs routed: the one rule for where a
    need's ticket goes.

    Tickets whose need asks a skill this counter's officer has come first (in their order);
    tickets whose skill this counter lacks but an open counter elsewhere has for their service
    are left to that counter; when none is open they are called here in their turn.
    """
    kept: list[T] = []
    for item in order:
        skill = skill_for(item.need)
        if skill is not None and skill in routing.here:
            yield item
        elif skill is None or (skill, item.service) not in routing.elsewhere:
            kept.append(item)
    yield from kept
