"""The head of the hall's scorecard at a station, over HTTP: each indicator from what the hall
did in the third quarter of 2026 (a published standard and channels, three SKM answers of four
served, one follow-up, a priority ticket), its words in both languages, the PDF holding the
JSON's numbers, the evidence bundle's files and manifest, the CLI, and refusals."""

from __future__ import annotations

import io
import json
import subprocess
import zipfile
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient

from satupintu.cli import main
from shared.domain import evidence
from shared.domain.clock import ManualClock
from shared.domain.config import Config
from shared.domain.i18n import text
from shared.domain.skm import ELEMENTS
from tests.conftest import Auth
from tests.helpers import MORNING, make_config

Q3_DAY = MORNING + timedelta(days=80)  # 8 August 2026
SCORES = [(4, 4, 4, 4, 4, 4, 4, 4, 4), (3, 3, 3, 3, 3, 3, 3, 2, 3), (3, 2, 3, 3, 3, 3, 3, 2, 3)]
CHANNELS = [
    {"name": "LAPOR!", "contact": {"id": "SMS 1708", "en": "Text 1708"}, "short": "LAPOR! 1708"}
]
STANDARD = {
    "requirements": [{"id": "KTP", "en": "ID card"}],
    "procedure": [{"id": "Ambil nomor", "en": "Take a number"}],
    "time": {"id": "20 menit", "en": "20 minutes"},
    "cost": {"id": "Gratis", "en": "Free"},
    "product": {"id": "STPL", "en": "Report receipt"},
    "complaints": {"id": "Kepala SPKT", "en": "The head of the SPKT"},
}


def scorecard_config(tmp_path: Path) -> Config:
    """The test station with a standard for `lapor` only, no Maklumat, one channel."""
    base = make_config(tmp_path)
    services = [service.model_dump(mode="json", exclude_none=True) for service in base.services]
    services[0]["standard"] = STANDARD
    return make_config(
        tmp_path, survey={"form": "full"}, services=services, complaint_channels=CHANNELS
    )


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return scorecard_config(tmp_path)


def served(citizen: FlaskClient, officer: FlaskClient, priority: bool = False) -> str:
    body = {"service": "lapor", "priority": priority}
    token = citizen.post("/api/tickets", json=body).get_json()["ticket"]["token"]
    assert officer.post("/api/counters/loket-1/call-next", json={}).status_code == 200
    assert officer.post("/api/counters/loket-1/done", json={}).status_code == 200
    return token


@pytest.fixture
def quarter(app: Flask, clock: ManualClock, auth: Auth) -> FlaskClient:
    """Q3 2026 (the standard was published when the server started, on 20 May): a regular
    ticket waits 10 minutes, then a priority ticket issued after it is called first at once;
    three of the five served answer the SKM (IKM 80.56, B, findings U2 and U8); one follow-up
    for U8, done. Then the clock is 1 October (Q4) and the supervisor's client is returned."""
    clock.set(Q3_DAY)
    auth.user("budi", "officer")
    officer = app.test_client()
    officer.post("/api/login", json={"username": "budi", "password": "rahasia-123"})
    citizen = app.test_client()
    first = served(citizen, officer)
    citizen.post("/api/tickets", json={"service": "lapor"})
    clock.advance(minutes=10)
    citizen.post("/api/tickets", json={"service": "lapor", "priority": True})
    for _ in range(2):  # the priority ticket first, then the one that waited 10 minutes
        assert officer.post("/api/counters/loket-1/call-next", json={}).status_code == 200
        assert officer.post("/api/counters/loket-1/done", json={}).status_code == 200
    for token, scores in zip([first, served(citizen, officer)], SCORES[:2], strict=True):
        body = {"answers": dict(zip(ELEMENTS, scores, strict=True))}
        assert citizen.post(f"/api/tickets/{token}/survey", json=body).status_code == 201
    clock.advance(minutes=1)
    last = served(citizen, officer)
    body = {"answers": dict(zip(ELEMENTS, SCORES[2], strict=True))}
    assert citizen.post(f"/api/tickets/{last}/survey", json=body).status_code == 201
    clock.set(MORNING.replace(month=10, day=1))
    auth.login("sari", "supervisor")
    entry = {
        "period": "2026-Q3",
        "element": "pengaduan",
        "action": "Kotak saran di lobi",
        "owner": "Kanit SPKT",
        "due": "2026-10-20",
        "done": "2026-10-01",
        "evidence": "Foto kotak saran",
    }
    assert auth.client.post("/api/admin/followups", json=entry).status_code == 201
    return auth.client


