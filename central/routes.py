"""The central server's HTTP surface: the stations' batches, the dashboard and reports (its
login is the station's, `shared.web.login`, registered in `central.app`).

| route | who |
|---|---|
| `POST /api/central/events` | a station, with its key as bearer token |
| `POST /api/login`, `POST /api/logout`, `GET /api/me` | anyone / the session |
| `GET /api/central/stations` | viewer+ |
| `POST /api/central/stations` | admin: register a station, its key in the answer |
| `GET /api/central/reports`, `GET /api/central/scorecards` | viewer+ |
| `POST /api/central/evidence` | viewer+: check a station's evidence bundle (ZIP) |
| `/` (dashboard), `/reports`, `/scorecards`, `/evidence` | viewer+ (others: the login form) |
"""

from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import Any

from flask import Blueprint, Response, jsonify, request

from central import evidence as bundles
from central import ingest, kept
from central import reports as copies
from central.stations import (
    add_station,
    all_stations,
    authenticate,
    latest_restore,
    one_station,
)
from central.users import Role
from central.web import (
    central,
    language,
    page_for_viewers,
    page_language,
    render,
    require_role,
)
from shared.application.reporting.export import TABLES, safe_cell, to_csv
from shared.application.reporting.formatting import period_words
from shared.application.reporting.reports import Period
from shared.application.reporting.wording import Wording, heading
from shared.application.reporting.xlsx import XLSX_TYPE, Sheet, report_workbook, workbook
from shared.domain.clock import parse_utc
from shared.domain.errors import InvalidRequest, NotFound
from shared.domain.i18n import text
from shared.domain.queue_rules import service_day
from shared.web.web import asked_or_fallback, json_body

bp = Blueprint(
    "central",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/central/static",
)


# ---- the stations' batches ----------------------------------------------------------------


@bp.post("/api/central/events")
def events() -> Response:
    """A station's batch of log rows (or a heartbeat); the answer is the receipt. The key is
    checked first: a request without a good one is refused before its body is read."""
    station_id = authenticate(central().store, request.headers.get("Authorization"))
    answer = ingest.ingest(central().store, station_id, json_body(), central().now())
    return jsonify(answer)


# ---- the stations -----------------------------------------------------------------------------


def _local(instant: datetime | None) -> str | None:
    if instant is None:
        return None
    return instant.astimezone(central().config.zone).isoformat(timespec="seconds")


def _behind_seconds(station: dict[str, Any]) -> float | None:
    """How much of the station's time central's copy lacks: from its newest row central holds
    to the newest the station has (0 when caught up, None before central holds any)."""
    if station["head_row"] is None or station["head_row"] <= station["confirmed_row"]:
        return 0 if station["confirmed_row"] else None
    if not station["confirmed_at"] or not station["head_at"]:
        return None
    lag = parse_utc(station["head_at"]) - parse_utc(station["confirmed_at"])
    return round(max(0.0, lag.total_seconds()))


def _today(conn: Any, station: dict[str, Any], now: datetime) -> dict[str, Any] | None:
    """Today's figures of a station, computed again only when its copy or its day changed."""
    if not station["settings"]:
        return None
    config = copies.settings_of(station)
    assert config is not None
    day = service_day(now, config.zone, config.day_starts_at)
    key = (station["confirmed_row"], station["settings_digest"], day)
    cache = central().today_cache
    cached = cache.get(station["id"])
    if cached is None or cached[0] != key:
        cached = (key, copies.today(conn, station, now))
        cache[station["id"]] = cached
    return cached[1]


def station_json(conn: Any, station: dict[str, Any], now: datetime) -> dict[str, Any]:
    """A station as the dashboard shows it (`GET /api/central/stations`)."""
    head = station["head_row"]
    return {
        "id": station["id"],
        "name": station["name"],
        "last_contact": _local(station["last_contact"]),
        "confirmed_row": station["confirmed_row"],
        "station_row": head,
        "behind_rows": max(0, head - station["confirmed_row"]) if head is not None else None,
        "behind_seconds": _behind_seconds(station),
        "chain": station["chain"],
        "chain_row": station["chain_row"],
        "restore": _restore_json(latest_restore(conn, station["id"])),
        "today": _today(conn, station, now),
        "suspended": [
            {**found, "since": _local(found["since"]), "until": _local(found["until"])}
            for found in copies.suspended_now(conn, station)
        ],
    }


