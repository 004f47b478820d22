"""The station's shipper against the real central app (on a real PostgreSQL): every row in
order and once, batches, heartbeats, back-off while central is away, a gap filled, a fork
located; the station's audit holds its log against central's receipt."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient

from satupintu.app import open_station
from satupintu.cli import main
from shared.application import audit, desk_actions, services, standards, ticket_issue
from shared.application.station import Station
from shared.domain import wire
from shared.domain.clock import ManualClock
from shared.domain.config import Config
from shared.operations import shipper
from shared.operations.shipper import Answer, Shipper, Unreachable
from shared.store import receipts
from tests.central_fixtures import (
    copy_rows,
    poster,
    register,
    rewrite_row,
    ship_everything,
    shipper_for,
    station_row,
)
from tests.helpers import make_config


@pytest.fixture
def shipping_config(tmp_path: Path) -> Config:
    return make_config(
        tmp_path, central={"url": "http://127.0.0.1:9", "station": "kupang", "key": "k" * 64}
    )


@pytest.fixture
def shipping_station(shipping_config: Config, clock: ManualClock) -> Iterator[Station]:
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


def test_every_row_reaches_central_in_order_once_in_batches(
    shipping_station: Station, clock: ManualClock, client: FlaskClient, key: str, central_db: str
) -> None:
    work(shipping_station, clock, 12)
    sent: list[dict[str, Any]] = []
    post = poster(client, key)

    def recording(body: dict[str, Any]) -> Answer:
        sent.append(body)
        return post(body)

    the_shipper = Shipper(shipping_station, recording)
    the_shipper.batch_rows = 10
    ship_everything(the_shipper)
    assert copy_rows(central_db, "kupang") == log_of(shipping_station)
    batches = [len(body["rows"]) for body in sent]
    assert batches[:-1] == [10] * (len(batches) - 1)
    assert "config" in sent[0]
    assert all("config" not in body for body in sent[1:])
    receipt = _receipt(shipping_station)
    assert (receipt.row, receipt.hash) == log_of(shipping_station)[-1]


def _receipt(station: Station) -> receipts.Receipt:
    with station.store.read() as db:
        found = receipts.latest(db)
    assert found is not None
    return found


def test_the_published_standard_reaches_central_as_it_was_logged(
    tmp_path: Path, clock: ManualClock, client: FlaskClient, key: str, central_db: str
) -> None:
    config = make_config(
        tmp_path,
        station={"name": "SPKT Uji", "maklumat": "Kami siap melayani sesuai standar."},
        complaint_channels=[{"name": "LAPOR!", "contact": "SMS 1708"}],
        central={"url": "http://127.0.0.1:9", "station": "kupang", "key": "k" * 64},
    )
    station = open_station(config, clock=clock)
    try:
        published = standards.record_publication(station)
        assert published is not None
        work(station, clock, 2)
        ship_everything(shipper_for(station, client, key))
        assert copy_rows(central_db, "kupang") == log_of(station)
    finally:
        station.store.close()
    with psycopg.connect(central_db) as conn:
        [(data,)] = conn.execute(
            "SELECT data FROM events WHERE station = 'kupang' AND name = 'standard.published'"
        ).fetchall()
    held = json.loads(data)
    assert held["digest"] == published.digest
    assert held["standard"]["maklumat"]["id"] == "Kami siap melayani sesuai standar."


def test_after_a_restart_the_shipper_carries_on_from_the_receipt(
    shipping_station: Station, clock: ManualClock, client: FlaskClient, key: str, central_db: str
) -> None:
    work(shipping_station, clock, 3)
    ship_everything(shipper_for(shipping_station, client, key))
    work(shipping_station, clock, 3)
    sent: list[dict[str, Any]] = []
    post = poster(client, key)
    restarted = Shipper(shipping_station, lambda body: sent.append(body) or post(body))
    ship_everything(restarted)
    confirmed_before = len(log_of(shipping_station)) - len(sent[0]["rows"])
    assert sent[0]["rows"][0]["row"] == confirmed_before + 1
    assert copy_rows(central_db, "kupang") == log_of(shipping_station)


def test_a_quiet_station_still_says_where_its_head_is(
    shipping_station: Station, clock: ManualClock, client: FlaskClient, key: str, central_db: str
) -> None:
    now = [0.0]
    the_shipper = Shipper(shipping_station, poster(client, key), monotonic=lambda: now[0])
    work(shipping_station, clock, 1)
    ship_everything(the_shipper)
    assert the_shipper.step() == shipper.POLL_SECONDS  # nothing new, heartbeat not due
    before = station_row(central_db, "kupang")["last_contact"]
    now[0] += shipper.HEARTBEAT_SECONDS
    clock.advance(seconds=30)
    the_shipper.station.time.accept()
    the_shipper.step()
    assert station_row(central_db, "kupang")["last_contact"] > before
    assert shipper.HEARTBEAT_SECONDS <= wire.HEARTBEAT_SECONDS


def test_while_central_is_away_the_shipper_backs_off_and_loses_nothing(
    shipping_station: Station, clock: ManualClock, client: FlaskClient, key: str, central_db: str
) -> None:
    reachable = [False]
    post = poster(client, key)

    def flaky(body: dict[str, Any]) -> Answer:
        if not reachable[0]:
            raise Unreachable("connection refused")
        return post(body)

    the_shipper = Shipper(shipping_station, flaky)
    work(shipping_station, clock, 5)
    delays = [the_shipper.step() for _ in range(9)]
    assert delays == [1, 2, 4, 8, 16, 32, 60, 60, 60]
    work(shipping_station, clock, 5)  # the hall goes on meanwhile
    reachable[0] = True
    ship_everything(the_shipper)
    assert copy_rows(central_db, "kupang") == log_of(shipping_station)


def test_central_answering_a_gap_makes_the_shipper_send_the_missing_rows(
    shipping_station: Station, clock: ManualClock, client: FlaskClient, key: str, central_db: str
) -> None:
    """As after central's database was restored from an older backup than the receipt."""
    work(shipping_station, clock, 4)
    with shipping_station.store.write("test", clock.now()) as tx:
        receipts.save(tx, 5, log_of(shipping_station)[4][1])  # a receipt central has lost
    ship_everything(shipper_for(shipping_station, client, key))
    assert copy_rows(central_db, "kupang") == log_of(shipping_station)
    assert station_row(central_db, "kupang")["chain"] == "ok"


