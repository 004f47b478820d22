"""The power notice in Chromium on every screen of a hall whose real UPS (upsd with the dummy
driver) loses power and gets it back: the wall board, the kiosk, the counter console, a
citizen's phone page and the supervisor's dashboard show "Listrik padam: layanan tetap
berjalan" with the battery's time while it lasts, the kiosk's card says why a service the
battery cannot last for takes no numbers, a page opened on battery shows the notice at once,
and everything goes back to normal by itself when the power is back."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
import requests
from playwright.sync_api import Browser, Page, expect

from shared.domain.i18n import text
from tests.realserver import ServerProcess
from tests.test_accessibility import assert_axe_finds_nothing
from tests.test_admin_browser import open_as
from tests.test_counter_browser import log_in
from tests.test_kiosk_browser import open_page
from tests.ups_fixtures import DummyUps, ups  # noqa: F401 (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.server]

SCREEN = {"width": 1366, "height": 768}
NOTICE = text("ui.power.notice", "id")


@pytest.fixture
def hall(tmp_path: Path, ups: DummyUps) -> Iterator[ServerProcess]:  # noqa: F811
    server = ServerProcess(tmp_path, power=ups.power(poll_seconds=1, close_below_minutes=1))
    server.add_user("budi")
    server.add_user("sari", "supervisor")
    server.start()
    yield server
    server.stop()


def notice(page: Page) -> object:
    return page.locator("#power-notice")


def test_every_screen_shows_the_power_cut_calmly_and_forgets_it_when_power_is_back(
    chromium: Browser,
    hall: ServerProcess,
    ups: DummyUps,  # noqa: F811
) -> None:
    first = requests.post(f"{hall.url}/api/tickets", json={"service": "lapor"}, timeout=10)
    phone_url = hall.url + first.json()["ticket"]["status_url"]
    requests.post(f"{hall.url}/api/tickets", json={"service": "lantas"}, timeout=10)
    with ExitStack() as pages:
        board = pages.enter_context(open_page(chromium, SCREEN, f"{hall.url}/board"))
        kiosk = pages.enter_context(open_page(chromium, SCREEN, f"{hall.url}/kiosk/kiosk-1"))
        console = pages.enter_context(open_page(chromium, SCREEN, f"{hall.url}/counter"))
        log_in(console)
        dashboard, problems = open_as(chromium, f"{hall.url}/admin", "sari")
        screens = (board, kiosk, console, dashboard)
        for page in screens:
            expect(page.locator("#power-notice")).to_be_hidden()

        ups.set("OB DISCHRG", runtime=25 * 60, charge=70)
        for page in screens:
            shown = page.locator("#power-notice")
            expect(shown).to_be_visible()
            expect(shown).to_contain_text(NOTICE)
            expect(shown).to_contain_text(text("ui.power.runtime", "id", minutes=25))
            expect(shown).to_contain_text(text("ui.power.notice", "en"))
        # Lantas has one waiting at its one counter: 30 minutes for a new number, 25 of battery
        # (Laporan: two counters, one waiting: 22.5 minutes).
        lantas = kiosk.locator('[data-service="lantas"]')
        expect(lantas).to_contain_text(text("ui.kiosk.closed.power", "id"))
        expect(lantas).to_be_disabled()
        expect(kiosk.locator('[data-service="lapor"]')).to_be_enabled()
        # A page opened on battery has the notice from the server, before any socket event.
        phone = pages.enter_context(open_page(chromium, {"width": 390, "height": 844}, phone_url))
        expect(phone.locator("#power-notice")).to_be_visible()
        expect(phone.locator("#power-notice")).to_contain_text(NOTICE)
        for page in (*screens, phone):
            assert_axe_finds_nothing(page)  # the notice too

        ups.set("OL")
        for page in (*screens, phone):
            expect(page.locator("#power-notice")).to_be_hidden()
        expect(lantas).to_be_enabled()
        expect(lantas).not_to_contain_text(text("ui.kiosk.closed.power", "id"))
        dashboard.context.close()
    assert not [problem for problem in problems if "401" not in problem], problems
