"""Central (on a real PostgreSQL) reads the shipped log: its dashboard names the services each
hall has down, with the reason and expected resume time, until they resume; the report at central
counts the suspension as the station's own does."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from satupintu.app import open_station
from shared.application import services, suspensions, ticket_issue
from shared.application.reporting import reports
from shared.application.reporting.reports import Period
from shared.application.users import Role, User
from shared.domain.clock import ManualClock
from tests.central_fixtures import log_in, register, ship_everything, shipper_for
from tests.helpers import MORNING, make_config

SUPERVISOR = User("sari", Role.SUPERVISOR)


def test_central_shows_which_halls_have_which_services_down(
    central_app: Flask, clock: ManualClock, tmp_path: Path
) -> None:
    """The station and central share one hand-moved clock (central's "now" ends the report)."""
    config = make_config(
        tmp_path,
        central={"url": "http://127.0.0.1:9", "station": "kupang", "key": "k" * 64},
    )
    station = open_station(config, clock=clock)
    services.ensure_counters(station)
    for service in ("lapor", "lapor", "surat"):
        ticket_issue.issue_ticket(station, service)
    suspensions.suspend(station, "lapor", "Server SINAR gangguan", "11:30", SUPERVISOR)
    client = central_app.test_client()
    shipper = shipper_for(station, client, register(central_app, "kupang", "SPKT Kupang"))
    ship_everything(shipper)
    log_in(client)
    [hall] = client.get("/api/central/stations").get_json()["stations"]
    assert hall["suspended"] == [
        {
            "service": "lapor",
            "name": "Laporan",
            "reason": "Server SINAR gangguan",
            "since": "2026-05-20T09:00:00+08:00",
            "until": "2026-05-20T11:30:00+08:00",
        }
    ]
    page = client.get("/").get_data(as_text=True)
    assert "central-suspended" in page  # the dashboard's script draws the list from the API

    clock.advance(minutes=40)
    ticket_issue.issue_ticket(station, "lapor")
    suspensions.resume(station, "lapor", SUPERVISOR)
    ship_everything(shipper)
    [hall] = client.get("/api/central/stations").get_json()["stations"]
    assert hall["suspended"] == []

    today = MORNING.astimezone(config.zone).date()
    at_central = client.get(f"/api/central/reports?station=kupang&from={today}&to={today}")
    report = at_central.get_json()
    assert report["suspensions"]["services"] == [
        {"id": "lapor", "name": "Laporan", "suspensions": 1, "suspended_minutes": 40, "waited": 3}
    ]
    [period] = report["suspensions"]["periods"]
    assert (period["reason"], period["from"], period["to"]) == (
        "Server SINAR gangguan",
        "2026-05-20T09:00:00+08:00",
        "2026-05-20T09:40:00+08:00",
    )
    own = reports.build_report(reports.station_source(station), Period(today, today))
    assert own["suspensions"] == report["suspensions"]
    station.store.close()


def test_a_station_report_counts_a_suspension_still_going_on_up_to_now(
    tmp_path: Path,
) -> None:
    config = make_config(tmp_path)
    clock = ManualClock(MORNING)
    station = open_station(config, clock=clock)
    services.ensure_counters(station)
    ticket_issue.issue_ticket(station, "surat")
    suspensions.suspend(station, "surat", "Jaringan putus", None, SUPERVISOR)
    clock.advance(minutes=25)
    today = MORNING.astimezone(config.zone).date()
    found = reports.build_report(reports.station_source(station), Period(today, today))
    assert found["suspensions"]["services"] == [
        {"id": "surat", "name": "Surat Kehilangan", "suspensions": 1, "suspended_minutes": 25,
         "waited": 1}
    ]  # fmt: skip
    assert found["suspensions"]["periods"][0]["to"] is None
    station.store.close()