def test_settings_change_reaches_central_with_the_next_batch(
    tmp_path: Path, clock: ManualClock, client: FlaskClient, key: str, central_db: str
) -> None:
    central_block = {"url": "http://127.0.0.1:9", "station": "kupang", "key": "k" * 64}
    first = open_station(make_config(tmp_path, central=central_block), clock=clock)
    work(first, clock, 1)
    ship_everything(shipper_for(first, client, key))
    first.store.close()
    renamed = make_config(tmp_path, central=central_block, station={"name": "SPKT Baru"})
    second = open_station(renamed, clock=clock)
    ship_everything(shipper_for(second, client, key))
    assert station_row(central_db, "kupang")["settings"]["station"] == {"name": "SPKT Baru"}
    second.store.close()


def first_call_row(station: Station) -> int:
    with station.store.read() as db:
        found = db.one("SELECT id FROM events WHERE name = 'ticket.called' ORDER BY id LIMIT 1")
    assert found is not None
    return found["id"]


def test_a_log_rewritten_after_shipping_fails_its_audit_and_central_flags_the_fork(
    shipping_config: Config,
    shipping_station: Station,
    clock: ManualClock,
    client: FlaskClient,
    key: str,
    central_db: str,
) -> None:
    work(shipping_station, clock, 6)
    ship_everything(shipper_for(shipping_station, client, key))
    assert audit.check_station(shipping_station).ok
    target = first_call_row(shipping_station)
    rewrite_row(shipping_config, target)
    shipping_station.store.close()
    station = open_station(shipping_config, clock=clock)

    verdict = audit.check_station(station)
    assert not verdict.ok
    assert (verdict.problem, verdict.broken_id) == (
        "ui.audit.receipt_differs",
        len(log_of(station)),
    )
    assert not audit.check_recent(station).ok

    clock.advance(minutes=1)
    ticket_issue.issue_ticket(station, "lapor")  # the next row, chained to the forgery
    good = copy_rows(central_db, "kupang")
    ship_everything(shipper_for(station, client, key))
    found = station_row(central_db, "kupang")
    assert (found["chain"], found["chain_row"]) == ("fork", target)
    assert copy_rows(central_db, "kupang") == good
    station.store.close()


@pytest.mark.slow
def test_without_the_receipt_table_check_the_forgery_would_pass(
    shipping_config: Config, shipping_station: Station, clock: ManualClock
) -> None:
    """The receipt is what catches it: the same forgery on a station that never shipped passes."""
    work(shipping_station, clock, 6)
    target = first_call_row(shipping_station)
    shipping_station.store.close()
    rewrite_row(shipping_config, target)
    station = open_station(shipping_config, clock=clock)
    assert audit.check_station(station).ok
    station.store.close()


def test_audit_verify_names_the_receipt_and_fails_after_a_rewrite(
    shipping_config: Config,
    shipping_station: Station,
    clock: ManualClock,
    client: FlaskClient,
    key: str,
) -> None:
    work(shipping_station, clock, 3)
    ship_everything(shipper_for(shipping_station, client, key))
    shipping_station.store.close()
    config_file = shipping_config.base_dir / "config.yaml"
    _write_config(shipping_config, config_file)
    runner = CliRunner()
    ok = runner.invoke(main, ["audit", "verify", "--config", str(config_file)])
    assert ok.exit_code == 0, ok.output
    rewrite_row(shipping_config, 2)
    broken = runner.invoke(main, ["audit", "verify", "--config", str(config_file)])
    assert broken.exit_code == 1
    assert "differs from what the central server confirmed" in broken.output


def _write_config(config: Config, path: Path) -> None:
    import yaml

    from tests.helpers import BASE_CONFIG

    data = {**BASE_CONFIG, "central": config.central.model_dump() if config.central else None}
    data["database"] = str(config.database_path)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def test_status_prints_the_last_row_the_confirmed_row_and_the_last_contact(
    shipping_config: Config,
    shipping_station: Station,
    clock: ManualClock,
    client: FlaskClient,
    key: str,
) -> None:
    work(shipping_station, clock, 2)
    ship_everything(shipper_for(shipping_station, client, key))
    shipped = len(log_of(shipping_station))
    work(shipping_station, clock, 1)
    config_file = shipping_config.base_dir / "config.yaml"
    _write_config(shipping_config, config_file)
    result = CliRunner().invoke(
        main, ["central", "status", "--format", "json", "--config", str(config_file)]
    )
    assert result.exit_code == 0, result.output
    found = json.loads(result.output)
    last = len(log_of(shipping_station))
    assert found["last_row"] == last
    assert found["confirmed_row"] == shipped < last
    assert found["last_contact"] == (clock.now() - timedelta(minutes=1)).astimezone(
        shipping_config.zone
    ).isoformat(timespec="seconds")
