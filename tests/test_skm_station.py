"""The SKM at a station, over its real database and HTTP API: answers once per served ticket,
the profile kept apart from them, the report's SKM section in JSON, XLSX and PDF alike, the
follow-up register and its events, and the result published on the start page and the board."""

from __future__ import annotations

import io
import json
import re
import subprocess
from datetime import date, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook

from satupintu.cli import main
from shared.domain.clock import ManualClock
from shared.domain.config import Config
from shared.domain.skm import ELEMENTS, SkmPeriod
from tests.conftest import Auth
from tests.helpers import MORNING, make_config
from tests.realserver import ServerProcess
from tests.skm_fixtures import seed

Q3_DAY = MORNING + timedelta(days=80)  # 8 August 2026, in the third quarter
SCORES = [(4, 4, 4, 4, 4, 4, 4, 4, 4), (3, 3, 3, 3, 3, 3, 3, 2, 3), (3, 2, 3, 3, 3, 3, 3, 2, 3)]
# By hand: NRR U2 (4+3+2)/3 = 3.00, U8 (4+2+2)/3 = 2.67, the others 10/3 = 3.33; sum of NRR
# 29/3 + ... = (7 x 10/3 + 3 + 8/3) = 29; 29/9 x 25 = 80.555... -> 80.56 (B).


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return make_config(tmp_path, survey={"form": "full"})


def serve(client: FlaskClient, officer: FlaskClient) -> str:
    """Issue a ticket, have loket-1 call and finish it; its token."""
    token = client.post("/api/tickets", json={"service": "lapor"}).get_json()["ticket"]["token"]
    assert officer.post("/api/counters/loket-1/call-next", json={}).status_code == 200
    assert officer.post("/api/counters/loket-1/done", json={}).status_code == 200
    return token


@pytest.fixture
def quarter(app: Flask, clock: ManualClock, auth: Auth) -> dict[str, str]:
    """Three citizens served in Q3 2026 who answered (two gave part of a profile), one more
    served who did not; then the clock moves to 1 October (Q4). Tokens by role."""
    clock.set(Q3_DAY)
    auth.user("budi", "officer")
    officer = app.test_client()
    officer.post("/api/login", json={"username": "budi", "password": "rahasia-123"})
    citizen = app.test_client()
    tokens = {}
    profiles = [{"age": "18_30", "sex": "female"}, None, {"education": "s1", "sex": ""}]
    for number, (scores, profile) in enumerate(zip(SCORES, profiles, strict=True)):
        token = serve(citizen, officer)
        body = {"answers": dict(zip(ELEMENTS, scores, strict=True))}
        if profile is not None:
            body["profile"] = profile
        reply = citizen.post(f"/api/tickets/{token}/survey", json=body)
        assert reply.status_code == 201, reply.get_json()
        tokens[f"answered-{number}"] = token
    tokens["silent"] = serve(citizen, officer)
    tokens["waiting"] = citizen.post("/api/tickets", json={"service": "lapor"}).get_json()[
        "ticket"
    ]["token"]
    clock.set(MORNING.replace(month=10, day=1))
    return tokens


def rows(app: Flask, sql: str) -> list[dict[str, object]]:
    with app.extensions["satupintu"].store.read() as db:
        return db.all(sql)


def test_a_second_answer_and_an_answer_for_a_ticket_never_served_are_refused(
    app: Flask, client: FlaskClient, quarter: dict[str, str]
) -> None:
    before = rows(app, "SELECT COUNT(*) AS n FROM events")
    again = client.post(
        f"/api/tickets/{quarter['answered-0']}/survey",
        json={"answers": dict.fromkeys(ELEMENTS, 1), "profile": {"age": "u18"}},
    )
    never = client.post(
        f"/api/tickets/{quarter['waiting']}/survey", json={"answers": dict.fromkeys(ELEMENTS, 1)}
    )
    assert (again.status_code, again.get_json()["error"]["code"]) == (409, "conflict")
    assert (never.status_code, never.get_json()["error"]["code"]) == (409, "conflict")
    assert rows(app, "SELECT COUNT(*) AS n FROM events") == before
    assert rows(app, "SELECT SUM(answers) AS n FROM survey_profiles WHERE question = 'age'") == [
        {"n": 1}
    ]


def test_a_bad_profile_is_refused_and_keeps_nothing(
    app: Flask, client: FlaskClient, quarter: dict[str, str]
) -> None:
    reply = client.post(
        f"/api/tickets/{quarter['silent']}/survey",
        json={"answers": dict.fromkeys(ELEMENTS, 3), "profile": {"age": "tua"}},
    )
    assert reply.status_code == 400
    assert rows(app, "SELECT COUNT(*) AS n FROM surveys") == [{"n": 3}]


