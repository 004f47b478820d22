"""GET /healthz and the dashboard's notices: what needs a person, from real faults."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient

from satupintu.app import create_app, open_station
from shared.application import services, ticket_issue
from shared.domain.clock import ManualClock
from shared.domain.config import Config
from shared.domain.i18n import text
from shared.operations import backups, health
from shared.operations.health import Message, Notice, Result
from shared.store import eventlog, receipts
from tests.helpers import MORNING, make_config
from tests.printer_fixtures import (
    PAPER_OUT,
    STOPPED_BY_PAPER_END,
    FakeNetworkPrinter,
    SilentNetworkPrinter,
)
from tests.realserver import ServerProcess
from tests.system_fixtures import fill, refused_port, remount_read_only, tiny_filesystem

pytestmark = pytest.mark.slow

CHECK_NAMES = ["database", "disk", "printers", "public_url", "speech", "backup", "central", "clock",
               "audit"]  # fmt: skip
HALL_URL = "http://192.168.1.10:8000"  # the QR codes lead to the hall's network


@pytest.fixture
def hall(tmp_path: Path) -> Iterator[Any]:
    """Build an app for a config (and close its database afterwards)."""
    apps: list[Flask] = []

    def build(config: Config, clock: ManualClock | None = None) -> FlaskClient:
        app = create_app(config, clock=clock or ManualClock(MORNING))
        app.config["TESTING"] = True
        apps.append(app)
        return app.test_client()

    yield build
    for app in apps:
        app.extensions["satupintu"].store.close()


def network_kiosk(port: int) -> list[dict[str, Any]]:
    printer = {"type": "network", "host": "127.0.0.1", "port": port, "timeout": 2}
    return [{"id": "kiosk-1", "name": "Kios Pintu Masuk", "printer": printer}]


def codes(answer: dict[str, Any]) -> dict[str, str]:
    return {notice["code"]: notice["level"] for notice in answer["notices"]}


def test_a_healthy_station_answers_200_with_every_check(hall: Any, tmp_path: Path) -> None:
    reply = hall(make_config(tmp_path)).get("/healthz")
    assert reply.status_code == 200
    answer = reply.get_json()
    assert answer["status"] == "ok"
    assert [check["name"] for check in answer["checks"]] == CHECK_NAMES
    assert answer["notices"] == []
    assert reply.headers["Cache-Control"] == "no-store"


def test_a_dead_printer_is_a_problem_named_by_its_kiosk_and_no_address_leaks(
    hall: Any, tmp_path: Path
) -> None:
    port = refused_port()
    client = hall(make_config(tmp_path, public_url=HALL_URL, kiosks=network_kiosk(port)))
    printed = client.post("/api/tickets", json={"service": "lapor", "kiosk": "kiosk-1"})
    assert printed.get_json()["print"]["status"] == "failed"
    reply = client.get("/healthz")
    assert reply.status_code == 503
    answer = reply.get_json()
    assert codes(answer) == {"printer_failing": "problem"}
    assert answer["notices"][0]["text"]["id"] == (
        "Printer Kios Pintu Masuk gagal mencetak tiket terakhir."
    )
    body = reply.get_data(as_text=True)
    assert "127.0.0.1" not in body and str(port) not in body


def test_a_printer_that_never_confirms_a_ticket_is_a_problem_with_what_to_do(
    hall: Any, tmp_path: Path
) -> None:
    with SilentNetworkPrinter() as printer:
        kiosks = network_kiosk(printer.port)
        kiosks[0]["printer"]["timeout"] = 0.5
        client = hall(make_config(tmp_path, public_url=HALL_URL, kiosks=kiosks))
        printed = client.post("/api/tickets", json={"service": "lapor", "kiosk": "kiosk-1"})
        assert printed.get_json()["print"]["status"] == "unconfirmed"
        reply = client.get("/healthz")
    assert reply.status_code == 503
    [notice] = reply.get_json()["notices"]
    assert (notice["code"], notice["level"]) == ("printer_unconfirmed", "problem")
    assert notice["text"]["en"] == (
        "Printer Kios Pintu Masuk did not confirm that the last ticket came out."
    )
    assert "kios" in notice["advice"]["id"]


def test_qr_codes_leading_to_the_server_itself_are_one_warning_for_every_printer(
    hall: Any, tmp_path: Path
) -> None:
    kiosks = [
        {"id": f"kiosk-{n}", "printer": {"type": "preview", "directory": f"previews-{n}"}}
        for n in (1, 2)
    ]
    client = hall(make_config(tmp_path, kiosks=kiosks))
    for kiosk in ("kiosk-1", "kiosk-2"):  # the test client is "localhost"
        client.post("/api/tickets", json={"service": "lapor", "kiosk": kiosk})
    reply = client.get("/healthz")
    assert reply.status_code == 200  # warnings: the hall still works
    notices = reply.get_json()["notices"]
    assert [notice["code"] for notice in notices].count("qr_loopback") == 1
    assert codes(reply.get_json()) == {"qr_loopback": "warning", "preview_printer": "warning"}


def test_public_url_unset_while_tickets_print_is_a_warning(hall: Any, tmp_path: Path) -> None:
    kiosks = network_kiosk(refused_port())
    answer = hall(make_config(tmp_path, kiosks=kiosks)).get("/healthz").get_json()
    assert codes(answer) == {"public_url_unset": "warning"}


def test_a_printer_out_of_paper_says_so_in_both_languages(hall: Any, tmp_path: Path) -> None:
    with FakeNetworkPrinter(paper=PAPER_OUT, cause=STOPPED_BY_PAPER_END) as printer:
        client = hall(
            make_config(tmp_path, public_url=HALL_URL, kiosks=network_kiosk(printer.port))
        )
        printed = client.post("/api/tickets", json={"service": "lapor", "kiosk": "kiosk-1"})
        assert printed.get_json()["print"]["status"] == "failed"
        answer = client.get("/healthz").get_json()
    assert answer["status"] == "problem"
    [notice] = answer["notices"]
    assert notice["text"] == {
        "id": "Kertas printer Kios Pintu Masuk habis.",
        "en": "Printer Kios Pintu Masuk is out of paper.",
    }
    assert notice["advice"]["id"] == "Pasang gulungan kertas baru di printer Kios Pintu Masuk."


def test_without_espeak_ng_the_board_voice_is_a_problem(
    hall: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    reply = hall(make_config(tmp_path)).get("/healthz")
    assert reply.status_code == 503
    assert codes(reply.get_json()) == {"speech_missing": "problem"}


@pytest.mark.external
def test_a_full_disk_is_a_problem_and_tickets_are_refused_not_lost(
    hall: Any, tmp_path: Path
) -> None:
    with tiny_filesystem(tmp_path / "disk") as disk:
        client = hall(make_config(disk))
        assert client.post("/api/tickets", json={"service": "lapor"}).status_code == 201
        filler = fill(disk)
        reply = client.get("/healthz")
        answer = reply.get_json()
        assert reply.status_code == 503
        assert codes(answer) == {"database_full": "problem", "disk_low": "problem"}
        disk_notice = next(n for n in answer["notices"] if n["code"] == "disk_low")
        assert disk_notice["text"]["id"] == "Sisa disk 0 %."
        assert client.post("/api/tickets", json={"service": "lapor"}).status_code == 503
        filler.unlink()
        assert health.run(client.application.extensions["satupintu"]).level == "ok"


@pytest.mark.external
def test_a_read_only_database_is_a_problem(tmp_path: Path) -> None:
    with tiny_filesystem(tmp_path / "disk") as disk:
        station = open_station(make_config(disk), clock=ManualClock(MORNING))
        services.ensure_counters(station)
        station.store.close()
        remount_read_only(disk)
        report = health.run(station, ("database",))
        station.store.close()
    [result] = report.results
    assert [notice.message.key for notice in result.notices] == ["ui.health.database_read_only"]


def test_the_disk_check_warns_before_it_is_a_problem(tmp_path: Path) -> None:
    assert 0 <= health.free_percent(tmp_path) <= 100
    assert health.free_percent(tmp_path / "not" / "made" / "yet") == health.free_percent(tmp_path)


def test_backups_raise_notices_when_missing_old_or_failed(station: Any, clock: ManualClock) -> None:
    ticket_issue.issue_ticket(station, "lapor")
    assert health.backup(station).notices == ()  # a new station has had no night yet
    clock.advance(hours=30)
    assert [n.message.key for n in health.backup(station).notices] == ["ui.health.backup_none"]
    made = backups.make_backup(station)
    assert health.backup(station).notices == ()
    clock.advance(days=3)
    [old] = health.backup(station).notices
    assert (old.level, old.message.text("en")) == (
        "warning",
        "The last good backup is 3 day(s) old.",
    )
    failed = made.path.with_name(backups.copy_path(made.path.parent, clock.now()).name + ".failed")
    failed.write_bytes(b"")
    assert {n.message.key: n.level for n in health.backup(station).notices} == {
        "ui.health.backup_failed": "problem",
        "ui.health.backup_old": "warning",
    }


def test_a_new_check_joins_healthz_and_the_dashboard(
    hall: Any, tmp_path: Path, auth_hall: Any
) -> None:
    def example(station: Any) -> Result:
        message = Message("ui.health.check_failed", {"check": "example"})
        advice = Message("ui.health.check_failed_advice")
        return Result("example", message, (Notice("example", "warning", message, advice),))

    health.check("example")(example)
    try:
        client = auth_hall(make_config(tmp_path))
        answer = client.get("/healthz").get_json()
        dashboard = client.get("/api/admin/dashboard").get_json()
    finally:
        del health.CHECKS["example"]
    assert answer["status"] == "warning"
    assert [check["name"] for check in answer["checks"]] == [*CHECK_NAMES, "example"]
    assert dashboard["notices"] == answer["notices"]
    assert dashboard["notices"][0]["text"]["en"] == "The example check could not run."


def test_a_check_that_crashes_is_a_problem_not_a_500(hall: Any, tmp_path: Path) -> None:
    def broken(station: Any) -> Result:
        raise RuntimeError("bug")

    health.check("broken")(broken)
    try:
        reply = hall(make_config(tmp_path)).get("/healthz")
    finally:
        del health.CHECKS["broken"]
    assert reply.status_code == 503
    assert codes(reply.get_json()) == {"check_failed": "problem"}


def test_the_monitor_reuses_a_fresh_report(station: Any) -> None:
    monitor = health.Monitor(station)
    assert monitor.report() is monitor.report()
    always_new = health.Monitor(station, max_age=-1)
    assert always_new.report() is not always_new.report()


def test_the_dashboard_shows_the_last_good_backup(auth_hall: Any, tmp_path: Path) -> None:
    client = auth_hall(make_config(tmp_path))
    assert client.get("/api/admin/dashboard").get_json()["backup"] is None
    made = backups.make_backup(client.application.extensions["satupintu"])
    answer = client.get("/api/admin/dashboard").get_json()
    local = made.made_at.astimezone(make_config(tmp_path).zone)
    assert answer["backup"] == {"made_at": local.isoformat(timespec="seconds")}


@pytest.fixture
def auth_hall(hall: Any) -> Any:
    """A client logged in as a supervisor."""
    from shared.application.users import add_user

    def build(config: Config) -> FlaskClient:
        client = hall(config)
        add_user(
            client.application.extensions["satupintu"], "sari", "supervisor", "rahasia-123", "t"
        )
        reply = client.post("/api/login", json={"username": "sari", "password": "rahasia-123"})
        assert reply.status_code == 200
        return client

    return build


@pytest.mark.server
def test_a_real_server_on_a_full_disk_answers_503_and_recovers_when_space_is_freed(
    tmp_path: Path,
) -> None:
    with tiny_filesystem(tmp_path / "disk", size="8m") as disk:
        server = ServerProcess(disk)
        server.start()
        try:
            assert requests.get(f"{server.url}/healthz", timeout=10).status_code == 200
            filler = fill(disk)
            reply = requests.get(f"{server.url}/healthz", timeout=10)
            deadline = time.monotonic() + 30
            while reply.json()["status"] == "ok":  # the last report may be a few seconds old
                assert time.monotonic() < deadline, "the server never saw the disk full"
                time.sleep(0.2)
                reply = requests.get(f"{server.url}/healthz", timeout=10)
            assert reply.status_code == 503
            assert {"disk_low", "database_full"} <= set(codes(reply.json()))
            ticket = requests.post(
                f"{server.url}/api/tickets", json={"service": "lapor"}, timeout=10
            )
            assert ticket.status_code == 503
            assert ticket.json()["error"]["code"] == "unavailable"
            filler.unlink()
            deadline = time.monotonic() + 30
            while requests.get(f"{server.url}/healthz", timeout=10).status_code != 200:
                assert time.monotonic() < deadline, "the server never saw the space freed"
                time.sleep(0.2)
            ticket = requests.post(
                f"{server.url}/api/tickets", json={"service": "lapor"}, timeout=10
            )
            assert ticket.status_code == 201
        finally:
            server.stop()


def test_a_central_server_silent_for_long_is_a_warning_and_the_hall_works_on(
    tmp_path: Path,
) -> None:
    clock = ManualClock(MORNING)
    link = {"url": f"http://127.0.0.1:{refused_port()}", "station": "kupang", "key": "k" * 32}
    station = open_station(make_config(tmp_path, central=link), clock=clock)

    def central_result() -> Result:
        return health.run(station, ("central",)).results[0]

    ticket_issue.issue_ticket(station, "lapor")
    assert central_result().notices == ()  # just started: central may answer any moment
    clock.advance(minutes=health.CENTRAL_SILENT_MINUTES + 1)
    [never] = central_result().notices
    with station.store.read() as db:
        head = eventlog.last_row(db)
    assert (never.json()["code"], never.level) == ("central_never", "warning")
    assert never.json()["text"]["en"] == text("ui.health.central_never", "en", n=head["id"])
    assert head["id"] >= 1  # the ticket at least
    with station.store.write("central", clock.now(), durable=False) as tx:
        receipts.save(tx, head["id"], head["hash"])  # central confirmed everything, just now
    assert central_result().notices == ()
    ticket_issue.issue_ticket(station, "lapor")
    clock.advance(minutes=health.CENTRAL_SILENT_MINUTES + 1)
    [behind] = central_result().notices
    with station.store.read() as db:
        unsent = eventlog.last_row(db)["id"] - head["id"]  # the second ticket's rows
    assert behind.json()["code"] == "central_behind"
    assert f": {unsent} baris log belum terkirim" in behind.json()["text"]["id"]
    assert link["url"] in behind.json()["advice"]["en"]
    station.store.close()


def test_without_central_the_check_says_so_and_never_warns(tmp_path: Path) -> None:
    station = open_station(make_config(tmp_path), clock=ManualClock(MORNING))
    result = health.run(station, ("central",)).results[0]
    assert (result.level, result.summary.key) == ("ok", "ui.health.central_off")
    station.store.close()
