"""The counter console page: what it is given, the keys on its buttons, the language of acks."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from shared.web.socket_server import socketio
from tests.conftest import Auth
from tests.counter_board_fixtures import assert_no_inline_code, page_data


def test_the_console_knows_the_counters_services_and_standard_times(client: FlaskClient) -> None:
    response = client.get("/counter")
    assert response.status_code == 200
    data = page_data(response.text)
    assert data["counters"][0] == {
        "id": "loket-1",
        "name": {"id": "Loket 1", "en": "Loket 1"},
        "services": ["lapor", "surat"],
    }
    lapor = data["services"][0]
    assert lapor == {
        "id": "lapor",
        "prefix": "A",
        "unit": "SPKT",
        "standard_minutes": 15,
        "bookable": False,
    }
    assert data["service_names"]["lapor"] == {"id": "Laporan", "en": "Reports"}
    assert data["requeue_minutes"] == 30
    assert "ui.counter.call_next" in data["catalogue"]


def test_every_action_button_shows_its_own_key(client: FlaskClient) -> None:
    html = client.get("/counter").text
    keys = re.findall(
        r'data-action="(\w+)" data-key="(\w)" aria-keyshortcuts="(\w)">[^<]*<kbd>(\w)</kbd>', html
    )
    assert {action for action, *_ in keys} == {"call_next", "recall", "done", "no_show", "transfer"}
    for _, key, shortcut, shown in keys:
        assert key.upper() == shortcut == shown
    assert len({key for _, key, _, _ in keys}) == 5


def test_the_console_is_in_english_when_asked(client: FlaskClient) -> None:
    assert "Call next" in client.get("/counter?lang=en").text
    assert "Panggil berikutnya" in client.get("/counter").text


def test_the_console_keeps_every_script_and_style_in_files(client: FlaskClient) -> None:
    assert_no_inline_code(client, "/counter")


def test_acks_speak_the_language_the_console_names(
    app: Flask, client: FlaskClient, auth: Auth
) -> None:
    auth.login()
    english = socketio.test_client(app, flask_test_client=client, auth={"language": "en"})
    browser_default = socketio.test_client(
        app, flask_test_client=client, headers={"Accept-Language": "en-US"}
    )
    indonesian = socketio.test_client(
        app, flask_test_client=client, auth={"language": "id"}, headers={"Accept-Language": "en"}
    )
    for console, message in (
        (english, "Nobody is waiting for Loket 1."),
        (browser_default, "Nobody is waiting for Loket 1."),
        (indonesian, "Tidak ada antrean yang menunggu untuk Loket 1."),
    ):
        ack = console.emit("call_next", {"counter": "loket-1"}, callback=True)
        assert ack["error"] == {"code": "queue_empty", "message": message}
