"""Report figures from the event log, checked against a scripted day worked out by hand.

The day (tests/admin_fixtures.scripted_day), in minutes after 09:00 WITA:

    issued  A-001@0 A-002@2 B-001@4 A-003@5 (priority) C-001@6 C-002@28 A-004@45
    loket-1 budi:  A-003 called@10 done@18 · A-002 called@26 done@40
    loket-2 ani:   A-001 called@12 done@20 · B-001 called@20 out of turn, transferred@30
    loket-3 wayan: C-001 called@15 recalled@22 no-show@25 · B-001 called@35 done@50 ·
                   C-002 called@52 done@60
    A-004 is never called and expires when the next day begins.

Waits (from joining the queue): A-003 5, A-001 12, C-001 9, B-001 16, A-002 24, B-001 5
(since its transfer at 30), C-002 24. Service times: 8, 8, 14, 15, 8.
Standards: lapor and surat 10 minutes, lantas 20.
"""

from __future__ import annotations

import copy
import io
import json
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient

from satupintu.app import create_app, open_station
from satupintu.cli import main
from shared.application import citizen_actions, desk_actions, housekeeping, services, ticket_issue
from shared.application.audit import close_days
from shared.application.reporting import reports
from shared.application.reporting.export import TABLES, to_csv
from shared.application.reporting.reports import Period, current_shift
from shared.application.reporting.xlsx import XLSX_TYPE
from shared.application.station import Station
from shared.domain.clock import ManualClock
from shared.domain.config import Config
from shared.domain.errors import InvalidRequest
from shared.domain.i18n import text
from tests.admin_fixtures import oversight_config, oversight_services, scripted_day
from tests.conftest import Auth
from tests.helpers import BASE_CONFIG, MORNING, make_config

DAY = Period(date(2026, 5, 20), date(2026, 5, 20))


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return oversight_config(tmp_path)


@pytest.fixture
def day_report(station: Station, clock: ManualClock) -> dict[str, Any]:
    scripted_day(station, clock)
    return reports.build_report(reports.station_source(station), DAY)


def figures(row: dict[str, Any]) -> tuple[Any, ...]:
    keys = ("issued", "called", "served", "no_show", "transferred", "expired", "recalls",
            "avg_wait_minutes", "p90_wait_minutes", "avg_service_minutes", "within_standard",
            "within_standard_pct")  # fmt: skip
    return tuple(row[key] for key in keys)


