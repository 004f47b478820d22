"""A service suspended and resumed over the real app: who may, every bad input refused with
nothing changed, its tickets keep their place and none is called meanwhile, the screens' data say
so, and after the resume the same order goes on."""

from __future__ import annotations

import sqlite3
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from shared.application.users import add_user
from shared.domain.clock import ManualClock
from shared.web.socket_server import socketio
from tests.conftest import Auth
from tests.realserver import PASSWORD
from tests.test_sockets import received

SINAR = {"reason": "Server SINAR gangguan", "until": "11:30"}  # the test morning is 09:00 WITA


def db_rows(app: Flask, sql: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(app.extensions["satupintu"].config.database_path) as db:
        return db.execute(sql).fetchall()


def log_size(app: Flask) -> int:
    return db_rows(app, "SELECT COUNT(*) FROM events")[0][0]


def service_shown(client: FlaskClient, service_id: str) -> dict[str, Any]:
    services = client.get("/api/services").get_json()["services"]
    return next(service for service in services if service["id"] == service_id)


def statuses(app: Flask) -> dict[str, str]:
    return dict(db_rows(app, "SELECT number, status FROM tickets"))


def as_user(app: Flask, name: str, role: str, units: object = None) -> FlaskClient:
    add_user(app.extensions["satupintu"], name, role, PASSWORD, "test", units)
    client = app.test_client()
    login = client.post("/api/login", json={"username": name, "password": PASSWORD})
    assert login.status_code == 200
    return client


@pytest.fixture
def hall(app: Flask, client: FlaskClient) -> FlaskClient:
    """A-001, B-001, A-002 wait (Laporan and Surat, both called at Loket 1 and 2); a supervisor
    is logged in."""
    for service in ("lapor", "surat", "lapor"):
        assert client.post("/api/tickets", json={"service": service}).status_code == 201
    return as_user(app, "sari", "supervisor")


def test_a_suspended_services_tickets_keep_their_place_and_are_passed_by(
    app: Flask, hall: FlaskClient
) -> None:
    answer = hall.post("/api/services/lapor/suspend", json=SINAR)
    assert answer.status_code == 200
    shown = answer.get_json()["suspension"]
    assert shown["reason"] == "Server SINAR gangguan"
    assert shown["until"] == "2026-05-20T11:30:00+08:00"
    called = hall.post("/api/counters/loket-1/call-next").get_json()["ticket"]
    assert called["number"] == "B-001"  # Laporan's A-001 was first, but is suspended
    desk = hall.post("/api/counters/loket-1/done").get_json()["counter"]
    assert [row["number"] for row in desk["waiting"]] == ["A-001", "A-002"]
    assert desk["suspended"]["lapor"]["reason"] == "Server SINAR gangguan"
    refused = hall.post("/api/counters/loket-1/call-next")
    assert refused.status_code == 409
    error = refused.get_json()["error"]
    assert error["code"] == "service_suspended"
    assert "Laporan" in error["message"]
    assert statuses(app)["A-001"] == "waiting"


def test_calling_a_suspended_services_number_is_refused_with_its_reason(
    app: Flask, hall: FlaskClient
) -> None:
    hall.post("/api/services/lapor/suspend", json=SINAR)
    before = log_size(app)
    refused = hall.post("/api/counters/loket-2/call", json={"number": "A-002", "reason": "lansia"})
    assert refused.status_code == 409
    error = refused.get_json()["error"]
    assert error["code"] == "service_suspended"
    assert "A-002" in error["message"] and "Server SINAR gangguan" in error["message"]
    assert log_size(app) == before
    assert statuses(app)["A-002"] == "waiting"


def test_after_the_resume_the_same_order_goes_on(app: Flask, hall: FlaskClient) -> None:
    hall.post("/api/services/lapor/suspend", json=SINAR)
    assert hall.post("/api/counters/loket-1/call-next").get_json()["ticket"]["number"] == "B-001"
    assert hall.post("/api/services/lapor/resume").status_code == 200
    order = [
        hall.post("/api/counters/loket-1/call-next").get_json()["ticket"]["number"]
        for _ in range(2)
    ]
    assert order == ["A-001", "A-002"]


def test_the_kiosk_still_issues_and_every_screen_says_so(
    app: Flask, client: FlaskClient, hall: FlaskClient, clock: ManualClock
) -> None:
    hall.post("/api/services/lapor/suspend", json=SINAR)
    issued = client.post("/api/tickets", json={"service": "lapor"})
    assert issued.status_code == 201
    ticket = issued.get_json()["ticket"]
    assert ticket["suspension"]["reason"] == "Server SINAR gangguan"
    assert ticket["almost_turn"] is False
    # The wait includes the outage still expected: 150 minutes from 09:00 to 11:30.
    assert ticket["estimated_wait_minutes"] >= 150
    service = service_shown(client, "lapor")
    assert service["open"] is True
    assert service["suspension"]["until"] == "2026-05-20T11:30:00+08:00"
    board = client.get("/api/board").get_json()
    assert board["suspended"]["lapor"]["reason"] == "Server SINAR gangguan"
    clock.advance(minutes=60)
    later = client.get(f"/api/tickets/{ticket['token']}").get_json()["ticket"]
    assert later["estimated_wait_minutes"] < ticket["estimated_wait_minutes"]
    hall.post("/api/services/lapor/resume")
    resumed = client.get(f"/api/tickets/{ticket['token']}").get_json()["ticket"]
    assert resumed["suspension"] is None
    assert "lapor" not in client.get("/api/board").get_json()["suspended"]


def test_suspending_again_changes_the_reason_and_keeps_the_start(
    app: Flask, hall: FlaskClient, clock: ManualClock
) -> None:
    first = hall.post("/api/services/lapor/suspend", json=SINAR).get_json()["suspension"]
    clock.advance(minutes=20)
    again = hall.post(
        "/api/services/lapor/suspend", json={"reason": "SINAR masih gangguan", "until": ""}
    ).get_json()["suspension"]
    assert again["since"] == first["since"]
    assert (again["reason"], again["until"]) == ("SINAR masih gangguan", None)


@pytest.mark.parametrize(
    ("path", "body", "status", "code"),
    [
        ("/api/services/lapor/suspend", {}, 400, "invalid_request"),
        ("/api/services/lapor/suspend", {"reason": "   "}, 400, "invalid_request"),
        ("/api/services/lapor/suspend", {"reason": 5}, 400, "invalid_request"),
        ("/api/services/lapor/suspend", {"reason": "x" * 121}, 400, "invalid_request"),
        ("/api/services/lapor/suspend", {"reason": "\udcff"}, 400, "invalid_request"),
        ("/api/services/lapor/suspend", {"reason": "ok", "until": "08:00"}, 400, "invalid_request"),
        ("/api/services/lapor/suspend", {"reason": "ok", "until": "25:00"}, 400, "invalid_request"),
        ("/api/services/lapor/suspend", {"reason": "ok", "until": "besok"}, 400, "invalid_request"),
        ("/api/services/lapor/suspend", {"reason": "ok", "until": 1130}, 400, "invalid_request"),
        (
            "/api/services/lapor/suspend",
            {"reason": "ok", "until": "2026-06-20T09:00"},
            400,
            "invalid_request",
        ),
        ("/api/services/nope/suspend", SINAR, 400, "unknown_service"),
        ("/api/services/lapor/resume", {}, 409, "conflict"),
        ("/api/services/nope/resume", {}, 400, "unknown_service"),
    ],
)
def test_every_bad_request_is_a_clear_4xx_and_changes_nothing(
    app: Flask, hall: FlaskClient, path: str, body: dict[str, Any], status: int, code: str
) -> None:
    before = log_size(app)
    refused = hall.post(path, json=body)
    assert refused.status_code == status
    error = refused.get_json()["error"]
    assert error["code"] == code
    assert error["message"]
    assert log_size(app) == before
    assert hall.get("/api/board").get_json()["suspended"] == {}


def test_a_body_that_is_not_an_object_is_refused(app: Flask, hall: FlaskClient) -> None:
    before = log_size(app)
    refused = hall.post("/api/services/lapor/suspend", data="[1]", content_type="application/json")
    assert refused.status_code == 400
    assert log_size(app) == before


def test_an_officer_of_another_unit_is_refused_and_one_of_the_unit_may(
    app: Flask, hall: FlaskClient
) -> None:
    lantas = as_user(app, "tono", "officer", "Lantas")
    before = log_size(app)
    refused = lantas.post("/api/services/lapor/suspend", json=SINAR)
    assert refused.status_code == 403
    assert refused.get_json()["error"]["code"] == "forbidden"
    assert log_size(app) == before
    spkt = as_user(app, "siti", "officer", "SPKT")
    assert spkt.post("/api/services/lapor/suspend", json=SINAR).status_code == 200
    assert lantas.post("/api/services/lapor/resume").status_code == 403
    assert spkt.post("/api/services/lapor/resume").status_code == 200


def test_nobody_logged_in_and_a_foreign_origin_are_refused(
    app: Flask, client: FlaskClient, auth: Auth
) -> None:
    assert client.post("/api/services/lapor/suspend", json=SINAR).status_code == 401
    auth.login("sari", "supervisor")
    foreign = client.post(
        "/api/services/lapor/suspend", json=SINAR, headers={"Origin": "http://evil.example"}
    )
    assert foreign.status_code == 403
    assert db_rows(app, "SELECT COUNT(*) FROM events WHERE name LIKE 'service.%'") == [(0,)]


def test_each_change_is_in_the_log_with_who_did_it(app: Flask, hall: FlaskClient) -> None:
    hall.post("/api/services/lapor/suspend", json=SINAR)
    hall.post("/api/services/lapor/resume")
    rows = db_rows(
        app,
        "SELECT name, actor, service FROM events WHERE name LIKE 'service.%' ORDER BY id",
    )
    assert rows == [
        ("service.suspended", "sari", "lapor"),
        ("service.resumed", "sari", "lapor"),
    ]


def test_a_private_services_suspension_reaches_the_hall_without_its_name_or_reason(
    app: Flask, client: FlaskClient, hall: FlaskClient
) -> None:
    watcher = socketio.test_client(app)
    watcher.get_received()
    hall.post("/api/services/propam/suspend", json={"reason": "Server Propam mati"})
    sent = received(watcher, "service.suspended")
    assert sent and (sent[0]["service"], sent[0]["reason"]) == (None, None)
    assert client.get("/api/board").get_json()["suspended"] == {}
    kiosk = service_shown(client, "propam")
    assert kiosk["suspension"]["reason"] is None
    watcher.disconnect()


def test_the_report_page_lists_each_suspension_with_who_waited(
    app: Flask, hall: FlaskClient, clock: ManualClock
) -> None:
    hall.post("/api/services/lapor/suspend", json=SINAR)
    clock.advance(minutes=30)
    hall.post("/api/services/lapor/resume")
    report = hall.get("/api/admin/reports?from=2026-05-20&to=2026-05-20").get_json()
    assert report["suspensions"]["services"] == [
        {"id": "lapor", "name": "Laporan", "suspensions": 1, "suspended_minutes": 30, "waited": 2}
    ]
    page = hall.get("/admin/reports?from=2026-05-20&to=2026-05-20&lang=en").get_data(as_text=True)
    assert "Services suspended" in page and "Server SINAR gangguan" in page
    assert "2026-05-20 09:00" in page and "2026-05-20 09:30" in page
    section = page.split('id="suspensions"', 1)[1].split("</section>", 1)[0]
    assert '<td class="num">30</td>' in section and '<td class="num">2</td>' in section


def test_the_other_services_waits_no_longer_count_the_suspended_services_tickets(
    client: FlaskClient, hall: FlaskClient
) -> None:
    for _ in range(4):
        client.post("/api/tickets", json={"service": "lapor"})
    surat = client.post("/api/tickets", json={"service": "surat"}).get_json()["ticket"]
    before = surat["estimated_wait_minutes"]
    hall.post("/api/services/lapor/suspend", json=SINAR)
    during = client.get(f"/api/tickets/{surat['token']}").get_json()["ticket"]
    assert during["estimated_wait_minutes"] < before  # the Laporan numbers ahead are not called
    hall.post("/api/services/lapor/resume")
    after = client.get(f"/api/tickets/{surat['token']}").get_json()["ticket"]
    assert after["estimated_wait_minutes"] == before
