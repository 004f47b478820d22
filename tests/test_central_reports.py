"""Central's reports are the stations' own: over two busy days of two stations in different time
zones, shipped through the real shipper to the central app on a real PostgreSQL, every report
central gives is exactly the JSON the station computes, today's figures are the station's
dashboard's, and the comparison table, CSV and XLSX hold the same numbers."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import openpyxl
import psycopg
import pytest
from flask import Flask
from flask.testing import FlaskClient

from central.app import create_central_app
from central.reports import LAST_POWER_BEFORE
from central.scratch import ScratchPostgres
from central.users import add_user
from satupintu.app import open_station
from shared.application import housekeeping, services
from shared.application.audit import close_days
from shared.application.reporting import reports
from shared.application.reporting.export import TABLES
from shared.application.reporting.reports import Period
from shared.application.station import Station
from shared.domain.clock import ManualClock
from shared.domain.events import PowerBack, PowerLost
from shared.domain.i18n import text
from shared.operations.power import record
from tests.admin_fixtures import busy_day, oversight_services
from tests.central_fixtures import central_config, log_in, register, ship_everything, shipper_for
from tests.helpers import make_config
from tests.realserver import PASSWORD

YESTERDAY, TODAY = date(2026, 5, 19), date(2026, 5, 20)


@dataclass
class Shipped:
    stations: dict[str, Station]
    client: FlaskClient
    database: str


def hall(tmp_path: Path, name: str, **overrides: Any) -> tuple[Station, ManualClock]:
    """A station that worked yesterday and this morning, its day closed as the server does."""
    config = make_config(
        tmp_path / name,
        services=oversight_services(),
        central={"url": "http://127.0.0.1:9", "station": name, "key": "k" * 64},
        **overrides,
    )
    day_start = datetime.combine(YESTERDAY, config.day_starts_at, tzinfo=config.zone)
    clock = ManualClock(day_start + timedelta(hours=7))
    station = open_station(config, clock=clock)
    services.ensure_counters(station)
    busy_day(station, clock, day_start + timedelta(hours=7), day_start + timedelta(hours=15))
    clock.set(day_start + timedelta(hours=15, minutes=30))
    record(station, PowerLost(runtime_seconds=7200, charge_percent=100))  # over the night
    clock.set(day_start + timedelta(days=1, hours=7))
    housekeeping.expire_past_days(station)
    close_days(station)
    busy_day(station, clock, clock.now(), clock.now() + timedelta(hours=4), seed=11)
    record(station, PowerBack(runtime_seconds=600, charge_percent=20))
    return station, clock


@pytest.fixture(scope="module")
def shipped(
    tmp_path_factory: pytest.TempPathFactory, postgres: ScratchPostgres
) -> Iterator[Shipped]:
    """Both stations' days shipped to one central (built once: the tests only read)."""
    tmp_path = tmp_path_factory.mktemp("stations")
    clock = ManualClock(datetime(2026, 5, 20, tzinfo=UTC))
    database = postgres.create_database("central_reports")
    central_app = create_central_app(central_config(database), clock=clock)
    add_user(central_app.extensions["satupintu.central"].store, "wati", "viewer", PASSWORD,
             clock.now())  # fmt: skip
    kupang, _ = hall(tmp_path, "kupang")
    jayapura, _ = hall(
        tmp_path,
        "jayapura",
        station={"name": "SPKT Polres Jayapura"},
        timezone="Asia/Jayapura",
        day_starts_at="03:00",
        survey={"form": "full"},
    )
    client = central_app.test_client()
    for station in (kupang, jayapura):
        key = register(central_app, station.config.central.station, station.config.station.name)
        ship_everything(shipper_for(station, client, key))
    clock.set(max(kupang.now(), jayapura.now()))
    log_in(client)
    yield Shipped({"kupang": kupang, "jayapura": jayapura}, client, database)
    for station in (kupang, jayapura):
        station.store.close()
    central_app.extensions["satupintu.central"].store.close()


def own_report(station: Station, first: date, last: date) -> dict[str, Any]:
    return reports.build_report(reports.station_source(station), Period(first, last))


