"""The kiosk and the phone page in headless Chromium against a real server, as citizens use them."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import requests
from playwright.sync_api import Browser, Page, Route, expect

from tests.helpers import BASE_CONFIG
from tests.printer_fixtures import closed_port
from tests.realserver import ServerProcess

pytestmark = [pytest.mark.browser, pytest.mark.server]

PORTRAIT = {"width": 1080, "height": 1920}
LANDSCAPE = {"width": 1920, "height": 1080}
PHONE = {"width": 390, "height": 780}
# After a restart Socket.IO retries with back-off (up to 5 s between tries, plus jitter).
RECONNECT_TIMEOUT_MS = 15000
# Record vibrations: headless Chromium has no vibration motor to ask.
RECORD_VIBRATIONS = (
    "window.vibrations = []; navigator.vibrate = (pattern) => window.vibrations.push(pattern);"
)


@contextmanager
def open_page(chromium: Browser, viewport: dict[str, int], url: str) -> Iterator[Page]:
    """A page in its own context; fails the test if the page's scripts throw."""
    context = chromium.new_context(viewport=viewport)
    context.add_init_script(RECORD_VIBRATIONS)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(url)
    try:
        yield page
    finally:
        context.close()
    assert not errors, errors


@pytest.fixture
def kiosk(chromium: Browser, live: ServerProcess) -> Iterator[Page]:
    with open_page(chromium, PORTRAIT, f"{live.url}/kiosk/kiosk-1") as page:
        yield page


def issue(server: ServerProcess, service: str = "lapor") -> dict[str, Any]:
    response = requests.post(f"{server.url}/api/tickets", json={"service": service}, timeout=10)
    assert response.status_code == 201, response.text
    return response.json()["ticket"]


def tickets_waiting(server: ServerProcess) -> dict[str, int]:
    services = requests.get(f"{server.url}/api/services", timeout=10).json()["services"]
    return {service["id"]: service["waiting"] for service in services}


def shown_ticket(server: ServerProcess, kiosk: Page) -> dict[str, Any]:
    """The ticket on the confirmation screen, looked up on the server by its QR code's token."""
    source = kiosk.locator("#confirm-qr").get_attribute("src")
    token = re.fullmatch(r"/t/([^/]+)/qr\.svg", source or "")
    assert token, source
    return requests.get(f"{server.url}/api/tickets/{token[1]}", timeout=10).json()["ticket"]


def service_button(page: Page, service: str = "lapor") -> Any:
    return page.locator(f'[data-service="{service}"]')


def test_one_tap_shows_the_number_the_qr_code_and_take_your_ticket(
    live: ServerProcess, kiosk: Page
) -> None:
    expect(service_button(kiosk)).to_contain_text("Laporan")
    expect(service_button(kiosk)).to_contain_text("Reports")
    service_button(kiosk).click()
    expect(kiosk.locator("#confirm-number")).to_have_text("A-001")
    expect(kiosk.locator("#confirm-service")).to_have_text("Laporan")
    expect(kiosk.locator("#confirm-ahead")).to_have_text("Tidak ada")
    expect(kiosk.locator("#print-message")).to_have_text("Ingat nomor Anda atau pindai kode QR.")
    # (no wait_for_function: its string predicate is an eval, which our CSP forbids)
    expect(kiosk.locator("#confirm-qr")).to_have_js_property("complete", True)
    assert kiosk.locator("#confirm-qr").evaluate("image => image.naturalWidth") > 0
    assert shown_ticket(live, kiosk)["number"] == "A-001"
    expect(kiosk.locator("#countdown")).to_have_text(re.compile(r"Kembali ke awal dalam \d+ detik"))
    kiosk.get_by_role("button", name="Selesai", exact=True).click()
    expect(kiosk.locator("#start")).to_be_visible()
    expect(service_button(kiosk)).to_contain_text("1 orang menunggu")


