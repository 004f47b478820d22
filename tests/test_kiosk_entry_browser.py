"""The kiosk's keypad, the kiosk page on a phone and the longest names, in headless Chromium
against a real server: a booking code and a registration number are typed on the screen's own
keys, a phone that takes a ticket lands on the ticket's page, and no screen at any size has
parts that overflow, cover one another or break words."""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import requests
from playwright.sync_api import Browser, Locator, Page, expect

from shared.domain.clock import SHIFT_FILE_ENV
from tests.helpers import BASE_CONFIG
from tests.layout_checks import broken_words, overflows, overlaps
from tests.realserver import ServerProcess
from tests.test_bookings import BOOKING
from tests.test_kiosk_browser import LANDSCAPE, LONG_EN, LONG_ID, PORTRAIT, open_page

pytestmark = [pytest.mark.browser, pytest.mark.server]

KUPANG = ZoneInfo("Asia/Makassar")
PHONES = ({"width": 390, "height": 844}, {"width": 360, "height": 740})
TICKET_PAGE = re.compile(r"/t/[A-Za-z0-9_-]+$")
KEYS = {
    "id": {"delete": "Hapus", "clear": "Hapus semua", "check_in": "Check-in", "back": "Kembali"},
    "en": {"delete": "Delete", "clear": "Clear all", "check_in": "Check in", "back": "Back"},
}


def press(page: Page, keys: str) -> None:
    """Type on the kiosk's own keypad, one key at a time."""
    pad = page.locator(".kiosk-keypad:visible")
    for char in keys:
        pad.get_by_role("button", name=char, exact=True).click()


def service_button(page: Page, service: str) -> Locator:
    return page.locator(f'[data-service="{service}"]')


# ---- a booking code on the keypad ---------------------------------------------------------


@pytest.fixture
def booking_hall(tmp_path: Path) -> Iterator[tuple[ServerProcess, str]]:
    """Tomorrow 08.50 at the station: check-in for a 09.00 booking of `lapor` is open."""
    day = datetime.now(KUPANG).date() + timedelta(days=1)
    at = datetime.combine(day, time(8, 50), tzinfo=KUPANG)
    shift = tmp_path / "clock-shift"
    shift.write_text(str((at - datetime.now(UTC)).total_seconds()))
    services = copy.deepcopy(BASE_CONFIG["services"])
    services[0]["booking"] = BOOKING
    server = ServerProcess(tmp_path, env={SHIFT_FILE_ENV: str(shift)}, services=services)
    server.start()
    yield server, day.isoformat()
    server.stop()


def book(server: ServerProcess, day: str) -> dict:
    reply = requests.post(
        f"{server.url}/api/bookings",
        json={"service": "lapor", "starts_at": f"{day}T09:00+08:00"},
        timeout=10,
    )
    assert reply.status_code == 201, reply.text
    return reply.json()["booking"]


@pytest.mark.parametrize("lang", ["id", "en"])
def test_a_booking_code_typed_on_the_keypad_checks_in(
    chromium: Browser, booking_hall: tuple[ServerProcess, str], lang: str
) -> None:
    server, day = booking_hall
    code = book(server, day)["code"]
    words = KEYS[lang]
    with open_page(chromium, PORTRAIT, f"{server.url}/kiosk/kiosk-1?lang={lang}") as kiosk:
        kiosk.locator("#booking-open").click()
        expect(kiosk.locator("#start")).to_be_hidden()
        pad = kiosk.locator(".kiosk-keypad:visible")
        for absent in "IO01-":  # a code never has them: no key to mistype
            expect(pad.get_by_role("button", name=absent, exact=True)).to_have_count(0)
        for key in pad.get_by_role("button").all():
            box = key.bounding_box()
            assert box is not None and min(box["width"], box["height"]) >= 64
        press(kiosk, "ZZ")
        kiosk.get_by_role("button", name=words["clear"], exact=True).click()
        press(kiosk, code[:3] + "X")
        kiosk.get_by_role("button", name=words["delete"], exact=True).click()
        press(kiosk, code[4:])
        expect(kiosk.locator("#booking-code")).to_have_value(code.replace("-", ""))
        kiosk.get_by_role("button", name=words["check_in"], exact=True).click()
        expect(kiosk.locator("#confirm-number")).to_have_text("A-001")


