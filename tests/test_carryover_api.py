"""Carry-over and tunda giliran over HTTP: who may ask, what each answer says, and every bad
request a clear 4xx that changes nothing."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from shared.domain.clock import ManualClock
from shared.store import eventlog
from tests.conftest import Auth


def take(client: FlaskClient, service: str = "lapor") -> dict:
    response = client.post("/api/tickets", json={"service": service, "kiosk": "kiosk-1"})
    assert response.status_code == 201
    return response.get_json()["ticket"]


def last_row(app: Flask) -> int:
    with app.extensions["satupintu"].store.read() as db:
        return eventlog.last_row(db)["id"]


def test_a_supervisor_carries_a_service_or_chosen_numbers_over(
    client: FlaskClient, auth: Auth
) -> None:
    first, second, third = take(client), take(client), take(client, "lantas")
    auth.login("sari", "supervisor")
    body = {"numbers": [first["number"]], "reason": "Server SINAR gangguan"}
    chosen = client.post("/api/admin/carry-over", json=body)
    assert chosen.status_code == 200
    assert chosen.get_json() == {"carried": 1, "numbers": [first["number"]]}
    everyone = client.post("/api/admin/carry-over", json={"services": ["lapor"], "reason": "tutup"})
    assert everyone.get_json() == {"carried": 1}
    shown = client.get(f"/api/tickets/{second['token']}").get_json()["ticket"]
    assert (shown["status"], shown["carried_until"]) == ("carried", "2026-05-21")
    assert client.get(f"/api/tickets/{third['token']}").get_json()["ticket"]["status"] == "waiting"


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"reason": ""}, 400),
        ({"services": ["lapor"]}, 400),
        ({"services": "lapor", "reason": "tutup"}, 400),
        ({"services": ["nope"], "reason": "tutup"}, 400),
        ({"numbers": [], "reason": "tutup"}, 400),
        ({"numbers": "A-001", "reason": "tutup"}, 400),
        ({"numbers": ["A-999"], "reason": "tutup"}, 404),
        ({"numbers": [{"x": 1}], "reason": "tutup"}, 400),
        ({"numbers": ["A-001"], "reason": "x" * 201}, 400),
    ],
)
def test_a_bad_carry_over_is_a_clear_4xx_and_changes_nothing(
    app: Flask, client: FlaskClient, auth: Auth, body: dict, status: int
) -> None:
    take(client)
    auth.login("sari", "supervisor")
    before = last_row(app)
    response = client.post("/api/admin/carry-over", json=body)
    assert response.status_code == status
    assert response.get_json()["error"]["message"]
    assert last_row(app) == before


def test_only_a_supervisor_may_carry_over(client: FlaskClient, auth: Auth) -> None:
    mine = take(client)
    assert client.post("/api/admin/carry-over", json={"reason": "x"}).status_code == 401
    auth.login("budi", "officer")
    assert client.post("/api/admin/carry-over", json={"reason": "x"}).status_code == 403
    assert client.get(f"/api/tickets/{mine['token']}").get_json()["ticket"]["status"] == "waiting"


def test_the_next_day_the_old_ticket_checks_in_once_at_the_front(
    app: Flask, client: FlaskClient, auth: Auth, clock: ManualClock
) -> None:
    old, dropped = take(client), take(client, "lantas")
    auth.login("sari", "supervisor")
    client.post("/api/admin/carry-over", json={"services": ["lapor"], "reason": "tutup"})
    clock.advance(days=1)
    take(client)  # a walk-in of the new day
    checked = client.post(f"/api/tickets/{old['token']}/check-in", json={"kiosk": "kiosk-1"})
    assert checked.status_code == 201
    ticket = checked.get_json()["ticket"]
    assert (ticket["carried"], ticket["ahead"], ticket["number"]) == (True, 0, "A-002")
    before = last_row(app)
    twice = client.post(f"/api/tickets/{old['token']}/check-in", json={"kiosk": "kiosk-1"},
                        headers={"Accept-Language": "en"})  # fmt: skip
    assert twice.status_code == 409
    assert twice.get_json()["error"]["code"] == "not_carried"
    assert "A-002" in twice.get_json()["error"]["message"]
    never = client.post(f"/api/tickets/{dropped['token']}/check-in", json={})
    assert never.status_code == 409 and "tidak dilanjutkan" in never.get_json()["error"]["message"]
    unknown = client.post("/api/tickets/nothing-here/check-in", json={})
    assert unknown.status_code == 404
    bad_kiosk = client.post(f"/api/tickets/{old['token']}/check-in", json={"kiosk": 5})
    assert bad_kiosk.status_code == 400
    assert last_row(app) == before


def test_a_retried_check_in_with_its_key_gets_the_same_ticket(
    client: FlaskClient, auth: Auth, clock: ManualClock
) -> None:
    old = take(client)
    auth.login("sari", "supervisor")
    client.post("/api/admin/carry-over", json={"reason": "tutup"})
    clock.advance(days=1)
    key = {"Idempotency-Key": "k-1"}
    first = client.post(f"/api/tickets/{old['token']}/check-in", json={}, headers=key)
    again = client.post(f"/api/tickets/{old['token']}/check-in", json={}, headers=key)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.get_json()["ticket"]["token"] == first.get_json()["ticket"]["token"]


def test_the_phone_lets_others_go_first_until_its_limit(
    client: FlaskClient, app: Flask, clock: ManualClock
) -> None:
    mine = take(client)
    for _ in range(4):
        clock.advance(minutes=1)
        take(client)
    moved = client.post(f"/api/tickets/{mine['token']}/step-back")
    assert moved.status_code == 200
    assert moved.get_json()["ticket"]["step_back"] == {"places": 3, "left": 1}
    client.post(f"/api/tickets/{mine['token']}/step-back")
    before = last_row(app)
    refused = client.post(f"/api/tickets/{mine['token']}/step-back",
                          headers={"Accept-Language": "en"})  # fmt: skip
    assert refused.status_code == 409
    assert "2 times" in refused.get_json()["error"]["message"]
    assert client.post("/api/tickets/unknown/step-back").status_code == 404
    assert last_row(app) == before


def test_an_officer_moves_a_waiting_citizen_back_at_the_counter(
    client: FlaskClient, auth: Auth, app: Flask
) -> None:
    first, second = take(client), take(client)
    auth.login("budi", "officer")
    moved = client.post("/api/counters/loket-1/step-back", json={"number": first["number"]})
    assert moved.status_code == 200
    called = client.post("/api/counters/loket-1/call-next", json={})
    assert called.get_json()["ticket"]["number"] == second["number"]
    before = last_row(app)
    for body in ({}, {"number": "Z-999"}, {"number": 7}):
        assert client.post("/api/counters/loket-1/step-back", json=body).status_code in (400, 404)
    assert last_row(app) == before
