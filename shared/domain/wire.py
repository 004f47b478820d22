"""The wire between a station and its central server: log rows as shipped, the station's settings
central's reports need, and the limits of one batch.

A station posts batches to `POST /api/central/events` (see docs/central.md):
`{"station", "head_row", "head_at", "rows": [...], "config"?}`. Each row is the log's row as
stored, under the names below (`row` is the log's `id`); `data` is the JSON text exactly as
stored, since the hash covers that text. `config` is `report_settings`, sent when central does
not hold the station's current settings (central answers with the digest it holds).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from shared.domain.config import Config

# A row on the wire: the log's columns, `id` called `row`.
ROW_FIELDS = ("row", "seq", "at", "name", "actor", "counter", "service", "ticket_id", "data",
              "prev_hash", "hash")  # fmt: skip
BATCH_ROWS = 500  # what a station sends at once
MAX_BATCH_ROWS = 1000  # what central takes at once
MAX_BATCH_BYTES = 4 * 1024 * 1024
HEARTBEAT_SECONDS = 30  # a station says where its log's head is at least this often

# The parts of config.yaml that reports read: names, services, counters, time zone, day start,
# shifts and the survey form. Nothing else leaves the station (no printers, addresses, keys).
REPORT_SETTINGS = {
    "station": {"name"},
    "timezone": True,
    "language": True,
    "day_starts_at": True,
    "services": True,
    "counters": True,
    "shifts": True,
    "survey": True,
    "needs": {"interpreter_wait_minutes"},
}


def wire_row(stored: Mapping[str, Any]) -> dict[str, Any]:
    """A log row as stored (`SELECT * FROM events`) in its wire form."""
    return {"row": stored["id"], **{name: stored[name] for name in ROW_FIELDS[1:]}}


def stored_row(wire: Mapping[str, Any]) -> dict[str, Any]:
    """A wire row back in the log's own form, as `shared.domain.chain.row_hash` reads it."""
    return {"id": wire["row"], **{name: wire[name] for name in ROW_FIELDS[1:]}}


def report_settings(config: Config) -> dict[str, Any]:
    """What central needs of a station's config to run the station's reports over its copy, as
    config.yaml would write it: `shared.domain.config.parse_config` reads it back to the same values
    (nulls included: a service's `standard_minutes: null` is not its default)."""
    return config.model_dump(mode="json", include=REPORT_SETTINGS)


def settings_digest(settings: Mapping[str, Any]) -> str:
    """A short fingerprint of some settings, the same on both sides of the wire."""
    canonical = json.dumps(settings, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:32]
