"""Central keeps the reports of closed days: asked again, a day's report is the kept one, still
exactly the station's own; a station that was offline and ships that day's rows late gets a
report built again from everything it sent, and a declared restore drops what was kept."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient

from central import reports as copies
from satupintu.app import open_station
from satupintu.cli import main
from shared.application import housekeeping, services, ticket_issue
from shared.application.audit import close_days
from shared.application.reporting import reports
from shared.application.reporting.reports import Period
from shared.application.station import Station
from shared.domain import wire
from shared.domain.clock import ManualClock, utc_text
from shared.operations import backups
from tests.admin_fixtures import busy_day, oversight_services
from tests.central_fixtures import log_in, poster, register, ship_everything, shipper_for
from tests.helpers import make_config
from tests.test_declared_restore import config_file_for, work

YESTERDAY = date(2026, 5, 19)
QUERY = f"/api/central/reports?station=kupang&from={YESTERDAY}&to={YESTERDAY}"


def worked_yesterday(tmp_path: Path) -> tuple[Station, ManualClock]:
    """A station that worked yesterday, its day closed this morning as the server does."""
    config = make_config(
        tmp_path / "kupang",
        services=oversight_services(),
        central={"url": "http://127.0.0.1:9", "station": "kupang", "key": "k" * 64},
    )
    day_start = datetime.combine(YESTERDAY, config.day_starts_at, tzinfo=config.zone)
    clock = ManualClock(day_start + timedelta(hours=7))
    station = open_station(config, clock=clock)
    services.ensure_counters(station)
    busy_day(station, clock, day_start + timedelta(hours=7), day_start + timedelta(hours=12))
    clock.set(day_start + timedelta(days=1, hours=7))
    housekeeping.expire_past_days(station)
    close_days(station)
    return station, clock


def work_this_morning(station: Station, clock: ManualClock) -> None:
    busy_day(station, clock, clock.now(), clock.now() + timedelta(hours=2), seed=11)


def ship_rows_up_to(client: FlaskClient, key: str, station: Station, last: int) -> None:
    """Ship the log's rows 1..last only (the station lost its link after that)."""
    with station.store.read() as db:
        rows = [wire.wire_row(row) for row in db.all("SELECT * FROM events ORDER BY id")]
    post = poster(client, key)
    for start in range(0, last, wire.BATCH_ROWS):
        body = {"station": "kupang", "head_row": rows[-1]["row"], "head_at": rows[-1]["at"],
                "rows": rows[start : min(start + wire.BATCH_ROWS, last)],
                "config": wire.report_settings(station.config)}  # fmt: skip
        assert post(body).status == 200


def own_report(station: Station) -> dict[str, Any]:
    return reports.build_report(reports.station_source(station), Period(YESTERDAY, YESTERDAY))


def last_row_of_the_morning(station: Station) -> int:
    """The last row logged in yesterday's first hours of work (07:00 to 09:30 of its day)."""
    config = station.config
    day_start = datetime.combine(YESTERDAY, config.day_starts_at, tzinfo=config.zone)
    cut = utc_text(day_start + timedelta(hours=9, minutes=30))
    with station.store.read() as db:
        found = db.one("SELECT MAX(id) AS id FROM events WHERE at < ?", [cut])
    assert found is not None and found["id"]
    return found["id"]


@pytest.fixture
def kupang(tmp_path: Path, central_app: Flask) -> tuple[Station, ManualClock, FlaskClient, str]:
    station, clock = worked_yesterday(tmp_path)
    central_app.extensions["satupintu.central"].clock.set(clock.now() + timedelta(hours=5))
    client = central_app.test_client()
    key = register(central_app, "kupang", "SPKT Polres Kupang")
    log_in(client)
    yield station, clock, client, key
    station.store.close()


