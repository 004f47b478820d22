"""Needs over HTTP: a bad need changes nothing, only the kind is kept (tickets, bookings, the log
and the exports), an interpreter ticket goes to the open counter with a BISINDO officer, and
the dashboard and the report say so."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from shared.application import presence
from shared.domain.clock import ManualClock
from shared.domain.config import Config
from tests.conftest import Auth
from tests.helpers import BASE_CONFIG, make_config

NEEDS = {"skills": {"rini": ["bisindo"]}, "seat_area": "Kursi biru", "interpreter_lead_hours": 24}
BOOKING = {"hours": ["08:00-12:00"], "slot_minutes": 30, "per_slot": 2, "days_ahead": 3,
           "counter_places": 0, "citizen_day_percent": 100}  # fmt: skip
REPORT = "/api/admin/reports?from=2026-05-20&to=2026-05-20"


@pytest.fixture
def config(tmp_path: Path) -> Config:
    services = [dict(service) for service in BASE_CONFIG["services"]]
    services[0]["booking"] = BOOKING
    return make_config(tmp_path, services=services, needs=NEEDS)


def rows(app: Flask, sql: str) -> list[dict[str, Any]]:
    with app.extensions["satupintu"].store.read() as db:
        return db.all(sql)


def issued_events(app: Flask) -> list[dict[str, Any]]:
    found = rows(app, "SELECT data FROM events WHERE name = 'ticket.issued' ORDER BY id")
    return [json.loads(row["data"]) for row in found]


def at_counter(app: Flask, counter: str, username: str) -> None:
    """`username`'s console is open at `counter` (as its socket says every minute)."""
    presence.attend(app.extensions["satupintu"], f"console-{username}", counter, username)


@pytest.mark.parametrize("need", ["tuli", "DEAF", "", 1, True, ["deaf"], {"kind": "deaf"}])
def test_a_bad_need_is_refused_and_changes_nothing(
    app: Flask, client: FlaskClient, need: object
) -> None:
    if need == "":
        need = "hard of hearing"
    response = client.post("/api/tickets", json={"service": "lapor", "need": need})
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "invalid_request"
    assert "deaf, sight, interpreter" in error["message"]
    assert rows(app, "SELECT id FROM tickets") == []
    assert issued_events(app) == []


def test_only_the_kind_of_need_is_kept_on_the_ticket_and_in_its_events(
    app: Flask, client: FlaskClient
) -> None:
    plain = client.post("/api/tickets", json={"service": "lapor"}).get_json()["ticket"]
    deaf = client.post("/api/tickets", json={"service": "lapor", "need": "deaf"}).get_json()
    assert (plain["need"], deaf["ticket"]["need"]) == (None, "deaf")
    assert (
        client.get(deaf["ticket"]["status_url"].replace("/t/", "/api/tickets/")).get_json()[
            "ticket"
        ]["need"]
        == "deaf"
    )
    first, second = issued_events(app)
    assert second["need"] == "deaf" and first["need"] is None
    assert set(first) == set(second)  # the kind, in a field every issue has: nothing about who
    assert [row["need"] for row in rows(app, "SELECT need FROM tickets ORDER BY id")] == [
        None,
        "deaf",
    ]


def test_the_call_of_a_need_carries_it_to_the_board_and_the_console(
    client: FlaskClient, auth: Auth
) -> None:
    client.post("/api/tickets", json={"service": "lapor", "need": "deaf"})
    auth.login()
    called = client.post("/api/counters/loket-1/call-next").get_json()
    assert called["ticket"]["need"] == "deaf"
    assert called["counter"]["seat_area"] == {"id": "Kursi biru", "en": "Kursi biru"}
    recent = client.get("/api/board").get_json()["recent"]
    assert recent[0]["number"] == "A-001" and recent[0]["need"] == "deaf"


def test_an_interpreter_ticket_goes_to_the_open_counter_with_a_bisindo_officer(
    app: Flask, client: FlaskClient, auth: Auth
) -> None:
    client.post("/api/tickets", json={"service": "lapor"})
    client.post("/api/tickets", json={"service": "lapor", "need": "interpreter"})
    client.post("/api/tickets", json={"service": "lapor"})
    auth.user("rini")
    at_counter(app, "loket-2", "rini")
    auth.login("budi")
    at_counter(app, "loket-1", "budi")
    desk = client.get("/api/counters/loket-1").get_json()
    assert [row["number"] for row in desk["waiting"]] == ["A-001", "A-003"]  # A-002 is rini's
    desk = client.get("/api/counters/loket-2").get_json()
    assert [(row["number"], row["routed"]) for row in desk["waiting"]] == [
        ("A-002", "bisindo"),
        ("A-001", None),
        ("A-003", None),
    ]
    assert client.post("/api/counters/loket-1/call-next").get_json()["ticket"]["number"] == "A-001"
    assert client.post("/api/counters/loket-1/call-next").get_json()["ticket"]["number"] == "A-003"
    empty = client.post("/api/counters/loket-1/call-next")
    assert empty.get_json()["error"]["code"] == "queue_empty"  # A-002 waits for rini
    client.post("/api/logout")
    client.post("/api/login", json={"username": "rini", "password": "rahasia-123"})
    called = client.post("/api/counters/loket-2/call-next").get_json()["ticket"]
    assert (called["number"], called["need"]) == ("A-002", "interpreter")
    logged = rows(app, "SELECT data FROM events WHERE name = 'ticket.called' ORDER BY id")
    assert [json.loads(row["data"])["skill"] for row in logged] == [None, None, "bisindo"]
    auth.login("sari", "supervisor")
    calls = client.get(REPORT).get_json()["fairness"]["calls"]
    listed = [(call["number"], call["kind"], call["passed_numbers"]) for call in calls]
    assert listed == [("A-003", "left_for_skill", ["A-002"])]  # A-002 passed nobody


