"""The Standar Pelayanan as citizens meet it, in Chromium against a real server: the kiosk's
"Cek persyaratan", the phone page, the board between calls; never a private service's."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from playwright.sync_api import Browser, Page, expect

from tests.helpers import BASE_CONFIG
from tests.realserver import ServerProcess

pytestmark = [pytest.mark.browser, pytest.mark.server]

PORTRAIT = {"width": 1080, "height": 1920}
PHONE = {"width": 390, "height": 844}
BOARD = {"width": 1920, "height": 1080}
LAPOR = {
    "requirements": [{"id": "KTP pelapor", "en": "Reporter's ID card"},
                     {"id": "Bukti bila ada", "en": "Evidence if any"}],
    "procedure": [{"id": "Sampaikan laporan", "en": "Tell the officer"}],
    "time": {"id": "± 20 menit", "en": "About 20 minutes"},
    "cost": {"id": "Gratis (Rp 0)", "en": "Free (Rp 0)"},
    "product": {"id": "Tanda terima laporan", "en": "Report receipt"},
}  # fmt: skip
LANTAS = {**LAPOR, "requirements": [{"id": "SIM dan STNK", "en": "Licence and STNK"}]}
PROPAM = {**LAPOR, "requirements": ["Identitas anggota yang dilaporkan"]}
SECRET = "Identitas anggota"  # only Propam's standard says it


@pytest.fixture(scope="module")
def hall(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    services: list[dict[str, Any]] = copy.deepcopy(BASE_CONFIG["services"])
    services[0]["standard"] = LAPOR
    services[2]["standard"] = LANTAS
    services[3]["standard"] = PROPAM
    server = ServerProcess(
        Path(tmp_path_factory.mktemp("standar")),
        station={"name": "SPKT Uji", "maklumat": {"id": "Kami siap melayani.",
                                                  "en": "We pledge to serve."}},
        services=services,
        complaint_channels=[{"name": "LAPOR!", "contact": {"id": "SMS 1708", "en": "Text 1708"}}],
    )  # fmt: skip
    server.start()
    yield server
    server.stop()


def open_page(chromium: Browser, viewport: dict[str, int], url: str) -> Iterator[Page]:
    context = chromium.new_context(viewport=viewport)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.clock.install()
    page.goto(url)
    page.wait_for_selector("#offline-mark[hidden]", state="attached")
    yield page
    context.close()
    assert not errors, errors


@pytest.fixture
def kiosk(chromium: Browser, hall: ServerProcess) -> Iterator[Page]:
    yield from open_page(chromium, PORTRAIT, f"{hall.url}/kiosk/kiosk-1")


def issue(hall: ServerProcess, service: str) -> dict[str, Any]:
    reply = requests.post(f"{hall.url}/api/tickets", json={"service": service}, timeout=10)
    assert reply.status_code == 201, reply.text
    return reply.json()["ticket"]


def test_the_kiosk_lists_the_documents_to_bring_then_back_or_a_number_of_that_service(
    kiosk: Page,
) -> None:
    kiosk.locator('[data-check="lapor"]').click()
    expect(kiosk.locator("#start")).to_be_hidden()
    expect(kiosk.locator("#requirements-title")).to_have_text("Persyaratan Laporan")
    expect(kiosk.locator("#requirements-list li")).to_have_text(["KTP pelapor", "Bukti bila ada"])
    expect(kiosk.locator("#requirements-cost")).to_have_text("Gratis (Rp 0)")
    kiosk.locator("#requirements-back").click()
    expect(kiosk.locator("#requirements")).to_be_hidden()
    expect(kiosk.locator('[data-check="lapor"]')).to_be_focused()

    kiosk.locator('[data-check="lapor"]').click()
    kiosk.locator("#requirements-take").click()
    expect(kiosk.locator("#confirm")).to_be_visible()
    expect(kiosk.locator("#confirm-number")).to_have_text("A-001")
    expect(kiosk.locator("#confirm-service")).to_have_text("Laporan")


def test_the_requirements_follow_the_language_button(kiosk: Page) -> None:
    kiosk.locator("#language").click()
    kiosk.locator('[data-check="lantas"]').click()
    expect(kiosk.locator("#requirements-title")).to_have_text("Requirements: Lalu Lintas")
    expect(kiosk.locator("#requirements-list li")).to_have_text(["Licence and STNK"])
    expect(kiosk.locator("#requirements-take")).to_have_text("Take a number")
    kiosk.locator("#language").click()
    expect(kiosk.locator("#requirements-list li")).to_have_text(["SIM dan STNK"])


def test_only_public_services_with_a_standard_offer_it(kiosk: Page) -> None:
    checks = kiosk.locator("[data-check]")
    expect(checks).to_have_count(2)  # lapor and lantas: surat has none, propam is private
    kiosk.locator("[data-private]").click()
    expect(kiosk.locator('[data-service="propam"]')).to_be_visible()
    expect(checks).to_have_count(0)
    assert SECRET not in kiosk.content()


def test_the_phone_shows_its_services_standard_and_the_channels_in_both_languages(
    chromium: Browser, hall: ServerProcess
) -> None:
    ticket = issue(hall, "lapor")
    for page in open_page(chromium, PHONE, f"{hall.url}{ticket['status_url']}"):
        standard = page.locator(".phone-standard:visible")
        expect(standard).to_contain_text("KTP pelapor")
        expect(standard).to_contain_text("SMS 1708")
        page.locator("#language").click()
        expect(standard).to_contain_text("Reporter's ID card")
        expect(standard).to_contain_text("Text 1708")
        expect(standard).not_to_contain_text("KTP pelapor")
        expect(standard.get_by_role("link")).to_have_attribute("href", "/standar?lang=en")


def test_a_private_ticket_shows_no_standard_of_its_own_only_the_channels(
    chromium: Browser, hall: ServerProcess
) -> None:
    ticket = issue(hall, "propam")
    for page in open_page(chromium, PHONE, f"{hall.url}{ticket['status_url']}"):
        expect(page.locator(".phone-standard:visible")).to_contain_text("SMS 1708")
        assert SECRET not in page.content()
        assert "Pengaduan Propam" not in page.content()


def test_the_board_shows_each_public_standard_in_turn_and_the_pledge(
    chromium: Browser, hall: ServerProcess
) -> None:
    for board in open_page(chromium, BOARD, f"{hall.url}/board"):
        expect(board.locator("#ticker-text")).to_contain_text(
            "Maklumat Pelayanan: Kami siap melayani."
        )
        titles: list[str] = []
        for _ in range(60):  # the turns come every 8 to 12 s: a few minutes of the board's time
            board.clock.run_for(2000)
            if board.locator("#standard").is_visible():
                title = board.locator("#standard-title").inner_text()
                if not titles or titles[-1] != title:
                    titles.append(title)
                expect(board.locator("#now-idle")).to_be_visible()  # calls are not disturbed
            if len(titles) >= 4:
                break
        assert titles[:4] == [
            "Persyaratan Laporan",
            "Persyaratan Lalu Lintas",
            "Saluran pengaduan",
            "Persyaratan Laporan",
        ]
        assert SECRET not in board.content()
