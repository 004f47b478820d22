"""The kiosk and the phone page in headless Chromium against a real server, as citizens use them."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import pytest
import requests
from playwright.sync_api import Browser, Page, Request, Response, Route, expect

from tests.browser_pages import opened_page
from tests.helpers import BASE_CONFIG
from tests.printer_fixtures import closed_port
from tests.realserver import ServerProcess

pytestmark = [pytest.mark.browser, pytest.mark.server]

PORTRAIT = {"width": 1080, "height": 1920}
LANDSCAPE = {"width": 1920, "height": 1080}
PHONE = {"width": 390, "height": 780}
# After a restart Socket.IO retries with back-off (up to 5 s between tries, plus jitter).
RECONNECT_TIMEOUT_MS = 30000  # and the restart itself, on a machine busy with two test workers
# Record vibrations: headless Chromium has no vibration motor to ask.
RECORD_VIBRATIONS = (
    "window.vibrations = []; navigator.vibrate = (pattern) => window.vibrations.push(pattern);"
)


def open_page(
    chromium: Browser, viewport: dict[str, int], url: str
) -> AbstractContextManager[Page]:
    """A page that records its vibrations."""
    return opened_page(chromium, viewport, url, RECORD_VIBRATIONS)


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
    expect(kiosk.locator("#heading-all h1")).to_have_text("Please choose a service")
    expect(service_button(kiosk).locator(".kiosk-service-name")).to_have_text("Reports")
    service_button(kiosk).click()
    expect(kiosk.locator(".kiosk-confirm-label")).to_have_text("Your queue number")
    expect(kiosk.locator("#confirm-service")).to_have_text("Reports")
    kiosk.get_by_role("button", name="Done", exact=True).click()
    expect(kiosk.locator("#heading-all h1")).to_have_text("Silakan pilih layanan")
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


# ---- the start screen: priority first, private services, pictograms, long names, offline ----


def test_the_priority_choice_comes_first_above_every_service(kiosk: Page) -> None:
    for viewport in (PORTRAIT, LANDSCAPE):
        kiosk.set_viewport_size(viewport)
        priority = kiosk.locator(".kiosk-priority").bounding_box()
        cards = [card.bounding_box() for card in kiosk.locator(".kiosk-service").all()]
        assert priority is not None and cards
        assert priority["y"] + priority["height"] <= min(card["y"] for card in cards)
        heading = kiosk.locator("#heading-all h1").bounding_box()
        assert heading is not None and priority["y"] < heading["y"]


def test_private_services_sit_behind_one_neutral_button_named_only_once_it_is_opened(
    live: ServerProcess, kiosk: Page
) -> None:
    start = kiosk.locator("#services")
    expect(kiosk.locator("[data-private]")).to_contain_text("Layanan khusus / konsultasi")
    expect(kiosk.locator("[data-private]")).to_contain_text("Special services / consultation")
    expect(start).not_to_contain_text("Propam")
    expect(service_button(kiosk, "propam")).to_have_count(0)

    kiosk.locator("[data-private]").click()
    expect(service_button(kiosk, "propam")).to_contain_text("Pengaduan Propam")
    expect(service_button(kiosk, "lapor")).to_have_count(0)
    expect(kiosk.locator("#heading-private h1")).to_have_text("Layanan khusus / konsultasi")
    kiosk.get_by_role("button", name="Kembali ke semua layanan").click()
    expect(service_button(kiosk, "lapor")).to_be_visible()
    expect(service_button(kiosk, "propam")).to_have_count(0)

    kiosk.locator("[data-private]").click()
    service_button(kiosk, "propam").click()
    expect(kiosk.locator("#confirm-number")).to_have_text("R-001")
    expect(kiosk.locator("#confirm-service")).to_have_text("Layanan khusus / konsultasi")
    kiosk.get_by_role("button", name="Selesai", exact=True).click()
    expect(service_button(kiosk, "lapor")).to_be_visible()  # the next citizen starts at the top
    board = requests.get(f"{live.url}/board", timeout=10).text
    assert "Pengaduan Propam" not in board


def test_the_buttons_wait_under_a_notice_while_the_server_is_down_and_come_back_by_themselves(
    live: ServerProcess, kiosk: Page
) -> None:
    notice = kiosk.locator("#unreachable")
    expect(service_button(kiosk)).to_be_enabled()
    expect(notice).to_be_hidden()
    live.stop()
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("Sistem antrean belum tersambung")
    for button in kiosk.locator(".kiosk-service").all():
        expect(button).to_be_disabled()
    live.start()
    expect(notice).to_be_hidden(timeout=RECONNECT_TIMEOUT_MS)
    expect(service_button(kiosk)).to_be_enabled()
    service_button(kiosk).click()
    expect(kiosk.locator("#confirm-number")).to_have_text("A-001")


def test_a_request_that_fails_also_makes_the_buttons_wait_until_the_server_answers(
    kiosk: Page,
) -> None:
    committed: list[bool] = []  # the reloaded document has replaced the page before
    new_requests: list[Request] = []  # requests the reloaded document made
    kiosk.on("framenavigated", lambda frame: committed.append(frame == kiosk.main_frame))
    kiosk.on("request", lambda request: new_requests.append(request) if any(committed) else None)

    def refreshed_on_connect(response: Response) -> bool:
        """The reloaded page's own refresh, not one the page before made as it went (those
        started before the new document replaced it; comparing clocks could not tell)."""
        return response.url.endswith("/api/services") and response.request in new_requests

    with kiosk.expect_response(refreshed_on_connect):
        kiosk.reload()
    kiosk.route("**/api/tickets", lambda route: route.abort())
    service_button(kiosk).click()
    expect(kiosk.locator("#unreachable")).to_be_visible()
    # Only now do the kiosk's own refreshes fail too (its retry, a snapshot after a reconnect):
    # failing earlier, one of them would have held the buttons before the tap.
    kiosk.route("**/api/services", lambda route: route.abort())
    expect(service_button(kiosk)).to_be_disabled()
    expect(kiosk.get_by_role("button", name="Coba lagi")).to_be_enabled()  # the tap's own retry
    kiosk.unroute("**/api/services")
    expect(kiosk.locator("#unreachable")).to_be_hidden()
    expect(service_button(kiosk)).to_be_enabled()


LONG_ID = "Permohonan Surat Keterangan Kehilangan Dokumen Kendaraan dan Surat Izin"[:70]
LONG_EN = "Request for a Letter Confirming the Loss of Vehicle Papers and Licences"[:70]
ICONS = ["report", "document", "accident", "vehicle", "licence", "crime", "shield"]


@pytest.fixture
def pictured(tmp_path: Path) -> Iterator[ServerProcess]:
    """Seven services with pictograms, one named in 70 characters in both languages, and a
    private one."""
    services = [
        {"id": f"s{index}", "name": {"id": f"Layanan {icon}", "en": f"Service {icon}"},
         "prefix": chr(ord("A") + index), "unit": "SPKT", "icon": icon}
        for index, icon in enumerate(ICONS)
    ]  # fmt: skip
    services[0]["name"] = {"id": LONG_ID, "en": LONG_EN}
    services.append(
        {"id": "ppa", "name": "Perlindungan Perempuan dan Anak", "prefix": "P", "unit": "Reskrim",
         "icon": "family", "private": True}
    )  # fmt: skip
    counters = [
        {"id": "loket-1", "name": "Loket 1", "services": [s["id"] for s in services[:-1]]},
        {"id": "ruang-1", "name": "Ruang 1", "services": ["ppa"]},  # private: a room of its own
    ]
    server = ServerProcess(tmp_path, services=services, counters=counters)
    server.start()
    yield server
    server.stop()


# Every box inside a kiosk card (and the card itself) holds its content: nothing is wider or
# taller than its box, nothing sticks out of the card, and no name is set smaller than 16 px.
CARD_PROBLEMS = """cards => cards.flatMap((card) => {
  const outer = card.getBoundingClientRect();
  const problems = [];
  if (card.scrollWidth > card.clientWidth || card.scrollHeight > card.clientHeight + 1) {
    problems.push(`${card.dataset.service || "private"} overflows`);
  }
  for (const inner of card.querySelectorAll("*")) {
    if (!(inner instanceof HTMLElement) || inner.hidden) continue;
    const box = inner.getBoundingClientRect();
    if (inner.scrollWidth > inner.clientWidth + 1) problems.push(`${inner.className} too wide`);
    if (box.left < outer.left - 1 || box.right > outer.right + 1
        || box.top < outer.top - 1 || box.bottom > outer.bottom + 1) {
      problems.push(`${inner.className} sticks out`);
    }
  }
  const name = card.querySelector(".kiosk-service-name");
  if (parseFloat(getComputedStyle(name).fontSize) < 16) problems.push("name under 16 px");
  return problems;
})"""


# The drawing of a bundled pictogram, as the page received it from the server.
BUNDLED_PICTOGRAM = """(icon) => document.getElementById("service-icons").content
  .querySelector(`[data-icon="${icon}"] svg`).innerHTML"""


def test_every_card_shows_its_pictogram_and_a_70_character_name_fits_both_ways_round(
    chromium: Browser, pictured: ServerProcess
) -> None:
    for lang in ("id", "en"):
        for viewport in (PORTRAIT, LANDSCAPE):
            with open_page(chromium, viewport, f"{pictured.url}/kiosk?lang={lang}") as page:
                long = service_button(page, "s0")
                expect(long.locator(".kiosk-service-name")).to_have_text(
                    LONG_ID if lang == "id" else LONG_EN
                )
                drawn = []
                for index, icon in enumerate(ICONS):
                    mark = service_button(page, f"s{index}").locator(".kiosk-service-mark")
                    expect(mark.locator("svg.icon")).to_have_count(1)
                    expect(mark).to_contain_text(chr(ord("A") + index))  # its numbers' letters
                    drawn.append(mark.locator("svg").evaluate("svg => svg.innerHTML"))
                    assert drawn[-1] == page.evaluate(BUNDLED_PICTOGRAM, icon)
                assert len(set(drawn)) == len(ICONS)  # each service its own picture
                expect(page.locator("[data-private] svg.icon")).to_have_count(1)
                problems = page.locator(".kiosk-service").evaluate_all(CARD_PROBLEMS)
                assert problems == [], (lang, viewport, problems)