@pytest.fixture
def second_quarter(app: Flask, clock: ManualClock, auth: Auth) -> None:
    """Before `quarter`: in Q2 2026, two citizens served and one answered, all 2s (IKM 50)."""
    clock.set(MORNING + timedelta(days=10))
    auth.user("ani", "officer")
    officer = app.test_client()
    officer.post("/api/login", json={"username": "ani", "password": "rahasia-123"})
    citizen = app.test_client()
    token = served(citizen, officer)
    served(citizen, officer)
    body = {"answers": dict.fromkeys(ELEMENTS, 2)}
    assert citizen.post(f"/api/tickets/{token}/survey", json=body).status_code == 201


def by_key(card: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {item["key"]: item for item in card["indicators"]}


def test_each_indicator_says_what_the_quarter_evidences(quarter: FlaskClient) -> None:
    reply = quarter.get("/api/admin/scorecard", query_string={"period": "2026-Q3"})
    assert reply.status_code == 200, reply.get_json()
    card = reply.get_json()
    found = by_key(card)
    assert card["period"] == "2026-Q3"
    standard = found["standard_published"]
    assert standard["status"] == "partial"  # two services lack a standard, no Maklumat
    assert standard["gaps"] == ["standard_services", "maklumat_none"]
    assert standard["figures"]["services_with_standard"] == 1
    assert standard["figures"]["first_published"].startswith("2026-05-20")
    skm = found["skm_run"]["figures"]["periods"][-1]
    # 5 served need 5 answers (Krejcie-Morgan): three is two short.
    assert (skm["population"], skm["respondents"], skm["required_sample"]) == (5, 3, 5)
    assert (found["skm_run"]["status"], skm["index"], skm["grade"]) == ("partial", 80.56, "B")
    assert found["results_published"]["status"] == "met"
    assert found["results_published"]["figures"]["period"] == "2026-Q3"
    followups = found["followups"]
    # Findings U2 (prosedur) and U8 (pengaduan); one followed up.
    assert (followups["figures"]["findings"], followups["figures"]["followed_up"]) == (2, 1)
    assert (followups["status"], followups["gaps"]) == ("partial", ["followups_open"])
    assert found["complaint_channels"]["status"] == "met"
    priority = found["priority_service"]
    assert priority["status"] == "met"
    assert priority["figures"]["priority_called"] == 1
    assert priority["figures"]["priority_avg_wait_minutes"] == 0.0
    assert found["ikm_trend"]["status"] == "no_data"  # one quarter with answers only
    assert card["summary"] == {"met": 3, "partial": 3, "missing": 0, "no_data": 1}


def test_the_trend_and_the_periods_read_the_quarter_before_too(
    second_quarter: None, quarter: FlaskClient
) -> None:
    found = by_key(quarter.get("/api/admin/scorecard?period=2026-Q3").get_json())
    q2, q3 = found["skm_run"]["figures"]["periods"][-2:]
    assert (q2["period"], q2["population"], q2["respondents"], q2["index"]) == (
        "2026-Q2",
        2,
        1,
        50.0,
    )
    assert not q2["adequate"] and q3["period"] == "2026-Q3"
    trend = found["ikm_trend"]
    assert (trend["status"], trend["figures"]["change"]) == ("met", 30.56)
    assert [quarter["index"] for quarter in trend["figures"]["quarters"]] == [
        None,
        None,
        50.0,
        80.56,
    ]
    english = by_key(quarter.get("/api/admin/scorecard?period=2026-Q2&lang=en").get_json())
    # What the start page shows is judged as of today, whatever the period asked for.
    assert english["skm_run"]["figures"]["periods"][-1]["index"] == 50.0
    assert english["results_published"]["status"] == "met"


def test_the_default_period_is_the_last_closed_quarter_and_words_follow_lang(
    quarter: FlaskClient,
) -> None:
    card = quarter.get("/api/admin/scorecard", query_string={"lang": "en"}).get_json()
    assert card["period"] == "2026-Q3"
    standard = by_key(card)["standard_published"]
    assert standard["title"] == text("ui.scorecard.indicator.standard_published", "en")
    assert standard["missing"][1] == text("ui.scorecard.missing.maklumat_none", "en")
    assert standard["todo"][1] == text("ui.scorecard.todo.maklumat_none", "en")
    indonesian = quarter.get("/api/admin/scorecard").get_json()
    assert by_key(indonesian)["standard_published"]["status_text"] == "Sebagian"


@pytest.mark.parametrize(
    ("query", "code"),
    [({"period": "2026-Q5"}, 400), ({"period": "kemarin"}, 400), ({"format": "docx"}, 400)],
)
def test_bad_periods_and_formats_are_refused(
    quarter: FlaskClient, query: dict[str, str], code: int
) -> None:
    reply = quarter.get("/api/admin/scorecard", query_string=query)
    assert reply.status_code == code
    assert reply.get_json()["error"]["code"] == "invalid_request"


def test_officers_and_strangers_get_no_scorecard(
    app: Flask, quarter: FlaskClient, auth: Auth
) -> None:
    assert app.test_client().get("/api/admin/scorecard").status_code == 401
    officer = app.test_client()
    officer.post("/api/login", json={"username": "budi", "password": "rahasia-123"})
    assert officer.get("/api/admin/scorecard").status_code == 403
    assert officer.get("/admin/scorecard").status_code == 403


def test_the_page_shows_every_indicator_with_its_status(quarter: FlaskClient) -> None:
    page = quarter.get("/admin/scorecard?period=2026-Q3&lang=en").get_data(as_text=True)
    for key in ("standard_published", "skm_run", "followups", "ikm_trend"):
        assert f'data-indicator="{key}"' in page
    assert text("ui.scorecard.todo.followups_open", "en") in page
    for label in ("2026-Q1", "2026-Q2", "2026-Q3"):  # the trend's quarters, adequacy each
        assert f'data-period="{label}"' in page
    assert "format=evidence" in page
    bad = quarter.get("/admin/scorecard?period=2026-Q9")
    assert bad.status_code == 400
    assert text("error.skm_period", "id") in bad.get_data(as_text=True)


def pdf_text(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "scorecard.pdf"
    path.write_bytes(data)
    done = subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True,
                          text=True, check=True)  # fmt: skip
    return " ".join(done.stdout.split())


@pytest.mark.external
def test_the_pdf_holds_the_jsons_numbers_and_words(quarter: FlaskClient, tmp_path: Path) -> None:
    card = quarter.get("/api/admin/scorecard?period=2026-Q3").get_json()
    reply = quarter.get("/api/admin/scorecard?period=2026-Q3&format=pdf")
    assert reply.mimetype == "application/pdf"
    shown = pdf_text(reply.data, tmp_path)
    for item in card["indicators"]:
        assert item["status_text"] in shown
        for line in [item["evidence"], *item["missing"], *item["todo"]]:
            if line:
                assert " ".join(line.split()) in shown, line
    assert "80,56" in shown and "3 responden, diperlukan 5 dari 5" in shown
    head = card["audit"]["head"]
    assert f"baris {head['row']} ({head['hash'][:16]})" in shown


def open_bundle(data: bytes) -> tuple[dict[str, Any], dict[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as bundle:
        files = {name: bundle.read(name) for name in bundle.namelist()}
    return json.loads(files.pop("manifest.json")), files


@pytest.mark.external
def test_the_evidence_bundle_stamps_every_file_with_one_head(
    quarter: FlaskClient, tmp_path: Path
) -> None:
    reply = quarter.get("/api/admin/scorecard?period=2026-Q3&format=evidence")
    assert reply.status_code == 200
    assert "satupintu-evidence-2026-Q3.zip" in reply.headers["Content-Disposition"]
    manifest, files = open_bundle(reply.data)
    assert sorted(files) == [
        "report-2026-Q3.xlsx",
        "scorecard-2026-Q3.json",
        "scorecard-2026-Q3.pdf",
        "skm-2026-Q3.pdf",
    ]
    assert manifest["signature"] is None  # this station does not ship to central
    for item in manifest["files"]:
        assert evidence.digest(files[item["name"]]) == item["sha256"]
    head = manifest["head"]
    card = json.loads(files["scorecard-2026-Q3.json"])
    assert card["audit"]["head"]["hash"] == head["hash"]
    stamp = f"baris {head['row']} ({head['hash'][:16]})"
    for name in ("skm-2026-Q3.pdf", "scorecard-2026-Q3.pdf"):
        assert stamp in pdf_text(files[name], tmp_path), name


@pytest.mark.external
def test_the_report_command_writes_the_scorecard_and_the_bundle(
    quarter: FlaskClient, config: Config, tmp_path: Path
) -> None:
    path = tmp_path / "config.yaml"
    path.write_text(json.dumps(config.model_dump(mode="json")), encoding="utf-8")

    def report(*args: str) -> Any:
        return CliRunner().invoke(main, ["report", *args, "--config", str(path)])

    card = report("--period", "2026-Q3", "--format", "scorecard", "--lang", "en")
    assert card.exit_code == 0, card.output
    found = by_key(json.loads(card.output))
    assert (found["skm_run"]["status"], found["skm_run"]["status_text"]) == ("partial", "Partly")
    bundle = report("--period", "2026-Q3", "--format", "evidence")
    assert bundle.exit_code == 0, bundle.output
    manifest, files = open_bundle(bundle.stdout_bytes)
    assert (manifest["period"], len(files)) == ("2026-Q3", 4)
    refused = report("--format", "evidence")
    assert refused.exit_code == 2 and "--period" in refused.output
