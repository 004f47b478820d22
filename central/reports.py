"""The station's own reports, run over central's copy of its log, and the comparison of stations.

A report at central is `shared.application.reporting.reports.build_report` itself, given a `Source`
that reads the copy in PostgreSQL and the settings the station shipped: the same JSON as the
station's own `GET /api/admin/reports`. Only the audit section is central's: whether central's
copy is intact and continued (`verified`; a fork fails it, naming where the fork starts),
the rows it holds (`rows`, `head`), and the day's anchor computed from the copy (the last row
logged before the period's last day ended, when that day has rows), where the station reads
its anchors file. With the copy caught up and the station's server running over every day's
close, the two sections are equal too.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any

from central import builders, kept
from central.store import CentralStore, Connection
from shared.application.reporting import scorecard
from shared.application.reporting.ledger import Source
from shared.application.reporting.reports import (
    Period,
    anchor_json,
    build_report,
    dashboard_figures,
)
from shared.domain import suspension
from shared.domain.clock import utc_text
from shared.domain.config import Config, parse_config
from shared.domain.errors import NotFound
from shared.domain.events import Event
from shared.domain.queue_rules import service_day_bounds
from shared.domain.ticket import Logged
from shared.store import eventlog
from shared.store.anchors import Anchor

TICKET_NAMES = eventlog.names(eventlog.LIFE_KINDS)
BOOKING_NAMES = eventlog.names(eventlog.BOOKING_KINDS)
SUSPENSION_NAMES = eventlog.SUSPENSION_NAMES
POWER_NAMES = eventlog.names(eventlog.POWER_KINDS)


@contextmanager
def snapshot(store: CentralStore) -> Iterator[Connection]:
    """One consistent read of the copy (a repeatable-read, read-only transaction)."""
    with store.connection() as conn, conn.transaction():
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        yield conn


def _logged(
    conn: Connection, station: str, names: list[str], condition: str, params: list[Any]
) -> list[Logged]:
    """The events of one station's copied log named in `names` that meet `condition` (SQL of
    ours, with `params`), in log order."""
    select = "SELECT id, at, actor, name, data FROM events WHERE station = %s AND name = ANY(%s)"
    query = f"{select} AND {condition} ORDER BY id"
    return list(eventlog.read(conn.execute(query, [station, names, *params]).fetchall()))


def lives_touched(conn: Connection, station: str, start: datetime, end: datetime) -> list[Logged]:
    """`shared.store.eventlog.lives_touched` over central's copy of one station's log."""
    return _logged(
        conn,
        station,
        TICKET_NAMES,
        "ticket_id IN (SELECT DISTINCT ticket_id FROM events WHERE station = %s "
        "AND at >= %s AND at < %s AND ticket_id IS NOT NULL)",
        [station, utc_text(start), utc_text(end)],
    )


def bookings_between(
    conn: Connection, station: str, start: datetime, end: datetime
) -> list[Logged]:
    """`shared.store.eventlog.bookings_between` over central's copy of one station's log."""
    return _logged(
        conn, station, BOOKING_NAMES, "at >= %s AND at < %s", [utc_text(start), utc_text(end)]
    )


def suspensions_between(
    conn: Connection, station: str, start: datetime, end: datetime
) -> list[Logged]:
    """`shared.store.eventlog.suspensions_between` over central's copy of one station's log."""
    return _logged(
        conn,
        station,
        SUSPENSION_NAMES,
        "at < %s AND (at >= %s OR id IN (SELECT max(id) FROM events WHERE station = %s "
        "AND name = ANY(%s) AND at < %s GROUP BY service))",
        [utc_text(end), utc_text(start), station, SUSPENSION_NAMES, utc_text(start)],
    )


def suspended_now(conn: Connection, station: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The services the station's copied log says are suspended now: id, name (the station's
    language), reason, since and expected resume (UTC)."""
    rows = conn.execute(
        "SELECT id, at, actor, name, data FROM events WHERE id IN (SELECT max(id) FROM events "
        "WHERE station = %s AND name = ANY(%s) GROUP BY service) AND station = %s ORDER BY id",
        [station["id"], SUSPENSION_NAMES, station["id"]],
    ).fetchall()
    found = suspension.fold(logged.event for logged in eventlog.read(rows))
    config = settings_of(station)
    names = {service.id: service.name for service in config.services} if config else {}
    language = config.language if config else "id"
    return [
        {
            "service": each.service,
            "name": names[each.service].get(language) if each.service in names else each.service,
            "reason": each.reason,
            "since": each.since,
            "until": each.until,
        }
        for each in found.values()
    ]


# A station's last power event before a moment, read among its power events alone through the
# partial index `events_power` (schema m028), whose condition on the names is written out here.
LAST_POWER_BEFORE = (
    "SELECT id, at, actor, name, data FROM events WHERE station = %s AND name IN ("  # noqa: S608
    + ", ".join(f"'{name}'" for name in POWER_NAMES)
    + ") AND at < %s ORDER BY id DESC LIMIT 1"
)