def _restore_json(restore: dict[str, Any] | None) -> dict[str, Any] | None:
    """The station's latest declared restore as shown: not a fork, its old rows superseded."""
    if restore is None:
        return None
    return {
        "row": restore["restored_row"],
        "superseded_rows": restore["superseded_rows"],
        "at": _local(restore["declared_at"]),
    }


def stations_json() -> dict[str, Any]:
    now = central().now()
    with copies.snapshot(central().store) as conn:
        return {"stations": [station_json(conn, found, now) for found in all_stations(conn)]}


@bp.get("/api/central/stations")
@require_role(Role.VIEWER)
def stations_api() -> Response:
    return jsonify(stations_json())


@bp.post("/api/central/stations")
@require_role(Role.ADMIN)
def station_add() -> tuple[Response, int]:
    """Register a station: `{"id", "name"}` → its key, shown this once."""
    body = json_body()
    key = add_station(central().store, body.get("id"), body.get("name"), central().now())
    return jsonify({"station": {"id": body["id"], "name": body["name"].strip()}, "key": key}), 201


# ---- reports --------------------------------------------------------------------------------

FORMATS = ("json", "csv", "xlsx")


def _period() -> Period:
    """The period asked for (`from`/`to` or `month`; nothing: today in central's time zone)."""
    return Period.parse(
        request.args.get("from"),
        request.args.get("to"),
        request.args.get("month"),
        _this_day().first,
    )


def _this_day() -> Period:
    """Today in central's time zone."""
    today = central().now().astimezone(central().config.zone).date()
    return Period(today, today)


def _station_or_404(conn: Any, station_id: str) -> dict[str, Any]:
    found = one_station(conn, station_id)
    if found is None:
        raise NotFound("error.central.unknown_station", station=station_id[:40])
    if not found["settings"]:
        raise NotFound("error.central.no_settings", station=found["id"])
    return found


# The comparison's columns, with the heading each goes by where a report's would mislead.
COMPARISON_COLUMNS = ("id", "name", *copies.COMPARED, "ikm", "grade", "respondents", "verified")
COMPARISON_HEADINGS = {"name": "station", "verified": "copy_intact"}


def comparison_sheet(comparison: list[dict[str, Any]], period: Period, language: str) -> Sheet:
    """The comparison table as a worksheet, its headings and worded values in `language`."""
    columns = ("from", "to", *COMPARISON_COLUMNS)
    rows = [
        [period.first, period.last, *(row[column] for column in COMPARISON_COLUMNS)]
        for row in comparison
    ]
    return Sheet(
        text("ui.central.comparison", language),
        [heading(COMPARISON_HEADINGS.get(column, column), language) for column in columns],
        Wording(language).rows(columns, rows),
    )


