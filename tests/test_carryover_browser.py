"""Carry-over and tunda giliran in Chromium, in both languages, with axe finding nothing: the
phone page's "let others go first" button and its live position, a carried ticket's phone page
saying until when it is valid, and the kiosk checking in a scanned carried-over paper ticket
(once: a second scan is refused in words)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import requests
from playwright.sync_api import Browser, Page, expect

from shared.domain.clock import SHIFT_FILE_ENV
from tests.realserver import ServerProcess
from tests.test_accessibility import assert_axe_finds_nothing
from tests.test_admin_browser import open_as

pytestmark = [pytest.mark.browser, pytest.mark.server]
KUPANG = ZoneInfo("Asia/Makassar")
PHONE = {"width": 390, "height": 844}
KIOSK = {"width": 1280, "height": 800}


class Hall:
    """A real server whose clock starts at 14:00 tomorrow and can be moved on."""

    def __init__(self, folder: Path) -> None:
        self.day = datetime.now(KUPANG).date() + timedelta(days=1)
        at = datetime.combine(self.day, time(14), tzinfo=KUPANG)
        self.shift = folder / "clock-shift"
        self.offset = (at - datetime.now(UTC)).total_seconds()
        self.shift.write_text(str(self.offset))
        self.server = ServerProcess(folder, env={SHIFT_FILE_ENV: str(self.shift)})
        self.server.add_user("budi")
        self.server.add_user("sari", "supervisor")
        self.server.start()
        self.url = self.server.url
        self.supervisor = self.server.session("sari")

    def take(self, service: str = "lapor") -> dict:
        reply = requests.post(f"{self.url}/api/tickets", json={"service": service}, timeout=10)
        assert reply.status_code == 201
        return reply.json()["ticket"]

    def next_morning(self) -> None:
        self.offset += 18 * 3600
        self.shift.write_text(str(self.offset))
        self.supervisor.post(f"{self.url}/api/admin/clock/accept", timeout=10)


@pytest.fixture
def hall(tmp_path: Path):
    found = Hall(tmp_path)
    yield found
    found.server.stop()


def in_english(page: Page) -> None:
    page.click("#language")
    expect(page.locator("html")).to_have_attribute("lang", "en")


def test_the_phone_lets_others_go_first_and_shows_the_new_place_live(
    chromium: Browser, hall: Hall
) -> None:
    mine = hall.take()
    for _ in range(4):
        hall.take()
    page = chromium.new_page(viewport=PHONE)
    page.goto(f"{hall.url}/t/{mine['token']}")
    button = page.locator("#step-back")
    expect(button).to_have_text("Tunda giliran (mundur 3 urutan)")
    expect(page.locator("#step-back-hint")).to_contain_text("2 kali")
    assert_axe_finds_nothing(page)
    button.click()
    expect(page.locator("#ahead")).to_contain_text("3")
    expect(page.locator("#step-back-status")).to_have_text(
        "Giliran Anda ditunda. Sekarang 3 orang di depan Anda."
    )
    expect(page.locator("#step-back-hint")).to_contain_text("1 kali")
    officer = hall.server.session("budi")
    officer.post(f"{hall.url}/api/counters/loket-1/call-next", json={}, timeout=10)
    expect(page.locator("#ahead")).to_contain_text("2")  # live, without a reload
    in_english(page)
    expect(button).to_have_text("Let others go first (3 places back)")
    expect(page.locator("#step-back-hint")).to_contain_text("1 times")
    assert_axe_finds_nothing(page)
    button.click()
    expect(page.locator("#step-back-hint")).to_have_text(
        "You have let others go first as often as allowed."
    )
    expect(button).to_be_disabled()
    assert_axe_finds_nothing(page)
    page.close()


def scan(page: Page, url: str, ticket: dict) -> None:
    """A scanner types the paper ticket's QR link and Enter on the kiosk's start screen."""
    page.keyboard.type(f"{url}/t/{ticket['token']}")
    page.keyboard.press("Enter")


def test_the_kiosk_checks_in_a_carried_ticket_once_in_both_languages(
    chromium: Browser, hall: Hall
) -> None:
    first, second = hall.take(), hall.take()
    carried = hall.supervisor.post(f"{hall.url}/api/admin/carry-over",
                                   json={"reason": "Jam layanan habis"}, timeout=10)  # fmt: skip
    assert carried.json() == {"carried": 2}
    phone = chromium.new_page(viewport=PHONE)
    phone.goto(f"{hall.url}/t/{first['token']}")
    until = hall.day + timedelta(days=1)
    expect(phone.locator("#carried-message")).to_contain_text("paling lambat")
    expect(phone.locator("#carried-message")).to_contain_text(str(until.day))
    expect(phone.locator("#state-waiting")).to_be_hidden()
    assert_axe_finds_nothing(phone)
    in_english(phone)
    expect(phone.locator("#carried-message")).to_contain_text("at the latest")
    assert_axe_finds_nothing(phone)
    phone.close()

    hall.next_morning()
    walk_in = hall.take()
    page = chromium.new_page(viewport=KIOSK)
    page.goto(f"{hall.url}/kiosk")
    expect(page.locator("#booking-open")).to_have_text(
        "Sudah punya kode booking atau karcis lanjutan?"
    )
    scan(page, hall.url, first)
    expect(page.locator("#confirm")).to_be_visible()
    expect(page.locator("#confirm-carried")).to_have_text("Lanjutan")
    expect(page.locator("#confirm-ahead")).to_contain_text("Tidak ada")  # before the walk-in
    expect(page.locator("#confirm-number")).not_to_have_text(walk_in["number"])
    assert_axe_finds_nothing(page)
    page.click("#finish")
    scan(page, hall.url, first)  # the same paper again
    problem = page.locator("#booking-problem")
    expect(problem).to_be_visible()
    assert problem.get_attribute("data-code") == "not_carried"
    expect(page.locator("#booking-problem-title")).to_have_text(
        "Karcis ini tidak dapat dipakai lagi"
    )
    expect(page.locator("#booking-problem-text")).to_contain_text("sudah check-in")
    assert_axe_finds_nothing(page)
    page.click("#booking-close")

    in_english(page)
    scan(page, hall.url, second)
    expect(page.locator("#confirm-carried")).to_have_text("Carried over")
    assert_axe_finds_nothing(page)
    page.click("#finish")  # the next citizen starts in the station's language
    in_english(page)
    scan(page, hall.url, second)
    expect(page.locator("#booking-problem-title")).to_have_text("This ticket cannot be used again")
    expect(page.locator("#booking-problem-text")).to_contain_text("already checked in")
    assert_axe_finds_nothing(page)
    page.close()


def test_a_supervisor_carries_a_service_over_from_the_dashboard(
    chromium: Browser, hall: Hall
) -> None:
    lapor, lantas = hall.take(), hall.take("lantas")
    page, problems = open_as(chromium, f"{hall.url}/admin", "sari")
    expect(page.locator("#tile-waiting")).to_have_text("2")
    page.select_option("#carry-service", "lapor")
    page.fill("#carry-reason", "Jam layanan habis")
    page.click("#carry-form button[type=submit]")
    expect(page.locator("#carry-result")).to_have_text(
        "1 nomor dilanjutkan ke hari buka berikutnya."
    )
    expect(page.locator("#tile-waiting")).to_have_text("1")
    ticket = requests.get(f"{hall.url}/api/tickets/{lapor['token']}", timeout=10).json()["ticket"]
    assert ticket["status"] == "carried"
    page.fill("#carry-numbers", lantas["number"])
    page.fill("#carry-reason", "")
    page.click("#carry-form button[type=submit]")
    expect(page.locator("#carry-result")).to_contain_text("wajib")  # a reason is required
    assert_axe_finds_nothing(page)
    refused = "the server responded with a status of 400"  # the reasonless request, logged
    assert [problem for problem in problems if refused not in problem] == []
    page.context.close()