def power_between(conn: Connection, station: str, start: datetime, end: datetime) -> list[Logged]:
    """`shared.store.eventlog.power_between` over central's copy of one station's log."""
    before = conn.execute(LAST_POWER_BEFORE, [station, utc_text(start)]).fetchall()
    within = _logged(
        conn, station, POWER_NAMES, "at >= %s AND at < %s", [utc_text(start), utc_text(end)]
    )
    return [*eventlog.read(before), *within]


def count_between(
    conn: Connection, station: str, kind: type[Event], start: datetime, end: datetime
) -> int:
    """`shared.store.eventlog.count_between` over central's copy of one station's log."""
    row = conn.execute(
        "SELECT COUNT(*) AS n FROM events WHERE station = %s AND at >= %s AND at < %s "
        "AND name = %s",
        [station, utc_text(start), utc_text(end), kind.name],
    ).fetchone()
    return row["n"] if row else 0


def settings_of(station: Mapping[str, Any]) -> Config | None:
    """The station's settings as it shipped them (None before it sent any)."""
    return parse_config(station["settings"]) if station["settings"] else None


def audit_section(
    conn: Connection,
    station: Mapping[str, Any],
    source_config: Config,
    last_day: date,
    now: datetime,
) -> dict[str, Any]:
    """Central's audit section for a report ending on `last_day` (see the module's text)."""
    forked = station["chain"] == "fork"
    head = (
        Anchor(station["confirmed_row"], station["confirmed_hash"], "head")
        if station["confirmed_row"]
        else None
    )
    return {
        "verified": not forked,
        "rows": station["confirmed_row"],
        "broken_row": station["chain_row"] if forked else None,
        "problem": "ui.audit.central_fork" if forked else None,
        "problem_params": {"row": station["chain_row"]} if forked else {},
        "head": anchor_json(head),
        "day_anchor": anchor_json(_day_anchor(conn, station["id"], source_config, last_day, now)),
        "untrusted_anchor_lines": [],
    }


def _day_anchor(
    conn: Connection, station: str, config: Config, day: date, now: datetime
) -> Anchor | None:
    """The last row logged before `day` ended, if the day has ended and has rows."""
    start, end = service_day_bounds(day, config.zone, config.day_starts_at)
    if end > now:
        return None
    row = conn.execute(
        "SELECT id, hash, at FROM events WHERE station = %s AND at < %s "
        "ORDER BY at DESC, id DESC LIMIT 1",
        [station, utc_text(end)],
    ).fetchone()
    if row is None or row["at"] < utc_text(start):
        return None
    return Anchor(row["id"], row["hash"], day.isoformat())


def copy_source(conn: Connection, station: Mapping[str, Any], now: datetime) -> Source:
    """Central's copy of a station's log as a report source (NotFound before it shipped)."""
    config = settings_of(station)
    if config is None:
        raise NotFound("error.central.no_settings", station=station["id"])
    return Source(
        config=config,
        now=now,
        events=lambda start, end: eventlog.in_log_order(
            lives_touched(conn, station["id"], start, end),
            bookings_between(conn, station["id"], start, end),
            suspensions_between(conn, station["id"], start, end),
        ),
        audit=lambda last_day: audit_section(conn, station, config, last_day, now),
        power=lambda start, end: power_between(conn, station["id"], start, end),
        logged_of=lambda kinds: _logged(conn, station["id"], eventlog.names(kinds), "TRUE", []),
        between=lambda kinds, start, end: _logged(
            conn,
            station["id"],
            eventlog.names(kinds),
            "at >= %s AND at < %s",
            [utc_text(start), utc_text(end)],
        ),
        count=lambda kind, start, end: count_between(conn, station["id"], kind, start, end),
    )


def report_body(
    conn: Connection,
    station: Mapping[str, Any],
    period: Period,
    now: datetime,
    language: str | None = None,
) -> dict[str, Any]:
    """The station's report of a period from central's copy, without its audit section."""
    report = build_report(copy_source(conn, station, now), period, language)
    del report["audit"]
    return report


def _wanted(
    source: Source, station: Mapping[str, Any], period: Period, language: str | None
) -> kept.Wanted:
    start, end = period.bounds(source)
    return kept.Wanted(
        station, period.first, period.last, start, end, language or source.config.language
    )


def station_report(
    conn: Connection,
    station: Mapping[str, Any],
    period: Period,
    now: datetime,
    language: str | None = None,
    shelf: kept.Shelf | None = None,
) -> dict[str, Any]:
    """The station's report of a period, from central's copy, naming services in `language`
    (default: the station's); with a `shelf`, a closed period's report is the kept one while
    it holds (`central.kept`), its audit section always computed now."""
    source = copy_source(conn, station, now)
    if shelf is None:
        return build_report(source, period, language)
    body = shelf.report(
        conn,
        _wanted(source, station, period, language),
        now,
        lambda: report_body(conn, station, period, now, language),
    )
    return {**body, "audit": source.audit(period.last)}


