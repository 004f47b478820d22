"""Hostile clients against bookings and phone tickets: a flood of addresses cannot hoard a
day's places or a quota, and a booking code seen over a shoulder does not open a ticket."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from satupintu.app import create_app
from shared.domain.clock import ManualClock
from shared.domain.config import Config
from tests.conftest import Auth
from tests.helpers import BASE_CONFIG, make_config

# 08:00-12:00 in 30-minute slots of 4 places: 8 slots, 32 places a day.
BOOKING = {"hours": ["08:00-12:00"], "slot_minutes": 30, "per_slot": 4, "days_ahead": 3}
TOMORROW = "2026-05-21"
SLOTS = [f"{TOMORROW}T{hour:02d}:{minute:02d}+08:00" for hour in range(8, 12) for minute in (0, 30)]


@pytest.fixture
def config(tmp_path: Path) -> Config:
    services = copy.deepcopy(BASE_CONFIG["services"])
    services[0]["booking"] = BOOKING
    services[1]["daily_quota"] = 60
    return make_config(
        tmp_path,
        services=services,
        phone_tickets=True,
        limits={**BASE_CONFIG["limits"], "bookings_per_minute": 0},
    )


@pytest.fixture
def app(config: Config, clock: ManualClock) -> Iterator[Flask]:
    app = create_app(config, clock=clock)
    yield app
    app.extensions["satupintu"].store.close()


def book(app: Flask, address: str, starts_at: str):
    """A booking from a client that drops its cookie each time (a fresh client)."""
    return app.test_client().post(
        "/api/bookings",
        json={"service": "lapor", "starts_at": starts_at},
        environ_base={"REMOTE_ADDR": address},
    )


def free_places(client: FlaskClient) -> dict[str, int]:
    listed = client.get(f"/api/bookings/slots?service=lapor&date={TOMORROW}").get_json()
    return {slot["starts_at"]: slot["free"] for slot in listed["slots"]}


def test_150_networks_booking_every_slot_leave_half_the_day_and_a_place_per_slot(
    app: Flask, auth: Auth
) -> None:
    made = 0
    for index in range(150):
        address = f"10.{index // 200}.{index % 200}.7"
        for starts_at in SLOTS:
            made += book(app, address, starts_at).status_code == 201
    assert made == 16  # half of the day's 32 places, at most 3 of each slot's 4
    assert all(free == 0 for free in free_places(app.test_client()).values())
    auth.login("budi")  # an officer books for a citizen at the counter: a place in every slot
    assert all(free >= 1 for free in free_places(auth.client).values())
    for starts_at in SLOTS:
        answer = auth.client.post(
            "/api/bookings", json={"service": "lapor", "starts_at": starts_at}
        )
        assert answer.status_code == 201, answer.get_json()


def test_addresses_of_one_network_share_its_daily_bookings(app: Flask, config: Config) -> None:
    answers = [book(app, f"192.168.1.{index}", SLOTS[index % 8]).status_code
               for index in range(2, 152)]  # fmt: skip
    assert answers.count(201) == 16  # the citizens' share ran out first
    other_day = [book(app, f"192.168.1.{index}", SLOTS[index % 8].replace("21T", "22T"))
                 for index in range(2, 30)]  # fmt: skip
    assert [answer.status_code for answer in other_day].count(201) == (
        config.limits.bookings_per_network_per_day - 16
    )
    assert other_day[-1].status_code == 429
    assert "jaringan" in other_day[-1].get_json()["error"]["message"]


def test_a_repeated_check_in_gives_the_number_but_never_the_token(
    app: Flask, clock: ManualClock
) -> None:
    code = book(app, "10.0.0.9", SLOTS[0]).get_json()["booking"]["code"]
    clock.set(datetime.fromisoformat("2026-05-21T07:45:00+08:00"))
    kiosk = app.test_client()
    key = {"Idempotency-Key": "tap-1"}
    first = kiosk.post(f"/api/bookings/{code}/check-in", json={}, headers=key)
    assert first.status_code == 201 and first.get_json()["ticket"]["token"]
    retry = kiosk.post(f"/api/bookings/{code}/check-in", json={}, headers=key)
    assert retry.status_code == 200
    assert retry.get_json()["ticket"]["token"] == first.get_json()["ticket"]["token"]
    for headers in ({}, {"Idempotency-Key": "tap-2"}):
        again = kiosk.post(f"/api/bookings/{code}/check-in", json={}, headers=headers)
        assert again.status_code == 200
        ticket = again.get_json()["ticket"]
        assert ticket["number"] == first.get_json()["ticket"]["number"]
        assert "token" not in ticket and "status_url" not in ticket
        assert first.get_json()["ticket"]["token"] not in again.get_data(as_text=True)
    other = book(app, "10.0.0.10", SLOTS[0]).get_json()["booking"]["code"]
    reused = kiosk.post(f"/api/bookings/{other}/check-in", json={}, headers=key)
    assert reused.status_code == 409 and reused.get_json()["error"]["code"] == "conflict"


def test_an_officer_sees_only_the_bookings_of_a_counter_they_work_at(
    app: Flask, auth: Auth
) -> None:
    code = book(app, "10.0.0.9", "2026-05-20T10:00+08:00").get_json()["booking"]["code"]
    auth.login("budi")
    assert auth.client.get("/api/bookings").status_code == 400
    mine = auth.client.get("/api/bookings?counter=loket-1").get_json()
    assert [booking["code"] for booking in mine["services"]["lapor"]] == [code]
    assert auth.client.get("/api/bookings?counter=loket-3").get_json()["services"] == {}
    assert auth.client.get("/api/bookings?counter=nope").status_code == 404
    auth.user("tono")
    auth.client.post("/api/logout")
    from shared.application.users import set_units

    set_units(app.extensions["satupintu"], "tono", "Lantas", "test")
    auth.client.post("/api/login", json={"username": "tono", "password": "rahasia-123"})
    refused = auth.client.get("/api/bookings?counter=loket-1")
    assert refused.status_code == 403 and code not in refused.get_data(as_text=True)


def take(app: Flask, address: str, service: str = "surat"):
    # A fresh client each time: the phone drops its cookie.
    return app.test_client().post(
        "/api/tickets", json={"service": service}, environ_base={"REMOTE_ADDR": address}
    )


def test_phones_dropping_their_cookie_hold_one_ticket_per_address(app: Flask) -> None:
    answers = [take(app, f"10.0.0.{index % 6 + 2}").status_code for index in range(60)]
    assert answers.count(201) == 6
    assert set(answers) == {201, 409}


def test_phones_take_at_most_their_share_of_a_quota_and_the_kiosk_the_rest(app: Flask) -> None:
    answers = [take(app, f"10.0.{index // 200}.{index % 200 + 2}") for index in range(40)]
    assert [answer.status_code for answer in answers].count(201) == 30  # half of 60
    assert "kios" in answers[-1].get_json()["error"]["message"]
    kiosk = app.test_client()
    for _ in range(30):
        assert kiosk.post("/api/tickets", json={"service": "surat"}).status_code == 201
