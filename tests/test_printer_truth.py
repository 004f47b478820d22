"""What the kiosk, the log and the staff learn from a printer, with real TCP printers on
127.0.0.1 and the station's real SQLite file: a silent printer is unconfirmed, a printer's
own fault is said in the reader's language, and its health outlives the app."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image

from printer.logo import printable_logo
from satupintu.app import create_app
from satupintu.cli import main
from shared.application.users import add_user
from shared.domain.clock import ManualClock
from shared.domain.config import Config
from shared.domain.i18n import text
from shared.operations.health import Monitor
from tests.helpers import BASE_CONFIG, make_config
from tests.printer_fixtures import (
    PAPER_OUT,
    STOPPED_BY_PAPER_END,
    FakeNetworkPrinter,
    SilentNetworkPrinter,
)

pytestmark = pytest.mark.slow

TIMEOUT = 0.5
PASSWORD = "rahasia-123"


def network(port: int) -> dict[str, Any]:
    return {"type": "network", "host": "127.0.0.1", "port": port, "timeout": TIMEOUT}


def station_with(tmp_path: Path, port: int, **settings: Any) -> Config:
    return make_config(tmp_path, kiosks=[{"id": "kiosk-1", "printer": network(port)}], **settings)


@pytest.fixture
def silent() -> Iterator[SilentNetworkPrinter]:
    with SilentNetworkPrinter() as printer:
        yield printer


def start(config: Config, clock: ManualClock) -> Flask:
    app = create_app(config, clock=clock)
    add_user(app.extensions["satupintu"], "budi", "officer", PASSWORD, "test")
    add_user(app.extensions["satupintu"], "sari", "supervisor", PASSWORD, "test")
    return app


def logged_in(app: Flask, name: str) -> FlaskClient:
    client = app.test_client()
    client.post("/api/login", json={"username": name, "password": PASSWORD})
    return client


def take(client: FlaskClient, service: str = "lapor", **headers: str) -> dict[str, Any]:
    reply = client.post(
        "/api/tickets", json={"service": service, "kiosk": "kiosk-1"}, headers=headers
    )
    assert reply.status_code in (200, 201), reply.get_data(as_text=True)
    return reply.get_json()


def logged_prints(config: Config) -> list[dict[str, Any]]:
    with sqlite3.connect(config.database_path) as db:
        rows = db.execute("SELECT data FROM events WHERE name = 'print.recorded' ORDER BY id")
        return [json.loads(data) for (data,) in rows]


def test_a_printer_that_never_answers_leaves_the_ticket_unconfirmed_and_says_so(
    tmp_path: Path, clock: ManualClock, silent: SilentNetworkPrinter
) -> None:
    config = station_with(tmp_path, silent.port)
    app = start(config, clock)
    kiosk = app.test_client()

    reply = take(kiosk, **{"Accept-Language": "en"})

    assert reply["ticket"]["number"] == "A-001"
    assert reply["print"] == {
        "status": "unconfirmed",
        "error": f"Printer 127.0.0.1:{silent.port} took the ticket but did not answer the status "
        "check within 0.5 s: the ticket may not have come out.",
        "fault": "no_answer",
    }
    [logged] = logged_prints(config)
    assert (logged["status"], logged["kiosk"], logged["number"]) == (
        "unconfirmed",
        "kiosk-1",
        "A-001",
    )
    assert logged["fault"]["code"] == "no_answer"
    again = take(kiosk, **{"Idempotency-Key": "tap-1"})
    retried = take(kiosk, **{"Idempotency-Key": "tap-1"})
    assert retried["print"] == again["print"]
    assert retried["print"]["fault"] == "no_answer"
    assert "tidak menjawab pemeriksaan status dalam 0,5 detik" in retried["print"]["error"]
    app.extensions["satupintu"].store.close()


def test_paper_out_fails_the_ticket_with_the_reason_in_the_callers_language(
    tmp_path: Path, clock: ManualClock
) -> None:
    with FakeNetworkPrinter(paper=PAPER_OUT, cause=STOPPED_BY_PAPER_END) as empty:
        config = station_with(tmp_path, empty.port)
        app = start(config, clock)
        kiosk = app.test_client()
        indonesian = take(kiosk)["print"]
        english = take(kiosk, **{"Accept-Language": "en"})["print"]

    name = f"Printer 127.0.0.1:{empty.port}"
    assert indonesian == {
        "status": "failed",
        "error": f"{name}: kertas habis. Pasang gulungan kertas baru.",
        "fault": "paper_out",
    }
    assert english["error"] == f"{name}: out of paper. Put in a new roll."
    assert [logged["paper"] for logged in logged_prints(config)] == ["out", "out"]
    app.extensions["satupintu"].store.close()


def test_printer_health_comes_back_from_the_log_after_a_restart(
    tmp_path: Path, clock: ManualClock, silent: SilentNetworkPrinter
) -> None:
    config = station_with(tmp_path, silent.port)
    first = start(config, clock)
    take(first.test_client())
    before = first.extensions["satupintu"].printers.health()
    first.extensions["satupintu"].store.close()

    again = create_app(config, clock=clock)  # a new process would start just like this
    after = again.extensions["satupintu"].printers.health()

    kiosk = next(printer for printer in after if printer["kiosks"] == ["kiosk-1"])
    assert (kiosk["status"], kiosk["fault"]["code"], kiosk["paper"]) == (
        "unconfirmed",
        "no_answer",
        "unknown",
    )
    assert kiosk["last_error_at"] == next(p for p in before if p["kiosks"])["last_error_at"]
    assert kiosk["qr_base"] == "http://localhost"
    again.extensions["satupintu"].store.close()


def test_officers_read_the_printer_fault_in_their_language_and_nothing_when_all_print(
    tmp_path: Path, clock: ManualClock, silent: SilentNetworkPrinter
) -> None:
    kiosk = {"id": "kiosk-1", "name": "Kios Pintu Masuk", "printer": network(silent.port)}
    app = start(make_config(tmp_path, kiosks=[kiosk]), clock)
    officer = logged_in(app, "budi")
    assert officer.get("/api/printers/faults").get_json() == {"faults": [], "notice": None}
    assert app.test_client().get("/api/printers/faults").status_code == 401

    take(app.test_client())

    english = officer.get("/api/printers/faults", headers={"Accept-Language": "en"}).get_json()
    [fault] = english["faults"]
    assert (fault["printer"], fault["name"], fault["kiosks"], fault["status"]) == (
        f"printer 127.0.0.1:{silent.port}",
        "Kios Pintu Masuk",
        ["kiosk-1"],
        "unconfirmed",
    )
    assert english["notice"].startswith("A ticket printer has a problem")
    assert fault["message"] in english["notice"]
    assert fault["message"].startswith(
        f"Printer Kios Pintu Masuk (127.0.0.1:{silent.port}) took the ticket"
    )
    indonesian = officer.get("/api/printers/faults").get_json()
    assert indonesian["notice"].startswith("Printer tiket bermasalah")
    app.extensions["satupintu"].store.close()


def test_the_printer_page_shows_unconfirmed_as_a_fault_in_the_page_language(
    tmp_path: Path, clock: ManualClock, silent: SilentNetworkPrinter
) -> None:
    app = start(station_with(tmp_path, silent.port), clock)
    take(app.test_client())
    supervisor = logged_in(app, "sari")

    page = supervisor.get("/admin/printer?lang=en").get_data(as_text=True)

    assert 'data-printer-status="unconfirmed"' in page
    assert text("ui.admin.printer_unconfirmed", "en") in page
    assert "took the ticket but did not answer the status check" in page
    indonesian = supervisor.get("/admin/printer").get_data(as_text=True)
    assert "menerima tiket tetapi tidak menjawab pemeriksaan status" in indonesian
    app.extensions["satupintu"].store.close()


def notice_codes(supervisor: FlaskClient) -> dict[str, str]:
    """The dashboard's health notices, by code, in English."""
    notices = supervisor.get("/api/admin/dashboard").get_json()["notices"]
    return {notice["code"]: notice["text"]["en"] for notice in notices}