def today(conn: Connection, station: Mapping[str, Any], now: datetime) -> dict[str, Any] | None:
    """Today's figures for the dashboard: what the station's own dashboard shows."""
    if not station["settings"]:
        return None
    figures = dashboard_figures(copy_source(conn, station, now))
    ikm = figures["satisfaction"][0] if figures["satisfaction"] else None
    totals = figures["totals"]
    return {
        "issued": totals["issued"],
        "waiting": figures["waiting"],
        "served": totals["served"],
        "avg_wait_minutes": totals["avg_wait_minutes"],
        "p90_wait_minutes": totals["p90_wait_minutes"],
        "ikm": ikm["ikm"] if ikm else None,
    }


COMPARED = ("issued", "served", "no_show", "avg_wait_minutes", "p90_wait_minutes",
            "within_standard_pct")  # fmt: skip


def comparison_row(station: Mapping[str, Any], report: Mapping[str, Any]) -> dict[str, Any]:
    """One station's line of the comparison table, taken from its report."""
    survey = report["satisfaction"]
    rows = survey["period"]
    ikm = next((row for row in rows if row["form"] == survey["form"]), rows[0] if rows else None)
    return {
        "id": station["id"],
        "name": station["name"],
        **{figure: report["totals"][figure] for figure in COMPARED},
        "ikm": ikm["ikm"] if ikm else None,
        "grade": ikm["grade"] if ikm else None,
        "respondents": ikm["respondents"] if ikm else 0,
        "verified": report["audit"]["verified"],
    }


def _bodies(
    conn: Connection,
    wanted: list[kept.Wanted],
    period: Period,
    now: datetime,
    shelf: kept.Shelf,
    pool: builders.Builders | None,
) -> list[dict[str, Any]]:
    """The reports of `wanted` without their audit sections: the kept ones, the others built
    (by `pool` when there are several) and put on `shelf`."""
    bodies = [shelf.kept(conn, each, now) for each in wanted]
    missing = [index for index, body in enumerate(bodies) if body is None]
    if pool is not None and len(missing) > 1:
        snapshot = conn.execute("SELECT pg_export_snapshot() AS id").fetchone()
        assert snapshot is not None
        jobs = [
            builders.Job(wanted[index].station["id"], period.first, period.last, None, now)
            for index in missing
        ]
        built = pool.build(snapshot["id"], jobs)
    else:
        built = [report_body(conn, wanted[index].station, period, now) for index in missing]
    for index, body in zip(missing, built, strict=True):
        shelf.add(wanted[index], now, body)
        bodies[index] = body
    return [body for body in bodies if body is not None]


def all_reports(
    conn: Connection,
    stations: list[dict[str, Any]],
    period: Period,
    now: datetime,
    shelf: kept.Shelf | None = None,
    pool: builders.Builders | None = None,
) -> dict[str, Any]:
    """Every station's report of a period with the table comparing them (stations that never
    shipped their settings are left out of both). Closed periods' reports are kept on
    `shelf`; the reports to build are built by `pool` (in this snapshot, exported), or here
    one after the other."""
    shipped = [station for station in stations if station["settings"]]
    sources = [copy_source(conn, station, now) for station in shipped]
    wanted = [
        _wanted(source, station, period, None)
        for source, station in zip(sources, shipped, strict=True)
    ]
    bodies = _bodies(conn, wanted, period, now, shelf or kept.Shelf(), pool)
    reports = [
        {**body, "audit": source.audit(period.last)}
        for body, source in zip(bodies, sources, strict=True)
    ]
    pairs = list(zip(shipped, reports, strict=True))
    return {
        "from": period.first.isoformat(),
        "to": period.last.isoformat(),
        "stations": [
            {"id": station["id"], "name": station["name"], "report": report}
            for station, report in pairs
        ],
        "comparison": [comparison_row(station, report) for station, report in pairs],
    }


def scorecard_row(
    conn: Connection, station: Mapping[str, Any], now: datetime, language: str
) -> dict[str, Any]:
    """A shipped station's line of the comparison: its scorecard of its last closed quarter,
    computed from central's copy (`shared.application.reporting.scorecard`), with its SKM."""
    card = scorecard.build(copy_source(conn, station, now), None, language)
    skm = next(item for item in card["indicators"] if item["key"] == "skm_run")
    latest = skm["figures"]["periods"][-1]
    return {
        "id": station["id"],
        "name": station["name"],
        "period": card["period"],
        "skm": {
            key: latest[key]
            for key in ("index", "grade", "respondents", "required_sample", "adequate")
        },
        "summary": card["summary"],
        "indicators": [
            {key: item[key] for key in ("key", "title", "status", "status_text")}
            for item in card["indicators"]
        ],
        "verified": card["audit"]["verified"],
    }
