"""A private ticket's phone page in headless Chromium against a real server: the neutral label
and the numbered room, and nothing of the service in the page, in either language."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from playwright.sync_api import Browser, expect

from tests.realserver import ServerProcess
from tests.test_private_services import BUNDLED, ROOM, assert_nothing_gives_away

pytestmark = [pytest.mark.browser, pytest.mark.server]

PHONE = {"width": 360, "height": 740}


@pytest.fixture
def hall(tmp_path: Path) -> Iterator[ServerProcess]:
    """The bundled station's services (open all day) and counters."""
    services = [{k: v for k, v in s.items() if k != "hours"} for s in BUNDLED["services"]]
    server = ServerProcess(tmp_path, services=services, counters=BUNDLED["counters"])
    # An officer of the private services' units (Reskrim's PPA room, Propam's room).
    server.add_user("budi", units=",".join(sorted({s["unit"] for s in services})))
    server.start()
    yield server
    server.stop()


@pytest.mark.parametrize(("service", "room"), [("ppa", "1"), ("propam", "2")])
def test_a_private_ticket_phone_shows_the_neutral_label_and_room_and_nothing_else(
    chromium: Browser, hall: ServerProcess, service: str, room: str
) -> None:
    reply = requests.post(f"{hall.url}/api/tickets", json={"service": service}, timeout=10)
    ticket = reply.json()["ticket"]
    context = chromium.new_context(viewport=PHONE)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto(f"{hall.url}{ticket['status_url']}")
        expect(page.locator("#number")).to_have_text("R-001")
        expect(page.locator("#service")).to_have_text("Layanan khusus / konsultasi")
        assert_nothing_gives_away(service, page.content())

        officer = hall.session("budi")
        called = officer.post(f"{hall.url}/api/counters/{ROOM[service]}/call-next", timeout=10)
        assert called.ok, called.text
        expect(page.locator("#go-to")).to_have_text(f"Silakan menuju Ruang Layanan Khusus {room}")
        assert_nothing_gives_away(service, page.content())

        page.get_by_role("button", name="English").click()
        expect(page.locator("#service")).to_have_text("Special services / consultation")
        expect(page.locator("#go-to")).to_have_text(f"Please go to Private service room {room}")
        assert_nothing_gives_away(service, page.content())
        page.reload()
        expect(page.locator("#go-to")).to_have_text(f"Please go to Private service room {room}")
        assert_nothing_gives_away(service, page.content())
    finally:
        context.close()
    assert errors == []
    on_server = requests.get(f"{hall.url}/api/tickets/{ticket['token']}", timeout=10).json()
    assert on_server["ticket"]["service"] is None
    assert_nothing_gives_away(service, on_server)