@pytest.mark.parametrize(
    ("first", "last"), [(TODAY, TODAY), (YESTERDAY, YESTERDAY), (YESTERDAY, TODAY)]
)
@pytest.mark.parametrize("station_id", ["kupang", "jayapura"])
def test_a_station_report_at_central_is_exactly_the_station_own(
    shipped: Shipped, station_id: str, first: date, last: date
) -> None:
    station = shipped.stations[station_id]
    reply = shipped.client.get(f"/api/central/reports?station={station_id}&from={first}&to={last}")
    assert reply.status_code == 200, reply.get_json()
    central = reply.get_json()
    own = own_report(station, first, last)
    assert own["totals"]["issued"] > 0
    assert own["power"]["outages"]  # the power cut from yesterday afternoon into this morning
    assert all(row["issued"] > 0 for row in own["needs"]["needs"])  # the need reached central
    assert central == own


def test_a_report_reads_the_power_before_its_window_among_the_power_events_alone(
    shipped: Shipped,
) -> None:
    """Whether a station was on battery when a report's window began is its last power event
    before the window: found in the power events' own index, however long the station's log."""
    with psycopg.connect(shipped.database) as conn:
        conn.execute("ANALYZE events")
        plan = [row[0] for row in conn.execute(f"EXPLAIN {LAST_POWER_BEFORE}", ["kupang", "9999"])]
        last = conn.execute(LAST_POWER_BEFORE, ["kupang", f"{TODAY}T00:00:00"]).fetchone()
    assert "events_power" in " ".join(plan), plan
    assert last is not None and last[3] == "power.lost"  # the cut of yesterday afternoon


def test_yesterday_anchor_and_the_head_match_the_station(shipped: Shipped) -> None:
    station = shipped.stations["kupang"]
    central = shipped.client.get(
        f"/api/central/reports?station=kupang&from={YESTERDAY}&to={YESTERDAY}"
    ).get_json()
    own = own_report(station, YESTERDAY, YESTERDAY)
    assert own["audit"]["day_anchor"] is not None
    assert central["audit"]["day_anchor"] == own["audit"]["day_anchor"]
    assert central["audit"]["head"] == own["audit"]["head"]


def test_today_figures_on_the_dashboard_are_the_station_dashboard(shipped: Shipped) -> None:
    listed = shipped.client.get("/api/central/stations").get_json()["stations"]
    assert [row["id"] for row in listed] == ["jayapura", "kupang"]
    for row in listed:
        station = shipped.stations[row["id"]]
        own = reports.dashboard_figures(reports.station_source(station))
        ikm = own["satisfaction"][0]["ikm"] if own["satisfaction"] else None
        assert row["today"] == {
            "issued": own["totals"]["issued"],
            "waiting": own["waiting"],
            "served": own["totals"]["served"],
            "avg_wait_minutes": own["totals"]["avg_wait_minutes"],
            "p90_wait_minutes": own["totals"]["p90_wait_minutes"],
            "ikm": ikm,
        }
        with station.store.read() as db:
            head = db.one("SELECT MAX(id) AS id FROM events")
        assert head is not None
        assert (row["confirmed_row"], row["station_row"], row["behind_rows"]) == (
            head["id"],
            head["id"],
            0,
        )
        assert row["chain"] == "ok"
        assert set(row) >= {"id", "name", "last_contact", "confirmed_row", "station_row", "chain"}


def test_every_station_report_and_the_comparison(shipped: Shipped) -> None:
    everything = shipped.client.get(f"/api/central/reports?from={YESTERDAY}&to={TODAY}").get_json()
    assert [entry["id"] for entry in everything["stations"]] == ["jayapura", "kupang"]
    for entry, row in zip(everything["stations"], everything["comparison"], strict=True):
        own = own_report(shipped.stations[entry["id"]], YESTERDAY, TODAY)
        assert entry["report"] == own
        assert row["issued"] == own["totals"]["issued"]
        assert row["served"] == own["totals"]["served"]
        assert row["no_show"] == own["totals"]["no_show"]
        assert row["avg_wait_minutes"] == own["totals"]["avg_wait_minutes"]
        assert row["p90_wait_minutes"] == own["totals"]["p90_wait_minutes"]
        assert row["within_standard_pct"] == own["totals"]["within_standard_pct"]
        form = own["satisfaction"]["form"]
        ikm = next(found for found in own["satisfaction"]["period"] if found["form"] == form)
        assert (row["ikm"], row["grade"]) == (ikm["ikm"], ikm["grade"])