def by_id(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {row["id"]: row for row in rows}


def test_the_day_totals_come_out_as_worked_out_by_hand(day_report: dict[str, Any]) -> None:
    # 7 issued, 7 calls (B-001 twice), 5 served, 1 no-show, 1 transfer, 1 recall; A-004 is
    # still waiting at the end of the day, so nothing has expired yet.
    # Waits 5+12+9+16+24+5+24 = 95 over 7 calls: 13.57; nearest-rank p90 of 7 is the 7th: 24.
    # Service 8+8+14+15+8 = 53 over 5: 10.6; within standard 4 of 5 (A-002 took 14 > 10).
    assert figures(day_report["totals"]) == (7, 7, 5, 1, 1, 0, 1, 13.6, 24.0, 10.6, 4, 80.0)


def test_each_service_counts_what_happened_in_it(day_report: dict[str, Any]) -> None:
    services_rows = by_id(day_report["services"])
    # lapor: waits 5, 12, 24 (41/3 = 13.67); service 8, 8, 14 (10.0); within 2 of 3.
    assert figures(services_rows["lapor"]) == (4, 3, 3, 0, 0, 0, 0, 13.7, 24.0, 10.0, 2, 66.7)
    # surat: B-001 was called (16 min) and transferred out: no service time, no standard share.
    assert figures(services_rows["surat"]) == (1, 1, 0, 0, 1, 0, 0, 16.0, 16.0, None, 0, None)
    # lantas: C-001 9 (no-show after a recall), B-001 5 after its transfer, C-002 24.
    assert figures(services_rows["lantas"]) == (2, 3, 2, 1, 0, 0, 1, 12.7, 24.0, 11.5, 2, 100.0)
    assert figures(services_rows["propam"]) == (0, 0, 0, 0, 0, 0, 0, None, None, None, 0, None)
    assert services_rows["lapor"]["standard_minutes"] == 10


def test_each_counter_and_officer_counts_its_own_calls(day_report: dict[str, Any]) -> None:
    counters = by_id(day_report["counters"])
    officers = by_id(day_report["officers"])
    expected = {
        ("loket-1", "budi"): (None, 2, 2, 0, 0, None, 0, 14.5, 24.0, 11.0, 1, 50.0),
        ("loket-2", "ani"): (None, 2, 1, 0, 1, None, 0, 14.0, 16.0, 8.0, 1, 100.0),
        ("loket-3", "wayan"): (None, 3, 2, 1, 0, None, 1, 12.7, 24.0, 11.5, 2, 100.0),
    }
    for (counter, officer), numbers in expected.items():
        assert figures(counters[counter]) == numbers, counter
        assert figures(officers[officer]) == numbers, officer
    assert set(officers) == {"budi", "ani", "wayan"}


def test_tickets_per_hour_follow_the_local_clock(day_report: dict[str, Any]) -> None:
    hours = {row["hour"]: row for row in day_report["hourly"]}
    assert (hours[9]["issued"], hours[9]["called"], hours[9]["served"]) == (7, 7, 4)
    assert (hours[10]["issued"], hours[10]["called"], hours[10]["served"]) == (0, 0, 1)
    assert sum(row["issued"] for row in day_report["hourly"]) == 7


def test_fairness_lists_every_call_that_went_ahead_of_a_longer_wait(
    day_report: dict[str, Any],
) -> None:
    fairness = day_report["fairness"]
    listed = [
        (call["at"], call["number"], call["officer"], call["kind"], call["reason"],
         call["passed_numbers"])
        for call in fairness["calls"]
    ]  # fmt: skip
    assert listed == [
        ("2026-05-20T09:10:00+08:00", "A-003", "budi", "priority", None,
         ["A-001", "A-002", "B-001"]),
        ("2026-05-20T09:20:00+08:00", "B-001", "ani", "call", "dokumen sudah lengkap", ["A-002"]),
        ("2026-05-20T09:35:00+08:00", "B-001", "wayan", "transfer", None, ["C-002"]),
    ]  # fmt: skip
    # A-002 had waited 18 minutes when B-001 was called ahead of it.
    assert fairness["calls"][1]["longest_passed_wait_minutes"] == 18.0
    assert fairness["by_kind"] == {"call": 1, "sent_to_front": 0, "returned": 0, "transfer": 1,
                                   "requeue": 0, "priority_mark": 0, "priority": 1,
                                   "skill": 0, "left_for_skill": 0, "booking": 0, "carried": 0,
                                   "policy": 0}  # fmt: skip


def test_fairness_gives_each_officers_no_show_and_recall_rates(day_report: dict[str, Any]) -> None:
    rates = {row["officer"]: row for row in day_report["fairness"]["officers"]}
    assert rates["wayan"] == {
        "officer": "wayan", "calls": 3, "no_shows": 1, "no_show_rate_pct": 33.3, "recalls": 1,
        "recall_rate_pct": 33.3, "out_of_turn": 0, "priority_marks": 0, "too_quick": None,
    }  # fmt: skip
    assert day_report["fairness"]["minimums_set"] is False, "no minimum set: nothing checked"
    assert (rates["ani"]["out_of_turn"], rates["ani"]["no_show_rate_pct"]) == (1, 0.0)


def test_officers_moving_citizens_ahead_are_listed_with_their_reasons(
    station: Station, clock: ManualClock
) -> None:
    clock.set(MORNING)
    for service in ("lapor", "lapor", "lapor"):
        ticket_issue.issue_ticket(station, service)  # A-001 A-002 A-003
        clock.advance(minutes=1)
    desk_actions.prioritize(station, "loket-1", "A-003", "Lanjut usia", "budi")
    desk_actions.call_next(station, "loket-1", "budi")  # A-003 ahead of
    desk_actions.call_number(station, "loket-2", "A-002", "dokumen lengkap", "ani")
    fairness = reports.build_report(reports.station_source(station), DAY)["fairness"]
    listed = [(call["number"], call["kind"], call["reason"], call["passed_numbers"])
              for call in fairness["calls"]]  # fmt: skip
    assert listed == [
        ("A-003", "priority_mark", "Lanjut usia", ["A-001", "A-002"]),
        ("A-002", "call", "dokumen lengkap", ["A-001"]),
    ]
    assert fairness["by_kind"]["priority_mark"] == 1
    rates = {row["officer"]: row for row in fairness["officers"]}
    assert rates["budi"]["priority_marks"] == 1


def test_a_return_and_a_transfer_to_the_front_are_listed_when_they_pass_someone(
    station: Station, clock: ManualClock
) -> None:
    clock.set(MORNING)
    for service in ("lapor", "surat", "lapor", "lantas"):
        ticket_issue.issue_ticket(station, service)  # A-001 B-001 A-002 C-001
    clock.advance(minutes=3)
    desk_actions.call_next(station, "loket-1", "budi")
    clock.advance(minutes=1)
    desk_actions.return_to_queue(station, "loket-1", "budi")
    clock.advance(minutes=1)
    desk_actions.call_next(station, "loket-3", "wayan")  # C-001
    desk_actions.transfer(station, "loket-3", "lapor", "wayan", front=True, reason="rujukan Kanit")
    clock.advance(minutes=1)
    desk_actions.call_next(station, "loket-2", "ani")  # C-001, sent to the front of lapor
    desk_actions.finish(station, "loket-2", "ani")
    desk_actions.call_next(station, "loket-2", "ani")  # A-001, returned to the front
    calls = reports.build_report(reports.station_source(station), DAY)["fairness"]["calls"]
    kinds = {
        call["number"]: (call["kind"], call["reason"], call["passed_numbers"]) for call in calls
    }
    assert kinds["C-001"] == ("sent_to_front", "rujukan Kanit", ["B-001", "A-002", "A-001"])
    assert kinds["A-001"] == ("returned", None, ["B-001", "A-002"])


def test_services_far_shorter_than_plausible_are_flagged(
    tmp_path: Path, clock: ManualClock
) -> None:
    quick = oversight_services()
    quick[0]["min_minutes"] = 3
    station = open_station(make_config(tmp_path, services=quick), clock=clock)
    services.ensure_counters(station)
    clock.set(MORNING)
    for _ in range(2):
        ticket_issue.issue_ticket(station, "lapor")
    desk_actions.call_next(station, "loket-1", "budi")
    clock.advance(minutes=1)
    desk_actions.finish(station, "loket-1", "budi")  # A-001 in one minute: under 3
    desk_actions.call_next(station, "loket-1", "budi")
    clock.advance(minutes=4)
    desk_actions.finish(station, "loket-1", "budi")  # A-002 in four: plausible
    fairness = reports.build_report(reports.station_source(station), DAY)["fairness"]
    assert [(row["number"], row["service_minutes"], row["min_minutes"], row["officer"])
            for row in fairness["too_quick"]] == [("A-001", 1.0, 3, "budi")]  # fmt: skip
    assert {row["officer"]: row["too_quick"] for row in fairness["officers"]} == {"budi": 1}
    assert fairness["minimums_set"] is True


def test_cancelled_tickets_are_counted_for_their_service(
    station: Station, clock: ManualClock
) -> None:
    clock.set(MORNING)
    token = ticket_issue.issue_ticket(station, "lapor").ticket["token"]
    ticket_issue.issue_ticket(station, "lapor")
    citizen_actions.cancel(station, token)
    report = reports.build_report(reports.station_source(station), DAY)
    assert (report["totals"]["issued"], report["totals"]["cancelled"]) == (2, 1)
    assert by_id(report["services"])["lapor"]["cancelled"] == 1
    assert by_id(report["counters"])["loket-1"]["cancelled"] is None
    assert "cancelled" in to_csv(report).splitlines()[0].split(",")


@pytest.mark.slow
def test_a_report_names_services_and_counters_in_the_language_asked(
    tmp_path: Path, clock: ManualClock
) -> None:
    counters = copy.deepcopy(BASE_CONFIG["counters"])
    counters[0]["name"] = {"id": "Loket Satu", "en": "Counter One"}
    station = open_station(oversight_config(tmp_path, counters=counters), clock=clock)
    english = reports.build_report(reports.station_source(station), DAY, "en")
    assert (by_id(english["services"])["lapor"]["name"], english["language"]) == ("Reports", "en")
    assert by_id(english["counters"])["loket-1"]["name"] == "Counter One"
    indonesian = reports.build_report(reports.station_source(station), DAY)
    assert by_id(indonesian["services"])["lapor"]["name"] == "Laporan"
    assert by_id(indonesian["counters"])["loket-1"]["name"] == "Loket Satu"


def test_the_longest_waits_of_the_day_come_first(day_report: dict[str, Any]) -> None:
    longest = day_report["fairness"]["longest_waits"]
    assert [(row["number"], row["wait_minutes"]) for row in longest] == [
        ("A-002", 24.0), ("C-002", 24.0), ("B-001", 16.0), ("A-001", 12.0), ("C-001", 9.0),
        ("A-003", 5.0), ("B-001", 5.0),
    ]  # fmt: skip
    assert longest[0]["issued_at"] == "2026-05-20T09:02:00+08:00"


def test_satisfaction_is_reported_for_the_period_unit_and_counter(
    day_report: dict[str, Any],
) -> None:
    survey = day_report["satisfaction"]
    # Short form: A-003 (loket-1) scored 4, A-001 (loket-2) scored 3; mean 3.5 x 25 = 87.50.
    assert [(row["ikm"], row["grade"], row["respondents"]) for row in survey["period"]] == [
        (87.5, "B", 2)
    ]
    assert [(row["id"], row["ikm"]) for row in survey["units"]] == [("SPKT", 87.5)]
    assert [(row["id"], row["ikm"], row["grade"]) for row in survey["counters"]] == [
        ("loket-1", 100.0, "A"),
        ("loket-2", 75.0, "C"),
    ]


def test_a_ticket_that_expires_the_next_morning_counts_on_its_own_day(
    station: Station, clock: ManualClock
) -> None:
    scripted_day(station, clock)
    clock.set(MORNING + timedelta(days=1))
    housekeeping.expire_past_days(station)
    report = reports.build_report(reports.station_source(station), DAY)
    assert by_id(report["services"])["lapor"]["expired"] == 1
    assert report["totals"]["expired"] == 1
    next_day = reports.build_report(
        reports.station_source(station), Period(date(2026, 5, 21), date(2026, 5, 21))
    )
    assert next_day["totals"]["expired"] == 0


def test_a_range_and_a_month_add_the_days_up(station: Station, clock: ManualClock) -> None:
    scripted_day(station, clock)
    scripted_day(station, clock, start=MORNING + timedelta(days=2))
    month = reports.build_report(
        reports.station_source(station), Period.parse(None, None, "2026-05", date(2026, 5, 22))
    )
    assert (month["from"], month["to"]) == ("2026-05-01", "2026-05-31")
    assert month["totals"]["issued"] == 14
    assert month["totals"]["expired"] == 1  # the first day's A-004, when the third day began
    one_day = reports.build_report(
        reports.station_source(station), Period.parse("2026-05-22", None, None, date.today())
    )
    assert one_day["totals"]["issued"] == 7
    assert one_day["totals"]["avg_wait_minutes"] == 13.6


@pytest.mark.parametrize(
    ("first", "last", "month"),
    [("2026-05-21", "2026-05-20", None), ("20-05-2026", None, None), (None, None, "2026-13"),
     ("2026-01-01", "2027-06-01", None), ("0001-01-01", None, None)],
)  # fmt: skip
def test_a_period_that_makes_no_sense_is_refused(
    first: str | None, last: str | None, month: str | None
) -> None:
    with pytest.raises(InvalidRequest):
        Period.parse(first, last, month, date(2026, 5, 20))


@pytest.fixture
def without_lapor_standard(tmp_path: Path, clock: ManualClock) -> Iterator[Flask]:
    """The scripted day's station, but "lapor" has no standard time (`standard_minutes: null`)."""
    unset = oversight_services()
    unset[0]["standard_minutes"] = None
    app = create_app(make_config(tmp_path, services=unset), clock=clock)
    app.config["TESTING"] = True
    yield app
    app.extensions["satupintu"].store.close()


@pytest.mark.slow
def test_a_service_without_a_standard_time_is_not_judged_against_one(
    without_lapor_standard: Flask, clock: ManualClock
) -> None:
    app = without_lapor_standard
    client = app.test_client()
    scripted_day(app.extensions["satupintu"], clock)
    Auth(app, client).login("sari", "supervisor")
    report = client.get("/api/admin/reports?from=2026-05-20").get_json()
    lapor = by_id(report["services"])["lapor"]
    assert (lapor["standard_minutes"], lapor["within_standard"], lapor["within_standard_pct"]) == (
        None, None, None,
    )  # fmt: skip
    assert lapor["served"] == 3 and lapor["avg_service_minutes"] == 10.0
    # Only lantas's two served tickets (15 and 8 minutes, standard 20) are judged.
    assert (report["totals"]["within_standard"], report["totals"]["within_standard_pct"]) == (
        2, 100.0,
    )  # fmt: skip
    loket_1 = by_id(report["counters"])["loket-1"]  # lapor only: nothing judged
    assert (loket_1["within_standard"], loket_1["within_standard_pct"]) == (0, None)

    summary = client.get("/api/admin/reports?from=2026-05-20&format=csv").get_data(as_text=True)
    row = next(line for line in summary.splitlines() if line.startswith("service,lapor,"))
    assert row.startswith("service,lapor,Laporan,,") and row.endswith(",10.0,,")
    page = client.get("/admin/reports?from=2026-05-20").get_data(as_text=True)
    cells = page.split("Laporan</th>")[1].split("</tr>")[0]
    assert "standar belum ditetapkan" in cells and "100" not in cells
    # No service has a minimum time either: the page says so, not "none under the minimum".
    too_quick = page.split('id="too-quick"')[1].split("</table>")[0]
    assert "Batas minimum layanan belum ditetapkan" in too_quick
    assert "Tidak ada pelayanan di bawah batas minimum" not in too_quick
    english = client.get("/admin/reports?from=2026-05-20&lang=en").get_data(as_text=True)
    assert "no standard set" in english.split("Reports</th>")[1].split("</tr>")[0]
    book = openpyxl.load_workbook(
        io.BytesIO(client.get("/api/admin/reports?from=2026-05-20&format=xlsx").data)
    )
    sheet = list(book[text("ui.admin.table.summary", "id")].values)
    lapor_row = dict(zip(sheet[0], next(r for r in sheet if r[1] == "lapor"), strict=True))
    assert lapor_row["Standar (mnt)"] is None and lapor_row["Sesuai standar (%)"] is None


def test_the_csv_tables_carry_the_json_numbers(day_report: dict[str, Any]) -> None:
    summary = to_csv(day_report, "summary").splitlines()
    assert summary[0].startswith("group,id,name,standard_minutes,issued,called,served")
    assert summary[1] == "total,all,SPKT Uji,,7,7,5,1,1,0,0,0,0,0,0,1,13.6,24.0,10.6,4,80.0"
    assert "service,surat,Surat Kehilangan,10,1,1,0,0,1,0,0,0,0,0,0,0,16.0,16.0,,0," in summary
    assert "counter,loket-3,Loket 3,,,3,2,1,0,,,,,,0,1,12.7,24.0,11.5,2,100.0" in summary
    fairness = to_csv(day_report, "fairness").splitlines()
    assert len(fairness) == 4
    assert "dokumen sudah lengkap" in fairness[2]
    assert (
        to_csv(day_report, "satisfaction")
        .splitlines()[1]
        .startswith("period,all,SPKT Uji,short,2,87.5,B")
    )


def test_the_command_the_api_and_the_page_show_the_same_numbers(
    app: Flask, client: FlaskClient, auth: Auth, tmp_path: Path, clock: ManualClock
) -> None:
    scripted_day(app.extensions["satupintu"], clock)
    auth.login("sari", "supervisor")
    from_api = client.get("/api/admin/reports?from=2026-05-20&format=json").get_json()
    csv_api = client.get("/api/admin/reports?from=2026-05-20&format=csv").get_data(as_text=True)
    page = client.get("/admin/reports?from=2026-05-20").get_data(as_text=True)
    config_file = tmp_path / "config.yaml"
    config_file.write_text(
        yaml.safe_dump({**BASE_CONFIG, "services": oversight_services()}), encoding="utf-8"
    )
    runner = CliRunner()
    as_json = runner.invoke(
        main, ["report", "--date", "2026-05-20", "--format", "json", "--config", str(config_file)]
    )
    as_csv = runner.invoke(
        main, ["report", "--date", "2026-05-20", "--format", "csv", "--config", str(config_file)]
    )
    assert as_json.exit_code == 0, as_json.output
    assert json.loads(as_json.output) == from_api
    assert as_csv.stdout_bytes.decode() == csv_api
    assert from_api["totals"]["avg_wait_minutes"] == 13.6
    assert "13,6" in page and "dokumen sudah lengkap" in page


def test_the_xlsx_download_holds_every_table_with_real_numbers_and_dates(
    app: Flask, client: FlaskClient, auth: Auth, tmp_path: Path, clock: ManualClock
) -> None:
    scripted_day(app.extensions["satupintu"], clock)
    auth.login("sari", "supervisor")
    reply = client.get("/api/admin/reports?from=2026-05-20&format=xlsx&download=1")
    assert reply.status_code == 200
    assert reply.mimetype == XLSX_TYPE
    assert 'filename="satupintu-2026-05-20.xlsx"' in reply.headers["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(reply.data))
    assert book.sheetnames == [text(f"ui.admin.table.{name}", "id") for name in TABLES]
    summary = list(book[text("ui.admin.table.summary", "id")].values)
    assert summary[0][:5] == ("Kelompok", "ID", "Nama", "Standar (mnt)", "Tiket diambil")
    total = dict(zip(summary[0], summary[1], strict=True))
    assert total["Kelompok"] == "Jumlah"
    assert (total["Tiket diambil"], total["Dilayani"], total["Rata-rata tunggu (mnt)"]) == (
        7, 5, 13.6,
    )  # fmt: skip
    assert total["Sesuai standar (%)"] == 80  # a number Excel formats its way, not text
    assert [row[0] for row in summary[1:3]] == ["Jumlah", "Layanan"]
    fairness = list(book[text("ui.admin.table.fairness", "id")].values)
    assert fairness[0][:6] == ("Waktu", "Nomor", "Layanan", "Loket", "Petugas", "Jenis")
    at = fairness[1][0]
    assert isinstance(at, datetime) and at.date() == date(2026, 5, 20)  # a date, not text
    assert fairness[1][2] in {"Laporan", "Surat Kehilangan", "Lalu Lintas"}, "a name, not an id"
    assert fairness[1][5] == "Prioritas", "A-003, priority, called before A-001"
    assert {row[7] for row in fairness[1:]} <= {"Ya", "Tidak"}
    audit = list(book[text("ui.admin.table.audit", "id")].values)
    assert audit[0][:2] == ("Terverifikasi", "Baris") and audit[1][0] == "Ya"

    english = openpyxl.load_workbook(
        io.BytesIO(client.get("/api/admin/reports?from=2026-05-20&format=xlsx&lang=en").data)
    )
    assert english.sheetnames[0] == text("ui.admin.table.summary", "en")
    in_english = list(english.worksheets[0].values)
    assert in_english[0][:5] == ("Group", "ID", "Name", "Standard (min)", "Issued")
    assert [row[0] for row in in_english[1:3]] == ["Total", "Service"]
    assert in_english[2][2] == "Reports", "named in the report's language"
    satisfaction = list(english[text("ui.admin.table.satisfaction", "en")].values)
    assert satisfaction[0][:4] == ("Scope", "ID", "Name", "Form")
    assert satisfaction[1][0] == "Whole period" and satisfaction[1][3] == "Short (1 question)"
    assert satisfaction[0][-1] == text("ui.ikm.element.kepuasan", "en")
    config_file = tmp_path / "config.yaml"
    config_file.write_text(
        yaml.safe_dump({**BASE_CONFIG, "services": oversight_services()}), encoding="utf-8"
    )
    printed = CliRunner().invoke(
        main, ["report", "--date", "2026-05-20", "--format", "xlsx", "--config", str(config_file)]
    )
    assert printed.exit_code == 0
    from_command = openpyxl.load_workbook(io.BytesIO(printed.stdout_bytes))
    assert list(from_command.worksheets[0].values) == summary


def test_the_dashboard_shows_waiting_and_todays_totals(
    station: Station, clock: ManualClock
) -> None:
    scripted_day(station, clock)
    clock.advance(minutes=5)  # 10:05: A-004 has waited 20 minutes
    dashboard = reports.dashboard_figures(reports.station_source(station))
    lapor = by_id(dashboard["services"])["lapor"]
    assert (lapor["waiting"], lapor["longest_wait_minutes"], lapor["longest_waiting_number"]) == (
        1, 20.0, "A-004",
    )  # fmt: skip
    assert dashboard["waiting"] == 1
    assert dashboard["longest_wait"]["longest_waiting_number"] == "A-004"
    assert figures(dashboard["totals"])[:4] == (7, 7, 5, 1)
    assert dashboard["satisfaction"][0]["ikm"] == 87.5


def test_without_shifts_the_hand_over_covers_the_service_day(
    station: Station, clock: ManualClock
) -> None:
    scripted_day(station, clock)
    summary = reports.handover(reports.station_source(station))
    assert summary["shift"] is None
    assert summary["starts_at"] == "2026-05-20T00:00+08:00"
    assert figures(summary["totals"])[:4] == (7, 7, 5, 1)


@pytest.mark.slow
def test_the_hand_over_covers_only_the_shift_that_is_ending(
    tmp_path: Path, clock: ManualClock
) -> None:
    config = oversight_config(
        tmp_path,
        shifts=[{"name": "Pagi", "starts_at": "07:00"}, {"name": "Jaga 2", "starts_at": "09:30"},
                {"name": {"id": "Malam", "en": "Night"}, "starts_at": "21:00"}],
    )  # fmt: skip
    station = open_station(config, clock=clock)
    services.ensure_counters(station)
    scripted_day(station, clock)
    summary = reports.handover(reports.station_source(station))
    assert (summary["shift"], summary["starts_at"], summary["ends_at"]) == (
        "Jaga 2", "2026-05-20T09:30+08:00", "2026-05-20T21:00+08:00",
    )  # fmt: skip
    # From 09:30: B-001 called @35 (5 min) and C-002 @52 (24 min); A-002, B-001, C-002 served.
    totals = summary["totals"]
    assert (totals["called"], totals["served"], totals["no_show"]) == (2, 3, 0)
    assert totals["avg_wait_minutes"] == 14.5
    assert [row["waiting"] for row in summary["waiting"]] == [1, 0, 0, 0]
    assert summary["out_of_turn"]["transfer"] == 1
    # Just after the change, the morning shift's hand-over: 07:00 to 09:30.
    morning = reports.handover(reports.station_source(station), previous=True)
    assert (morning["shift"], morning["starts_at"], morning["as_of"]) == (
        "Pagi", "2026-05-20T07:00+08:00", "2026-05-20T09:30:00+08:00",
    )  # fmt: skip
    totals = morning["totals"]
    assert (totals["called"], totals["served"], totals["no_show"]) == (5, 2, 1)
    # Handed over at 09:30: C-002 and B-001 (transferred that minute) wait for lantas.
    assert [row["waiting"] for row in morning["waiting"]] == [0, 0, 2, 0]
    assert morning["waiting"][2]["longest_wait_minutes"] == 2.0
    # ...and A-002, called to loket-1 at 09:26, is still being served there.
    assert morning["at_counters"] == [
        {"counter": "loket-1", "counter_name": "Loket 1", "number": "A-002", "officer": "budi",
         "since": "2026-05-20T09:26:00+08:00"},
    ]  # fmt: skip
    assert summary["at_counters"] == [], "everyone was served by 10:00"
    station.store.close()


def test_the_hand_over_names_who_is_at_a_counter_and_keeps_private_services_neutral(
    station: Station, clock: ManualClock
) -> None:
    clock.set(MORNING)
    ticket_issue.issue_ticket(station, "lapor")
    private = ticket_issue.issue_ticket(station, "propam").ticket
    desk_actions.call_next(station, "loket-1", "budi")
    clock.advance(minutes=3)
    desk_actions.call_next(station, "loket-4", "wayan")
    clock.advance(minutes=2)
    desk_actions.recall(station, "loket-1", "budi")  # still the same citizen, since the first call
    summary = reports.handover(reports.station_source(station))
    assert summary["at_counters"] == [
        {"counter": "loket-1", "counter_name": "Loket 1", "number": "A-001", "officer": "budi",
         "since": "2026-05-20T09:00:00+08:00"},
        {"counter": "loket-4", "counter_name": "Loket 4", "number": private["number"],
         "officer": "wayan", "since": "2026-05-20T09:03:00+08:00"},
    ]  # fmt: skip
    assert "propam" not in json.dumps(summary["at_counters"])
    desk_actions.finish(station, "loket-1", "budi")
    numbers = [
        row["number"] for row in reports.handover(reports.station_source(station))["at_counters"]
    ]
    assert numbers == [private["number"]]


@pytest.mark.parametrize(
    ("now", "expected"),
    [("06:59", ("Malam", "2026-05-19 21:00", "2026-05-20 07:00")),
     ("07:00", ("Pagi", "2026-05-20 07:00", "2026-05-20 14:00")),
     ("23:30", ("Malam", "2026-05-20 21:00", "2026-05-21 07:00"))],
)  # fmt: skip
def test_the_current_shift_wraps_around_midnight(
    tmp_path: Path, now: str, expected: tuple[str, str, str]
) -> None:
    config = oversight_config(
        tmp_path,
        shifts=[{"name": "Pagi", "starts_at": "07:00"}, {"name": "Siang", "starts_at": "14:00"},
                {"name": "Malam", "starts_at": "21:00"}],
    )  # fmt: skip
    hours, minutes = map(int, now.split(":"))
    local = MORNING.astimezone(config.zone).replace(hour=hours, minute=minutes)
    name, start, end = current_shift(config, local)
    assert name is not None
    assert (name.id, f"{start:%Y-%m-%d %H:%M}", f"{end:%Y-%m-%d %H:%M}") == expected
    assert start.time() >= time(0, 0)


def test_the_daily_report_states_that_the_chain_verified(
    station: Station, clock: ManualClock, day_report: dict[str, Any]
) -> None:
    verdict = day_report["audit"]
    assert verdict["verified"] is True
    with station.store.read() as db:
        last = db.one("SELECT id, hash FROM events ORDER BY id DESC LIMIT 1")
    assert verdict["head"]["row"] == last["id"] == verdict["rows"]
    assert verdict["head"]["witness"] == f"{last['id']}:{last['hash'][:16]}"
    assert verdict["day_anchor"] is None  # the day has not closed yet
    clock.set(MORNING + timedelta(days=1))
    close_days(station)
    closed = reports.build_report(reports.station_source(station), DAY)["audit"]
    assert closed["day_anchor"]["row"] == last["id"]
