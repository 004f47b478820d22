"""Tickets come only from kiosks: the server's own machine, a kiosk's listed address, or a
browser enrolled with a one-time link. Phones may take ordinary tickets only where the config
allows it; only a counter's enrolled tablet sees and answers its survey; only the kiosk that
printed a ticket reprints it. Other addresses on 127.0.0.0/8 stand in for phones."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient

from kiosk.qr import qr_svg
from satupintu.app import create_app
from satupintu.cli import main
from shared.application.devices import (
    CREDENTIAL_DAYS,
    DEVICE_COOKIE,
    ENROL_HOURS,
    PHONE_COOKIE,
    Kind,
    invite,
    revoke,
)
from shared.application.printing import PrintOutcome, PrintResult, TicketPrint
from shared.application.ticket_printing import MAX_REPRINTS
from shared.domain.clock import ManualClock
from tests.conftest import Auth
from tests.helpers import BASE_CONFIG, make_config

PHONE = {"REMOTE_ADDR": "10.0.0.7"}
OTHER_PHONE = {"REMOTE_ADDR": "10.0.0.8"}
KIOSK_ADDRESS = "192.168.1.20"


def tickets(app: Flask) -> int:
    with sqlite3.connect(app.extensions["satupintu"].config.database_path) as db:
        return db.execute("SELECT COUNT(*) FROM tickets").fetchone()[0]


def enrolled(app: Flask, kind: Kind, target: str) -> FlaskClient:
    """A browser that opened a fresh one-time link and confirmed it."""
    client = app.test_client()
    code = invite(app.extensions["satupintu"], kind, target, "test")
    page = client.get(f"/enrol/{code}", environ_base=PHONE)
    assert page.status_code == 200
    confirmed = client.post(f"/enrol/{code}", environ_base=PHONE)
    assert confirmed.status_code == 303
    cookie = confirmed.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert f"Max-Age={CREDENTIAL_DAYS * 86400}" in cookie  # it ends with the credential
    return client


def test_a_phone_on_the_wifi_cannot_take_a_ticket(app: Flask, client: FlaskClient) -> None:
    for body in ({"service": "lapor"}, {"service": "lapor", "priority": True, "kiosk": "kiosk-1"}):
        refused = client.post("/api/tickets", json=body, environ_base=PHONE)
        assert refused.status_code == 403
        assert refused.get_json()["error"]["code"] == "forbidden"
    assert tickets(app) == 0
    assert client.post("/api/tickets", json={"service": "lapor"}).status_code == 201  # the server


def test_an_enrolled_browser_is_its_kiosk_wherever_it_is(app: Flask) -> None:
    kiosk = enrolled(app, Kind.KIOSK, "kiosk-1")
    issued = kiosk.post("/api/tickets", json={"service": "lapor"}, environ_base=PHONE)
    assert issued.status_code == 201
    assert issued.get_json()["ticket"]["number"] == "A-001"
    other = kiosk.post(
        "/api/tickets", json={"service": "lapor", "kiosk": "kiosk-2"}, environ_base=PHONE
    )
    assert other.status_code == 403  # a kiosk speaks only for itself


def test_a_one_time_link_works_once_and_not_after_a_day(app: Flask, clock: ManualClock) -> None:
    station = app.extensions["satupintu"]
    code = invite(station, Kind.KIOSK, "kiosk-1", "test")
    browser = app.test_client()
    assert browser.post(f"/enrol/{code}").status_code == 303
    again = app.test_client()
    assert again.get(f"/enrol/{code}").status_code == 404
    assert again.post(f"/enrol/{code}").status_code == 404
    assert again.get_cookie(DEVICE_COOKIE) is None
    late = invite(station, Kind.KIOSK, "kiosk-1", "test")
    clock.advance(hours=ENROL_HOURS + 1)
    assert app.test_client().post(f"/enrol/{late}").status_code == 404


def test_a_kiosk_at_its_listed_address_needs_no_enrolment(
    tmp_path: Path, clock: ManualClock
) -> None:
    kiosks = [{"id": "kiosk-1", "addresses": [KIOSK_ADDRESS]}, {"id": "kiosk-2"}]
    app = create_app(make_config(tmp_path, kiosks=kiosks), clock=clock)
    client = app.test_client()
    at_kiosk = {"REMOTE_ADDR": KIOSK_ADDRESS}
    mine = client.post("/api/tickets", json={"service": "lapor"}, environ_base=at_kiosk)
    assert mine.status_code == 201
    theirs = client.post(
        "/api/tickets", json={"service": "lapor", "kiosk": "kiosk-2"}, environ_base=at_kiosk
    )
    assert theirs.status_code == 403
    assert tickets(app) == 1
    page = client.get("/kiosk/kiosk-1", environ_base=PHONE).get_data(as_text=True)
    assert 'id="not-enrolled"' in page
    assert 'id="not-enrolled"' not in client.get("/kiosk/kiosk-1", environ_base=at_kiosk).text
    app.extensions["satupintu"].store.close()


@pytest.fixture
def phones(tmp_path: Path, clock: ManualClock) -> Iterator[Flask]:
    app = create_app(make_config(tmp_path, phone_tickets=True), clock=clock)
    yield app
    app.extensions["satupintu"].store.close()


def test_with_phone_tickets_a_phone_holds_one_ordinary_ticket(phones: Flask, auth: Any) -> None:
    phone = phones.test_client()
    first = phone.post("/api/tickets", json={"service": "lapor"}, environ_base=PHONE)
    assert first.status_code == 201
    assert first.get_json()["print"]["status"] == "disabled"  # a phone prints nothing
    assert PHONE_COOKIE in first.headers["Set-Cookie"]
    second = phone.post("/api/tickets", json={"service": "surat"}, environ_base=PHONE)
    assert second.status_code == 409
    assert "A-001" in second.get_json()["error"]["message"]
    priority = phones.test_client().post(
        "/api/tickets", json={"service": "lapor", "priority": True}, environ_base=OTHER_PHONE
    )
    assert priority.status_code == 403
    assert tickets(phones) == 1
    page = phone.get("/kiosk", environ_base=PHONE).text
    assert 'id="phone-only"' in page


@pytest.mark.slow
def test_a_phone_may_take_another_ticket_once_its_own_is_done(
    phones: Flask, clock: ManualClock
) -> None:
    phone = phones.test_client()
    assert (
        phone.post("/api/tickets", json={"service": "lapor"}, environ_base=PHONE).status_code == 201
    )
    Auth(phones, phone).login()
    assert phone.post("/api/counters/loket-1/call-next").status_code == 200
    assert phone.post("/api/counters/loket-1/done").status_code == 200
    again = phone.post("/api/tickets", json={"service": "lapor"}, environ_base=PHONE)
    assert again.status_code == 201


def test_only_the_counters_enrolled_tablet_sees_and_answers_its_survey(
    app: Flask, client: FlaskClient, auth: Auth
) -> None:
    client.post("/api/tickets", json={"service": "lapor"})
    auth.login()
    client.post("/api/counters/loket-1/call-next")
    client.post("/api/counters/loket-1/done")
    stranger = app.test_client()
    assert stranger.get("/api/survey/loket-1", environ_base=PHONE).status_code == 403
    page = stranger.get("/survey/loket-1", environ_base=PHONE).text
    assert "satupintu enrol survey loket-1" in page
    kiosk = enrolled(app, Kind.KIOSK, "kiosk-1")
    assert kiosk.get("/api/survey/loket-1", environ_base=PHONE).status_code == 403
    elsewhere = enrolled(app, Kind.SURVEY, "loket-2")
    assert elsewhere.get("/api/survey/loket-1", environ_base=PHONE).status_code == 403
    tablet = enrolled(app, Kind.SURVEY, "loket-1")
    desk = tablet.get("/api/survey/loket-1", environ_base=PHONE).get_json()
    assert desk["ticket"]["number"] == "A-001"
    forged = stranger.post(
        "/api/survey/loket-1",
        json={"handle": desk["ticket"]["handle"], "answers": {"kepuasan": 4}},
        environ_base=PHONE,
    )
    assert forged.status_code == 403
    answered = tablet.post(
        "/api/survey/loket-1",
        json={"handle": desk["ticket"]["handle"], "answers": {"kepuasan": 4}},
        environ_base=PHONE,
    )
    assert answered.status_code == 201


class CountingPrinter:
    """A printer that prints every job (slowly enough for requests to overlap)."""

    def __init__(self) -> None:
        self.printed: list[str] = []
        self.lock = threading.Lock()

    def enabled(self, kiosk_id: str | None) -> bool:
        return True

    def print_ticket(self, kiosk_id: str | None, job: TicketPrint) -> PrintResult:
        threading.Event().wait(0.05)
        with self.lock:
            self.printed.append(job.number)
        return PrintResult("printed")

    def restore(self, outcomes: Iterable[PrintOutcome]) -> None:
        pass

    def health(self) -> list[dict[str, Any]]:
        return []

    def latest_preview(self, kiosk_id: str | None = None) -> None:
        return None


@pytest.mark.slow
def test_reprints_come_only_from_the_kiosk_and_never_past_the_cap(
    tmp_path: Path, clock: ManualClock
) -> None:
    printer = CountingPrinter()
    app = create_app(make_config(tmp_path), clock=clock, printers=printer)
    kiosk = enrolled(app, Kind.KIOSK, "kiosk-1")
    token = kiosk.post("/api/tickets", json={"service": "lapor"}, environ_base=PHONE).get_json()[
        "ticket"
    ]["token"]
    phone = app.test_client()
    assert phone.post(f"/api/tickets/{token}/reprint", environ_base=OTHER_PHONE).status_code == 403
    statuses: list[int] = []

    def reprint() -> None:
        answer = kiosk.post(f"/api/tickets/{token}/reprint", environ_base=PHONE)
        statuses.append(answer.status_code)

    threads = [threading.Thread(target=reprint) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert printer.printed.count("A-001") == 1 + MAX_REPRINTS  # the ticket, then the reprints
    assert sorted(statuses) == [200] * MAX_REPRINTS + [409] * (12 - MAX_REPRINTS)
    app.extensions["satupintu"].store.close()


def test_a_made_up_host_header_never_reaches_the_qr_code(client: FlaskClient) -> None:
    token = client.post("/api/tickets", json={"service": "lapor"}).get_json()["ticket"]["token"]
    spoofed = client.get(f"/t/{token}/qr.svg", headers={"Host": "evil.example"})
    assert spoofed.data == qr_svg(f"http://localhost/t/{token}")


def test_enrolment_is_in_the_audit_trail(app: Flask) -> None:
    enrolled(app, Kind.KIOSK, "kiosk-1")
    with sqlite3.connect(app.extensions["satupintu"].config.database_path) as db:
        logged = db.execute("SELECT data FROM events WHERE name = 'device.enrolled'").fetchall()
    assert len(logged) == 1
    assert '"target": "kiosk-1"' in logged[0][0]


def test_a_kiosk_credential_names_no_one_else(app: Flask) -> None:
    kiosk = enrolled(app, Kind.KIOSK, "kiosk-1")
    assert kiosk.get_cookie(DEVICE_COOKIE) is not None
    with sqlite3.connect(app.extensions["satupintu"].config.database_path) as db:
        stored = db.execute("SELECT credential_hash FROM devices").fetchone()[0]
    assert stored != kiosk.get_cookie(DEVICE_COOKIE).value  # kept only as a hash


def take_ticket(browser: FlaskClient, environ: dict[str, str] = PHONE) -> int:
    return browser.post("/api/tickets", json={"service": "lapor"}, environ_base=environ).status_code


def test_a_revoked_kiosk_is_refused_at_once_and_the_revocation_is_logged(
    app: Flask, tmp_path: Path
) -> None:
    kiosk = enrolled(app, Kind.KIOSK, "kiosk-1")
    tablet = enrolled(app, Kind.SURVEY, "loket-1")
    copied = app.test_client()  # the cookie copied to another machine on the Wi-Fi
    copied.set_cookie(DEVICE_COOKIE, kiosk.get_cookie(DEVICE_COOKIE).value)
    assert take_ticket(kiosk) == 201 and take_ticket(copied, OTHER_PHONE) == 201
    unused = invite(app.extensions["satupintu"], Kind.KIOSK, "kiosk-1", "test")
    config_file = tmp_path / "cli.yaml"
    config_file.write_text(
        yaml.safe_dump({**BASE_CONFIG, "database": str(tmp_path / "satupintu.db")}),
        encoding="utf-8",
    )
    result = CliRunner().invoke(
        main, ["enrol", "revoke", "kiosk", "kiosk-1", "--config", str(config_file)]
    )
    assert result.exit_code == 0, result.output
    assert "Revoked 1 credential" in result.output
    assert take_ticket(kiosk) == 403 and take_ticket(copied, OTHER_PHONE) == 403
    assert app.test_client().post(f"/enrol/{unused}").status_code == 404  # links end too
    assert tablet.get("/api/survey/loket-1", environ_base=PHONE).status_code == 200
    with sqlite3.connect(app.extensions["satupintu"].config.database_path) as db:
        logged = db.execute(
            "SELECT actor, data FROM events WHERE name = 'device.revoked'"
        ).fetchall()
    assert len(logged) == 1 and logged[0][0] == "cli" and '"target": "kiosk-1"' in logged[0][1]
    unknown = CliRunner().invoke(
        main, ["enrol", "revoke", "kiosk", "kiosk-9", "--config", str(config_file)]
    )
    assert unknown.exit_code == 1


def test_enrolling_again_ends_the_old_credential(app: Flask) -> None:
    old = enrolled(app, Kind.KIOSK, "kiosk-1")
    new = enrolled(app, Kind.KIOSK, "kiosk-1")
    assert take_ticket(old) == 403
    assert take_ticket(new) == 201
    tablet = enrolled(app, Kind.SURVEY, "loket-1")  # another device keeps its own
    assert take_ticket(new) == 201
    assert tablet.get("/api/survey/loket-1", environ_base=PHONE).status_code == 200


def test_a_credential_ends_when_unused_and_slides_while_used(
    app: Flask, clock: ManualClock
) -> None:
    kiosk = enrolled(app, Kind.KIOSK, "kiosk-1")
    idle = app.test_client()  # a copy taken today, never used again
    idle.set_cookie(DEVICE_COOKIE, kiosk.get_cookie(DEVICE_COOKIE).value)
    for _ in range(3):  # used every ten days, it never ends
        clock.advance(days=CREDENTIAL_DAYS // 3)
        renewed = kiosk.post("/api/tickets", json={"service": "lapor"}, environ_base=PHONE)
        assert renewed.status_code == 201
        assert f"Max-Age={CREDENTIAL_DAYS * 86400}" in renewed.headers["Set-Cookie"]
    same_day = kiosk.post("/api/tickets", json={"service": "lapor"}, environ_base=PHONE)
    assert "Set-Cookie" not in same_day.headers  # renewed at most once a day
    clock.advance(days=CREDENTIAL_DAYS + 1)
    assert take_ticket(kiosk) == 403
    assert take_ticket(idle, OTHER_PHONE) == 403


def test_revoking_is_a_domain_rule_too(app: Flask) -> None:
    station = app.extensions["satupintu"]
    enrolled(app, Kind.SURVEY, "loket-1")
    assert revoke(station, Kind.SURVEY, "loket-1", "test") == 1
    assert revoke(station, Kind.SURVEY, "loket-1", "test") == 0
