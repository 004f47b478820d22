"""Take the README's screenshots of the hall on the UPS's battery.

Starts a real upsd with the dummy UPS (as the power tests do: run as root, NUT installed) and a
real server with the bundled station's services watching it (opening hours left out so the
pictures do not depend on the time of day), issues a few tickets, puts the UPS on battery with
25 minutes left, and photographs in Debian's Chromium:

- docs/board-battery.png (1920x1080): the wall board with the notice, a service the battery
  cannot last for marked in the waiting strip;
- docs/kiosk-battery.png (1920x1080): the kiosk with the notice and that service's card;

and the same in English under docs/en/. Run: `sudo .venv/bin/python -m docs.screenshots_power`
(`--lang id` or `--lang en` for one language only).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from playwright.sync_api import Browser, expect, sync_playwright

from docs.screenshots_kiosk import LANDSCAPE, issue, station_overrides
from docs.shots import Shots, languages
from tests.conftest import CHROMIUM, CHROMIUM_FLAGS
from tests.realserver import ServerProcess
from tests.ups_fixtures import DummyUps

RUNTIME_MINUTES = 25
WAITING = (("spkt-lapor", 5), ("spkt-surat", 2), ("lantas-laka", 1), ("reskrim", 2))


def main() -> None:
    for lang in languages(__doc__.splitlines()[0]):
        with tempfile.TemporaryDirectory() as folder:
            ups = DummyUps(Path(folder) / "nut")
            ups.start()
            server = ServerProcess(
                Path(folder), power=ups.power(poll_seconds=1), **station_overrides()
            )
            server.start()
            try:
                for service, count in WAITING:
                    for _ in range(count):
                        issue(server, service)
                ups.set("OB DISCHRG", runtime=RUNTIME_MINUTES * 60 + 30, charge=62)
                ups.wait_for("OB DISCHRG")
                shots = Shots(lang)
                take(server, shots)
                shots.compact()
            finally:
                server.stop()
                ups.stop()


def take(server: ServerProcess, shots: Shots) -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        shoot(browser, shots.url(server.url, "/board"), shots.file("board-battery.png"))
        shoot(browser, shots.url(server.url, "/kiosk/kiosk-1"), shots.file("kiosk-battery.png"))
        browser.close()


def shoot(browser: Browser, url: str, file: str) -> None:
    """The page at `url` once the power notice shows."""
    context = browser.new_context(viewport=LANDSCAPE, reduced_motion="reduce")
    page = context.new_page()
    page.goto(url)
    expect(page.locator("#power-notice")).to_be_visible(timeout=30_000)
    page.wait_for_selector("#offline-mark[hidden]", state="attached")
    page.wait_for_timeout(500)  # the services' cards after the power's snapshot
    page.screenshot(path=file)
    context.close()


if __name__ == "__main__":
    main()
