"""The oversight pages as a supervisor meets them: login form, refusal, dashboard, printers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from satupintu.app import create_app
from shared.application.users import add_user
from shared.domain.clock import ManualClock
from tests.conftest import Auth
from tests.helpers import make_config


def test_anonymous_visitors_get_a_login_form_and_then_the_dashboard(
    client: FlaskClient, auth: Auth
) -> None:
    page = client.get("/admin")
    assert page.status_code == 401
    assert 'id="login-form"' in page.get_data(as_text=True)
    auth.login("sari", "supervisor")
    page = client.get("/admin")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'data-page="admin-dashboard"' in html and 'id="login-form"' not in html


def test_officers_are_refused_with_a_way_out(client: FlaskClient, auth: Auth) -> None:
    auth.login("budi", "officer")
    for path in ("/admin", "/admin/reports", "/admin/handover", "/admin/printer"):
        page = client.get(path)
        assert page.status_code == 403, path
        assert 'id="logout"' in page.get_data(as_text=True)


def test_the_dashboard_shows_counters_with_their_officer_and_ticket(
    client: FlaskClient, auth: Auth
) -> None:
    auth.login("sari", "supervisor")
    client.post("/api/tickets", json={"service": "lapor"})
    client.post("/api/tickets", json={"service": "lapor"})
    client.post("/api/counters/loket-2/call-next")
    client.post("/api/counters/loket-3/state", json={"state": "break"})
    data = client.get("/api/admin/dashboard").get_json()
    counters = {counter["id"]: counter for counter in data["counters"]}
    assert (counters["loket-2"]["officer"], counters["loket-2"]["ticket"]["number"]) == (
        "sari", "A-001",
    )  # fmt: skip
    assert counters["loket-3"]["state"] == "break"
    assert "token" not in counters["loket-2"]["ticket"]
    assert data["waiting"] == 1
    assert data["totals"]["issued"] == 2
    assert data["printers"][0]["type"] == "none"
    assert data["shift"]["totals"]["called"] == 1


def test_a_report_page_for_an_impossible_period_says_why(client: FlaskClient, auth: Auth) -> None:
    auth.login("sari", "supervisor")
    page = client.get("/admin/reports?from=2026-05-21&to=2026-05-01")
    assert page.status_code == 400
    assert "Tanggal akhir tidak boleh sebelum tanggal awal" in page.get_data(as_text=True)
    english = client.get("/admin/reports?from=2026-05-20&lang=en")
    assert english.status_code == 200
    assert "Queue fairness" in english.get_data(as_text=True)


def test_downloads_are_files_named_after_the_period(client: FlaskClient, auth: Auth) -> None:
    auth.login("sari", "supervisor")
    reply = client.get("/api/admin/reports?from=2026-05-01&to=2026-05-20&format=csv&download=1")
    assert reply.mimetype == "text/csv"
    assert reply.headers["Content-Disposition"] == (
        'attachment; filename="satupintu-2026-05-01-2026-05-20-summary.csv"'
    )
    unknown = client.get("/api/admin/reports?format=pdf")
    assert unknown.status_code == 400


@pytest.fixture
def preview_app(tmp_path: Path, clock: ManualClock) -> Iterator[Flask]:
    config = make_config(tmp_path, printer={"type": "preview", "directory": "prints"})
    app = create_app(config, clock=clock)
    add_user(app.extensions["satupintu"], "sari", "supervisor", "rahasia-123", "test")
    yield app
    app.extensions["satupintu"].store.close()


@pytest.mark.slow
def test_the_printer_page_shows_health_and_the_latest_printed_ticket(preview_app: Flask) -> None:
    client = preview_app.test_client()
    client.post("/api/login", json={"username": "sari", "password": "rahasia-123"})
    page = client.get("/admin/printer").get_data(as_text=True)
    assert "Belum ada pratinjau" in page
    assert client.get("/admin/printer/preview.png").status_code == 404
    client.post("/api/tickets", json={"service": "lapor", "kiosk": "kiosk-1"})
    page = client.get("/admin/printer").get_data(as_text=True)
    # kiosk-1 prints on the station's printer: one picture, shown once
    assert page.count('src="/admin/printer/preview.png') == 1
    picture = client.get("/admin/printer/preview.png?kiosk=kiosk-1")
    assert picture.mimetype == "image/png"
    assert picture.data.startswith(b"\x89PNG")
    health = client.get("/api/admin/printers").get_json()
    assert health["printers"][0]["last_success_at"] is not None
    assert client.get("/admin/printer/preview.png?kiosk=nope").status_code == 404


def test_the_hand_over_page_offers_the_shift_before(client: FlaskClient, auth: Auth) -> None:
    auth.login("sari", "supervisor")
    current = client.get("/admin/handover").get_data(as_text=True)
    assert "Sepanjang hari" in current and "shift=previous" in current
    previous = client.get("/admin/handover?shift=previous")
    assert previous.status_code == 200
    assert "Lihat shift yang sedang berjalan" in previous.get_data(as_text=True)


def test_the_hand_over_page_lists_the_citizens_still_at_a_counter(
    client: FlaskClient, auth: Auth, clock: ManualClock
) -> None:
    auth.login("sari", "supervisor")
    assert "Tidak ada warga yang sedang dilayani di loket." in client.get(
        "/admin/handover"
    ).get_data(as_text=True)
    client.post("/api/tickets", json={"service": "lapor"})
    client.post("/api/counters/loket-2/call-next")
    clock.advance(minutes=5)
    page = client.get("/admin/handover").get_data(as_text=True)
    assert "Warga yang sedang dilayani di loket" in page
    row = page.split('id="at-counters-title"')[1].split("</section>")[0]
    assert all(cell in row for cell in ("Loket 2", "A-001", "sari", "09.00")), row
    english = client.get("/admin/handover?lang=en").get_data(as_text=True)
    assert "Citizens at a counter now" in english and "09:00" in english
    summary = client.get("/api/admin/handover").get_json()
    assert [row["number"] for row in summary["at_counters"]] == ["A-001"]


def test_oversight_pages_and_their_api_are_never_kept_by_a_browser(
    client: FlaskClient, auth: Auth
) -> None:
    auth.login("sari", "supervisor")
    for path in ("/admin", "/admin/reports", "/api/admin/dashboard", "/api/me"):
        assert client.get(path).headers["Cache-Control"] == "no-store", path
    assert "no-store" not in client.get("/admin/static/css/survey-desk.css").headers.get(
        "Cache-Control", ""
    )
