"""Take the README's screenshots of bookings: booking on a phone, the booking's own page, the
kiosk's check-in and the console's booking dialog.

Starts a real server with the bundled station (opening hours left out so the pictures do not
depend on the time of day) on a clock moved to 08.50 tomorrow, when check-in for a 09.00 slot
is open, books a few slots and photographs the pages in Debian's Chromium:

- docs/book.png: `/book` on a phone once a slot is booked (the code, the QR code, the
  calendar file);
- docs/booking-page.png: the booking's own page `/b/<token>`, where it can be cancelled;
- docs/kiosk-keypad.png: the kiosk's "Sudah punya kode booking?", a code typed on its keypad,
  and docs/kiosk-checkin.png the number it gives once checked in;
- docs/counter-bookings.png (1366x768): the console's booking dialog (key B) with today's
  bookings of its services;

and the same in English under docs/en/. Run: `.venv/bin/python -m docs.screenshots_bookings`
(`--lang id` or `--lang en` for one language only).
"""

from __future__ import annotations

import os
import re
import tempfile
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any
from unittest import mock
from zoneinfo import ZoneInfo

import requests
import yaml
from playwright.sync_api import Browser, expect, sync_playwright

from docs.shots import DOCS, Shots, languages
from shared.domain.clock import SHIFT_FILE_ENV
from tests.conftest import CHROMIUM, CHROMIUM_FLAGS
from tests.realserver import PASSWORD, ServerProcess

BUNDLED_CONFIG = DOCS.parent / "config.yaml"
BOOKED_SERVICE = "spkt-surat"
PHONE = {"width": 390, "height": 844}
PORTRAIT = {"width": 1080, "height": 1920}
CONSOLE = {"width": 1366, "height": 768}
PUBLIC_URL = "http://192.168.1.10:8000"


def station_overrides() -> dict[str, Any]:
    bundled = yaml.safe_load(BUNDLED_CONFIG.read_text(encoding="utf-8"))
    services = [
        {key: value for key, value in service.items() if key != "hours"}
        for service in bundled["services"]
    ]
    return {
        "station": {"name": bundled["station"]["name"]},
        "timezone": bundled["timezone"],
        "public_url": PUBLIC_URL,
        "printer": {"type": "preview"},
        "services": services,
        "counters": bundled["counters"],
        "kiosks": bundled["kiosks"],
    }


def tomorrow_at(zone: ZoneInfo, hour: int, minute: int) -> datetime:
    day = datetime.now(zone).date() + timedelta(days=1)
    return datetime.combine(day, time(hour, minute), tzinfo=zone)


def book(server: ServerProcess, starts_at: datetime) -> dict[str, Any]:
    reply = requests.post(
        f"{server.url}/api/bookings",
        json={"service": BOOKED_SERVICE, "starts_at": starts_at.isoformat()},
        timeout=10,
    )
    reply.raise_for_status()
    return reply.json()["booking"]


def main() -> None:
    zone = ZoneInfo(str(station_overrides()["timezone"]))
    for lang in languages(__doc__.splitlines()[0]):
        with tempfile.TemporaryDirectory() as folder:
            shift = Path(folder) / "clock-shift"
            now = tomorrow_at(zone, 8, 50)
            shift.write_text(str((now - datetime.now(UTC)).total_seconds()))
            server = ServerProcess(
                Path(folder), env={SHIFT_FILE_ENV: str(shift)}, **station_overrides()
            )
            with mock.patch.dict(os.environ, {SHIFT_FILE_ENV: str(shift)}):
                server.add_user("budi")  # on the moved clock too: the server sees no jump
            server.start()
            try:
                shots = Shots(lang)
                take(server, shots, now)
                shots.compact()
            finally:
                server.stop()


def take(server: ServerProcess, shots: Shots, now: datetime) -> None:
    nine = now.replace(hour=9, minute=0)
    waiting = [book(server, nine), book(server, nine + timedelta(minutes=30))]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        shoot_book(browser, server, shots, now)
        shoot_booking_page(browser, server, shots, waiting[1])
        shoot_checkin(browser, server, shots, waiting[0], now)
        shoot_console(browser, server, shots, now)
        browser.close()


def shoot_book(browser: Browser, server: ServerProcess, shots: Shots, now: datetime) -> None:
    context = browser.new_context(viewport=PHONE, device_scale_factor=2)
    page = context.new_page()
    page.goto(shots.url(server.url, "/book"))
    page.select_option("#service", BOOKED_SERVICE)
    page.fill("#day", now.date().isoformat())
    page.dispatch_event("#day", "change")
    page.locator("#slots input[type=radio]:not([disabled])").nth(2).check()
    page.click("#book-submit")
    expect(page.locator("#booked")).to_be_visible()
    expect(page.locator("#qr")).to_have_js_property("complete", True)
    page.screenshot(path=shots.file("book.png"), full_page=True)
    context.close()


def shoot_booking_page(
    browser: Browser, server: ServerProcess, shots: Shots, booking: dict[str, Any]
) -> None:
    context = browser.new_context(viewport=PHONE, device_scale_factor=2)
    page = context.new_page()
    page.goto(shots.url(server.url, f"/b/{booking['token']}"))
    expect(page.locator("#code")).to_have_text(booking["code"])
    page.screenshot(path=shots.file("booking-page.png"), full_page=True)
    context.close()


def shoot_checkin(
    browser: Browser, server: ServerProcess, shots: Shots, booking: dict[str, Any], now: datetime
) -> None:
    context = browser.new_context(viewport=PORTRAIT, reduced_motion="reduce")
    page = context.new_page()
    page.clock.install(time=now)  # the browser's clock agrees with the server's
    page.goto(shots.url(server.url, "/kiosk/kiosk-1"))
    page.wait_for_selector("#offline-mark[hidden]", state="attached")
    page.click("#booking-open")
    keypad = page.locator(".kiosk-keypad:visible")
    for key in booking["code"].replace("-", ""):
        keypad.get_by_role("button", name=key, exact=True).click()
    page.screenshot(path=shots.file("kiosk-keypad.png"))
    page.click("#booking-submit")
    expect(page.locator("#confirm-number")).not_to_be_empty()
    expect(page.locator("#confirm-qr")).to_have_js_property("complete", True)
    page.screenshot(path=shots.file("kiosk-checkin.png"))
    context.close()


def shoot_console(browser: Browser, server: ServerProcess, shots: Shots, now: datetime) -> None:
    context = browser.new_context(viewport=CONSOLE)
    page = context.new_page()
    page.clock.install(time=now)
    page.goto(shots.url(server.url, "/counter"))
    page.locator("#username").fill("budi")
    page.locator("#password").fill(PASSWORD)
    page.locator("#login-submit").click()
    page.get_by_role("button", name=re.compile("^Loket 1|^Counter 1")).click()
    expect(page.locator("#booking-open")).to_be_visible()
    page.keyboard.press("b")
    expect(page.locator("#booking-today li").first).to_be_visible()
    page.wait_for_timeout(300)
    page.screenshot(path=shots.file("counter-bookings.png"))
    context.close()


if __name__ == "__main__":
    main()
