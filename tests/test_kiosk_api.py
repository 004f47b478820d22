"""The kiosk's pages and API in-process: pages, friendly 404s, the QR code, reprints, settings."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kiosk.qr import qr_svg
from satupintu.app import create_app
from shared.application.ticket_printing import MAX_REPRINTS
from shared.domain.clock import ManualClock
from shared.domain.config import ConfigError, parse_config
from tests.conftest import Auth
from tests.helpers import BASE_CONFIG, make_config

PUBLIC_URL = "http://192.168.1.10:8000"


def page_data(html: bytes) -> dict[str, Any]:
    found = re.search(rb'<script type="application/json" id="page-data">(.*?)</script>', html)
    assert found, "the page has no #page-data"
    return json.loads(found.group(1))


def issue(client: FlaskClient, service: str = "lapor", **body: Any) -> dict[str, Any]:
    response = client.post("/api/tickets", json={"service": service, **body})
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()


@pytest.fixture
def preview_app(tmp_path: Path, clock: ManualClock) -> Iterator[Flask]:
    """The test station printing PNG previews, with phones reaching it at PUBLIC_URL."""
    config = make_config(tmp_path, printer={"type": "preview"}, public_url=PUBLIC_URL)
    flask_app = create_app(config, clock=clock)
    yield flask_app
    flask_app.extensions["satupintu"].store.close()


def test_the_kiosk_page_carries_services_screen_settings_and_its_kiosk(
    client: FlaskClient,
) -> None:
    issue(client)
    response = client.get("/kiosk/kiosk-1")
    assert response.status_code == 200
    data = page_data(response.data)
    assert data["kiosk"] == "kiosk-1"
    assert [(s["id"], s["waiting"]) for s in data["services"]][:2] == [("lapor", 1), ("surat", 0)]
    assert data["screen"] == {"reset_seconds": 12, "failed_print_seconds": 60, "idle_seconds": 60}
    assert "ui.kiosk.choose" in data["catalogue"]
    assert page_data(client.get("/kiosk").data)["kiosk"] is None


def test_an_unknown_kiosk_or_ticket_gets_a_friendly_page_not_json(client: FlaskClient) -> None:
    kiosk = client.get("/kiosk/kiosk-9")
    phone = client.get("/t/not-a-real-token")
    assert (kiosk.status_code, phone.status_code) == (404, 404)
    assert kiosk.mimetype == phone.mimetype == "text/html"
    assert "Kios tidak dikenal" in kiosk.get_data(as_text=True)
    assert "kiosk-9" in kiosk.get_data(as_text=True)
    assert "Tiket tidak ditemukan" in phone.get_data(as_text=True)
    assert "Ticket not found" in client.get("/t/not-a-real-token?lang=en").get_data(as_text=True)


def test_the_phone_page_carries_the_ticket_names_counters_and_the_survey(
    client: FlaskClient, auth: Auth
) -> None:
    ticket = issue(client)["ticket"]
    response = client.get(ticket["status_url"])
    assert response.status_code == 200
    assert b"A-001" in response.data
    data = page_data(response.data)
    assert data["ticket"]["number"] == "A-001"
    assert data["service_names"]["lapor"] == {"id": "Laporan", "en": "Reports"}
    assert data["counters"]["loket-2"] == {"id": "Loket 2", "en": "Loket 2"}
    assert data["survey"] == {
        "questions": ["kepuasan"],
        "profile": None,
        "integrity": ["extra_fee", "broker", "gift", "unequal"],
        "answered": False,
    }
    auth.login("budi")
    client.post("/api/counters/loket-1/call-next")
    client.post("/api/counters/loket-1/done")
    answered = client.post(
        f"/api/tickets/{ticket['token']}/survey", json={"answers": {"kepuasan": 4}}
    )
    assert answered.status_code == 201
    assert page_data(client.get(ticket["status_url"]).data)["survey"]["answered"] is True


def test_the_full_survey_asks_the_nine_ikm_elements(tmp_path: Path, clock: ManualClock) -> None:
    app = create_app(make_config(tmp_path, survey={"form": "full"}), clock=clock)
    try:
        client = app.test_client()
        ticket = issue(client)["ticket"]
        questions = page_data(client.get(ticket["status_url"]).data)["survey"]["questions"]
        assert questions[0] == "persyaratan"
        assert len(questions) == 9
        assert {f"ui.survey.question.{q}" for q in questions} <= set(page_data(
            client.get(ticket["status_url"]).data)["catalogue"])  # fmt: skip
    finally:
        app.extensions["satupintu"].store.close()


def test_the_qr_code_points_phones_at_the_public_url(preview_app: Flask) -> None:
    client = preview_app.test_client()
    ticket = issue(client)["ticket"]
    response = client.get(f"/t/{ticket['token']}/qr.svg")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    assert response.data == qr_svg(f"{PUBLIC_URL}/t/{ticket['token']}")
    assert client.get("/t/unknown/qr.svg").status_code == 404


def test_without_a_public_url_the_qr_code_uses_the_address_the_kiosk_used(
    client: FlaskClient,
) -> None:
    ticket = issue(client)["ticket"]
    response = client.get(f"/t/{ticket['token']}/qr.svg", base_url="http://10.0.0.5:8000")
    assert response.data == qr_svg(f"http://10.0.0.5:8000/t/{ticket['token']}")


@pytest.mark.slow
def test_a_waiting_ticket_can_be_reprinted_a_few_times(preview_app: Flask) -> None:
    client = preview_app.test_client()
    issued = issue(client, kiosk="kiosk-1")
    assert issued["print"]["status"] == "printed"
    token = issued["ticket"]["token"]
    prints = preview_app.extensions["satupintu"].config.resolve("var/prints")
    [first_print] = prints.glob("A-001*.png")
    for _ in range(MAX_REPRINTS):
        first_print.unlink()
        again = client.post(f"/api/tickets/{token}/reprint")
        assert again.status_code == 200
        assert again.get_json()["print"] == {"status": "printed", "error": None, "fault": None}
        assert again.get_json()["ticket"]["number"] == "A-001"
        assert first_print.exists()  # printed again
    first_print.unlink()
    refused = client.post(f"/api/tickets/{token}/reprint")
    assert refused.status_code == 409
    assert refused.get_json()["error"]["code"] == "conflict"
    assert not first_print.exists()


def test_only_a_waiting_ticket_of_today_is_reprinted(
    client: FlaskClient, auth: Auth, clock: ManualClock
) -> None:
    called = issue(client)["ticket"]
    yesterday = issue(client, "surat")["ticket"]
    assert client.post(f"/api/tickets/{called['token']}/reprint").get_json()["print"] == {
        "status": "disabled",
        "error": None,
        "fault": None,
    }
    auth.login("budi")
    client.post("/api/counters/loket-1/call-next")
    assert client.post(f"/api/tickets/{called['token']}/reprint").status_code == 409
    clock.advance(days=1)
    late = client.post(f"/api/tickets/{yesterday['token']}/reprint")
    assert (late.status_code, late.get_json()["error"]["code"]) == (409, "conflict")
    assert client.post("/api/tickets/unknown/reprint").status_code == 404


def test_kiosk_screen_times_come_from_config_and_are_checked() -> None:
    config = parse_config({**BASE_CONFIG, "kiosk_screen": {"reset_seconds": 20}})
    assert config.kiosk_screen.reset_seconds == 20
    assert config.kiosk_screen.failed_print_seconds == 60
    with pytest.raises(ConfigError, match=r"kiosk_screen\.reset_seconds"):
        parse_config({**BASE_CONFIG, "kiosk_screen": {"reset_seconds": 0}})