def test_the_booking_keypad_goes_back_and_a_scanner_still_types_into_it(
    chromium: Browser, booking_hall: tuple[ServerProcess, str]
) -> None:
    server, day = booking_hall
    booking = book(server, day)
    with open_page(chromium, LANDSCAPE, f"{server.url}/kiosk/kiosk-1") as kiosk:
        kiosk.locator("#booking-open").click()
        press(kiosk, "K7")
        kiosk.get_by_role("button", name="Kembali", exact=True).click()
        expect(service_button(kiosk, "lapor")).to_be_visible()
        kiosk.locator("#booking-open").click()
        expect(kiosk.locator("#booking-code")).to_have_value("")
        press(kiosk, "A")
        kiosk.get_by_role("button", name="Hapus semua", exact=True).click()
        # A key has the focus now; the scanner's characters still go into the code.
        kiosk.keyboard.type(f"{server.url}/b/{booking['token']}")
        kiosk.keyboard.press("Enter")
        expect(kiosk.locator("#confirm-number")).to_have_text("A-001")


# ---- a registration number on the keypad ---------------------------------------------------


@pytest.fixture
def reference_hall(tmp_path: Path) -> Iterator[ServerProcess]:
    services = copy.deepcopy(BASE_CONFIG["services"])
    services[0]["reference"] = "required"
    services[1]["reference"] = "optional"
    server = ServerProcess(tmp_path, services=services)
    server.start()
    yield server
    server.stop()


def test_a_required_registration_number_names_the_service_goes_back_and_refuses_none(
    chromium: Browser, reference_hall: ServerProcess
) -> None:
    server = reference_hall
    with open_page(chromium, PORTRAIT, f"{server.url}/kiosk/kiosk-1") as kiosk:
        service_button(kiosk, "lapor").click()
        expect(kiosk.locator("#reference-service")).to_have_text("Laporan")
        expect(kiosk.locator("#reference-help")).to_contain_text("tanyakan kepada petugas")
        expect(kiosk.locator("#reference-skip")).to_be_hidden()
        kiosk.get_by_role("button", name="Lanjut", exact=True).click()
        expect(kiosk.locator("#reference-error")).to_have_text(
            "Layanan ini memerlukan nomor registrasi. Ketik nomor Anda, atau tanyakan kepada "
            "petugas."
        )
        expect(kiosk.locator("#confirm")).to_be_hidden()
        kiosk.get_by_role("button", name="English").click()
        expect(kiosk.locator("#reference-service")).to_have_text("Reports")
        expect(kiosk.locator("#reference-error")).to_contain_text("needs a registration number")
        kiosk.get_by_role("button", name="Back", exact=True).click()
        expect(service_button(kiosk, "lapor")).to_be_visible()
        service_button(kiosk, "lapor").click()
        expect(kiosk.locator("#reference-error")).to_be_hidden()
        press(kiosk, "SKCK-12/3")
        kiosk.get_by_role("button", name="Continue", exact=True).click()
        expect(kiosk.locator("#confirm-number")).to_have_text("A-001")
        token = kiosk.locator("#confirm-qr").get_attribute("src").split("/")[2]
    ticket = requests.get(f"{server.url}/api/tickets/{token}", timeout=10).json()["ticket"]
    assert ticket["reference"] == "SKCK-12/3"
    services = requests.get(f"{server.url}/api/services", timeout=10).json()["services"]
    assert {service["id"]: service["waiting"] for service in services}["lapor"] == 1


def test_an_optional_registration_number_may_be_skipped(
    chromium: Browser, reference_hall: ServerProcess
) -> None:
    with open_page(chromium, PORTRAIT, f"{reference_hall.url}/kiosk/kiosk-1?lang=en") as kiosk:
        service_button(kiosk, "surat").click()
        expect(kiosk.locator("#reference-help")).to_contain_text("Press Skip")
        kiosk.get_by_role("button", name="Skip", exact=True).click()
        expect(kiosk.locator("#confirm-number")).to_have_text("B-001")


# ---- a phone, and the longest names at every size ----------------------------------------

LONG_PRIVATE = {"id": LONG_ID.replace("Permohonan", "Konsultasi"), "en": LONG_EN}


