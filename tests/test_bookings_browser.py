"""Bookings in Chromium: /book on a phone, and the kiosk's check-in by a typed code and by a
scanner that types the booking's link and Enter; axe finds nothing on the pages."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import requests
from playwright.sync_api import Browser, expect

from shared.domain.clock import SHIFT_FILE_ENV
from tests.helpers import BASE_CONFIG
from tests.realserver import ServerProcess
from tests.test_accessibility import assert_axe_finds_nothing
from tests.test_bookings import BOOKING

pytestmark = [pytest.mark.browser, pytest.mark.server]
KUPANG = ZoneInfo("Asia/Makassar")
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def hall(tmp_path: Path):
    day = datetime.now(KUPANG).date() + timedelta(days=1)
    at = datetime.combine(day, time(8, 50), tzinfo=KUPANG)  # check-in for 09:00 is open
    shift = tmp_path / "clock-shift"
    shift.write_text(str((at - datetime.now(UTC)).total_seconds()))
    services_ = copy.deepcopy(BASE_CONFIG["services"])
    services_[0]["booking"] = BOOKING
    server = ServerProcess(tmp_path, env={SHIFT_FILE_ENV: str(shift)}, services=services_)
    server.start()
    yield server, day
    server.stop()


def book(server: ServerProcess, day, at: str = "09:00") -> dict:
    reply = requests.post(
        f"{server.url}/api/bookings",
        json={"service": "lapor", "starts_at": f"{day.isoformat()}T{at}+08:00"},
        timeout=10,
    )
    assert reply.status_code == 201
    return reply.json()["booking"]


def test_a_citizen_books_on_a_phone_and_gets_the_code_qr_and_calendar(chromium: Browser, hall):
    server, day = hall
    page = chromium.new_page(viewport=PHONE)
    page.goto(f"{server.url}/book")
    assert_axe_finds_nothing(page)
    page.fill("#day", day.isoformat())
    page.dispatch_event("#day", "change")
    page.locator("#slots input[type=radio]:not([disabled])").first.check()
    page.click("#book-submit")
    expect(page.locator("#booked")).to_be_visible()
    code = page.locator("#code").inner_text()
    assert len(code) == 7 and code[3] == "-"
    assert page.locator("#ics").get_attribute("href").endswith("/booking.ics")
    expect(page.locator("#qr")).to_have_js_property("complete", True)  # loaded, then drawn
    assert page.evaluate("() => document.getElementById('qr').naturalWidth") > 0
    page.click("#status-link")
    expect(page.locator("#code")).to_have_text(code)
    assert_axe_finds_nothing(page)
    page.click("#cancel")
    expect(page.locator("#cancel")).to_be_hidden()
    page.close()


def test_the_kiosk_checks_in_a_typed_code_and_a_scanned_link(chromium: Browser, hall) -> None:
    server, day = hall
    typed, scanned = book(server, day), book(server, day)
    page = chromium.new_page(viewport={"width": 1280, "height": 800})
    page.goto(f"{server.url}/kiosk")
    page.click("#booking-open")
    assert_axe_finds_nothing(page)
    page.fill("#booking-code", typed["code"].replace("-", "").lower())
    page.click("#booking-submit")
    expect(page.locator("#confirm")).to_be_visible()
    expect(page.locator("#confirm-number")).to_have_text("A-001")
    expect(page.locator("#confirm-qr")).to_be_visible()
    page.click("#finish")
    expect(page.locator("#start")).to_be_visible()
    # The same code again (someone who saw it): the number, but no QR code of the ticket's page.
    page.click("#booking-open")
    page.fill("#booking-code", typed["code"])
    page.click("#booking-submit")
    expect(page.locator("#confirm-number")).to_have_text("A-001")
    expect(page.locator("#confirm-qr")).to_be_hidden()
    page.click("#finish")
    # A scanner types the QR's link and Enter on the start screen, nothing focused.
    page.keyboard.type(f"{server.url}/b/{scanned['token']}")
    page.keyboard.press("Enter")
    expect(page.locator("#confirm-number")).to_have_text("A-002")
    page.click("#finish")
    page.keyboard.type("ZZZZZZ")
    page.keyboard.press("Enter")
    expect(page.locator("#booking-problem")).to_be_visible()
    assert page.locator("#booking-problem").get_attribute("data-code") == "not_found"
    page.close()


def test_a_booking_checked_in_too_early_says_when_to_come_back(chromium: Browser, hall) -> None:
    server, day = hall
    later = book(server, day, "10:00")  # check-in opens at 09.30; it is 08.50
    page = chromium.new_page(viewport={"width": 1280, "height": 800})
    page.goto(f"{server.url}/kiosk")
    page.click("#booking-open")
    page.fill("#booking-code", later["code"])
    page.click("#booking-submit")
    problem = page.locator("#booking-problem")
    expect(problem).to_be_visible()
    assert problem.get_attribute("data-code") == "too_early"
    expect(page.locator("#booking-problem-title")).to_have_text("Belum waktunya check-in")
    expect(page.locator("#booking-problem-text")).to_contain_text("09.30")
    expect(page.locator("#confirm")).to_be_hidden()  # no ticket
    assert_axe_finds_nothing(page)
    page.close()


def test_a_booking_come_too_late_points_to_an_ordinary_ticket(
    chromium: Browser, hall, tmp_path: Path
) -> None:
    server, day = hall
    missed = book(server, day, "09:00")
    server.stop()  # the citizen comes at 09.20: check-in closed at 09.15
    at = datetime.combine(day, time(9, 20), tzinfo=KUPANG)
    (tmp_path / "clock-shift").write_text(str((at - datetime.now(UTC)).total_seconds()))
    server.start()
    page = chromium.new_page(viewport={"width": 1280, "height": 800})
    page.goto(f"{server.url}/kiosk")
    page.click("#booking-open")
    page.fill("#booking-code", missed["code"])
    page.click("#booking-submit")
    problem = page.locator("#booking-problem")
    expect(problem).to_be_visible()
    assert problem.get_attribute("data-code") == "booking_expired"
    expect(page.locator("#booking-problem-title")).to_have_text("Booking tidak dapat digunakan")
    expect(page.locator("#booking-problem-text")).to_contain_text(missed["code"])
    expect(page.locator("#booking-problem-hint")).to_contain_text("nomor antrean biasa")
    expect(page.locator("#confirm")).to_be_hidden()  # no ticket
    assert (
        requests.get(f"{server.url}/api/bookings/{missed['token']}", timeout=10).json()["booking"][
            "status"
        ]
        == "missed"
    )
    page.close()
