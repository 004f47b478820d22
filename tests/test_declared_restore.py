"""A restore at a station that ships to central: the restore is declared (`station.restored`),
central takes the log continuing from the restored row and shows the restore (not a fork),
keeping the rows it held of the replaced log as superseded, and the audit explains it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient

from satupintu.app import create_app, open_station
from satupintu.cli import main
from shared.application import audit, desk_actions, services, ticket_issue
from shared.application.station import Station
from shared.domain import wire
from shared.domain.clock import ManualClock
from shared.domain.config import Config
from shared.operations import backups, shipper
from tests.central_fixtures import (
    copy_rows,
    log_in,
    register,
    rewrite_row,
    ship_everything,
    shipper_for,
    station_row,
)
from tests.helpers import BASE_CONFIG, make_config


@pytest.fixture
def shipping_config(tmp_path: Path) -> Config:
    return make_config(
        tmp_path, central={"url": "http://127.0.0.1:9", "station": "kupang", "key": "k" * 64}
    )


@pytest.fixture
def station(shipping_config: Config, clock: ManualClock) -> Iterator[Station]:
    the_station = open_station(shipping_config, clock=clock)
    services.ensure_counters(the_station)
    yield the_station
    the_station.store.close()


@pytest.fixture
def key(central_app: Flask) -> str:
    return register(central_app, "kupang", "SPKT Polres Kupang")


@pytest.fixture
def client(central_app: Flask) -> FlaskClient:
    return central_app.test_client()


def work(station: Station, clock: ManualClock, tickets: int) -> None:
    for _ in range(tickets):
        clock.advance(minutes=1)
        ticket_issue.issue_ticket(station, "lapor")
        desk_actions.call_next(station, "loket-1", "budi")


def log_of(station: Station) -> list[tuple[int, str]]:
    with station.store.read() as db:
        return [(row["id"], row["hash"]) for row in db.all("SELECT id, hash FROM events")]


def superseded(url: str) -> list[int]:
    with psycopg.connect(url) as conn:
        found = conn.execute(
            "SELECT id FROM superseded_events WHERE station = 'kupang' ORDER BY id"
        )
        return [row[0] for row in found]


def config_file_for(config: Config) -> Path:
    import yaml

    data = {**BASE_CONFIG, "central": config.central.model_dump() if config.central else None}
    data["database"] = str(config.database_path)
    path = config.base_dir / "config.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize("unshipped", [0, 2], ids=["copy-all-shipped", "copy-with-unshipped"])
def test_a_restore_older_than_centrals_receipt_is_declared_and_shipping_carries_on(
    shipping_config: Config,
    station: Station,
    clock: ManualClock,
    client: FlaskClient,
    key: str,
    central_db: str,
    unshipped: int,
) -> None:
    work(station, clock, 3)
    ship_everything(shipper_for(station, client, key))
    work(station, clock, unshipped)  # in the copy, not yet at central when it was made
    copy = backups.make_backup(station, shipping_config.base_dir / "copy.db")
    restored_row = len(log_of(station))
    work(station, clock, 3)
    ship_everything(shipper_for(station, client, key))
    lost = len(log_of(station))
    assert station_row(central_db, "kupang")["confirmed_row"] == lost > restored_row
    station.store.close()

    clock.advance(minutes=5)
    config_file = config_file_for(shipping_config)
    done = CliRunner().invoke(main, ["restore", str(copy.path), "--config", str(config_file)])
    assert done.exit_code == 0, done.output
    assert "declared restore" in done.output

    after = open_station(shipping_config, clock=clock)
    try:
        work(after, clock, 4)  # rows logged after the restore
        ship_everything(shipper_for(after, client, key))
        assert copy_rows(central_db, "kupang") == log_of(after)
        found = station_row(central_db, "kupang")
        assert (found["chain"], found["confirmed_row"]) == ("ok", len(log_of(after)))
        assert superseded(central_db) == list(range(restored_row + 1, lost + 1))
        assert audit.check_station(after).ok
    finally:
        after.store.close()

    log_in(client)
    shown = client.get("/api/central/stations").get_json()["stations"][0]
    assert shown["chain"] == "ok"
    assert shown["restore"]["row"] == restored_row
    assert shown["restore"]["superseded_rows"] == lost - restored_row
    page = client.get("/?lang=en").get_data(as_text=True)
    assert "superseded" in page

    verified = CliRunner().invoke(main, ["audit", "verify", "--config", str(config_file)])
    assert verified.exit_code == 0, verified.output
    assert "audit: OK" in verified.output
    assert f"continues the backup {copy.path}, which ends at row {restored_row}" in (
        verified.output
    )
    assert f"the database it replaced ended at row {lost}" in verified.output


def test_without_the_declaration_the_same_rows_are_a_fork(
    shipping_config: Config,
    station: Station,
    clock: ManualClock,
    client: FlaskClient,
    key: str,
    central_db: str,
) -> None:
    """The declaration is what makes it a restore: the same rows sent as before (no
    `restored_row`) are refused as a fork, and central keeps its copy."""
    work(station, clock, 2)
    ship_everything(shipper_for(station, client, key))
    copy = backups.make_backup(station, shipping_config.base_dir / "copy.db")
    work(station, clock, 2)
    ship_everything(shipper_for(station, client, key))
    held = copy_rows(central_db, "kupang")
    station.store.close()
    backups.restore(shipping_config, copy.path, clock.now())
    after = open_station(shipping_config, clock=clock)
    try:
        with after.store.read() as db:
            row = db.one("SELECT * FROM events WHERE name = 'station.restored'")
        assert row is not None
        body = shipper.batch("kupang", None, [wire.wire_row(row)])
        reply = client.post(
            "/api/central/events", json=body, headers={"Authorization": f"Bearer {key}"}
        )
        assert reply.status_code == 409
        assert copy_rows(central_db, "kupang") == held
    finally:
        after.store.close()


def test_healthz_warns_of_a_real_fork_and_of_a_broken_audit(
    shipping_config: Config,
    station: Station,
    clock: ManualClock,
    client: FlaskClient,
    key: str,
) -> None:
    """A log rewritten after shipping (no restore declared): central refuses it as a fork and
    the audit breaks, and `/healthz` (the dashboard's notices, the monitors) says both."""
    work(station, clock, 4)
    ship_everything(shipper_for(station, client, key))
    hall = create_app(shipping_config, clock=clock)
    assert hall.test_client().get("/healthz").status_code == 200
    hall.extensions["satupintu"].store.close()
    station.store.close()

    rewrite_row(shipping_config, 3)
    forged = open_station(shipping_config, clock=clock)
    try:
        clock.advance(minutes=1)
        ticket_issue.issue_ticket(forged, "lapor")
        the_shipper = shipper_for(forged, client, key)
        ship_everything(the_shipper)
        the_shipper.last_answer = None  # a heartbeat now: central still says fork
        the_shipper.step()
    finally:
        forged.store.close()

    hall = create_app(shipping_config, clock=clock)
    try:
        reply = hall.test_client().get("/healthz")
        notices = {notice["code"]: notice for notice in reply.get_json()["notices"]}
        assert reply.status_code == 503
        assert notices["audit_broken"]["level"] == "problem"
        assert notices["central_fork"]["level"] == "warning"
        assert "fork" in notices["central_fork"]["text"]["en"]
    finally:
        hall.extensions["satupintu"].store.close()
