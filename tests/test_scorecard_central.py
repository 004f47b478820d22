"""Central and the scorecard, on a real PostgreSQL: a station's evidence bundle, shipped through
the real shipper, verifies at central (API and `satupintu central verify-evidence`); a bundle
edited after export (a file changed, its digest changed to match, the head moved) or whose head
central does not hold yet is refused, saying why; and central's comparison of stations holds
the station's own SKM and indicators, computed from the shipped rows."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient

from satupintu.app import open_station
from satupintu.cli import main
from shared.application import (
    citizen_actions,
    desk_actions,
    followups,
    services,
    ticket_issue,
)
from shared.application.reporting import evidence, scorecard
from shared.application.standards import record_publication
from shared.application.station import Station
from shared.domain import evidence as bundle_format
from shared.domain.clock import ManualClock
from shared.domain.i18n import text
from shared.domain.skm import ELEMENTS
from tests.central_fixtures import log_in, register, ship_everything, shipper_for
from tests.helpers import MORNING, make_config

SCORES = [(4, 4, 4, 4, 4, 4, 4, 4, 4), (3, 3, 3, 3, 3, 3, 3, 2, 3), (3, 2, 3, 3, 3, 3, 3, 2, 3)]
CHANNELS = [{"name": "LAPOR!", "contact": "SMS 1708"}]


@dataclass
class Shipped:
    station: Station
    clock: ManualClock
    client: FlaskClient
    key: str


@pytest.fixture
def shipped(central_app: Flask, clock: ManualClock, tmp_path: Path) -> Iterator[Shipped]:
    """Station `kupang` (on central's clock): its channels published, three citizens served
    and surveyed in Q3 2026 (one of them a priority ticket), a follow-up entered on 1 October;
    everything shipped."""
    key = register(central_app, "kupang", "SPKT Polres Kupang")
    config = make_config(
        tmp_path,
        survey={"form": "full"},
        complaint_channels=CHANNELS,
        central={"url": "http://127.0.0.1:9", "station": "kupang", "key": key},
    )
    clock.set(MORNING + timedelta(days=80))
    station = open_station(config, clock=clock)
    services.ensure_counters(station)
    record_publication(station)
    for number, scores in enumerate(SCORES):
        issued = ticket_issue.issue_ticket(station, "lapor", priority=number == 0)
        desk_actions.call_next(station, "loket-1", "budi")
        clock.advance(minutes=4)
        desk_actions.finish(station, "loket-1", "budi")
        answers = dict(zip(ELEMENTS, scores, strict=True))
        citizen_actions.answer_survey(station, issued.ticket["token"], answers)
    clock.set(MORNING.replace(month=10, day=1))
    followups.save(
        station,
        "sari",
        {"period": "2026-Q3", "element": "pengaduan", "action": "Kotak saran",
         "owner": "Kanit SPKT", "due": "2026-10-20"},
    )  # fmt: skip
    client = central_app.test_client()
    ship_everything(shipper_for(station, client, key))
    log_in(client)
    yield Shipped(station, clock, client, key)
    station.store.close()


def check(client: FlaskClient, data: bytes) -> Any:
    return client.post("/api/central/evidence", data=data, content_type="application/zip")


def rezip(data: bytes, change: Any) -> bytes:
    """The bundle with its manifest and files changed by `change(manifest, files)`."""
    with zipfile.ZipFile(io.BytesIO(data)) as found:
        files = {name: found.read(name) for name in found.namelist()}
    manifest = json.loads(files.pop("manifest.json"))
    change(manifest, files)
    return bundle_format.pack(files, manifest)


def test_a_bundle_as_exported_verifies_against_centrals_copy(shipped: Shipped) -> None:
    data = evidence.bundle(shipped.station, "2026-Q3")
    reply = check(shipped.client, data)
    assert reply.status_code == 200, reply.get_json()
    found = reply.get_json()
    with shipped.station.store.read() as db:
        head = db.one("SELECT id, hash FROM events ORDER BY id DESC LIMIT 1")
    assert found["verified"] is True
    assert (found["station"]["id"], found["period"]) == ("kupang", "2026-Q3")
    assert found["head"] == {"row": head["id"], "hash": head["hash"]}
    assert len(found["files"]) == 4
    uploaded = shipped.client.post(  # as a form's file, too
        "/api/central/evidence",
        data={"bundle": (io.BytesIO(data), "bundle.zip")},
        content_type="multipart/form-data",
    )
    assert uploaded.get_json() == found


def edit_scorecard(manifest: dict[str, Any], files: dict[str, bytes]) -> None:
    """An insider's edit: better numbers in the scorecard, its digest in the manifest too."""
    name = "scorecard-2026-Q3.json"
    files[name] = files[name].replace(b'"partial"', b'"met"')
    for item in manifest["files"]:
        if item["name"] == name:
            item["sha256"] = bundle_format.digest(files[name])


def edit_file_only(manifest: dict[str, Any], files: dict[str, bytes]) -> None:
    files["skm-2026-Q3.pdf"] += b"%"


def move_head(manifest: dict[str, Any], files: dict[str, bytes]) -> None:
    manifest["head"]["row"] -= 1


@pytest.mark.parametrize(
    ("edit", "reason"),
    [(edit_scorecard, "signature"), (edit_file_only, "file_changed"), (move_head, "signature")],
)
def test_an_edited_bundle_is_refused_saying_why(shipped: Shipped, edit: Any, reason: str) -> None:
    edited = rezip(evidence.bundle(shipped.station, "2026-Q3"), edit)
    reply = check(shipped.client, edited)
    assert reply.status_code == 409
    error = reply.get_json()["error"]
    assert (error["code"], error["reason"]) == ("evidence_refused", reason)
    english = shipped.client.post(
        "/api/central/evidence",
        data=edited,
        content_type="application/zip",
        headers={"Accept-Language": "en"},
    )
    assert english.get_json()["error"]["message"] == text(
        f"error.evidence.{reason}", "en", file="skm-2026-Q3.pdf", station="kupang"
    )


def test_a_head_central_does_not_hold_yet_or_a_rewritten_one_is_refused(shipped: Shipped) -> None:
    ticket_issue.issue_ticket(shipped.station, "lapor")  # not shipped
    unshipped = check(shipped.client, evidence.bundle(shipped.station, "2026-Q3"))
    assert unshipped.get_json()["error"]["reason"] == "not_yet"

    def forged_head(manifest: dict[str, Any], files: dict[str, bytes]) -> None:
        manifest["head"] = {"row": 3, "hash": "0" * 64}
        manifest["signature"] = bundle_format.signature(
            manifest, bundle_format.digest(shipped.key.encode())
        )

    rewritten = check(
        shipped.client, rezip(evidence.bundle(shipped.station, "2026-Q3"), forged_head)
    )
    assert rewritten.get_json()["error"]["reason"] == "head_differs"


def test_not_a_bundle_is_a_bad_request_and_strangers_may_not_check(
    shipped: Shipped, central_app: Flask
) -> None:
    assert check(shipped.client, b"PK not a zip").status_code == 400
    assert central_app.test_client().post("/api/central/evidence", data=b"x").status_code == 401


def test_the_command_verifies_and_refuses(
    shipped: Shipped, central_db: str, tmp_path: Path
) -> None:
    config = tmp_path / "central.yaml"
    config.write_text(yaml.safe_dump({"name": "Polda Uji", "database": central_db}))
    good, bad = tmp_path / "good.zip", tmp_path / "bad.zip"
    good.write_bytes(evidence.bundle(shipped.station, "2026-Q3"))
    bad.write_bytes(rezip(good.read_bytes(), edit_file_only))
    runner = CliRunner()
    ok = runner.invoke(main, ["central", "verify-evidence", str(good), "--config", str(config)])
    assert ok.exit_code == 0, ok.output
    assert "evidence: OK, kupang period 2026-Q3" in ok.output
    refused = runner.invoke(main, ["central", "verify-evidence", str(bad), "--config", str(config)])
    assert refused.exit_code == 1
    assert "REFUSED: The file 'skm-2026-Q3.pdf' was edited" in refused.output


def test_central_compares_the_stations_own_skm_and_scorecard(shipped: Shipped) -> None:
    own = scorecard.of_station(shipped.station, None, "en")
    reply = shipped.client.get("/api/central/scorecards?lang=en")
    assert reply.status_code == 200
    (row,) = reply.get_json()["stations"]
    mine = {item["key"]: item for item in own["indicators"]}
    assert row["period"] == own["period"] == "2026-Q3"
    assert row["skm"]["index"] == mine["skm_run"]["figures"]["periods"][-1]["index"] == 80.56
    assert row["summary"] == own["summary"]
    assert [(i["key"], i["status"]) for i in row["indicators"]] == [
        (key, item["status"]) for key, item in mine.items()
    ]
    page = shipped.client.get("/scorecards?lang=en").get_data(as_text=True)
    assert "SPKT Polres Kupang" in page and "80.56" in page
