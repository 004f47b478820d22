"""What the wall board starts from: how each recent call ended, which services are closed, and
which counters show a number as served."""

from __future__ import annotations

import copy
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


@pytest.fixture
def config(tmp_path: Path) -> Config:
    """The test station at 09:00, with a service that opens at 13:00 and one with a quota of 1."""
    services = copy.deepcopy(BASE_CONFIG["services"])
    services[1]["daily_quota"] = 1
    services[2]["hours"] = {"open": "13:00", "close": "15:00"}
    return make_config(tmp_path, services=services)


def board(client: FlaskClient) -> dict[str, Any]:
    return client.get("/api/board").get_json()


def test_recent_calls_say_whether_the_citizen_was_served_absent_or_sent_elsewhere(
    client: FlaskClient, auth: Auth
) -> None:
    auth.login()
    for _ in range(3):
        client.post("/api/tickets", json={"service": "lapor"})
    client.post("/api/counters/loket-1/call-next")
    client.post("/api/counters/loket-1/no-show")
    client.post("/api/counters/loket-1/call-next")
    client.post("/api/counters/loket-1/transfer", json={"service": "surat"})
    client.post("/api/counters/loket-2/call-next")  # A-002 again, now for Surat
    client.post("/api/counters/loket-2/call-next")  # A-002 served, A-003 called
    recent = [
        (call["number"], call["counter"], call["outcome"]) for call in board(client)["recent"]
    ]
    assert recent == [
        ("A-003", "loket-2", None),
        ("A-002", "loket-2", "done"),
        ("A-002", "loket-1", "transferred"),
        ("A-001", "loket-1", "no_show"),
    ]


def test_a_number_called_again_ends_each_call_its_own_way(client: FlaskClient, auth: Auth) -> None:
    auth.login()
    client.post("/api/tickets", json={"service": "lapor"})
    client.post("/api/counters/loket-1/call-next")
    client.post("/api/counters/loket-1/no-show")
    client.post("/api/counters/loket-1/requeue", json={"number": "A-001"})
    client.post("/api/counters/loket-2/call-next")
    client.post("/api/counters/loket-2/return")  # the officer had to leave before serving
    client.post("/api/counters/loket-1/call-next")
    recent = board(client)["recent"]
    assert [(call["counter"], call["outcome"]) for call in recent] == [
        ("loket-1", None),
        ("loket-2", "returned"),
        ("loket-1", "no_show"),
    ]


def test_services_outside_their_hours_past_their_quota_or_without_an_open_counter_are_closed(
    client: FlaskClient, auth: Auth
) -> None:
    assert board(client)["closed"] == {"lantas": "hours"}
    client.post("/api/tickets", json={"service": "surat"})
    assert board(client)["closed"] == {"lantas": "hours", "surat": "quota"}
    auth.login("sari", "supervisor")
    client.post("/api/counters/loket-4/state", json={"state": "closed"})
    assert board(client)["closed"]["private"] == "counters"  # the private services, together
    assert "propam" not in board(client)["closed"]
    client.post("/api/counters/loket-1/state", json={"state": "closed"})
    assert "lapor" not in board(client)["closed"], "loket-2 still serves Laporan"
    client.post("/api/counters/loket-2/state", json={"state": "break"})
    assert "lapor" not in board(client)["closed"], "a counter on break comes back"
    client.post("/api/counters/loket-2/state", json={"state": "closed"})
    assert board(client)["closed"]["lapor"] == "counters"


def test_a_call_left_without_an_officer_leaves_the_board_but_stays_with_its_counter(
    app: Flask, client: FlaskClient, auth: Auth, clock: ManualClock
) -> None:
    station = app.extensions["satupintu"]
    auth.login()
    for _ in range(2):
        client.post("/api/tickets", json={"service": "lapor"})
    presence.attend(station, "console-1", "loket-1", "budi")
    presence.attend(station, "console-2", "loket-2", "budi")
    client.post("/api/counters/loket-1/call-next")  # A-001, the officer stays
    client.post("/api/counters/loket-2/call-next")  # A-002, then that console goes away
    presence.leave(station, "console-2")

    def shown() -> dict[str, str | None]:
        return {counter["id"]: counter["ticket"] for counter in board(client)["counters"]}

    clock.advance(minutes=10)  # `unattended_call_minutes`: 10
    presence.attend(station, "console-1", "loket-1", "budi")  # the console's heartbeat
    assert shown()["loket-2"] == "A-002"
    clock.advance(minutes=1)
    presence.attend(station, "console-1", "loket-1", "budi")
    assert shown()["loket-1"] == "A-001"
    assert shown()["loket-2"] is None
    assert [call["number"] for call in board(client)["recent"]] == ["A-002", "A-001"]
    desk = client.get("/api/counters/loket-2").get_json()  # the officer can still finish it
    assert desk["ticket"]["number"] == "A-002"
    assert desk["ticket"]["status"] == "called"

    presence.attend(station, "console-3", "loket-2", "budi")  # someone is back at the counter
    assert shown()["loket-2"] == "A-002"