@pytest.fixture
def long_names(tmp_path: Path) -> Iterator[ServerProcess]:
    """Names of 70 characters everywhere a citizen reads one, phones allowed to take tickets, and
    the browser seen as a phone when it says so (a trusted proxy's header)."""
    services = copy.deepcopy(BASE_CONFIG["services"])
    for service in services:
        service["name"] = {"id": LONG_ID, "en": LONG_EN}
    services[0]["reference"] = "required"
    services[3]["name"] = LONG_PRIVATE
    server = ServerProcess(
        tmp_path, services=services, phone_tickets=True, trusted_proxies=["127.0.0.1"]
    )
    server.start()
    yield server
    server.stop()


def assert_laid_out(page: Page, state: str, *, fixed: bool) -> None:
    """Nothing overflows its box or (on a kiosk) the screen, nothing covers its neighbour, and
    no name breaks inside a word."""
    problems = overflows(page, fixed_height=fixed)
    problems += overlaps(page, ".kiosk-header, main:not([hidden]), .kiosk-service, form")
    problems += broken_words(page, ".kiosk-service-name, .kiosk-service-alt, h1")
    assert problems == [], (state, page.viewport_size, problems)


@pytest.mark.parametrize("lang", ["id", "en"])
def test_every_kiosk_screen_holds_the_longest_names(
    chromium: Browser, long_names: ServerProcess, lang: str
) -> None:
    for viewport in (PORTRAIT, LANDSCAPE):
        with open_page(chromium, viewport, f"{long_names.url}/kiosk/kiosk-1?lang={lang}") as kiosk:
            expect(service_button(kiosk, "lapor")).to_be_enabled()
            assert_laid_out(kiosk, "start", fixed=True)
            kiosk.locator("[data-private]").click()
            expect(service_button(kiosk, "propam")).to_be_visible()
            assert_laid_out(kiosk, "private", fixed=True)
            kiosk.locator("#private-back").click()
            kiosk.locator("#booking-open").click()
            assert_laid_out(kiosk, "booking", fixed=True)
            kiosk.locator("#booking-close").click()
            service_button(kiosk, "lapor").click()
            kiosk.locator("#reference-submit").click()  # empty: the message shows too
            expect(kiosk.locator("#reference-error")).to_be_visible()
            assert_laid_out(kiosk, "reference", fixed=True)
            kiosk.locator("#reference-back").click()
            service_button(kiosk, "surat").click()
            expect(kiosk.locator("#confirm-qr")).to_have_js_property("complete", True)
            assert_laid_out(kiosk, "ticket", fixed=True)


@pytest.mark.parametrize("lang", ["id", "en"])
def test_a_phone_reads_the_kiosk_page_and_lands_on_its_ticket(
    chromium: Browser, long_names: ServerProcess, lang: str
) -> None:
    for index, viewport in enumerate(PHONES):
        # Each phone at its own address: a phone holds one open ticket, by cookie and address.
        address = {"X-Forwarded-For": f"10.0.{['id', 'en'].index(lang)}.{index + 7}"}
        context = chromium.new_context(viewport=viewport, extra_http_headers=address)
        phone = context.new_page()
        phone.goto(f"{long_names.url}/kiosk?lang={lang}")
        expect(phone.locator("#phone-only")).to_be_visible()
        expect(service_button(phone, "surat")).to_be_enabled()
        assert_laid_out(phone, "start", fixed=False)
        phone.locator("[data-private]").click()
        assert_laid_out(phone, "private", fixed=False)
        phone.locator("#private-back").click()
        service_button(phone, "lapor").click()
        expect(phone.locator(".kiosk-keypad:visible")).to_have_count(0)  # its own keyboard
        assert_laid_out(phone, "reference", fixed=False)
        phone.locator("#reference-input").fill("SKCK/123")
        phone.locator("#reference-submit").click()
        expect(phone).to_have_url(TICKET_PAGE)
        token = phone.url.rsplit("/", 1)[1]
        ticket = requests.get(f"{long_names.url}/api/tickets/{token}", timeout=10).json()
        expect(phone.locator("#number")).to_have_text(ticket["ticket"]["number"])
        assert ticket["ticket"]["reference"] == "SKCK/123"
        context.close()
