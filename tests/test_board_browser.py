"""The console and the board in headless Chromium against a real server, side by side."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
import requests
from playwright.sync_api import Browser, Page, expect

from tests.conftest import CHROMIUM, CHROMIUM_FLAGS
from tests.realserver import PASSWORD, ServerProcess

pytestmark = [pytest.mark.browser, pytest.mark.server]

BOARD_VIEW = {"width": 1920, "height": 1080}
CONSOLE_VIEW = {"width": 1366, "height": 768}
# After a restart Socket.IO retries with back-off (up to 5 s between tries, plus jitter).
RECONNECT_TIMEOUT_MS = 15000


def open_page(chromium: Browser, viewport: dict[str, int], url: str) -> Iterator[Page]:
    """A page in its own context; fails the test if the page's scripts throw.

    The page's clock runs normally but can be moved ahead (`page.clock.fast_forward`).
    """
    context = chromium.new_context(viewport=viewport)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.clock.install()
    page.goto(url)
    yield page
    context.close()
    assert not errors, errors


@pytest.fixture
def board(chromium: Browser, live: ServerProcess) -> Iterator[Page]:
    yield from open_page(chromium, BOARD_VIEW, f"{live.url}/board")


@pytest.fixture
def console(chromium: Browser, live: ServerProcess) -> Iterator[Page]:
    yield from open_page(chromium, CONSOLE_VIEW, f"{live.url}/counter")


def issue(live: ServerProcess, service: str = "lapor") -> str:
    response = requests.post(f"{live.url}/api/tickets", json={"service": service}, timeout=10)
    assert response.status_code == 201, response.text
    return response.json()["ticket"]["number"]


def log_in(console: Page, name: str = "budi", counter: str = "Loket 1") -> None:
    console.get_by_label("Nama pengguna").fill(name)
    console.get_by_label("Kata sandi").fill(PASSWORD)
    console.get_by_role("button", name="Masuk").click()
    console.get_by_role("button", name=re.compile(f"^{counter}")).click()
    expect(console.locator("#counter-name")).to_have_text(counter)


def shown_at(board: Page, counter: str) -> object:
    return board.locator(f'[data-counter="{counter}"] .counter-number')


def test_call_next_on_the_console_shows_and_speaks_the_number_on_the_board(
    live: ServerProcess, board: Page, console: Page
) -> None:
    for service in ("lapor", "lapor", "propam"):
        issue(live, service)
    expect(shown_at(board, "loket-1")).to_have_text("—")
    expect(board.locator("#sound-enable")).to_be_hidden()  # the kiosk-mode autoplay flag
    log_in(console)
    expect(console.locator("#waiting-rows tr")).to_have_count(2)
    with board.expect_response(lambda response: "/api/board/speech/" in response.url) as speech:
        console.get_by_role("button", name=re.compile("^Panggil berikutnya")).click()
        expect(shown_at(board, "loket-1")).to_have_text("A-001")
    assert speech.value.status == 200
    assert speech.value.headers["content-type"] == "audio/wav"
    expect(board.locator("#now-number")).to_have_text("A-001")
    expect(board.locator("#now-counter")).to_have_text("Loket 1")
    expect(console.locator("#current-number")).to_have_text("A-001")
    expect(console.locator("#waiting-rows tr")).to_have_count(1)
    expect(console.locator("#current-timer")).to_have_text(re.compile(r"^\d\d:\d\d$"))
    # The private service waits under a neutral label, never under its name.
    expect(board.locator("#waiting-list")).to_contain_text("Layanan lainnya")
    expect(board.locator("body")).not_to_contain_text("Propam")
    # Laporan's standard time is 15 minutes: at 16 the console warns.
    expect(console.locator("#overtime")).to_be_hidden()
    console.clock.fast_forward("16:00")
    expect(console.locator("#overtime")).to_contain_text("lebih lama dari standar 15 menit")


def test_the_keyboard_shortcut_calls_next_but_typing_a_reason_does_not(
    live: ServerProcess, board: Page, console: Page
) -> None:
    for _ in range(3):
        issue(live)
    log_in(console)
    expect(console.locator("#waiting-rows tr")).to_have_count(3)
    console.keyboard.press("n")
    expect(shown_at(board, "loket-1")).to_have_text("A-001")
    console.get_by_role("button", name="Panggil A-003 di luar urutan").click()
    console.locator("#call-reason").type("warga lansia, nenek dan anak")
    console.keyboard.press("Enter")
    expect(shown_at(board, "loket-1")).to_have_text("A-003")
    expect(console.locator("#waiting-rows th")).to_have_text(["A-002"])
    expect(console.locator("#today-served")).to_have_text("1")
    console.keyboard.press("d")
    expect(shown_at(board, "loket-1")).to_have_text("—")
    expect(console.locator("#current-number")).to_have_text("—")


def test_after_a_server_restart_board_and_console_recover_without_a_reload(
    live: ServerProcess, board: Page, console: Page
) -> None:
    for _ in range(4):
        issue(live)
    requests_session = live.session("ani")
    requests_session.post(f"{live.url}/api/counters/loket-2/call-next", timeout=10)
    log_in(console)
    console.keyboard.press("n")
    expect(shown_at(board, "loket-1")).to_have_text("A-002")
    expect(shown_at(board, "loket-2")).to_have_text("A-001")

    live.stop()
    expect(board.locator("#offline-mark")).to_be_visible()
    expect(console.locator("#connection-lost")).to_be_visible()
    live.start()
    # Called at once, quite likely before the board is back: it must come from the snapshot.
    called = requests_session.post(f"{live.url}/api/counters/loket-2/call-next", timeout=10)
    assert called.json()["ticket"]["number"] == "A-003"

    expect(shown_at(board, "loket-2")).to_have_text("A-003", timeout=RECONNECT_TIMEOUT_MS)
    expect(shown_at(board, "loket-1")).to_have_text("A-002")
    expect(board.locator("#now-number")).to_have_text("A-003")
    expect(board.locator("#offline-mark")).to_be_hidden()
    expect(console.locator("#connection-lost")).to_be_hidden(timeout=RECONNECT_TIMEOUT_MS)
    console.keyboard.press("n")
    expect(shown_at(board, "loket-1")).to_have_text("A-004")
    expect(console.locator("#current-number")).to_have_text("A-004")


def test_without_the_kiosk_flag_one_tap_enables_the_sound(
    chromium: Browser, live: ServerProcess
) -> None:
    flags = [flag for flag in CHROMIUM_FLAGS if not flag.startswith("--autoplay-policy")]
    browser = chromium.browser_type.launch(executable_path=str(CHROMIUM), args=flags)
    try:
        page = browser.new_page(viewport=BOARD_VIEW)
        page.goto(f"{live.url}/board")
        enable = page.get_by_role("button", name="Aktifkan suara")
        expect(enable).to_be_visible()
        enable.click()
        expect(enable).to_be_hidden()
        issue(live)
        officer = live.session("budi")
        with page.expect_response(lambda response: "/api/board/speech/" in response.url) as speech:
            officer.post(f"{live.url}/api/counters/loket-1/call-next", timeout=10)
        assert speech.value.status == 200
        expect(page.locator("#now-number")).to_have_text("A-001")
    finally:
        browser.close()
