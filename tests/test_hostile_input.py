"""Bad input from the hall's Wi-Fi gets a clean 4xx and changes nothing: deep JSON, lone
surrogates, impossible months; spreadsheets never run a reason as a formula; an account
under attack slows down; a locked database fails every writer within one timeout."""

from __future__ import annotations

import sqlite3
import threading
import time

import pytest
from flask import Flask
from flask.testing import FlaskClient

from satupintu.app import create_app
from shared.application import ticket_issue
from shared.application.reporting.export import to_csv
from shared.application.reporting.reports import Period, build_report, station_source
from shared.application.sessions import FREE_FAILURES
from shared.domain.errors import Unavailable
from shared.store import store
from shared.web.socket_server import socketio
from tests.conftest import Auth
from tests.helpers import make_config
from tests.realserver import PASSWORD

DEEP = "[" * 1000 + "]" * 1000
LONE = "\udcff"


def events(app: Flask) -> int:
    with sqlite3.connect(app.extensions["satupintu"].config.database_path) as db:
        return db.execute("SELECT COUNT(*) FROM events").fetchone()[0]


@pytest.mark.parametrize("path", ["/api/tickets", "/api/login", "/api/counters/loket-1/call"])
def test_json_nested_a_thousand_deep_is_a_400(
    app: Flask, client: FlaskClient, auth: Auth, path: str
) -> None:
    auth.login()
    before = events(app)
    response = client.post(path, data=DEEP, content_type="application/json")
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid_request"
    assert events(app) == before


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/counters/loket-1/call", {"number": "A-001", "reason": f"luka {LONE}"}),
        ("/api/counters/loket-1/call", {"number": f"A-00{LONE}", "reason": "lansia"}),
        ("/api/counters/loket-1/requeue", {"number": f"A{LONE}"}),
        ("/api/counters/loket-1/done", {"current": f"A-001{LONE}"}),
    ],
)
def test_a_lone_surrogate_is_a_400_not_a_500(
    app: Flask, client: FlaskClient, auth: Auth, path: str, body: dict[str, str]
) -> None:
    client.post("/api/tickets", json={"service": "lapor"})
    auth.login()
    client.post("/api/counters/loket-1/call-next", json={"current": None})
    before = events(app)
    response = client.post(path, json=body)
    assert response.status_code == 400
    assert events(app) == before


def test_a_lone_surrogate_in_a_login_is_refused_cleanly(client: FlaskClient) -> None:
    for body in (
        {"username": f"budi{LONE}", "password": "x"},
        {"username": "budi", "password": LONE},
    ):
        assert client.post("/api/login", json=body).status_code == 400


def test_a_lone_surrogate_in_a_socket_event_gets_a_refusal(
    app: Flask, client: FlaskClient, auth: Auth
) -> None:
    auth.login()
    socket = socketio.test_client(app, flask_test_client=client)
    ack = socket.emit(
        "call", {"counter": "loket-1", "number": "A-001", "reason": LONE}, callback=True
    )
    assert (ack["ok"], ack["error"]["code"]) == (False, "invalid_request")
    socket.disconnect()


@pytest.mark.parametrize("month", ["9999-12", "0000-01", "2026-13", "20x6-01"])
def test_an_impossible_month_is_a_400(client: FlaskClient, auth: Auth, month: str) -> None:
    auth.login("sari", "supervisor")
    response = client.get(f"/api/admin/reports?month={month}")
    assert response.status_code == 400


def test_a_reason_never_runs_as_a_spreadsheet_formula(
    app: Flask, client: FlaskClient, auth: Auth
) -> None:
    for _ in range(2):
        client.post("/api/tickets", json={"service": "lapor"})
    auth.login()
    reason = '=HYPERLINK("http://evil.example","klik")\u202e'
    client.post("/api/counters/loket-1/call", json={"number": "A-002", "reason": reason})
    station = app.extensions["satupintu"]
    report = build_report(station_source(station), Period(station.today(), station.today()))
    fairness = to_csv(report, "fairness")
    assert "'=HYPERLINK" in fairness
    assert ",=HYPERLINK" not in fairness
    assert "\u202e" not in fairness


def test_an_account_that_keeps_failing_must_wait_longer_and_longer(
    app: Flask, client: FlaskClient, auth: Auth
) -> None:
    auth.user("budi")
    wrong = {"username": "budi", "password": "salah-salah"}
    for _ in range(FREE_FAILURES):
        assert client.post("/api/login", json=wrong).status_code == 401
    # From another address the account waits too: the throttle is the account's, not the IP's.
    elsewhere = app.test_client()
    slowed = elsewhere.post(
        "/api/login",
        json={"username": "budi", "password": PASSWORD},
        environ_base={"REMOTE_ADDR": "10.0.0.9"},
    )
    assert slowed.status_code == 429
    assert slowed.get_json()["error"]["code"] == "rate_limited"
    assert int(slowed.headers["Retry-After"]) >= 1


def test_the_wait_grows_and_a_success_resets_it(
    app: Flask, client: FlaskClient, auth: Auth, clock
) -> None:
    auth.user("budi")
    wrong = {"username": "budi", "password": "salah-salah"}
    right = {"username": "budi", "password": PASSWORD}
    waits = []
    for _ in range(FREE_FAILURES + 3):
        response = client.post("/api/login", json=wrong)
        if response.status_code == 429:
            waits.append(int(response.headers["Retry-After"]))
            clock.advance(seconds=waits[-1])
            client.post("/api/login", json=wrong)
    assert waits == sorted(waits) and waits[-1] > waits[0]
    clock.advance(seconds=3600)
    assert client.post("/api/login", json=right).status_code == 200
    assert client.post("/api/login", json=wrong).status_code == 401  # the count started over


@pytest.mark.slow
def test_writers_behind_a_locked_database_all_fail_within_one_timeout(
    tmp_path, clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store, "BUSY_TIMEOUT_SECONDS", 1)
    app = create_app(make_config(tmp_path), clock=clock)
    station = app.extensions["satupintu"]
    locker = sqlite3.connect(station.config.database_path, isolation_level=None)
    locker.execute("BEGIN IMMEDIATE")  # another process holds the write lock
    failed: list[float] = []
    started = time.monotonic()

    def write() -> None:

        with pytest.raises(Unavailable):
            ticket_issue.issue_ticket(station, "lapor")
        failed.append(time.monotonic() - started)

    writers = [threading.Thread(target=write) for _ in range(3)]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join()
    locker.execute("ROLLBACK")
    assert len(failed) == 3
    assert max(failed) < 2.5  # one bounded wait, not 1 s + 2 s + 3 s one after another
    station.store.close()
