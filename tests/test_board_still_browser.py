"""A board that nobody is called on stands still: nothing animates (the running text shows a
line at a time), so the browser paints a call the moment it arrives; a call still blinks, by
timers that change the page only at each turn. Headless Chromium against a
real server, both languages, axe clean."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests
from playwright.sync_api import Browser, Page, expect

from tests.helpers import ALL_UNITS
from tests.realserver import ServerProcess
from tests.test_accessibility import assert_axe_finds_nothing

pytestmark = [pytest.mark.browser, pytest.mark.server]

RUNNING = {"id": "Semua layanan GRATIS.", "en": "Every service is FREE."}
MAKLUMAT = {"id": "Kami siap melayani.", "en": "We pledge to serve you."}
MAKLUMAT_TITLE = {"id": "Maklumat Pelayanan", "en": "Service pledge"}
LINES_SHOWN = 4  # the running text and the Maklumat, in each language
MAX_LINE_SECONDS = 10  # more than any of these lines stands


@pytest.fixture(scope="module")
def hall(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    station = {"name": "SPKT Uji", "running_text": RUNNING, "maklumat": MAKLUMAT}
    server = ServerProcess(tmp_path_factory.mktemp("still"), station=station)
    server.add_user("budi", units=ALL_UNITS)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def board(chromium: Browser, hall: ServerProcess, lang: str) -> Iterator[Page]:
    context = chromium.new_context(viewport={"width": 1920, "height": 1080})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.clock.install()
    page.goto(f"{hall.url}/board?lang={lang}")
    page.wait_for_selector(".counter-tile[data-state]")
    yield page
    context.close()
    assert errors == []


LIT = """() => ["#now-calling", '.counter-tile[data-counter="loket-1"]']
  .every(selector => document.querySelector(selector).classList.contains("lit"))"""


def animations(page: Page) -> int:
    return page.evaluate("document.getAnimations().length")


@pytest.mark.parametrize("lang", ["id", "en"])
def test_an_idle_board_stands_still_and_its_running_text_takes_turns_a_line_at_a_time(
    board: Page, lang: str
) -> None:
    other = "en" if lang == "id" else "id"
    strip = board.locator("#ticker-text")
    expect(strip).to_have_text(RUNNING[lang])
    expect(strip).to_have_attribute("lang", lang)
    assert animations(board) == 0
    assert_axe_finds_nothing(board)  # before the clock stops: axe waits on timers
    board.clock.pause_at((board.evaluate("Date.now()") + 100) / 1000)  # seconds in Python
    seen = [(lang, RUNNING[lang])]
    for _ in range(LINES_SHOWN * MAX_LINE_SECONDS):
        board.clock.run_for(1000)
        assert animations(board) == 0
        shown = (strip.get_attribute("lang"), strip.inner_text())
        if shown != seen[-1]:
            seen.append(shown)
        if len(seen) == LINES_SHOWN + 1:
            break
    assert seen == [
        (lang, RUNNING[lang]),
        (lang, f"{MAKLUMAT_TITLE[lang]}: {MAKLUMAT[lang]}"),
        (other, RUNNING[other]),
        (other, f"{MAKLUMAT_TITLE[other]}: {MAKLUMAT[other]}"),
        (lang, RUNNING[lang]),
    ]


@pytest.mark.parametrize("lang", ["id", "en"])
def test_a_call_blinks_and_the_board_stands_still_between_its_turns(
    board: Page, hall: ServerProcess, lang: str
) -> None:
    issued = requests.post(f"{hall.url}/api/tickets", json={"service": "lapor"}, timeout=10)
    number = issued.json()["ticket"]["number"]
    officer = hall.session("budi")
    officer.post(f"{hall.url}/api/counters/loket-1/call-next", timeout=10).raise_for_status()
    expect(board.locator("#now-number")).to_have_text(number)
    panel = board.locator(".now-calling.fresh")
    tile = board.locator('.counter-tile.fresh[data-counter="loket-1"]')
    expect(panel).to_be_visible()
    expect(tile).to_be_visible()
    board.clock.pause_at((board.evaluate("Date.now()") + 100) / 1000)  # seconds in Python
    lit = []
    for _ in range(10):  # 5 s, half a second at a time: the call blinks four times, then rests
        board.clock.run_for(500)
        lit.append(board.evaluate(LIT))
        assert animations(board) == 0  # the board stands still between two turns of the blink
    assert lit == [True, False] * 4 + [False, False]
    expect(panel).to_be_visible()  # still highlighted, no longer blinking
    expect(board.locator("#now-number")).to_have_text(number)
    board.clock.resume()  # axe waits on timers
    assert_axe_finds_nothing(board)
