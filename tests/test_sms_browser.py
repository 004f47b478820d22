"""SMS in headless Chromium against a real server, in both languages: after taking a number the
kiosk offers "Kirim SMS saat giliran saya hampir tiba", whose keypad types the mobile number (a
wrong one is refused in words, the right one shown masked), and the counter console adds a
number for the citizen being served and shows it masked; axe finds nothing on either."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from playwright.sync_api import Browser, Page, expect

from tests.realserver import PASSWORD, ServerProcess
from tests.sms_fixtures import SMSD_CONFIG
from tests.test_accessibility import assert_axe_finds_nothing
from tests.test_board_browser import CONSOLE_VIEW
from tests.test_board_browser import open_page as open_console
from tests.test_kiosk_browser import PORTRAIT, open_page

pytestmark = [pytest.mark.browser, pytest.mark.server]

WORDS = {
    "id": {
        "offer": "Kirim SMS saat giliran saya hampir tiba",
        "send": "Kirim SMS ke nomor ini",
        "refused": "Nomor ponsel tidak dikenali",
        "done": "SMS akan dikirim ke 0812•••7890 saat giliran Anda hampir tiba.",
        "username": "Nama pengguna",
        "password": "Kata sandi",
        "login": "Masuk",
        "call": "^Panggil berikutnya",
        "add": "Tambah SMS",
        "shown": "SMS ke 0812•••7890",
    },
    "en": {
        "offer": "Text me when my turn is near",
        "send": "Text this number",
        "refused": "Not a mobile number we know",
        "done": "We will text 0812•••7890 when your turn is near.",
        "username": "Username",
        "password": "Password",
        "login": "Log in",
        "call": "^Call next",
        "add": "Add SMS",
        "shown": "SMS to 0812•••7890",
    },
}


@pytest.fixture
def hall(tmp_path: Path) -> Iterator[ServerProcess]:
    root = tmp_path / "gammu"
    root.mkdir()
    (root / "smsdrc").write_text(SMSD_CONFIG.format(root=root), encoding="utf-8")
    server = ServerProcess(tmp_path, sms={"gammu_config": str(root / "smsdrc")})
    server.add_user("budi")
    server.start()
    yield server
    server.stop()


def press(page: Page, keys: str) -> None:
    pad = page.locator(".kiosk-keypad:visible")
    for char in keys:
        pad.get_by_role("button", name=char, exact=True).click()


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_kiosk_takes_a_mobile_number_on_its_keypad(
    chromium: Browser, hall: ServerProcess, lang: str
) -> None:
    words = WORDS[lang]
    with open_page(chromium, PORTRAIT, f"{hall.url}/kiosk/kiosk-1?lang={lang}") as kiosk:
        kiosk.locator('[data-service="lapor"]').click()
        expect(kiosk.locator("#confirm-number")).to_have_text("A-001")
        kiosk.get_by_role("button", name=words["offer"]).click()
        expect(kiosk.locator("#confirm")).to_be_hidden()
        press(kiosk, "0211234567")
        kiosk.get_by_role("button", name=words["send"]).click()
        expect(kiosk.locator("#sms-error")).to_contain_text(words["refused"])
        assert_axe_finds_nothing(kiosk)
        kiosk.locator("#sms-input").fill("")
        press(kiosk, "+6281234567890")
        kiosk.get_by_role("button", name=words["send"]).click()
        expect(kiosk.locator("#sms-done")).to_have_text(words["done"])
        expect(kiosk.get_by_role("button", name=words["offer"])).to_be_hidden()
        assert_axe_finds_nothing(kiosk)


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_console_adds_a_number_and_shows_it_masked(
    chromium: Browser, hall: ServerProcess, lang: str
) -> None:
    words = WORDS[lang]
    requests.post(f"{hall.url}/api/tickets", json={"service": "lapor"}, timeout=10)
    for console in open_console(chromium, CONSOLE_VIEW, f"{hall.url}/counter?lang={lang}"):
        console.get_by_label(words["username"]).fill("budi")
        console.get_by_label(words["password"]).fill(PASSWORD)
        console.get_by_role("button", name=words["login"]).click()
        console.get_by_role("button", name=re.compile("^Loket 1")).click()
        console.get_by_role("button", name=re.compile(words["call"])).click()
        expect(console.locator("#current-number")).to_have_text("A-001")
        expect(console.locator("#current-sms")).to_be_hidden()
        console.locator("#sms-phone").fill("12345")
        console.get_by_role("button", name=words["add"]).click()
        expect(console.locator("#sms-error")).to_contain_text(words["refused"])
        console.locator("#sms-phone").fill("0812 3456 7890")
        console.get_by_role("button", name=words["add"]).click()
        expect(console.locator("#current-sms")).to_have_text(words["shown"])
        expect(console.locator("#sms-form")).to_be_hidden()
        assert "81234567890" not in console.content()
        assert_axe_finds_nothing(console)
