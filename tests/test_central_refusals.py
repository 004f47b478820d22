"""A batch central refuses is shown as refused, with central's reason, never as a network fault:
on `/healthz`, the admin dashboard and `satupintu central status`; central out of reach still
says so (a real `satupintu central serve` on a real PostgreSQL, the station's real shipper)."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from flask import Flask

from satupintu.app import create_app
from satupintu.cli import main
from shared.application import ticket_issue
from shared.application.station import Station
from shared.domain.clock import ManualClock
from shared.domain.config import parse_config
from shared.operations.health import Monitor
from shared.operations.shipper import Shipper, http_post
from tests.central_fixtures import CentralProcess, ship_everything
from tests.conftest import Auth
from tests.helpers import BASE_CONFIG

pytestmark = pytest.mark.server

WRONG_KEY = "w" * 32


@pytest.fixture
def central(tmp_path: Path, central_db: str) -> Iterator[CentralProcess]:
    process = CentralProcess(tmp_path / "central", central_db)
    process.start()
    yield process
    process.stop()


@pytest.fixture
def config_file(tmp_path: Path, central: CentralProcess) -> Path:
    """The station's config.yaml, shipping to `central` with a key central does not know."""
    data = copy.deepcopy(BASE_CONFIG)
    data["database"] = str(tmp_path / "satupintu.db")
    data["central"] = {"url": central.url, "station": "kupang", "key": WRONG_KEY}
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture
def hall(config_file: Path, clock: ManualClock) -> Iterator[Flask]:
    """The station's app, its health looked at afresh on every request."""
    data = yaml.safe_load(config_file.read_text(encoding="utf-8"))
    app = create_app(parse_config(data, base_dir=config_file.parent), clock=clock)
    app.config["TESTING"] = True
    app.extensions["satupintu.health"] = Monitor(app.extensions["satupintu"], max_age=-1)
    yield app
    app.extensions["satupintu"].store.close()


def shipper(station: Station, key: str) -> Shipper:
    """The station's shipper over HTTP, with `key` as the station's key."""
    link = station.config.central
    assert link is not None
    return Shipper(station, http_post(link.model_copy(update={"key": key})))


def central_notices(app: Flask) -> list[dict[str, Any]]:
    answer = app.test_client().get("/healthz").get_json()
    return [notice for notice in answer["notices"] if notice["check"] == "central"]


def central_summary(app: Flask) -> dict[str, str]:
    answer = app.test_client().get("/healthz").get_json()
    [found] = [check for check in answer["checks"] if check["name"] == "central"]
    return found


def status(config_file: Path, output: str = "json") -> Any:
    result = CliRunner().invoke(
        main, ["central", "status", "--format", output, "--config", str(config_file)]
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.output) if output == "json" else result.output


def test_a_refused_batch_is_shown_as_refused_with_centrals_reason(
    hall: Flask, config_file: Path, central: CentralProcess, clock: ManualClock
) -> None:
    station: Station = hall.extensions["satupintu"]
    ticket_issue.issue_ticket(station, "lapor")
    shipper(station, WRONG_KEY).step()

    [notice] = central_notices(hall)
    assert (notice["code"], notice["level"]) == ("central_refused", "warning")
    found = status(config_file)["last_attempt"]
    assert (found["outcome"], found["status"], found["code"]) == ("refused", 401, "unauthorized")
    assert found["reason"]
    assert "refuses the log (401 unauthorized)" in notice["text"]["en"]
    assert notice["text"]["en"].endswith(f"Central's reason: {found['reason']}")
    assert "menolak log (401 unauthorized)" in notice["text"]["id"]
    assert "central.key" in notice["advice"]["en"]
    assert "unreachable" not in notice["text"]["en"] + notice["advice"]["en"]
    text = status(config_file, "text")
    assert f"refused by central (401 unauthorized) at {found['at']}: {found['reason']}" in text
    auth = Auth(hall, hall.test_client())
    auth.login("admin", "admin")
    dashboard = auth.client.get("/api/admin/dashboard").get_json()
    [shown] = [n for n in dashboard["notices"] if n["check"] == "central"]
    assert shown["code"] == "central_refused"
    assert found["reason"] in shown["text"]["id"]

    key = central.add_station("kupang", "SPKT Uji")
    ship_everything(shipper(station, key))
    assert central_notices(hall) == []
    assert central_summary(hall)["summary"]["en"].startswith("The central server receives")
    found = status(config_file)
    assert found["last_attempt"]["outcome"] == "accepted"
    assert found["confirmed_row"] == found["last_row"]


def test_central_out_of_reach_still_says_unreachable(
    hall: Flask, config_file: Path, central: CentralProcess, clock: ManualClock
) -> None:
    station: Station = hall.extensions["satupintu"]
    key = central.add_station("kupang", "SPKT Uji")
    ship_everything(shipper(station, key))
    central.stop()
    ticket_issue.issue_ticket(station, "lapor")
    shipper(station, key).step()

    assert central_notices(hall) == []  # central may be back any moment
    assert "cannot be reached" in central_summary(hall)["summary"]["en"]
    found = status(config_file)["last_attempt"]
    assert (found["outcome"], found["status"], found["code"]) == ("unreachable", None, None)
    assert "central unreachable at" in status(config_file, "text")
    clock.advance(minutes=11)
    station.time.accept()
    [notice] = central_notices(hall)
    assert notice["code"] == "central_behind"
    assert "refuse" not in notice["text"]["en"]