def comparison_csv(comparison: list[dict[str, Any]]) -> str:
    """The comparison table as CSV (plain column names, as the station's CSV tables have)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COMPARISON_COLUMNS)
    for row in comparison:
        writer.writerow([safe_cell(row[column]) for column in COMPARISON_COLUMNS])
    return buffer.getvalue()


def _download(response: Response, filename: str) -> Response:
    if request.args.get("download"):
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.get("/api/central/reports")
@require_role(Role.VIEWER)
def reports_api() -> Response:
    """One station's report (exactly the station's own JSON), or every station's with the
    comparison; `format=csv` (one table, `table=` for a station) or `xlsx` (every table)."""
    period = _period()
    output = request.args.get("format", "json")
    table = request.args.get("table", "summary")
    if output not in FORMATS or table not in TABLES:
        raise InvalidRequest("error.central.report_format", tables=", ".join(TABLES))
    station_id = request.args.get("station")
    now = central().now()
    stem = f"satupintu-{period.first}" + (f"-{period.last}" if period.last != period.first else "")
    shelf = kept.Shelf()
    with copies.snapshot(central().store) as conn:
        if station_id:
            station = _station_or_404(conn, station_id)
            named_in = page_language() if request.args.get("lang") else None
            report = copies.station_report(conn, station, period, now, named_in, shelf)
        else:
            everything = copies.all_reports(
                conn, all_stations(conn), period, now, shelf, central().builders
            )
    shelf.save(central().store)
    if station_id:
        stem = f"{stem}-{station['id']}"
        if output == "csv":
            csv_text = Response(to_csv(report, table), mimetype="text/csv; charset=utf-8")
            return _download(csv_text, f"{stem}-{table}.csv")
        if output == "xlsx":
            return _download(Response(report_workbook(report), mimetype=XLSX_TYPE), f"{stem}.xlsx")
        return _download(jsonify(report), f"{stem}.json")
    comparison = everything["comparison"]
    if output == "csv":
        return _download(
            Response(comparison_csv(comparison), mimetype="text/csv; charset=utf-8"),
            f"{stem}-stations.csv",
        )
    if output == "xlsx":
        sheet_language = page_language() if request.args.get("lang") else language()
        sheet = comparison_sheet(comparison, period, sheet_language)
        book = Response(workbook([sheet]), mimetype=XLSX_TYPE)
        return _download(book, f"{stem}-stations.xlsx")
    return _download(jsonify(everything), f"{stem}-stations.json")


# ---- pages ----------------------------------------------------------------------------------


@bp.get("/")
@page_for_viewers
def dashboard_page() -> tuple[str, int]:
    return render("dashboard.html", data={"stations": stations_json()["stations"]})


@bp.get("/reports")
@page_for_viewers
def reports_page() -> tuple[str, int]:
    """A period for one station or all; a period it cannot show falls back to today."""
    period, problem = asked_or_fallback(_period, _this_day, page_language())
    station_id = request.args.get("station") or None
    now = central().now()
    shelf = kept.Shelf()
    with copies.snapshot(central().store) as conn:
        stations = all_stations(conn)
        chosen = next((found for found in stations if found["id"] == station_id), None)
        if chosen is not None and chosen["settings"]:
            report = copies.station_report(conn, chosen, period, now, shelf=shelf)
            everything = None
        else:
            report = None
            everything = copies.all_reports(conn, stations, period, now, shelf, central().builders)
    shelf.save(central().store)
    return render(
        "reports.html",
        400 if problem else 200,
        problem=problem,
        period=period,
        month=request.args.get("month"),
        stations=stations,
        chosen=chosen,
        report=report,
        everything=everything,
        tables=tuple(TABLES),
    )


# ---- the stations' scorecards and their evidence bundles ---------------------------------------


def _scorecard(conn: Any, station: dict[str, Any], now: datetime, lang: str) -> dict[str, Any]:
    """A station's line of the comparison, computed again only when its copy or day changed."""
    config = copies.settings_of(station)
    assert config is not None
    day = service_day(now, config.zone, config.day_starts_at)
    key = (station["confirmed_row"], station["settings_digest"], day)
    cached = central().scorecard_cache.get((station["id"], lang))
    if cached is None or cached[0] != key:
        cached = (key, copies.scorecard_row(conn, station, now, lang))
        central().scorecard_cache[(station["id"], lang)] = cached
    return cached[1]


def scorecards_json(lang: str) -> dict[str, Any]:
    """Every shipped station's SKM and scorecard of its last closed quarter."""
    now = central().now()
    with copies.snapshot(central().store) as conn:
        shipped = [station for station in all_stations(conn) if station["settings"]]
        return {"stations": [_scorecard(conn, station, now, lang) for station in shipped]}


@bp.get("/api/central/scorecards")
@require_role(Role.VIEWER)
def scorecards_api() -> Response:
    """Each station's SKM and scorecard of its last closed quarter, from central's copy."""
    return jsonify(scorecards_json(page_language() if request.args.get("lang") else language()))


@bp.get("/scorecards")
@page_for_viewers
def scorecards_page() -> tuple[str, int]:
    found = scorecards_json(page_language())
    label = found["stations"][0]["period"] if found["stations"] else None
    period = period_words(label, page_language()) if label else None
    return render("scorecards.html", stations=found["stations"], period=period)


@bp.post("/api/central/evidence")
@require_role(Role.VIEWER)
def evidence_api() -> Response:
    """Check an evidence bundle: 200 with what it is, or 409 `evidence_refused` saying why."""
    upload = request.files.get("bundle")
    data = upload.read() if upload is not None else request.get_data()
    return jsonify(bundles.verify(central().store, data))


@bp.get("/evidence")
@page_for_viewers
def evidence_page() -> tuple[str, int]:
    return render("evidence.html")
