"""The HTTP API in-process: contract shapes, roles, the Origin rule and clean errors."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from satupintu.app import create_app
from shared.application.devices import Kind, invite
from tests.conftest import Auth
from tests.helpers import make_config


def ticket_count(app: Flask) -> int:
    with app.extensions["satupintu"].store.read() as db:
        return db.one("SELECT COUNT(*) AS n FROM tickets")["n"]


def test_services_list_every_service_with_names_and_waiting(client: FlaskClient) -> None:
    services = client.get("/api/services").get_json()["services"]
    first = services[0]
    assert {"id", "name", "prefix", "unit", "open", "waiting"} <= set(first)
    assert (first["id"], first["name"], first["open"], first["waiting"]) == (
        "lapor", "Laporan", True, 0
    )  # fmt: skip
    english = client.get("/api/services", headers={"Accept-Language": "en-GB,en;q=0.8"})
    assert english.get_json()["services"][0]["name"] == "Reports"


def test_a_kiosk_gets_a_ticket_and_a_print_result(client: FlaskClient) -> None:
    response = client.post("/api/tickets", json={"service": "lapor", "kiosk": "kiosk-1"})
    assert response.status_code == 201
    body = response.get_json()
    assert body["ticket"]["number"] == "A-001"
    assert body["print"] == {"status": "disabled", "error": None, "fault": None}
    status = client.get(body["ticket"]["status_url"].replace("/t/", "/api/tickets/"))
    assert status.get_json()["ticket"]["number"] == "A-001"


def test_a_retried_request_with_the_same_key_gets_the_same_ticket(
    app: Flask, client: FlaskClient
) -> None:
    headers = {"Idempotency-Key": "kiosk-1-tap-42"}
    first = client.post("/api/tickets", json={"service": "lapor"}, headers=headers)
    again = client.post("/api/tickets", json={"service": "lapor"}, headers=headers)
    other = client.post("/api/tickets", json={"service": "surat"}, headers=headers)
    assert (first.status_code, again.status_code, other.status_code) == (201, 200, 409)
    assert again.get_json()["ticket"]["token"] == first.get_json()["ticket"]["token"]
    assert other.get_json()["error"]["code"] == "conflict"
    assert ticket_count(app) == 1


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"service": "nope"}, 400, "unknown_service"),
        ({"service": 7}, 400, "unknown_service"),
        ({}, 400, "unknown_service"),
        ({"service": "lapor", "priority": "ya"}, 400, "invalid_request"),
        ({"service": "lapor", "kiosk": "kiosk-9"}, 400, "invalid_request"),
        (["lapor"], 400, "invalid_request"),
    ],
)
def test_bad_ticket_requests_get_a_clean_error_and_change_nothing(
    app: Flask, client: FlaskClient, body: object, status: int, code: str
) -> None:
    response = client.post("/api/tickets", json=body)
    assert response.status_code == status
    assert response.get_json()["error"]["code"] == code
    assert response.get_json()["error"]["message"]
    assert ticket_count(app) == 0


def test_malformed_json_and_huge_bodies_are_refused(app: Flask, client: FlaskClient) -> None:
    broken = client.post("/api/tickets", data="{service:", content_type="application/json")
    assert broken.status_code == 400
    assert broken.get_json()["error"]["code"] == "invalid_request"
    huge = client.post("/api/tickets", data="x" * 200_000, content_type="application/json")
    assert huge.status_code == 413
    assert huge.get_json()["error"]["code"] == "payload_too_large"
    assert ticket_count(app) == 0


def test_unknown_api_paths_and_methods_answer_json(client: FlaskClient) -> None:
    missing = client.get("/api/nothing-here")
    assert missing.status_code == 404
    assert missing.get_json()["error"]["code"] == "not_found"
    wrong = client.delete("/api/services")
    assert wrong.status_code == 405
    assert wrong.get_json()["error"]["code"] == "invalid_request"
    unknown = client.get("/api/tickets/not-a-token")
    assert unknown.status_code == 404


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/counters"),
        ("post", "/api/counters/loket-1/call-next"),
        ("post", "/api/counters/loket-1/recall"),
        ("post", "/api/counters/loket-1/done"),
        ("post", "/api/counters/loket-1/no-show"),
        ("post", "/api/counters/loket-1/transfer"),
        ("post", "/api/counters/loket-1/call"),
        ("post", "/api/counters/loket-1/state"),
    ],
)
def test_counter_routes_need_a_logged_in_officer(
    client: FlaskClient, method: str, path: str
) -> None:
    response = getattr(client, method)(path, json={})
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"


def test_an_officer_serves_a_citizen_over_http(client: FlaskClient, auth: Auth) -> None:
    auth.login()
    client.post("/api/tickets", json={"service": "lapor"})
    client.post("/api/tickets", json={"service": "lapor"})
    called = client.post("/api/counters/loket-1/call-next").get_json()["ticket"]
    assert (called["number"], called["counter"]) == ("A-001", "loket-1")
    assert client.post("/api/counters/loket-1/recall").status_code == 200
    counters = client.get("/api/counters").get_json()["counters"]
    assert counters[0]["ticket"]["number"] == "A-001"
    moved = client.post("/api/counters/loket-1/transfer", json={"service": "lantas"})
    assert moved.get_json()["ticket"]["service"] == "lantas"
    second = client.post("/api/counters/loket-1/call-next").get_json()["ticket"]
    assert second["number"] == "A-002"
    assert client.post("/api/counters/loket-1/no-show").get_json()["ticket"]["status"] == "no_show"
    conflict = client.post("/api/counters/loket-1/done")
    assert (conflict.status_code, conflict.get_json()["error"]["code"]) == (409, "conflict")
    empty = client.post("/api/counters/loket-1/call-next")
    assert (empty.status_code, empty.get_json()["error"]["code"]) == (404, "queue_empty")
    unknown = client.post("/api/counters/loket-9/call-next")
    assert (unknown.status_code, unknown.get_json()["error"]["code"]) == (404, "not_found")


def test_counter_state_and_out_of_turn_calls(client: FlaskClient, auth: Auth) -> None:
    auth.login()
    client.post("/api/tickets", json={"service": "lapor"})
    client.post("/api/tickets", json={"service": "lapor"})
    paused = client.post("/api/counters/loket-1/state", json={"state": "break"})
    assert paused.status_code == 200
    refused = client.post("/api/counters/loket-1/call-next")
    assert (refused.status_code, refused.get_json()["error"]["code"]) == (409, "conflict")
    client.post("/api/counters/loket-1/state", json={"state": "open"})
    no_reason = client.post("/api/counters/loket-1/call", json={"number": "A-002"})
    assert no_reason.status_code == 400
    called = client.post("/api/counters/loket-1/call", json={"number": "A-002", "reason": "lansia"})
    assert called.get_json()["ticket"]["number"] == "A-002"


def test_login_sets_an_httponly_samesite_cookie_and_logout_revokes_it(
    client: FlaskClient, auth: Auth
) -> None:
    auth.user("ani", "supervisor")
    response = client.post("/api/login", json={"username": "ani", "password": "rahasia-123"})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    token = cookie.split(";")[0].split("=", 1)[1]
    me = client.get("/api/me").get_json()["user"]
    assert me == {"username": "ani", "role": "supervisor", "units": None,
                  "counters": ["loket-1", "loket-2", "loket-3", "loket-4"]}  # fmt: skip
    client.post("/api/logout")
    # The old cookie, replayed, no longer opens anything.
    client.set_cookie("satupintu_session", token)
    assert client.get("/api/counters").status_code == 401


def test_passwords_and_sessions_are_kept_only_as_hashes(
    app: Flask, client: FlaskClient, auth: Auth
) -> None:
    auth.login("budi")
    token = client.get_cookie("satupintu_session").value
    with app.extensions["satupintu"].store.read() as db:
        stored = db.one("SELECT password_hash FROM users WHERE username = 'budi'")
        sessions = db.all("SELECT token_hash FROM sessions")
    assert stored["password_hash"].startswith("$argon2id$")
    assert "rahasia-123" not in stored["password_hash"]
    assert all(token not in row["token_hash"] for row in sessions)
    path = app.extensions["satupintu"].config.database_path
    files = [path, path.with_name(path.name + "-wal")]  # WAL mode: recent pages are in -wal
    database = b"".join(file.read_bytes() for file in files if file.exists())
    assert b"budi" in database  # the check reads where the data really is
    assert b"rahasia-123" not in database
    assert token.encode() not in database


def test_logging_in_again_rotates_the_session(client: FlaskClient, auth: Auth) -> None:
    auth.login("budi")
    first = client.get_cookie("satupintu_session").value
    client.post("/api/login", json={"username": "budi", "password": "rahasia-123"})
    second = client.get_cookie("satupintu_session").value
    assert second != first
    assert client.get("/api/me").status_code == 200
    client.set_cookie("satupintu_session", first)
    assert client.get("/api/me").status_code == 401


def test_a_wrong_password_is_401_and_opens_nothing(client: FlaskClient, auth: Auth) -> None:
    auth.user("budi")
    wrong = client.post("/api/login", json={"username": "budi", "password": "salah-sekali"})
    assert wrong.status_code == 401
    assert wrong.get_json()["error"]["code"] == "unauthorized"
    nobody = client.post("/api/login", json={"username": "siapa", "password": "salah-sekali"})
    assert nobody.status_code == 401
    assert client.get("/api/counters").status_code == 401


def test_a_cross_site_origin_cannot_change_anything(app: Flask, client: FlaskClient) -> None:
    evil = client.post(
        "/api/tickets", json={"service": "lapor"}, headers={"Origin": "http://evil.example"}
    )
    assert evil.status_code == 403
    assert evil.get_json()["error"]["code"] == "forbidden"
    same = client.post(
        "/api/tickets", json={"service": "lapor"}, headers={"Origin": "http://localhost"}
    )
    assert same.status_code == 201
    assert ticket_count(app) == 1


def test_the_board_snapshot_shows_counters_recent_calls_and_waiting(
    client: FlaskClient, auth: Auth
) -> None:
    auth.login()
    client.post("/api/tickets", json={"service": "lapor"})
    client.post("/api/tickets", json={"service": "lapor"})
    client.post("/api/counters/loket-2/call-next")
    board = client.get("/api/board").get_json()
    assert board["counters"][1] == {
        "id": "loket-2",
        "name": "Loket 2",
        "state": "open",
        "ticket": "A-001",
    }
    assert board["recent"][0]["number"] == "A-001"
    assert board["recent"][0]["called_at"].endswith("+08:00")
    assert board["waiting"]["lapor"] == 1
    assert board["seq"] > 0


def test_survey_only_after_the_service_and_only_once(client: FlaskClient, auth: Auth) -> None:
    auth.login()
    token = client.post("/api/tickets", json={"service": "lapor"}).get_json()["ticket"]["token"]
    early = client.post(f"/api/tickets/{token}/survey", json={"answers": {"kepuasan": 4}})
    assert early.status_code == 409
    client.post("/api/counters/loket-1/call-next")
    client.post("/api/counters/loket-1/done")
    bad = client.post(f"/api/tickets/{token}/survey", json={"answers": {"kepuasan": 5}})
    assert bad.status_code == 400
    first = client.post(f"/api/tickets/{token}/survey", json={"answers": {"kepuasan": 4}})
    assert first.status_code == 201
    again = client.post(f"/api/tickets/{token}/survey", json={"answers": {"kepuasan": 3}})
    assert again.status_code == 409


@pytest.mark.slow
def test_issuing_and_logging_in_too_fast_is_rate_limited(tmp_path, clock) -> None:
    config = make_config(tmp_path, limits={"tickets_per_minute": 2, "logins_per_minute": 1})
    app = create_app(config, clock=clock)
    client = app.test_client()
    statuses = [
        client.post("/api/tickets", json={"service": "lapor"}).status_code for _ in range(3)
    ]
    assert statuses == [201, 201, 429]
    limited = client.post("/api/tickets", json={"service": "lapor"})
    assert limited.get_json()["error"]["code"] == "rate_limited"
    assert ticket_count(app) == 2
    client.post("/api/login", json={"username": "x", "password": "salah-sekali"})
    assert client.post("/api/login", json={"username": "x", "password": "y"}).status_code == 429


@pytest.mark.slow
def test_one_kiosk_issuing_too_fast_is_limited_whatever_its_address(tmp_path, clock) -> None:
    """The kiosk's own limit counts what its credential sends, from wherever; a phone naming
    the kiosk is refused and uses none of it."""
    limits = {"tickets_per_minute": 0, "tickets_per_kiosk_per_minute": 2, "logins_per_minute": 0}
    app = create_app(make_config(tmp_path, limits=limits), clock=clock)
    client = app.test_client()
    code = invite(app.extensions["satupintu"], Kind.KIOSK, "kiosk-1", "test")
    assert client.post(f"/enrol/{code}").status_code == 303
    body = {"service": "lapor", "kiosk": "kiosk-1"}
    stranger = app.test_client()
    for _ in range(3):
        refused = stranger.post("/api/tickets", json=body, environ_base={"REMOTE_ADDR": "10.0.0.9"})
        assert refused.status_code == 403
    addresses = ["10.0.0.1", "10.0.0.2", "10.0.0.3"]
    statuses = [
        client.post("/api/tickets", json=body, environ_base={"REMOTE_ADDR": address}).status_code
        for address in addresses
    ]
    assert statuses == [201, 201, 429]
    other_kiosk = client.post("/api/tickets", json={"service": "lapor"})
    assert other_kiosk.status_code == 201