def test_qr_codes_that_lead_to_the_server_itself_are_warned_of_until_public_url_is_set(
    tmp_path: Path, clock: ManualClock
) -> None:
    with FakeNetworkPrinter() as working:
        app = start(station_with(tmp_path, working.port), clock)
        kiosk = app.test_client()  # the test client is "localhost"
        app.extensions["satupintu.health"] = Monitor(app.extensions["satupintu"], max_age=0)
        supervisor = logged_in(app, "sari")
        assert "qr_loopback" not in notice_codes(supervisor)

        take(kiosk)
        warned = notice_codes(supervisor)
        page = supervisor.get("/admin/printer").get_data(as_text=True)
        # A kiosk that reaches the server at its address on the hall's network: it goes.
        kiosk.post(
            "/api/tickets",
            json={"service": "lapor", "kiosk": "kiosk-1"},
            base_url="http://192.168.1.10:8000",
        )
        later = notice_codes(supervisor)

    assert warned["qr_loopback"] == text("ui.health.qr_loopback", "en", base="http://localhost")
    assert 'id="qr-warning"' in page
    assert "http://localhost" in page and "public_url" in page
    assert "qr_loopback" not in later
    app.extensions["satupintu"].store.close()


def test_a_private_ticket_prints_the_neutral_label_and_never_the_service(
    tmp_path: Path, clock: ManualClock
) -> None:
    config = make_config(tmp_path, printer={"type": "preview"}, public_url="http://10.0.0.5")
    app = create_app(config, clock=clock)
    client = app.test_client()
    number = client.post("/api/tickets", json={"service": "propam"}).get_json()["ticket"]["number"]

    [paper] = config.resolve("var/prints").glob("*.bin")
    printed = paper.read_bytes()

    assert number == "R-001"
    assert b"R-001" in printed
    assert b"Layanan khusus / konsultasi" in printed
    assert b"Special services / consultation" in printed
    assert b"Propam" not in printed and b"Pengaduan" not in printed
    app.extensions["satupintu"].store.close()


