"""The board page: one per `boards:` entry, its counters and services, no private names."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from shared.application import ticket_issue
from shared.domain.config import Config
from shared.store import eventlog
from tests.conftest import Auth
from tests.counter_board_fixtures import assert_no_inline_code, page_data
from tests.helpers import make_config


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return make_config(
        tmp_path,
        station={"name": "SPKT Uji", "running_text": {"id": "Layanan gratis", "en": "Free"}},
        boards=[
            {"id": "lantas", "name": "Ruang Lantas", "units": ["Lantas"]},
            {"id": "depan", "counters": ["loket-1", "loket-4"]},
        ],
    )


def test_the_board_shows_every_counter_and_the_running_text(client: FlaskClient) -> None:
    response = client.get("/board")
    assert response.status_code == 200
    data = page_data(response.text)
    assert [counter["id"] for counter in data["counters"]] == [
        "loket-1",
        "loket-2",
        "loket-3",
        "loket-4",
    ]
    assert data["running_text"] == {"id": "Layanan gratis", "en": "Free"}
    assert data["board"] is None


def test_a_configured_board_shows_only_its_counters_and_their_services(
    client: FlaskClient,
) -> None:
    lantas = page_data(client.get("/board/lantas").text)
    assert lantas["board"] == "lantas"
    assert [counter["id"] for counter in lantas["counters"]] == ["loket-3"]
    assert [service["id"] for service in lantas["services"]] == ["lantas"]
    front = page_data(client.get("/board/depan").text)
    assert [counter["id"] for counter in front["counters"]] == ["loket-1", "loket-4"]
    assert "Ruang Lantas" in client.get("/board/lantas").text


def test_an_unknown_board_is_not_found(client: FlaskClient) -> None:
    assert client.get("/board/gudang").status_code == 404


def test_a_private_service_never_reaches_the_board_by_name(client: FlaskClient) -> None:
    html = client.get("/board/depan").text
    assert "Propam" not in html
    data = page_data(html)
    assert [service["id"] for service in data["services"]] == ["lapor", "surat"]  # not even the id
    assert data["private_prefix"] == "R"
    assert "propam" not in data["service_names"]
    assert data["service_names"]["lapor"] == {"id": "Laporan", "en": "Reports"}
    assert page_data(client.get("/board/lantas").text)["private_prefix"] is None


def test_the_hall_never_learns_which_private_service_a_citizen_took(
    app: Flask, client: FlaskClient, auth: Auth
) -> None:
    station = app.extensions["satupintu"]
    ticket_issue.issue_ticket(station, "propam")
    ticket_issue.issue_ticket(station, "lapor")
    board = client.get("/api/board").get_json()
    assert board["waiting"] == {"lapor": 1, "surat": 0, "lantas": 0, "private": 1}
    with station.store.read() as db:
        [announced] = [found.event for found in eventlog.read(db.all(
            "SELECT id, at, actor, name, data FROM events WHERE name = 'queue.waiting' "
            "ORDER BY id DESC LIMIT 1"
        ))]  # fmt: skip
    assert announced.waiting == board["waiting"]  # what every socket heard
    public = {row["id"]: row["waiting"] for row in client.get("/api/services").json["services"]}
    assert (public["lapor"], public["propam"]) == (1, None)
    auth.login("budi", "officer")
    staff = {row["id"]: row["waiting"] for row in client.get("/api/services").json["services"]}
    assert staff["propam"] == 1  # the transfer dialog still shows each private queue


def test_the_board_keeps_every_script_and_style_in_files(client: FlaskClient) -> None:
    assert_no_inline_code(client, "/board/lantas")