def count_builds(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count the reports central builds from its copy (a kept one is not built)."""
    builds: list[int] = []
    original = copies.build_report

    def counted(*args: Any, **kwargs: Any) -> dict[str, Any]:
        builds.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(copies, "build_report", counted)
    return builds


def test_late_rows_of_a_closed_day_give_its_report_again_from_everything(
    kupang: tuple[Station, ManualClock, FlaskClient, str],
) -> None:
    station, _, client, key = kupang
    morning_only = last_row_of_the_morning(station)
    ship_rows_up_to(client, key, station, morning_only)
    partial = client.get(QUERY).get_json()
    own = own_report(station)
    assert 0 < partial["totals"]["issued"] < own["totals"]["issued"]
    assert client.get(QUERY).get_json()["totals"] == partial["totals"]  # kept as it was

    ship_everything(shipper_for(station, client, key))  # back online: the afternoon arrives

    assert client.get(QUERY).get_json() == own
    everything = client.get(f"/api/central/reports?from={YESTERDAY}&to={YESTERDAY}").get_json()
    assert everything["stations"][0]["report"] == own
    assert everything["comparison"][0]["issued"] == own["totals"]["issued"]


def test_a_closed_day_report_is_kept_while_only_later_days_arrive(
    kupang: tuple[Station, ManualClock, FlaskClient, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    station, clock, client, key = kupang
    shipper = shipper_for(station, client, key)
    ship_everything(shipper)
    assert client.get(QUERY).get_json() == own_report(station)
    builds = count_builds(monkeypatch)

    for service in ("lapor", "surat"):  # this morning's first citizens take their tickets
        clock.advance(minutes=3)
        ticket_issue.issue_ticket(station, service)
    ship_everything(shipper)
    again = client.get(QUERY).get_json()

    assert builds == []  # kept, not built again
    assert again == own_report(station)  # the audit section says what central holds now
    with station.store.read() as db:
        head = db.one("SELECT MAX(id) AS id FROM events")
    assert head is not None and again["audit"]["rows"] == head["id"]


def test_a_closed_day_report_holds_when_its_tickets_are_finished_the_next_morning(
    kupang: tuple[Station, ManualClock, FlaskClient, str],
) -> None:
    station, clock, client, key = kupang
    shipper = shipper_for(station, client, key)
    ship_everything(shipper)
    assert client.get(QUERY).status_code == 200

    work_this_morning(station, clock)  # the officers finish yesterday's last citizens first
    ship_everything(shipper)

    assert client.get(QUERY).get_json() == own_report(station)


def test_today_is_built_at_every_look_while_it_runs(
    kupang: tuple[Station, ManualClock, FlaskClient, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    station, clock, client, key = kupang
    work_this_morning(station, clock)
    ship_everything(shipper_for(station, client, key))
    today = station.today()
    builds = count_builds(monkeypatch)
    for _ in range(2):
        reply = client.get(f"/api/central/reports?station=kupang&from={today}&to={today}")
        assert reply.status_code == 200
    assert len(builds) == 2


def test_a_declared_restore_builds_the_report_again_from_the_continued_copy(
    tmp_path: Path, central_app: Flask, clock: ManualClock, central_db: str
) -> None:
    config = make_config(
        tmp_path, central={"url": "http://127.0.0.1:9", "station": "kupang", "key": "k" * 64}
    )
    station = open_station(config, clock=clock)
    services.ensure_counters(station)
    client = central_app.test_client()
    key = register(central_app, "kupang", "SPKT Polres Kupang")
    day = station.today()
    query = f"/api/central/reports?station=kupang&from={day}&to={day}"
    work(station, clock, 3)
    copy = backups.make_backup(station, tmp_path / "copy.db")
    work(station, clock, 3)  # lost with the restore
    clock.advance(days=1)
    ship_everything(shipper_for(station, client, key))
    log_in(client)
    assert client.get(query).get_json()["totals"]["issued"] == 6
    station.store.close()

    done = CliRunner().invoke(
        main, ["restore", str(copy.path), "--config", str(config_file_for(config))]
    )
    assert done.exit_code == 0, done.output
    after = open_station(config, clock=clock)
    try:
        work(after, clock, 8)  # today's rows take the row numbers the lost ones had, and more
        ship_everything(shipper_for(after, client, key))
        own = reports.build_report(reports.station_source(after), Period(day, day))
    finally:
        after.store.close()
    assert own["totals"]["issued"] == 3
    assert client.get(query).get_json()["totals"] == own["totals"]