def test_the_paper_prints_the_wait_the_kiosk_shows(tmp_path: Path, clock: ManualClock) -> None:
    config = make_config(tmp_path, printer={"type": "preview"})
    app = create_app(config, clock=clock)
    client = app.test_client()
    for _ in range(4):
        shown = client.post("/api/tickets", json={"service": "lapor"}).get_json()["ticket"]
    wait = shown["estimated_wait"]

    paper = max(config.resolve("var/prints").glob("A-004*.bin")).read_bytes()

    assert wait is not None and wait["low"] > 0
    range_words = text("ui.common.wait_range", "en", **wait).replace("\u2013", "-")
    assert text("ui.ticket.wait", "en", wait=range_words).encode() in paper
    app.extensions["satupintu"].store.close()


def test_the_printer_test_command_fails_when_the_printer_does_not_confirm(
    tmp_path: Path, silent: SilentNetworkPrinter
) -> None:
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump({**BASE_CONFIG, "printer": network(silent.port)}))

    result = CliRunner().invoke(main, ["printer", "test", "--config", str(path)])

    assert result.exit_code == 1
    assert "test ticket sent, not confirmed" in result.output
    assert "did not answer the status check within 0.5 s" in result.output


def test_an_svg_logo_is_said_at_start_to_print_on_no_ticket(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    drawing = tmp_path / "polres.svg"
    drawing.write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    Image.new("RGB", (40, 20), "navy").save(tmp_path / "polres.png")

    assert printable_logo(tmp_path / "polres.png")
    assert printable_logo(None)  # the built-in mark
    assert not caplog.records
    assert not printable_logo(drawing)
    assert "cannot be printed (tickets need a PNG, JPEG or WebP file)" in caplog.text
