"""Reads anyone on the hall's Wi-Fi may make are limited per address; the hall's own devices,
its staff and a phone behaving like one are never refused. A socket event with unusable text
gets a clear refusal."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask_socketio import SocketIOTestClient

from satupintu.app import create_app
from shared.domain.clock import ManualClock
from shared.web.socket_server import socketio
from tests.helpers import make_config

PHONE = {"REMOTE_ADDR": "10.0.0.5"}


@pytest.mark.slow
def test_an_address_reading_too_fast_is_refused_and_the_hall_is_not(
    tmp_path: Path,
    clock: ManualClock,
) -> None:
    config = make_config(tmp_path, limits={"public_reads_per_minute": 5})
    app = create_app(config, clock=clock)
    scraper = app.test_client()
    answers = [scraper.get("/api/board", environ_base=PHONE) for _ in range(6)]
    assert [answer.status_code for answer in answers] == [200] * 5 + [429]
    assert answers[-1].get_json()["error"]["code"] == "rate_limited"
    assert int(answers[-1].headers["Retry-After"]) >= 1
    assert scraper.get("/api/services", environ_base=PHONE).status_code == 429
    phone = app.test_client()  # another phone, reading now and then
    assert phone.get("/api/services", environ_base={"REMOTE_ADDR": "10.0.0.6"}).status_code == 200
    kiosk = app.test_client()  # the server's own machine: its kiosk and board
    assert all(kiosk.get("/api/board").status_code == 200 for _ in range(10))
    assert all(kiosk.get("/api/services").status_code == 200 for _ in range(10))
    board = socketio.test_client(app)
    assert board.is_connected()


def test_a_watch_with_unusable_text_is_a_clear_refusal(app) -> None:  # type: ignore[no-untyped-def]
    phone: SocketIOTestClient = socketio.test_client(app)
    answer = phone.emit("watch", {"token": "\udcff"}, callback=True)
    assert answer["ok"] is False
    assert answer["error"]["code"] == "invalid_request"
