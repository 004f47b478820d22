"""Helpers for the counter and board tests: page data, inline-code checks, a board's socket."""

from __future__ import annotations

import json
import re
import threading
from typing import Any

import socketio
from flask.testing import FlaskClient

from tests.realserver import Listener


def page_data(html: str) -> dict[str, Any]:
    """The JSON a page hands its scripts (#page-data)."""
    found = re.search(r'<script type="application/json" id="page-data">(.*?)</script>', html, re.S)
    assert found
    return json.loads(found.group(1))


def assert_no_inline_code(client: FlaskClient, path: str) -> None:
    """The CSP forbids inline scripts, handlers and styles: every asset must load from a file."""
    html = client.get(path).text
    for tag in re.findall(r"<script[^>]*>", html):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    assert not re.search(r"<[^>]+\s(?:on[a-z]+|style)\s*=", html)
    assets = re.findall(r'(?:src|href)="(/[^"]+\.(?:js|css))"', html)
    assert len(assets) >= 3
    for asset in assets:
        assert client.get(asset).status_code == 200, asset


class BoardSocket(Listener):
    """A board's Socket.IO client, connected as /board/<board_id> connects it."""

    def __init__(self, url: str, board_id: str) -> None:
        self.events: list[tuple[str, Any]] = []
        self._lock = threading.Lock()
        self.client = socketio.Client(reconnection=False)
        self.client.on("*", self._record)
        self.client.connect(
            url, auth={"board": board_id}, transports=["websocket"], wait_timeout=10
        )
