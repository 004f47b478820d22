"""A counter's queue for its console: who waits in call order, no-shows to put back, the day."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from shared.domain.clock import ManualClock
from tests.conftest import Auth


def issue(client: FlaskClient, clock: ManualClock, service: str, priority: bool = False) -> str:
    clock.advance(minutes=1)
    response = client.post("/api/tickets", json={"service": service, "priority": priority})
    assert response.status_code == 201
    return response.json["ticket"]["number"]


def queue(client: FlaskClient, counter: str = "loket-1") -> dict[str, Any]:
    response = client.get(f"/api/counters/{counter}/waiting")
    assert response.status_code == 200, response.json
    return response.json


def numbers(client: FlaskClient, counter: str = "loket-1") -> list[str]:
    return [ticket["number"] for ticket in queue(client, counter)["waiting"]]


def act(client: FlaskClient, action: str, counter: str = "loket-1", **body: Any) -> dict[str, Any]:
    response = client.post(f"/api/counters/{counter}/{action}", json=body)
    assert response.status_code == 200, response.json
    return response.json["ticket"]


@pytest.mark.parametrize(
    ("mode", "order"),
    [
        ("priority_first", ["A-002", "B-002", "A-001", "B-001", "A-003"]),
        ("interleave", ["A-002", "A-001", "B-001", "A-003", "B-002"]),
    ],
)
def test_the_waiting_list_is_the_order_call_next_follows(
    app: Any, client: FlaskClient, auth: Auth, clock: ManualClock, mode: str, order: list[str]
) -> None:
    auth.login()
    station = app.extensions["satupintu"]
    station.config = station.config.model_copy(
        update={"call_policy": station.config.call_policy.model_copy(update={"mode": mode})}
    )
    issue(client, clock, "lapor")
    issue(client, clock, "surat")
    issue(client, clock, "lantas")  # another counter's service
    issue(client, clock, "lapor", priority=True)
    issue(client, clock, "surat", priority=True)
    issue(client, clock, "lapor")
    expected = numbers(client)
    assert expected == order
    called = []
    for _ in expected:
        listed = numbers(client)
        number = act(client, "call-next")["number"]
        assert number == listed[0]
        called.append(number)
    assert called == expected
    assert numbers(client) == []


def test_the_list_shows_service_priority_and_issue_time(
    client: FlaskClient, auth: Auth, clock: ManualClock
) -> None:
    auth.login()
    issue(client, clock, "surat", priority=True)
    (ticket,) = queue(client)["waiting"]
    assert ticket == {
        "number": "B-001",
        "service": "surat",
        "priority": True,
        "issued_at": "2026-05-20T09:01:00+08:00",
        "booked": False,
        "booked_for": None,
        "reference": None,
        "carried": False,
        "need": None,
        "routed": None,
    }


def test_a_transferred_ticket_waits_ahead_of_later_tickets_of_its_new_service(
    client: FlaskClient, auth: Auth, clock: ManualClock
) -> None:
    auth.login()
    issue(client, clock, "lapor")
    issue(client, clock, "lantas")
    act(client, "call-next")
    act(client, "transfer", service="lantas")
    assert numbers(client, "loket-3") == ["A-001", "C-001"]
    assert numbers(client, "loket-1") == []


def test_todays_counts_are_this_counters_own(
    client: FlaskClient, auth: Auth, clock: ManualClock
) -> None:
    auth.login()
    for _ in range(4):
        issue(client, clock, "lapor")
    act(client, "call-next")
    act(client, "call-next")  # finishes the first as done
    act(client, "no-show")
    act(client, "call-next")
    act(client, "transfer", service="lantas")
    act(client, "call-next", counter="loket-2")
    act(client, "done", counter="loket-2")
    assert queue(client)["today"] == {"served": 1, "no_show": 1, "transferred": 1}
    assert queue(client, "loket-2")["today"] == {"served": 1, "no_show": 0, "transferred": 0}


def test_todays_counts_start_again_on_a_new_day(
    client: FlaskClient, auth: Auth, clock: ManualClock
) -> None:
    auth.login()
    issue(client, clock, "lapor")
    act(client, "call-next")
    act(client, "done")
    clock.advance(days=1)
    client.post("/api/login", json={"username": "budi", "password": "rahasia-123"})
    assert queue(client)["today"] == {"served": 0, "no_show": 0, "transferred": 0}


def test_a_no_show_can_be_put_back_only_within_the_window(
    client: FlaskClient, auth: Auth, clock: ManualClock
) -> None:
    auth.login()
    issue(client, clock, "lapor")
    issue(client, clock, "lapor")
    act(client, "call-next")
    act(client, "no-show")
    assert [ticket["number"] for ticket in queue(client)["no_shows"]] == ["A-001"]
    act(client, "requeue", number="A-001")
    assert queue(client)["no_shows"] == []
    assert numbers(client) == ["A-001", "A-002"]
    act(client, "call-next")
    act(client, "no-show")
    clock.advance(minutes=31)
    assert queue(client)["no_shows"] == []
    assert queue(client, "loket-2")["no_shows"] == [], "only this counter's no-shows"


def test_only_officers_see_a_counters_queue(client: FlaskClient, auth: Auth) -> None:
    response = client.get("/api/counters/loket-1/waiting")
    assert response.status_code == 401
    assert response.json["error"]["code"] == "unauthorized"
    auth.login()
    response = client.get("/api/counters/loket-9/waiting")
    assert response.status_code == 404
    assert response.json["error"]["code"] == "not_found"