def test_with_no_bisindo_officer_open_the_interpreter_ticket_keeps_its_turn(
    app: Flask, client: FlaskClient, auth: Auth
) -> None:
    client.post("/api/tickets", json={"service": "lapor", "need": "interpreter"})
    client.post("/api/tickets", json={"service": "lapor"})
    auth.user("rini")
    at_counter(app, "loket-2", "rini")
    auth.login("budi")
    closed = client.post("/api/counters/loket-2/state", json={"state": "closed"})
    assert closed.status_code == 200
    called = client.post("/api/counters/loket-1/call-next").get_json()["ticket"]
    assert called["number"] == "A-001"


def test_the_skilled_call_is_named_in_fairness_and_counted_in_the_needs_report(
    app: Flask, client: FlaskClient, auth: Auth
) -> None:
    client.post("/api/tickets", json={"service": "lapor"})
    client.post("/api/tickets", json={"service": "lapor", "need": "interpreter"})
    client.post("/api/tickets", json={"service": "lapor", "need": "deaf"})
    auth.user("rini")
    auth.login("sari", "supervisor")
    client.post("/api/logout")
    client.post("/api/login", json={"username": "rini", "password": "rahasia-123"})
    client.post("/api/counters/loket-2/call-next")  # A-002, first for the BISINDO officer
    client.post("/api/counters/loket-2/call-next")  # A-001
    client.post("/api/counters/loket-2/call-next")  # A-003
    client.post("/api/counters/loket-2/no-show")
    client.post("/api/logout")
    client.post("/api/login", json={"username": "sari", "password": "rahasia-123"})
    report = client.get(REPORT).get_json()
    skilled = [call for call in report["fairness"]["calls"] if call["kind"] == "skill"]
    assert [(c["number"], c["skill"], c["passed_numbers"]) for c in skilled] == [
        ("A-002", "bisindo", ["A-001"])
    ]
    needs = {row["need"]: row for row in report["needs"]["needs"]}
    assert (needs["deaf"]["issued"], needs["deaf"]["called"], needs["deaf"]["no_show"]) == (1, 1, 1)
    assert (needs["sight"]["issued"], needs["sight"]["called"]) == (0, 0)
    assert report["needs"]["everyone"]["called"] == 3
    assert report["needs"]["interpreter"] == {
        "requests": 1, "met_on_time": 1, "met_on_time_pct": 100.0, "wait_minutes": 30,
    }  # fmt: skip
    table = client.get(f"{REPORT}&format=csv&table=needs").get_data(as_text=True).splitlines()
    assert table[0] == "need,issued,called,no_show,avg_wait_minutes,p90_wait_minutes"
    assert table[1].startswith("deaf,1,1,1,")
    assert table[-1] == "interpreter_met_on_time,1,1,,,"
    page = client.get("/admin/reports?from=2026-05-20&to=2026-05-20").get_data(as_text=True)
    assert "Permintaan juru bahasa isyarat terpenuhi tepat waktu" in page


def test_an_interpreter_is_booked_the_lead_time_ahead_and_reaches_the_dashboard(
    app: Flask, client: FlaskClient, auth: Auth, clock: ManualClock
) -> None:
    soon = {"service": "lapor", "starts_at": "2026-05-20T10:00+08:00", "need": "interpreter"}
    refused = client.post("/api/bookings", json=soon)
    assert refused.status_code == 400
    assert "24 jam" in refused.get_json()["error"]["message"]
    assert rows(app, "SELECT id FROM bookings") == []
    bad = client.post("/api/bookings", json={**soon, "need": "juru bahasa"})
    assert bad.status_code == 400 and rows(app, "SELECT id FROM bookings") == []
    later = {**soon, "starts_at": "2026-05-21T10:00+08:00"}
    booking = client.post("/api/bookings", json=later).get_json()["booking"]
    assert booking["need"] == "interpreter"
    made = rows(app, "SELECT data FROM events WHERE name = 'booking.made'")
    assert json.loads(made[0]["data"])["need"] == "interpreter"
    client.post("/api/tickets", json={"service": "lapor", "need": "interpreter"})
    auth.user("rini")
    auth.login("sari", "supervisor")
    needs = client.get("/api/admin/dashboard").get_json()["interpreter_needs"]
    assert [row["number"] for row in needs["waiting"]] == ["A-001"]
    assert [(row["code"], row["starts_at"]) for row in needs["booked"]] == [
        (booking["code"], "2026-05-21T10:00+08:00")
    ]
    assert needs["covered"] is False
    at_counter(app, "loket-2", "rini")
    assert client.get("/api/admin/dashboard").get_json()["interpreter_needs"]["covered"] is True
