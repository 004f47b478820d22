"""Take the README's screenshots of a citizen's need (issue 25).

Starts a real server with the bundled station (opening hours left out so the pictures do not
depend on the time of day), a seat area and a BISINDO officer; a citizen who cannot hear takes a
number and an interpreter ticket waits; then Loket 1 calls the deaf citizen, and Debian's
Chromium photographs:

- docs/counter-need.png (1366x768): the console serving the deaf citizen, "Hampiri warga" with
  the seat area beside the number;
- docs/board-need.png (1920x1080): the board's call of that ticket, marked and framed;
- docs/greeter.png (1280x800): the greeter's tablet at the door (on the server's own machine,
  which needs no enrolment) taking a priority number for a citizen who cannot hear;

and the same in English under docs/en/. Run: `.venv/bin/python -m docs.screenshots_needs`
(`--lang id` or `--lang en` for one language only).
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import requests
import yaml
from playwright.sync_api import Browser, expect, sync_playwright

from docs.shots import DOCS, Shots, languages
from tests.conftest import CHROMIUM, CHROMIUM_FLAGS
from tests.realserver import PASSWORD, ServerProcess

BUNDLED_CONFIG = DOCS.parent / "config.yaml"
LANDSCAPE = {"width": 1920, "height": 1080}
CONSOLE = {"width": 1366, "height": 768}
TABLET = {"width": 1280, "height": 800}
GREETERS = [{"id": "pintu-depan", "kiosk": "kiosk-1", "name": "Pintu depan"}]
CHOICES = {"id": ("Laporan & Pengaduan", "Prioritas (", "Sulit mendengar"),
           "en": ("Reports & Complaints", "Priority (", "Hard of hearing")}  # fmt: skip
NEEDS = {
    "seat_area": {"id": "Kursi biru dekat pintu", "en": "Blue seats by the door"},
    "skills": {"rini": ["bisindo"]},
}


def hall(folder: Path) -> ServerProcess:
    """The bundled station, always open, with the needs settings and officers budi and rini."""
    data = yaml.safe_load(BUNDLED_CONFIG.read_text(encoding="utf-8"))
    for service in data["services"]:
        service.pop("hours", None)
        service.pop("daily_quota", None)
    data.update(needs=NEEDS, greeters=GREETERS, database="satupintu.db", printer={"type": "none"})
    server = ServerProcess(folder, **data)
    server.add_user("budi")
    server.add_user("rini")
    server.start()
    return server


def shoot(chromium: Browser, server: ServerProcess, shots: Shots) -> None:
    service = requests.get(f"{server.url}/api/services", timeout=10).json()["services"][0]["id"]
    for need in (None, "deaf", "interpreter"):
        body = {"service": service, **({"need": need} if need else {})}
        requests.post(f"{server.url}/api/tickets", json=body, timeout=10).raise_for_status()
    board_context = chromium.new_context(viewport=LANDSCAPE, reduced_motion="reduce")
    board = board_context.new_page()
    board.goto(shots.url(server.url, "/board"))
    console_context = chromium.new_context(viewport=CONSOLE)
    console = console_context.new_page()
    console.goto(shots.url(server.url, "/counter"))
    console.locator("#username").fill("budi")
    console.locator("#password").fill(PASSWORD)
    console.locator("#login-form button[type=submit]").click()
    console.get_by_role("button", name=re.compile("^Loket 1")).click()
    console.locator('[data-action="call_next"]').click()  # the first, without a need
    console.locator('[data-action="call_next"]').click()  # the deaf citizen
    expect(console.locator("#current-need")).to_be_visible()
    expect(board.locator("#now-need")).to_be_visible()
    console.screenshot(path=shots.file("counter-need.png"))
    board.wait_for_timeout(300)
    board.screenshot(path=shots.file("board-need.png"))
    board_context.close()
    console_context.close()
    tablet_context = chromium.new_context(viewport=TABLET, has_touch=True)
    tablet = tablet_context.new_page()
    tablet.goto(shots.url(server.url, "/greeter/pintu-depan"))
    for choice in CHOICES[shots.lang]:
        tablet.locator(".greeter-choice", has_text=choice).click()
    expect(tablet.locator("#greeter-print")).to_be_enabled()
    tablet.screenshot(path=shots.file("greeter.png"), full_page=True)
    tablet_context.close()


def main() -> None:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        for lang in languages(__doc__ or ""):
            with tempfile.TemporaryDirectory() as folder:
                server = hall(Path(folder))
                try:
                    shots = Shots(lang)
                    shoot(chromium, server, shots)
                    shots.compact()
                finally:
                    server.stop()
        chromium.close()


if __name__ == "__main__":
    main()
