"""Take the README's screenshots of the wall board, the counter console and its survey tablet.

Starts a real server with the bundled station (opening hours left out so the pictures do not
depend on the time of day; one service has used up its daily quota), photographs the board
before anyone is called, then issues tickets, has officers call some of them, sends one
counter on break and closes another, and photographs the pages in Debian's Chromium:

- docs/board-idle.png (1920x1080): the board before the first call, inviting people to take
  a number;
- docs/board-landscape.png (1920x1080) and docs/board-portrait.png (1080x1920): the board a
  moment after a call, with the recent calls (one a no-show);
- docs/board-waiting.png (1920x1080): the same board a few seconds later, when people waiting
  per service take their turn below the call (closed services and a used quota marked);
- docs/counter.png (1366x768): Loket 1's console serving a citizen, with its waiting list, and
  docs/counter-transfer.png its transfer dialog (open services, their waiting, to the front);
- docs/counter-login.png: the console's login; docs/survey-desk.png (1280x800): the tablet
  facing the citizen at Loket 2, asking about the ticket just served there;
- docs/home.png: the start page that links to every screen;

and the same in English under docs/en/. Run: `.venv/bin/python -m docs.screenshots_counter_board`
(`--lang id` or `--lang en` for one language only).
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Any

import requests
import yaml
from playwright.sync_api import Browser, Page, expect, sync_playwright

from docs.shots import DOCS, Shots, languages
from tests.conftest import CHROMIUM, CHROMIUM_FLAGS
from tests.realserver import PASSWORD, ServerProcess

BUNDLED_CONFIG = DOCS.parent / "config.yaml"
PORTRAIT = {"width": 1080, "height": 1920}
LANDSCAPE = {"width": 1920, "height": 1080}
CONSOLE = {"width": 1366, "height": 768}  # the smallest counter screen it must fit
HOME = {"width": 1440, "height": 900}
TABLET = {"width": 1280, "height": 800}
TICKETS = [
    ("spkt-lapor", False), ("spkt-surat", False), ("spkt-lapor", True), ("lantas-laka", False),
    ("spkt-lapor", False), ("reskrim", False), ("ppa", False), ("spkt-surat", False),
    ("lantas-dokumen", False), ("samapta", False), ("propam", False), ("spkt-lapor", False),
    ("spkt-surat", True), ("spkt-lapor", False), ("lantas-laka", False), ("spkt-lapor", False),
]  # fmt: skip
CALLS = [
    ("loket-3", "call-next"), ("loket-4", "call-next"), ("loket-2", "call-next"),
    ("loket-1", "call-next"), ("loket-1", "no-show"), ("loket-2", "call-next"),
    ("loket-1", "call-next"),
]  # fmt: skip
QUOTA_SERVICE = "lantas-dokumen"  # its one ticket of the day is taken: "Kuota habis"
# Recent calls show for 12 s below the call, then people waiting, 8 s a page.
RECENT_TURN_MS = 12_000
WAITING_TURN_MS = 8_000
WAITING_PAGES_AT_MOST = 5


def station_overrides() -> dict[str, Any]:
    bundled = yaml.safe_load(BUNDLED_CONFIG.read_text(encoding="utf-8"))
    return {
        "station": bundled["station"],
        "services": [
            {key: value for key, value in service.items() if key != "hours"}
            | ({"daily_quota": 1} if service["id"] == QUOTA_SERVICE else {})
            for service in bundled["services"]
        ],
        "counters": bundled["counters"],
        "boards": bundled["boards"],
    }


def prepare(server: ServerProcess) -> None:
    """A busy morning: tickets waiting, four counters serving, a no-show, one counter on break
    and one closed (the only one serving its service)."""
    for service, priority in TICKETS:
        reply = requests.post(
            f"{server.url}/api/tickets", json={"service": service, "priority": priority}, timeout=10
        )
        reply.raise_for_status()
    officer = server.session("sari")
    for counter, state in (("ruang-khusus-2", "break"), ("loket-5", "closed")):
        reply = officer.post(
            f"{server.url}/api/counters/{counter}/state", json={"state": state}, timeout=10
        )
        reply.raise_for_status()
    for counter, action in CALLS:
        officer.post(f"{server.url}/api/counters/{counter}/{action}", timeout=10).raise_for_status()


def shoot_board(
    browser: Browser,
    server: ServerProcess,
    shots: Shots,
    viewport: dict[str, int],
    name: str,
    waiting_name: str | None = None,
) -> None:
    """The board a moment after a call; with `waiting_name`, also when people waiting show."""
    context = browser.new_context(viewport=viewport, reduced_motion="reduce")
    page = context.new_page()
    page.clock.install()
    page.goto(shots.url(server.url, "/board/utama"))
    page.wait_for_selector("#offline-mark[hidden]", state="attached")
    expect(page.locator("#now-number")).not_to_have_text("—")
    officer = server.session("sari")
    officer.post(f"{server.url}/api/counters/loket-1/recall", timeout=10).raise_for_status()
    page.wait_for_selector(".counter-tile.fresh")
    page.wait_for_timeout(300)
    page.screenshot(path=shots.file(name))
    if waiting_name:
        page.clock.fast_forward(RECENT_TURN_MS)
        expect(page.locator("#waiting")).to_be_visible()
        for _ in range(WAITING_PAGES_AT_MOST):  # to the page with a closed service
            if page.locator(".waiting-closed").first.is_visible():
                break
            page.clock.fast_forward(WAITING_TURN_MS)
        page.screenshot(path=shots.file(waiting_name))
    context.close()


def shoot_idle_board(browser: Browser, server: ServerProcess, shots: Shots) -> None:
    context = browser.new_context(viewport=LANDSCAPE, reduced_motion="reduce")
    page = context.new_page()
    page.goto(shots.url(server.url, "/board/utama"))
    page.wait_for_selector("#offline-mark[hidden]", state="attached")
    expect(page.locator("#now-idle")).to_be_visible()
    page.wait_for_timeout(300)
    page.screenshot(path=shots.file("board-idle.png"))
    context.close()


def shoot_console(browser: Browser, server: ServerProcess, shots: Shots) -> None:
    context = browser.new_context(viewport=CONSOLE)
    page: Page = context.new_page()
    page.goto(shots.url(server.url, "/counter"))
    expect(page.locator("#login-view")).to_be_visible()
    page.screenshot(path=shots.file("counter-login.png"))
    page.locator("#username").fill("budi")
    page.locator("#password").fill(PASSWORD)
    page.locator("#login-submit").click()
    page.get_by_role("button", name=re.compile("^Loket 1")).click()
    expect(page.locator("#waiting-rows tr")).to_have_count(5)
    page.wait_for_timeout(1500)  # let the service timer run for a moment
    page.screenshot(path=shots.file("counter.png"))
    page.keyboard.press("t")
    expect(page.locator(".transfer-choice").first).to_be_visible()
    page.screenshot(path=shots.file("counter-transfer.png"))
    context.close()


def shoot_page(browser: Browser, url: str, viewport: dict[str, int], ready: str, file: str) -> None:
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    page.goto(url)
    page.wait_for_selector(ready)
    page.screenshot(path=file)
    context.close()


def main() -> None:
    for lang in languages(__doc__.splitlines()[0]):
        with tempfile.TemporaryDirectory() as folder:
            server = ServerProcess(Path(folder), **station_overrides())
            server.add_user("budi")
            server.add_user("sari", "supervisor")
            server.start()
            try:
                shots = Shots(lang)
                take(server, shots)
                shots.compact()
            finally:
                server.stop()


def take(server: ServerProcess, shots: Shots) -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        shoot_idle_board(browser, server, shots)
        prepare(server)
        shoot_board(browser, server, shots, LANDSCAPE, "board-landscape.png", "board-waiting.png")
        shoot_board(browser, server, shots, PORTRAIT, "board-portrait.png")
        shoot_console(browser, server, shots)
        desk = shots.url(server.url, "/survey/loket-2")
        shoot_page(browser, desk, TABLET, "#desk-form:not([hidden])", shots.file("survey-desk.png"))
        home = shots.url(server.url, "/")
        shoot_page(browser, home, HOME, "nav", shots.file("home.png"))
        browser.close()


if __name__ == "__main__":
    main()
