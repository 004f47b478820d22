"""Acting on the ticket the officer sees: a stale screen is refused, changes nothing, and is told
who is served now; the answer carries the counter as it is after the action."""

from __future__ import annotations

import sqlite3

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import Auth


def events(app: Flask) -> int:
    path = app.extensions["satupintu"].config.database_path
    with sqlite3.connect(path) as db:
        return db.execute("SELECT COUNT(*) FROM events").fetchone()[0]


def status_of(app: Flask, number: str) -> str:
    path = app.extensions["satupintu"].config.database_path
    with sqlite3.connect(path) as db:
        return db.execute("SELECT status FROM tickets WHERE number = ?", [number]).fetchone()[0]


@pytest.fixture
def serving(client: FlaskClient, auth: Auth) -> FlaskClient:
    """Loket 1 serves A-001; A-002 and A-003 wait."""
    for _ in range(3):
        client.post("/api/tickets", json={"service": "lapor"})
    auth.login()
    called = client.post("/api/counters/loket-1/call-next", json={"current": None})
    assert called.get_json()["ticket"]["number"] == "A-001"
    return client


@pytest.mark.parametrize(
    ("action", "body"),
    [
        ("call-next", {}),
        ("done", {}),
        ("no-show", {}),
        ("recall", {}),
        ("transfer", {"service": "lantas"}),
        ("call", {"number": "A-003", "reason": "lansia"}),
        ("state", {"state": "break"}),
    ],
)
def test_an_action_from_a_screen_that_shows_nobody_is_refused_and_changes_nothing(
    app: Flask, serving: FlaskClient, action: str, body: dict[str, str]
) -> None:
    before = events(app)
    refused = serving.post(f"/api/counters/loket-1/{action}", json={**body, "current": None})
    assert refused.status_code == 409
    error = refused.get_json()["error"]
    assert (error["code"], error["current"]) == ("conflict", "A-001")
    assert "A-001" in error["message"]
    assert events(app) == before
    assert status_of(app, "A-001") == "called"


def test_an_action_naming_a_ticket_already_finished_is_refused(
    app: Flask, serving: FlaskClient
) -> None:
    finished = serving.post("/api/counters/loket-1/done", json={"current": "A-001"})
    assert finished.status_code == 200
    before = events(app)
    twice = serving.post("/api/counters/loket-1/call-next", json={"current": "A-001"})
    assert twice.status_code == 409
    assert twice.get_json()["error"]["current"] is None
    assert events(app) == before
    assert status_of(app, "A-002") == "waiting"


def test_the_answer_carries_the_counter_as_it_is_after_the_action(serving: FlaskClient) -> None:
    answer = serving.post("/api/counters/loket-1/call-next", json={"current": "A-001"}).get_json()
    desk = answer["counter"]
    assert answer["ticket"]["number"] == "A-002"
    assert (desk["id"], desk["state"], desk["ticket"]["number"]) == ("loket-1", "open", "A-002")
    assert [ticket["number"] for ticket in desk["waiting"]] == ["A-003"]
    assert desk["today"] == {"served": 1, "no_show": 0, "transferred": 0}
    assert desk["seq"] > 0
    assert serving.get("/api/counters/loket-1").get_json() == desk


def test_staff_answers_never_carry_a_citizens_token(serving: FlaskClient) -> None:
    answer = serving.post("/api/counters/loket-1/recall", json={"current": "A-001"}).get_json()
    counters = serving.get("/api/counters").get_json()["counters"]
    for ticket in (answer["ticket"], answer["counter"]["ticket"], counters[0]["ticket"]):
        assert "token" not in ticket
        assert "status_url" not in ticket


def test_without_current_an_action_keeps_its_old_meaning(serving: FlaskClient) -> None:
    assert serving.post("/api/counters/loket-1/done").status_code == 200


@pytest.mark.parametrize("current", [5, "", " ", ["A-001"], "A" * 30])
def test_a_malformed_current_is_a_clean_400(
    app: Flask, serving: FlaskClient, current: object
) -> None:
    before = events(app)
    response = serving.post("/api/counters/loket-1/done", json={"current": current})
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid_request"
    assert events(app) == before
