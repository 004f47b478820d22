"""The test station: a small config on a real SQLite file, the morning it starts on, and its
log's hash chain checked from outside."""

from __future__ import annotations

import copy
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

from shared.application import audit
from shared.domain.config import Config, parse_config

# 2026-05-20 09:00 in Kupang (WITA, UTC+8), a Wednesday.
MORNING = datetime(2026, 5, 20, 1, 0, tzinfo=UTC)

BASE_CONFIG: dict[str, Any] = {
    "station": {"name": "SPKT Uji"},
    "timezone": "Asia/Makassar",
    "language": "id",
    "database": "satupintu.db",
    "printer": {"type": "none"},
    "services": [
        {"id": "lapor", "name": {"id": "Laporan", "en": "Reports"}, "prefix": "A", "unit": "SPKT"},
        {"id": "surat", "name": "Surat Kehilangan", "prefix": "B", "unit": "SPKT"},
        {"id": "lantas", "name": "Lalu Lintas", "prefix": "C", "unit": "Lantas"},
        {"id": "propam", "name": "Pengaduan Propam", "prefix": "G", "unit": "Propam",
         "private": True},
    ],
    "counters": [
        {"id": "loket-1", "name": "Loket 1", "services": ["lapor", "surat"]},
        {"id": "loket-2", "name": "Loket 2", "services": ["lapor", "surat"]},
        {"id": "loket-3", "name": "Loket 3", "services": ["lantas"]},
        {"id": "loket-4", "name": "Loket 4", "services": ["propam"]},
    ],
    "kiosks": [{"id": "kiosk-1"}],
    # Every limit off: tests drive many clients from one address; the limits' own tests set them.
    "limits": {"tickets_per_minute": 0, "tickets_per_kiosk_per_minute": 0, "logins_per_minute": 0,
               "connections_per_address": 0, "socket_events_per_second": 0,
               "socket_connects_per_minute": 0, "socket_frames_per_second": 0,
               "socket_kb_per_second": 0, "public_reads_per_minute": 0},
}  # fmt: skip


# Every unit of BASE_CONFIG: an officer with them all may act at every counter, the private
# service's (Propam's) too.
ALL_UNITS = "SPKT,Lantas,Propam"


def make_config(tmp_path: Path, **overrides: Any) -> Config:
    """The test station's config with top-level keys replaced, its database under tmp_path."""
    data = copy.deepcopy(BASE_CONFIG)
    data.update(overrides)
    return parse_config(data, base_dir=tmp_path)


def handler_spy(monkeypatch: Any, handlers: ModuleType) -> list[Any]:
    """Put a spy in place of a command family's one handler (`handlers.act`): it keeps the
    commands it is given, in order, and answers only "ok"."""
    from shared.application.citizen_actions import Answer

    ran: list[Any] = []

    def handler(station: Any, command: Any, **context: Any) -> Answer:
        ran.append(command)
        return Answer(None)

    monkeypatch.setattr(handlers, "act", handler)
    return ran


def chain_ok(config: Config) -> bool:
    """Whether the station's event log, read with a connection of our own, is an unbroken hash
    chain."""
    conn = sqlite3.connect(config.database_path)
    conn.row_factory = sqlite3.Row
    try:
        return audit.verify(
            dict(row) for row in conn.execute("SELECT * FROM events ORDER BY id")
        ).ok
    finally:
        conn.close()