def test_the_screen_fits_without_scrolling_in_portrait_and_landscape(kiosk: Page) -> None:
    for viewport in (PORTRAIT, LANDSCAPE):
        kiosk.set_viewport_size(viewport)
        size = kiosk.evaluate(
            "({width: document.documentElement.scrollWidth, "
            "height: document.documentElement.scrollHeight})"
        )
        assert size == viewport
        fits = "buttons => buttons.every(b => b.scrollHeight <= b.clientHeight + 1)"
        assert kiosk.locator(".kiosk-service").evaluate_all(fits)
        heights = [button.bounding_box()["height"] for button in kiosk.get_by_role("button").all()]
        assert min(heights) >= 64


def test_a_double_tap_gives_one_ticket(live: ServerProcess, kiosk: Page) -> None:
    service_button(kiosk).dblclick()
    expect(kiosk.locator("#confirm-number")).to_have_text("A-001")
    assert tickets_waiting(live)["lapor"] == 1


def test_a_lost_answer_is_retried_with_the_same_key_and_gives_one_ticket(
    live: ServerProcess, kiosk: Page
) -> None:
    keys: list[str | None] = []

    def lose_first_answer(route: Route) -> None:
        keys.append(route.request.header_value("idempotency-key"))
        if len(keys) == 1:
            route.fetch()  # the server issues the ticket...
            route.abort()  # ...but its answer never reaches the kiosk
        else:
            route.continue_()

    kiosk.route("**/api/tickets", lose_first_answer)
    service_button(kiosk).click()
    expect(kiosk.locator("#confirm-number")).to_have_text("A-001")
    assert len(keys) == 2
    assert keys[0] == keys[1]
    assert keys[0]
    assert tickets_waiting(live)["lapor"] == 1


def test_a_priority_choice_gives_a_priority_ticket_then_resets(
    live: ServerProcess, kiosk: Page
) -> None:
    issue(live)
    elderly = kiosk.get_by_role("button", name="Lanjut usia")
    elderly.click()
    expect(elderly).to_have_attribute("aria-pressed", "true")
    expect(kiosk.locator("#priority-on")).to_be_visible()
    service_button(kiosk).click()
    expect(kiosk.locator("#confirm-priority")).to_be_visible()
    ticket = shown_ticket(live, kiosk)
    assert (ticket["number"], ticket["priority"], ticket["ahead"]) == ("A-002", True, 0)
    kiosk.get_by_role("button", name="Selesai", exact=True).click()
    expect(elderly).to_have_attribute("aria-pressed", "false")
    service_button(kiosk).click()
    expect(kiosk.locator("#confirm-number")).to_have_text("A-003")
    expect(kiosk.locator("#confirm-priority")).to_be_hidden()
    assert shown_ticket(live, kiosk)["priority"] is False


def test_the_language_switch_returns_to_the_station_language_after_a_ticket(kiosk: Page) -> None:
    kiosk.get_by_role("button", name="English").click()
    expect(kiosk.locator("#start h1")).to_have_text("Please choose a service")
    expect(service_button(kiosk).locator(".kiosk-service-name")).to_have_text("Reports")
    service_button(kiosk).click()
    expect(kiosk.locator(".kiosk-confirm-label")).to_have_text("Your queue number")
    expect(kiosk.locator("#confirm-service")).to_have_text("Reports")
    kiosk.get_by_role("button", name="Done", exact=True).click()
    expect(kiosk.locator("#start h1")).to_have_text("Silakan pilih layanan")
    expect(kiosk.get_by_role("button", name="English")).to_be_visible()


def test_the_kiosk_reconnects_after_a_restart_and_shows_the_new_queue(
    live: ServerProcess, kiosk: Page
) -> None:
    expect(service_button(kiosk)).to_contain_text("Tidak ada antrean")
    live.restart()
    issue(live)
    issue(live)
    expect(service_button(kiosk)).to_contain_text("2 orang menunggu", timeout=RECONNECT_TIMEOUT_MS)
    expect(kiosk.locator("#offline-mark")).to_be_hidden()
    service_button(kiosk).click()
    expect(kiosk.locator("#confirm-number")).to_have_text("A-003")