def test_the_comparison_as_csv_and_as_an_xlsx_with_real_numbers_and_dates(
    shipped: Shipped,
) -> None:
    query = f"from={YESTERDAY}&to={TODAY}"
    comparison = shipped.client.get(f"/api/central/reports?{query}").get_json()["comparison"]
    csv_text = shipped.client.get(f"/api/central/reports?{query}&format=csv").get_data(as_text=True)
    table = list(csv.DictReader(io.StringIO(csv_text)))
    assert [row["id"] for row in table] == [row["id"] for row in comparison]
    assert table[0]["issued"] == str(comparison[0]["issued"])

    reply = shipped.client.get(f"/api/central/reports?{query}&format=xlsx&download=1")
    assert reply.mimetype.endswith("spreadsheetml.sheet")
    assert "attachment" in reply.headers["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(reply.data)).active
    header = [cell.value for cell in sheet[1]]
    assert header[:3] == ["Dari", "Sampai", "ID"]
    first = list(sheet[2])
    assert first[0].is_date and first[0].value == datetime(2026, 5, 19)
    assert first[1].value == datetime(2026, 5, 20)
    issued = first[header.index("Tiket diambil")]
    assert issued.data_type == "n" and issued.value == comparison[0]["issued"]
    wait = first[header.index("Rata-rata tunggu (mnt)")]
    assert isinstance(wait.value, float) and wait.value == comparison[0]["avg_wait_minutes"]
    assert header[3] == "Kantor layanan" and first[header.index("Salinan utuh")].value == "Ya"


def test_a_station_report_as_an_xlsx_holds_every_table(shipped: Shipped) -> None:
    reply = shipped.client.get(f"/api/central/reports?station=kupang&from={TODAY}&format=xlsx")
    book = openpyxl.load_workbook(io.BytesIO(reply.data))
    assert book.sheetnames == [text(f"ui.admin.table.{name}", "id") for name in TABLES]
    own = own_report(shipped.stations["kupang"], TODAY, TODAY)
    summary = book[text("ui.admin.table.summary", "id")]
    assert summary["E2"].value == own["totals"]["issued"]
    longest = book[text("ui.admin.table.longest", "id")]
    assert longest["E2"].is_date  # issued_at, a local time as an Excel date-time
    assert [cell.value for cell in summary[1]][:3] == ["Kelompok", "ID", "Nama"]
    assert summary["A2"].value == "Jumlah"
    english = shipped.client.get(
        f"/api/central/reports?station=kupang&from={TODAY}&format=xlsx&lang=en"
    )
    summary = openpyxl.load_workbook(io.BytesIO(english.data))[text("ui.admin.table.summary", "en")]
    assert [cell.value for cell in summary[1]][:3] == ["Group", "ID", "Name"]
    assert summary["A2"].value == "Total"


@pytest.mark.parametrize(
    ("query", "status", "code"),
    [
        ("station=nowhere", 404, "not_found"),
        ("station=kupang&from=2026-02-30", 400, "invalid_request"),
        ("station=kupang&from=2026-05-20&to=2026-05-01", 400, "invalid_request"),
        ("format=pdf", 400, "invalid_request"),
        ("station=kupang&format=csv&table=nope", 400, "invalid_request"),
    ],
)
def test_a_report_request_it_cannot_answer_is_a_clean_4xx(
    shipped: Shipped, query: str, status: int, code: str
) -> None:
    reply = shipped.client.get(f"/api/central/reports?{query}")
    assert reply.status_code == status
    assert reply.get_json()["error"]["code"] == code


def test_a_station_that_never_shipped_has_no_report_yet(
    central_app: Flask, clock: ManualClock
) -> None:
    register(central_app, "baru", "SPKT Baru")
    client = central_app.test_client()
    log_in(client)
    assert client.get("/api/central/reports?station=baru").status_code == 404
    listed = client.get("/api/central/stations").get_json()["stations"]
    assert listed == [
        {"id": "baru", "name": "SPKT Baru", "last_contact": None, "confirmed_row": 0,
         "station_row": None, "behind_rows": None, "behind_seconds": None, "chain": "ok",
         "chain_row": None, "restore": None, "today": None, "suspended": []}
    ]  # fmt: skip
    assert client.get("/api/central/reports").get_json()["comparison"] == []


def test_time_zones_of_the_answer_are_central_and_the_day_is_the_station(shipped: Shipped) -> None:
    row = next(
        found
        for found in shipped.client.get("/api/central/stations").get_json()["stations"]
        if found["id"] == "jayapura"
    )
    assert row["last_contact"].endswith("+08:00")  # central's own zone (Asia/Makassar)
    moment = datetime.fromisoformat(row["last_contact"])
    assert moment.astimezone(UTC) <= datetime.now(UTC)
