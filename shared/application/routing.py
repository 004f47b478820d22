"""Where a need's ticket goes: which officers' skills are at which open counter now.

An officer's skills are the hall's `needs.skills` (by username); officers count at a counter
while their console is there (`presence`), and so does the officer acting there now. The rule
itself is `shared.domain.needs.route`.
"""

from __future__ import annotations

from datetime import datetime

from shared.application import presence
from shared.application.station import Station
from shared.domain.config import Counter
from shared.domain.needs import Routing
from shared.domain.queue_rules import CounterState
from shared.store import repository
from shared.store.store import Reader


def routing_at(
    station: Station, db: Reader, counter: Counter, now: datetime, acting: str | None = None
) -> Routing:
    """The skills at `counter` (its present officers' and `acting`'s) and, for the others
    that are open, the (skill, service) pairs their present officers cover."""
    config = station.config
    skills = config.needs.skills
    if not skills:
        return Routing()
    present = presence.at_counters(db, now)
    states = repository.counters(db)

    def skills_at(counter_id: str) -> set[str]:
        return {
            skill
            for attending in present.get(counter_id, [])
            for skill in skills.get(attending.username, ())
        }

    here = skills_at(counter.id) | set(skills.get(acting or "", ()))
    elsewhere = {
        (skill, service)
        for other in config.counters
        if other.id != counter.id
        and (row := states.get(other.id)) is not None
        and row.state == CounterState.OPEN
        for skill in skills_at(other.id)
        for service in other.services
    }
    return Routing(frozenset(here), frozenset(elsewhere))
