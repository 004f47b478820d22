"""Bookings at the counter in Chromium: the waiting list marks a booked ticket with its slot and
shows references, and an officer books a slot for a citizen and prints the slip; axe clean."""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
import requests
from playwright.sync_api import Browser, expect

from shared.domain.clock import SHIFT_FILE_ENV
from tests.helpers import BASE_CONFIG
from tests.realserver import PASSWORD, ServerProcess
from tests.test_accessibility import assert_axe_finds_nothing
from tests.test_board_browser import CONSOLE_VIEW
from tests.test_bookings import BOOKING
from tests.test_bookings_browser import KUPANG, book


@pytest.fixture
def hall(tmp_path: Path) -> Iterator[tuple[ServerProcess, date]]:
    """A hall at 08:50 tomorrow (check-in for 09:00 is open), lapor booked by the half hour."""
    day = datetime.now(KUPANG).date() + timedelta(days=1)
    at = datetime.combine(day, time(8, 50), tzinfo=KUPANG)
    shift = tmp_path / "clock-shift"
    shift.write_text(str((at - datetime.now(UTC)).total_seconds()))
    services_ = copy.deepcopy(BASE_CONFIG["services"])
    services_[0]["booking"] = BOOKING
    server = ServerProcess(tmp_path, env={SHIFT_FILE_ENV: str(shift)}, services=services_)
    server.add_user("budi")
    server.start()
    yield server, day
    server.stop()


pytestmark = [pytest.mark.browser, pytest.mark.server]


def test_the_console_marks_the_booked_ticket_and_books_a_citizen_at_the_counter(
    chromium: Browser, hall: tuple[ServerProcess, date]
) -> None:
    server, day = hall
    booking = book(server, day)
    checked_in = requests.post(
        f"{server.url}/api/bookings/{booking['code']}/check-in", json={}, timeout=10
    )
    assert checked_in.status_code == 201, checked_in.text
    walk_in = requests.post(
        f"{server.url}/api/tickets", json={"service": "lapor", "reference": "SINAR 42"}, timeout=10
    )
    assert walk_in.status_code == 201
    page = chromium.new_page(viewport=CONSOLE_VIEW)
    page.goto(f"{server.url}/counter")
    page.get_by_label("Nama pengguna").fill("budi")
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.get_by_role("button", name=re.compile("^Loket 1")).click()
    rows = page.locator("#waiting-rows tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0).locator(".badge-booking")).to_have_text("Booking 09.00")
    expect(rows.nth(1).locator(".row-reference")).to_have_text("No. registrasi: SINAR 42")
    assert_axe_finds_nothing(page)

    page.keyboard.press("b")
    dialog = page.get_by_role("dialog", name="Booking layanan")
    expect(dialog).to_be_visible()
    expect(page.locator("#booking-today li")).to_have_count(1)
    expect(page.locator("#booking-today li").first).to_contain_text(booking["code"])
    page.fill("#booking-day", day.isoformat())
    page.dispatch_event("#booking-day", "change")
    expect(page.locator("#booking-slot option").first).to_have_text("09.00 (1 tempat)")
    page.select_option("#booking-slot", index=0)
    page.fill("#booking-reference", "SKCK-7")
    assert_axe_finds_nothing(page)
    page.click("#booking-submit")
    expect(page.locator("#booking-made")).to_be_visible()
    code = page.locator("#booking-made-code").inner_text()
    assert re.fullmatch(r"[A-Z0-9]{3}-[A-Z0-9]{3}", code)
    expect(page.locator("#booking-print-status")).to_contain_text(code)  # no printer: say so
    expect(page.locator("#booking-today li")).to_have_count(2)
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    page.close()


# Whether an element is wholly inside the window and inside the dialog holding it.
IN_VIEW = """([selector, height]) => {
    const element = document.querySelector(selector);
    const box = element.getBoundingClientRect();
    const frame = element.closest("dialog").getBoundingClientRect();
    return box.height > 0 && box.top >= Math.max(0, frame.top)
        && box.bottom <= Math.min(height, frame.bottom);
}"""


@pytest.mark.parametrize("height", [768, 657])  # a laptop's screen, and its browser's window
def test_a_booking_made_at_the_counter_shows_its_code_in_view_and_clears_the_form(
    chromium: Browser, hall: tuple[ServerProcess, date], height: int
) -> None:
    server, day = hall
    for at in ("09:00", "09:30", "10:00"):  # today's list above the form takes room
        book(server, day, at)
    page = chromium.new_page(viewport={"width": 1366, "height": height})
    page.goto(f"{server.url}/counter")
    page.get_by_label("Nama pengguna").fill("budi")
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.get_by_role("button", name=re.compile("^Loket 1")).click()
    page.keyboard.press("b")
    expect(page.locator("#booking-today li")).to_have_count(3)
    if height == 768:  # on the laptop's screen, the form's buttons show without scrolling
        assert page.evaluate(IN_VIEW, ["#booking-submit", height])
    code = page.locator("#booking-made-code")
    for reference in ("SKCK-7", "SKCK-8"):  # two citizens, one after the other
        before = code.inner_text()
        page.fill("#booking-day", day.isoformat())
        page.dispatch_event("#booking-day", "change")
        page.select_option("#booking-slot", index=0)
        page.fill("#booking-reference", reference)
        page.click("#booking-submit")
        expect(code).not_to_have_text(before or "-")
        expect(code).to_have_text(re.compile(r"^[A-Z0-9]{3}-[A-Z0-9]{3}$"))
        made = code.inner_text()
        expect(page.locator("#booking-print-status")).to_contain_text(made)
        listed = page.locator("#booking-today li", has_text=made)
        expect(listed).to_contain_text(f"No. registrasi: {reference}")
        page.wait_for_function(IN_VIEW, arg=["#booking-made-code", height])
        expect(page.locator("#booking-reference")).to_have_value("")
    assert_axe_finds_nothing(page)
    page.close()