def test_the_profile_is_kept_only_as_counts_never_beside_an_answer_or_a_ticket(
    app: Flask, quarter: dict[str, str]
) -> None:
    counts = rows(app, "SELECT * FROM survey_profiles ORDER BY question, category")
    assert counts == [
        {"quarter": "2026-Q3", "question": "age", "category": "18_30", "answers": 1},
        {"quarter": "2026-Q3", "question": "education", "category": "s1", "answers": 1},
        {"quarter": "2026-Q3", "question": "sex", "category": "female", "answers": 1},
    ]
    logged = rows(app, "SELECT data FROM events WHERE name = 'survey.answered'")
    stored = rows(app, "SELECT answers FROM surveys")
    for text in [row["data"] for row in logged] + [row["answers"] for row in stored]:
        assert not {"18_30", "female", "s1", "profile"} & set(str(text).replace('"', " ").split())


def report(client: FlaskClient, **query: str) -> dict[str, object]:
    reply = client.get("/api/admin/reports", query_string={"period": "2026-Q3", **query})
    assert reply.status_code == 200, reply.get_data(as_text=True)
    return reply


def test_the_reports_skm_section_is_the_hand_computed_one(
    auth: Auth, client: FlaskClient, quarter: dict[str, str]
) -> None:
    auth.login("sari", "supervisor")
    skm = report(client).get_json()["skm"]
    assert (skm["period"], skm["population"], skm["respondents"]) == ("2026-Q3", 4, 3)
    # 4 served need 4 answers (the formula gives 3.98): one too few.
    assert (skm["required_sample"], skm["adequate"], skm["shortfall"]) == (4, False, 1)
    assert (skm["index"], skm["grade"], skm["weighted_total"]) == (80.56, "B", 3.2222)
    nrr = {row["code"]: row["nrr"] for row in skm["elements"]}
    assert (nrr["U2"], nrr["U8"], nrr["U1"]) == (3.0, 2.67, 3.33)
    assert skm["findings"] == ["prosedur", "pengaduan"]
    assert skm["profile"]["sex"] == {"categories": {"male": 0, "female": 1}, "not_given": 2}


