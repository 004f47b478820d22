"""Reports of closed periods, kept: a station's report of days that have ended is built once
from central's copy and read back afterwards, until a row arrives that could change it.

A report of a period depends only on the rows logged before the period's end and on the rows
of the tickets touched in the period (`central.reports.copy_source`), and, once the period has
ended, not on the time it is asked at. So a kept report (`kept_reports`, keyed by station,
period and language, built from the copy up to row `upto_row` with the settings of
`settings_digest`) still holds while every row central took since is logged at or after the
period's end and belongs to no ticket of the period. A row that could change it (a station
that was offline shipping that day late, or a ticket of that day touched again) makes it be
built again; so does new settings (another digest), and a declared restore drops the
station's kept reports (`forget`), since its rows after the restored one are replaced.

The audit section is never kept: it says what the copy holds now, and is computed afresh
every time (`central.reports.audit_section`).

Reports are looked up and built in one read-only snapshot (the report builders read in it too,
see `central.builders`); what is to be kept (a report built, or a kept one found still valid
at a later row) is gathered in a `Shelf` and written after it, in a transaction of its own.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from central.store import CentralStore, Connection
from shared.domain.clock import utc_text

# Whether a row central took after the kept one could change the report: logged before the
# period's end, or of a ticket touched in the period.
CHANGED_SINCE = (
    "SELECT EXISTS (SELECT 1 FROM events WHERE station = %(station)s "
    "AND id > %(kept)s AND id <= %(now)s AND (at < %(end)s OR ticket_id IN ("
    "SELECT ticket_id FROM events WHERE station = %(station)s AND at >= %(start)s "
    "AND at < %(end)s AND ticket_id IS NOT NULL))) AS changed"
)
KEEP = (
    "INSERT INTO kept_reports (station, first_day, last_day, language, settings_digest, "
    "upto_row, report) VALUES (%s, %s, %s, %s, %s, %s, %s) "
    "ON CONFLICT (station, first_day, last_day, language) DO UPDATE SET "
    "settings_digest = EXCLUDED.settings_digest, upto_row = EXCLUDED.upto_row, "
    "report = EXCLUDED.report, kept_at = now() WHERE kept_reports.upto_row <= EXCLUDED.upto_row"
)
ADVANCE = (
    "UPDATE kept_reports SET upto_row = %s WHERE station = %s AND first_day = %s "
    "AND last_day = %s AND language = %s AND settings_digest = %s AND upto_row < %s"
)


@dataclass(frozen=True)
class Wanted:
    """A station's report asked for: its period (days, and its UTC bounds) and language."""

    station: Mapping[str, Any]
    first: date
    last: date
    start: datetime
    end: datetime
    language: str

    @property
    def key(self) -> list[Any]:
        return [self.station["id"], self.first, self.last, self.language]


@dataclass
class Shelf:
    """The reports to keep, and the kept ones found valid at a later row, of one snapshot."""

    built: list[tuple[Wanted, dict[str, Any]]] = field(default_factory=list)
    still_valid: list[Wanted] = field(default_factory=list)

    def kept(self, conn: Connection, wanted: Wanted, now: datetime) -> dict[str, Any] | None:
        """The kept report (without its audit section) while it holds, else None (also for a
        period that has not ended by `now`)."""
        if wanted.end > now:
            return None
        found = _kept(conn, wanted)
        if found is None:
            return None
        report, upto_row = found
        if upto_row < wanted.station["confirmed_row"]:
            self.still_valid.append(wanted)
        return report

    def add(self, wanted: Wanted, now: datetime, report: dict[str, Any]) -> None:
        """A report just built: kept, when its period has ended by `now`."""
        if wanted.end <= now:
            self.built.append((wanted, report))

    def report(
        self,
        conn: Connection,
        wanted: Wanted,
        now: datetime,
        build: Callable[[], dict[str, Any]],
    ) -> dict[str, Any]:
        """The report without its audit section: the kept one while it holds, else `build()`'s
        (kept, when its period has ended by `now`)."""
        found = self.kept(conn, wanted, now)
        if found is None:
            found = build()
            self.add(wanted, now, found)
        return found

    def save(self, store: CentralStore) -> None:
        """Keep what this snapshot built and note how far the kept ones still held."""
        if not self.built and not self.still_valid:
            return
        with store.transaction() as conn:
            for wanted, built in self.built:
                station = wanted.station
                conn.execute(
                    KEEP,
                    [*wanted.key, station["settings_digest"], station["confirmed_row"],
                     json.dumps(built)],
                )  # fmt: skip
            for wanted in self.still_valid:
                station = wanted.station
                conn.execute(
                    ADVANCE,
                    [station["confirmed_row"], *wanted.key, station["settings_digest"],
                     station["confirmed_row"]],
                )  # fmt: skip
        self.built.clear()
        self.still_valid.clear()


def _kept(conn: Connection, wanted: Wanted) -> tuple[dict[str, Any], int] | None:
    """The kept report of `wanted` and the row it was kept at, if there is one for the
    station's settings and no row taken since could change it."""
    station = wanted.station
    found = conn.execute(
        "SELECT upto_row, settings_digest, report FROM kept_reports WHERE station = %s "
        "AND first_day = %s AND last_day = %s AND language = %s",
        wanted.key,
    ).fetchone()
    if found is None or found["settings_digest"] != station["settings_digest"]:
        return None
    if found["upto_row"] > station["confirmed_row"]:
        return None  # kept by a later snapshot than this one: this one builds its own
    if found["upto_row"] < station["confirmed_row"]:
        changed = conn.execute(
            CHANGED_SINCE,
            {
                "station": station["id"],
                "kept": found["upto_row"],
                "now": station["confirmed_row"],
                "start": utc_text(wanted.start),
                "end": utc_text(wanted.end),
            },
        ).fetchone()
        if changed is None or changed["changed"]:
            return None
    return found["report"], found["upto_row"]


def forget(conn: Connection, station_id: str) -> None:
    """Drop every kept report of a station (its copy is being rewritten by a restore)."""
    conn.execute("DELETE FROM kept_reports WHERE station = %s", [station_id])