def test_the_phone_page_follows_the_ticket_through_a_restart_until_it_is_called(
    chromium: Browser, live: ServerProcess
) -> None:
    issue(live)
    mine = issue(live)
    with open_page(chromium, PHONE, f"{live.url}{mine['status_url']}") as phone:
        expect(phone.locator("#number")).to_have_text("A-002")
        expect(phone.locator("#ahead")).to_have_text("1 orang")
        live.restart()  # the new server knows nothing of this phone until it watches again
        expect(phone.locator("#offline-mark")).to_be_hidden(timeout=RECONNECT_TIMEOUT_MS)
        officer = live.session("budi")
        assert officer.post(f"{live.url}/api/counters/loket-1/call-next", timeout=10).ok
        expect(phone.locator("#ahead")).to_have_text("Tidak ada")
        assert officer.post(f"{live.url}/api/counters/loket-2/call-next", timeout=10).ok
        expect(phone.locator("#go-to")).to_have_text("Silakan menuju Loket 2")
        expect(phone.locator("#announcer")).to_have_text(
            "Nomor A-002 dipanggil. Silakan menuju Loket 2."
        )
        assert phone.evaluate("window.vibrations.length") == 1
        phone.get_by_role("button", name="English").click()
        expect(phone.locator("#go-to")).to_have_text("Please go to Loket 2")


def test_the_survey_appears_when_the_service_is_done_and_is_taken_once(
    chromium: Browser, live: ServerProcess
) -> None:
    mine = issue(live)
    with open_page(chromium, PHONE, f"{live.url}{mine['status_url']}") as phone:
        expect(phone.locator("#state-waiting")).to_be_visible()
        officer = live.session("budi")
        officer.post(f"{live.url}/api/counters/loket-1/call-next", timeout=10)
        officer.post(f"{live.url}/api/counters/loket-1/done", timeout=10)
        expect(phone.locator("#survey")).to_be_visible()
        phone.get_by_role("button", name="Kirim penilaian").click()
        expect(phone.locator("#survey-error")).to_be_visible()
        phone.get_by_text("Sangat puas").click()
        phone.get_by_role("button", name="Kirim penilaian").click()
        expect(phone.locator("#survey-thanks")).to_have_text("Terima kasih atas penilaian Anda.")
        again = requests.post(
            f"{live.url}/api/tickets/{mine['token']}/survey",
            json={"answers": {"kepuasan": 1}},
            timeout=10,
        )
        assert again.status_code == 409
        phone.reload()
        expect(phone.locator("#survey-thanks")).to_have_text(
            "Survei untuk tiket ini sudah diisi. Terima kasih."
        )
        expect(phone.locator("#survey")).to_be_hidden()


@pytest.fixture
def hall(tmp_path: Path) -> Iterator[ServerProcess]:
    """A kiosk whose printer refuses connections, and a service with a daily quota of one."""
    services = [dict(service) for service in BASE_CONFIG["services"]]
    services[1]["daily_quota"] = 1
    printer = {"type": "network", "host": "127.0.0.1", "port": closed_port(), "timeout": 1}
    server = ServerProcess(
        tmp_path, services=services, kiosks=[{"id": "kiosk-1", "printer": printer}]
    )
    server.start()
    yield server
    server.stop()


def test_a_failed_print_is_said_plainly_and_offers_a_reprint(
    chromium: Browser, hall: ServerProcess
) -> None:
    issue(hall, "surat")  # the only ticket of the day: surat is now closed
    with open_page(chromium, LANDSCAPE, f"{hall.url}/kiosk/kiosk-1") as kiosk:
        expect(service_button(kiosk, "surat")).to_be_disabled()
        expect(service_button(kiosk, "surat")).to_contain_text("Kuota hari ini habis")
        service_button(kiosk).click()
        expect(kiosk.locator("#confirm-number")).to_have_text("A-001")
        expect(kiosk.locator("#print-message")).to_contain_text("Tiket tidak dapat dicetak")
        expect(kiosk.locator("#countdown")).to_contain_text("60 detik")
        kiosk.get_by_role("button", name="Coba cetak lagi").click()
        expect(kiosk.locator("#print-message")).to_contain_text("masih belum dapat dicetak")
        expect(kiosk.get_by_role("button", name="Coba cetak lagi")).to_be_enabled()
        assert shown_ticket(hall, kiosk)["status"] == "waiting"