def test_the_xlsx_skm_sheet_holds_the_jsons_numbers(
    auth: Auth, client: FlaskClient, quarter: dict[str, str]
) -> None:
    auth.login("sari", "supervisor")
    skm = report(client).get_json()["skm"]
    book = load_workbook(io.BytesIO(report(client, format="xlsx", lang="id").data))
    sheet = book["SKM"]
    values = {(row[0], row[1]): row[3] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert values[("IKM", None)] == skm["index"]
    assert values[("Mutu", None)] == "B"
    assert values[("Populasi", None)] == 4
    assert values[("Sampel minimal", None)] == 4
    assert values[("Sampel memadai", None)] == "Tidak"
    assert values[("NRR", "Penanganan pengaduan")] == 2.67
    assert values[("NRR tertimbang", "Penanganan pengaduan")] == 0.296


def test_an_skm_pdf_needs_a_quarter_half_year_or_year(auth: Auth, client: FlaskClient) -> None:
    auth.login("sari", "supervisor")
    reply = client.get("/api/admin/reports?month=2026-05&format=skm-pdf")
    assert reply.status_code == 400
    assert client.get("/api/admin/reports?period=2026-Q9&format=skm-pdf").status_code == 400


@pytest.mark.external  # poppler's pdftotext
def test_the_pdfs_text_holds_the_numbers_of_the_json(
    auth: Auth, client: FlaskClient, quarter: dict[str, str], tmp_path: Path
) -> None:
    auth.login("sari", "supervisor")
    skm = report(client).get_json()["skm"]
    pdf = client.get("/api/admin/reports?period=2026-Q3&format=skm-pdf")
    assert pdf.status_code == 200
    assert pdf.mimetype == "application/pdf"
    assert "skm-2026-Q3.pdf" in pdf.headers["Content-Disposition"]
    (tmp_path / "skm.pdf").write_bytes(pdf.data)
    text = subprocess.run(
        ["pdftotext", "-layout", str(tmp_path / "skm.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    words = " ".join(text.split())

    def indonesian(value: float, places: int) -> str:
        return f"{value:.{places}f}".replace(".", ",")

    assert "Laporan Hasil Survei Kepuasan Masyarakat" in words
    assert "Triwulan III 2026" in words
    assert re.search(rf"Indeks Kepuasan Masyarakat \(IKM\) .*?{indonesian(skm['index'], 2)}", words)
    assert "B · Baik" in words
    for row in skm["elements"]:
        line = (
            f"{row['code']} .*? {indonesian(row['nrr'], 2)} {indonesian(row['weighted_nrr'], 3)} "
            f"{indonesian(row['converted'], 2)}"
        )
        assert re.search(line, words), line
    assert f"Jumlah NRR tertimbang {indonesian(skm['weighted_total'], 4)}" in words
    assert "Sampel belum memadai: kurang 1 responden" in words
    assert "Perempuan 1" in words


def test_the_follow_up_register_keeps_every_change_as_an_event(
    app: Flask, auth: Auth, client: FlaskClient, quarter: dict[str, str]
) -> None:
    auth.login("sari", "supervisor")
    entry = {"period": "2026-Q3", "element": "pengaduan", "action": "Kotak saran di lobi",
             "owner": "Kanit SPKT", "due": "2026-09-30"}  # fmt: skip
    added = client.post("/api/admin/followups", json=entry)
    assert added.status_code == 201
    followup_id = added.get_json()["followup"]["id"]
    dashboard = client.get("/api/admin/dashboard").get_json()
    assert dashboard["followups_overdue"] == 1  # due 30 September, today is 1 October
    done = client.post(
        f"/api/admin/followups/{followup_id}",
        json={**entry, "done": "2026-10-01", "evidence": "https://polres.example/foto"},
    )
    assert done.status_code == 200
    register = client.get("/api/admin/followups").get_json()
    q3 = next(period for period in register["periods"] if period["period"] == "2026-Q3")
    assert (q3["findings"], q3["followed_up"], q3["followed_up_pct"]) == (2, 1, 50.0)
    assert (q3["average_days"], q3["longest_days"]) == (1.0, 1)
    assert client.get("/api/admin/dashboard").get_json()["followups_overdue"] == 0
    logged = rows(app, "SELECT actor, data FROM events WHERE name = 'followup.saved' ORDER BY id")
    assert [row["actor"] for row in logged] == ["sari", "sari"]
    changes = [json.loads(str(row["data"])) for row in logged]
    assert [(c["created"], c["done"], c["evidence"]) for c in changes] == [
        (True, None, None), (False, "2026-10-01", "https://polres.example/foto"),
    ]  # fmt: skip


@pytest.mark.parametrize(
    "change",
    [{"element": "kepuasan"}, {"period": "2026-Q7"}, {"due": "besok"}, {"action": "  "},
     {"owner": None}, {"action": "x" * 501}, {"done": "2027-01-01"}, {"done": "2026-06-30"},
     {"evidence": 5}],
)  # fmt: skip
def test_a_bad_follow_up_is_refused_and_changes_nothing(
    app: Flask, auth: Auth, client: FlaskClient, change: dict[str, object]
) -> None:
    auth.login("sari", "supervisor")
    entry = {"period": "2026-Q3", "element": "waktu", "action": "Tambah loket",
             "owner": "Kasat", "due": "2026-12-31", **change}  # fmt: skip
    reply = client.post("/api/admin/followups", json=entry)
    assert reply.status_code == 400, reply.get_json()
    assert rows(app, "SELECT COUNT(*) AS n FROM followups") == [{"n": 0}]
    assert client.post("/api/admin/followups/99", json=entry | {"action": "ok"}).status_code in (
        400,
        404,
    )


def test_an_officer_cannot_touch_the_register(auth: Auth, client: FlaskClient) -> None:
    auth.login("budi", "officer")
    entry = {"period": "2026-Q3", "element": "waktu", "action": "x", "owner": "y",
             "due": "2026-12-31"}  # fmt: skip
    assert client.post("/api/admin/followups", json=entry).status_code == 403
    assert client.get("/api/admin/followups").status_code == 403


def test_the_start_page_and_the_board_publish_the_last_quarters_result(
    client: FlaskClient, quarter: dict[str, str]
) -> None:
    for path in ("/?lang=id", "/board?lang=id"):
        page = " ".join(client.get(path).get_data(as_text=True).split())
        assert "Hasil SKM terakhir" in page
        assert "IKM 80,56 · mutu B (Baik)" in page
        assert "Triwulan III 2026 · 3 responden" in page
    english = " ".join(client.get("/?lang=en").get_data(as_text=True).split())
    assert "Index 80.56 · grade B (Good)" in english
    assert "Quarter III 2026 · 3 respondents" in english


def test_without_answers_in_the_last_year_nothing_is_published(client: FlaskClient) -> None:
    assert "skm-result" not in client.get("/").get_data(as_text=True)


@pytest.mark.slow  # renders a PDF with WeasyPrint (about a second)
def test_the_report_command_prints_the_skm_pdf_and_table_of_a_period(tmp_path: Path) -> None:
    server = ServerProcess(tmp_path, survey={"form": "full"})  # its config only: never started
    period = SkmPeriod.containing("quarter", date.today()).previous()
    seed(server.config_path, period)
    config = ["--config", str(server.config_path)]
    pdf = CliRunner().invoke(
        main, ["report", "--period", period.label, "--format", "skm-pdf", *config]
    )
    assert pdf.exit_code == 0, pdf.output
    assert pdf.stdout_bytes.startswith(b"%PDF-")
    table = CliRunner().invoke(
        main, ["report", "--period", period.label, "--table", "skm", *config]
    )
    assert table.exit_code == 0, table.output
    assert "index,,,80.56" in table.output
    assert "required_sample,,,3" in table.output
    refused = CliRunner().invoke(main, ["report", "--format", "skm-pdf", *config])
    assert refused.exit_code == 2
    assert "--period" in refused.output
