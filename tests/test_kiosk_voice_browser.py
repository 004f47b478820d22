"""A citizen who cannot see the screen takes a number alone: the kiosk in Chromium driven by a
numeric keypad only (no pointer at all), each spoken step's audio fetched and its words shown,
the ticket printed on a network printer (a TCP listener), in both languages, axe clean."""

from __future__ import annotations

import io
import wave
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from playwright.sync_api import Browser, Page, expect

from shared.domain.announce import spoken_number
from tests.printer_fixtures import FakeNetworkPrinter
from tests.realserver import ServerProcess
from tests.test_accessibility import assert_axe_finds_nothing

pytestmark = [pytest.mark.browser, pytest.mark.server]

PORTRAIT = {"width": 1080, "height": 1920}


@pytest.fixture(scope="module")
def printer() -> Iterator[FakeNetworkPrinter]:
    with FakeNetworkPrinter() as listener:
        yield listener


@pytest.fixture(scope="module")
def hall(
    tmp_path_factory: pytest.TempPathFactory, printer: FakeNetworkPrinter
) -> Iterator[ServerProcess]:
    kiosk = {"id": "kiosk-1", "printer": {"type": "network", "host": "127.0.0.1",
                                          "port": printer.port, "timeout": 3}}  # fmt: skip
    server = ServerProcess(tmp_path_factory.mktemp("voice"), kiosks=[kiosk])
    server.start()
    yield server
    server.stop()


def spoken(page: Page, key: str) -> tuple[str, bytes]:
    """Press `key` and wait for what the kiosk then says: its words on the screen and the audio
    it plays (fetched again here whole: the audio element may ask for ranges, or reuse it)."""
    with page.expect_response(lambda response: "/api/kiosk/prompt?" in response.url) as said:
        page.keyboard.press(key)
    prompt = said.value.json()
    expect(page.locator("#voice-text")).to_have_text(prompt["text"])
    audio = requests.get(f"{page.url.split('/kiosk')[0]}{prompt['audio']}", timeout=30)
    assert (audio.status_code, audio.headers["content-type"]) == (200, "audio/wav")
    return prompt["text"], audio.content


def seconds(audio: bytes) -> float:
    with wave.open(io.BytesIO(audio), "rb") as clip:
        return clip.getnframes() / clip.getframerate()


@pytest.mark.parametrize("lang", ["id", "en"])
def test_a_number_taken_with_the_keypad_alone_is_said_printed_and_kept(
    chromium: Browser, hall: ServerProcess, printer: FakeNetworkPrinter, lang: str, tmp_path: Path
) -> None:
    context = chromium.new_context(viewport=PORTRAIT, has_touch=False)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{hall.url}/kiosk/kiosk-1")
    expect(page.locator('[data-service="lapor"]')).to_be_visible()
    jobs_before = len(printer.jobs)

    with page.expect_request(lambda request: "/api/kiosk/prompt.wav" in request.url):
        words, audio = spoken(page, "Enter")  # the kiosk plays it, too
    assert words.startswith("Menu suara. Pilih layanan")
    assert "Tekan satu untuk Laporan." in words
    assert seconds(audio) > 3  # the whole menu is heard, not a beep
    expect(page.locator("#voice")).to_be_visible()
    if lang == "en":
        words, _ = spoken(page, "9")
        assert words.startswith("Spoken menu. Choose a service on the keypad.")
        assert "Press one for Reports." in words
        expect(page.locator("html")).to_have_attribute("lang", "en")
    assert_axe_finds_nothing(page)

    words, _ = spoken(page, "1")
    assert words.startswith("Anda memilih Laporan." if lang == "id" else "You chose Reports.")
    with page.expect_response(lambda response: response.url.endswith("/api/tickets")) as issued:
        words, audio = spoken(page, "Enter")
    ticket = issued.value.json()["ticket"]
    mine = "Nomor antrean Anda" if lang == "id" else "Your number is"
    assert words.startswith(f"{mine} {spoken_number(ticket['number'], lang)}.")
    expect(page.locator("#confirm-number")).to_have_text(ticket["number"])
    assert ("celah printer" if lang == "id" else "printer slot") in words
    assert seconds(audio) > 2
    assert len(printer.wait_for_jobs(jobs_before + 1)) == jobs_before + 1
    assert ticket["number"].encode() in printer.jobs[-1]

    again, _ = spoken(page, "0")
    assert again == words
    page.keyboard.press("Enter")  # done: back to the start for the next citizen
    expect(page.locator("#start")).to_be_visible()
    expect(page.locator("#voice")).to_be_hidden()
    assert (
        requests.get(f"{hall.url}/api/tickets/{ticket['token']}", timeout=10).json()["ticket"][
            "status"
        ]
        == "waiting"
    )
    assert errors == []
    context.close()


def test_the_private_services_the_priority_key_and_the_way_back(
    chromium: Browser, hall: ServerProcess
) -> None:
    context = chromium.new_context(viewport=PORTRAIT)
    page = context.new_page()
    page.goto(f"{hall.url}/kiosk/kiosk-1")
    expect(page.locator('[data-service="lapor"]')).to_be_visible()
    page.keyboard.press("4")  # a lone digit is a scanner's: it opens the booking code
    expect(page.locator("#booking-form")).to_be_visible()
    page.keyboard.press("Escape")
    page.reload()
    expect(page.locator('[data-service="lapor"]')).to_be_visible()
    words, _ = spoken(page, "Enter")
    assert "Tekan empat untuk Layanan khusus atau konsultasi." in words
    words, _ = spoken(page, "4")
    assert words.startswith("Layanan khusus. Tekan satu untuk Pengaduan Propam.")
    words, _ = spoken(page, "0")
    assert words.startswith("Menu suara.")
    spoken(page, "2")
    with page.expect_response(lambda response: response.url.endswith("/api/tickets")) as issued:
        words, _ = spoken(page, "1")  # a priority number
    ticket = issued.value.json()["ticket"]
    assert ticket["priority"] is True
    assert ticket["service"] == "surat"
    context.close()
