"""Hostile markup in every name a config can hold shows as text on every page, never as HTML."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from playwright.sync_api import Browser, Page

from tests.helpers import BASE_CONFIG
from tests.realserver import PASSWORD, ServerProcess

pytestmark = pytest.mark.browser

HOSTILE = '<img src="x" class="injected">'
SHORT_HOSTILE = "<i class=injected>"  # a board's name holds at most 20 characters


def hostile_config() -> dict[str, object]:
    data = copy.deepcopy(BASE_CONFIG)
    data["station"] = {"name": f"SPKT {HOSTILE}", "running_text": f"Info {HOSTILE}"}
    for service in data["services"]:  # type: ignore[union-attr]
        service["name"] = {"id": f"Layanan {HOSTILE}", "en": f"Service {HOSTILE}"}
        service["unit"] = f"Unit {HOSTILE}"
    for counter in data["counters"]:  # type: ignore[union-attr]
        counter["name"] = f"Loket {counter['id'][-1]} {HOSTILE}"
    data["kiosks"] = [{"id": "kiosk-1", "name": f"Kios {HOSTILE}"}]
    data["boards"] = [{"id": "utama", "name": f"P {SHORT_HOSTILE}"}]
    return data


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    folder: Path = tmp_path_factory.mktemp("hostile")
    data = hostile_config()
    server = ServerProcess(folder, **{k: v for k, v in data.items() if k != "limits"})
    server.add_user("budi")
    server.add_user("kepala", "admin")
    server.start()
    officer = server.session("budi")
    for _ in range(3):
        requests.post(f"{server.url}/api/tickets", json={"service": "lapor"}, timeout=10)
    officer.post(f"{server.url}/api/counters/loket-1/call-next", timeout=10)
    yield server
    server.stop()


def assert_shown_as_text(page: Page) -> None:
    page.wait_for_load_state("networkidle")
    assert page.locator(".injected").count() == 0, "config markup became HTML"
    assert "<img" in page.locator("body").inner_text(), "the hostile name is not shown at all"


def logged_in_page(chromium: Browser, server: ServerProcess, user: str) -> Page:
    context = chromium.new_context(viewport={"width": 1440, "height": 900})
    context.request.post(f"{server.url}/api/login", data={"username": user, "password": PASSWORD})
    context.add_init_script("localStorage.setItem('satupintu.counter', 'loket-1')")
    return context.new_page()


@pytest.mark.parametrize(
    ("path", "user"),
    [
        ("/", None),
        ("/kiosk/kiosk-1", None),
        ("/board/utama", None),
        ("/t/{token}", None),
        ("/survey/loket-1", None),
        ("/counter", "budi"),
        ("/admin", "kepala"),
        ("/admin/reports", "kepala"),
        ("/admin/handover", "kepala"),
        ("/admin/users", "kepala"),
    ],
)
def test_config_names_are_escaped_on_every_page(
    chromium: Browser, hostile: ServerProcess, path: str, user: str | None
) -> None:
    if "{token}" in path:
        ticket = requests.post(
            f"{hostile.url}/api/tickets", json={"service": "surat"}, timeout=10
        ).json()["ticket"]
        path = path.format(token=ticket["token"])
    if user:
        page = logged_in_page(chromium, hostile, user)
    else:
        page = chromium.new_context(viewport={"width": 1080, "height": 1920}).new_page()
    try:
        page.goto(f"{hostile.url}{path}")
        assert_shown_as_text(page)
    finally:
        page.context.close()
