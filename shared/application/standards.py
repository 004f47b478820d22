"""The Standar Pelayanan the station publishes: recorded in the audit trail when it changes, and
read back with since when each part has been in effect (the "berlaku sejak" of /standar).

config.yaml is read once at start, so the start is when a new standard takes effect:
`record_publication` logs a `standard.published` event then, only if what config.yaml says
differs from the last publication logged (a restart with the same text logs nothing).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from shared.application.station import Station
from shared.domain import standards
from shared.domain.events import StandardPublished
from shared.store import eventlog
from shared.store.store import Reader

# Who publishes: config.yaml, read at the start (there is no editor in the admin pages).
PUBLISHER = "config"


def record_publication(station: Station) -> StandardPublished | None:
    """Log the published standard if it differs from the last one logged (a station that never
    published one logs nothing until it does); the event, or None. A start with nothing to log
    only reads, so a station whose storage refuses writes still starts (and says so)."""
    published = station.config.published_standard()
    with station.store.read() as db:
        if _due(db, published) is None:
            return None
    with station.store.write(PUBLISHER, station.now()) as tx:
        event = _due(tx, published)  # again: another process may have logged it meanwhile
        if event is not None:
            tx.record(event)
    return event


def _due(db: Reader, published: dict[str, Any]) -> StandardPublished | None:
    """The publication to log, unless the last one logged says the same (or nothing was ever
    published, and nothing is now)."""
    last = eventlog.last_of_kind(db, StandardPublished)
    before = last.event if last and isinstance(last.event, StandardPublished) else None
    whole = standards.digest(published)
    if before is None and not standards.publishes_anything(published):
        return None
    if before is not None and before.digest == whole:
        return None
    parts = standards.part_digests(published)
    return StandardPublished(
        digest=whole,
        parts=parts,
        changed=standards.changed_parts(before.parts if before else None, parts),
        standard=published,
    )


@dataclass(frozen=True)
class Publication:
    """Since when each part of the standard as it reads now has been in effect (local times;
    a part missing was never logged as it reads now), and the digest of the whole."""

    since: dict[str, datetime]
    digest: str


def publication(station: Station) -> Publication:
    """The current standard's publication, read from the audit trail."""
    with station.store.read() as db:
        logged = eventlog.every_of_kind(db, StandardPublished)
    history = [
        (station.local(entry.at), entry.event.parts)
        for entry in logged
        if isinstance(entry.event, StandardPublished)
    ]
    published = station.config.published_standard()
    now = standards.part_digests(published)
    return Publication(standards.in_effect_since(history, now), standards.digest(published))
