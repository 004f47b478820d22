"""The published Standar Pelayanan: its digest, the parts it is made of, and since when each
part has been in effect.

The parts are the Maklumat (`maklumat`), the complaint channels (`complaint_channels`) and one
per service (`service:<id>`); a part is in effect since the first publication of the unbroken
run of publications, up to the latest, in which it read as it does now.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from shared.domain.config import Config

MAKLUMAT = "maklumat"
CHANNELS = "complaint_channels"
SERVICE = "service:"


def digest(value: Any) -> str:
    """A SHA-256 of a JSON value in a canonical form: the same text gives the same digest."""
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def public_standards(config: Config) -> dict[str, dict[str, Any]]:
    """The standard of every service the hall may see named (not a private one), as JSON for
    the kiosk, the phone page and the board; services without a standard are left out."""
    return {
        service.id: service.standard.model_dump(mode="json")
        for service in config.services
        if service.standard and not service.private
    }


def publishes_anything(published: Mapping[str, Any]) -> bool:
    """Whether a station publishes any of it: a Maklumat, a channel or a service's standard."""
    return bool(
        published["maklumat"]
        or published[CHANNELS]
        or any(standard for standard in published["services"].values())
    )


def part_digests(published: Mapping[str, Any]) -> dict[str, str]:
    """Each part's digest, from `Config.published_standard()`."""
    parts = {MAKLUMAT: digest(published["maklumat"]), CHANNELS: digest(published[CHANNELS])}
    for service_id, standard in published["services"].items():
        parts[f"{SERVICE}{service_id}"] = digest(standard)
    return parts


def changed_parts(before: Mapping[str, str] | None, now: Mapping[str, str]) -> list[str]:
    """The parts whose digest differs from the publication before (all of them at the first),
    a part gone included."""
    if before is None:
        return sorted(now)
    return sorted(part for part in set(before) | set(now) if before.get(part) != now.get(part))


def in_effect_since(
    publications: Sequence[tuple[datetime, Mapping[str, str]]], now: Mapping[str, str]
) -> dict[str, datetime]:
    """For each part as it reads now, when it was published: walking back from the latest
    publication (oldest first in `publications`: when, and its part digests) while the part
    read the same. A part that no publication holds as it reads now is missing."""
    since: dict[str, datetime] = {}
    for part, current in now.items():
        for at, parts in reversed(publications):
            if parts.get(part) != current:
                break
            since[part] = at
    return since
