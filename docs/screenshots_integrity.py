"""Take the README's screenshots of the integrity survey and Propam's page.

Starts a real server seeded by tests/integrity_fixtures.seed (quick services scored low with
"yes" answers at loket-1, numbers called out of turn at loket-3) and photographs:

- docs/phone-integrity.png: the phone's survey after a service, with the integrity questions
  (390 px wide, one answered);
- docs/admin-propam.png: Propam's page (`/admin/propam`) with its alarms, at 1366 px;

and both in English under docs/en/. Run: `.venv/bin/python -m docs.screenshots_integrity`
(`--lang id` or `--lang en` for one language only).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from playwright.sync_api import Browser, sync_playwright

from docs.shots import Shots, languages
from tests.conftest import CHROMIUM, CHROMIUM_FLAGS
from tests.integrity_fixtures import SERVICES, seed
from tests.realserver import ServerProcess

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


def served_ticket(server: ServerProcess) -> str:
    """A ticket issued, called and finished at loket-1; its token."""
    citizen, officer = server.session(), server.session("budi")
    reply = citizen.post(f"{server.url}/api/tickets", json={"service": "lapor"}, timeout=10)
    for action in ("call-next", "done"):
        officer.post(f"{server.url}/api/counters/loket-1/{action}", json={}, timeout=10)
    return str(reply.json()["ticket"]["token"])


def shoot_phone(browser: Browser, server: ServerProcess, shots: Shots) -> None:
    context = browser.new_context(viewport=PHONE, device_scale_factor=2)
    page = context.new_page()
    page.goto(shots.url(server.url, f"/t/{served_ticket(server)}"))
    page.wait_for_selector(".phone-integrity")
    page.locator("input[name=kepuasan][value='2'] + span").click()
    page.locator("input[name=integrity-extra_fee][value=yes] + span").click()
    page.locator("input[name=integrity-broker][value=no] + span").click()
    page.locator("#survey").screenshot(path=shots.file("phone-integrity.png"))
    context.close()


def shoot_propam(browser: Browser, server: ServerProcess, shots: Shots) -> None:
    context = browser.new_context(viewport=DESKTOP)
    cookies = server.session("provos").cookies.items()
    context.add_cookies([{"name": k, "value": v, "url": server.url} for k, v in cookies])
    page = context.new_page()
    page.goto(shots.url(server.url, "/admin/propam"))
    page.wait_for_selector("[data-page=admin-propam]")
    page.screenshot(path=shots.file("admin-propam.png"), full_page=True)
    context.close()


def main() -> None:
    for lang in languages(__doc__.splitlines()[0]):
        with tempfile.TemporaryDirectory() as folder:
            server = ServerProcess(Path(folder), services=SERVICES)
            seed(server.config_path)
            server.add_user("budi", "officer")
            server.add_user("provos", "propam")
            server.start()
            shots = Shots(lang)
            try:
                with sync_playwright() as playwright:
                    browser = playwright.chromium.launch(
                        executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS
                    )
                    shoot_phone(browser, server, shots)
                    shoot_propam(browser, server, shots)
                    browser.close()
                shots.compact()
            finally:
                server.stop()


if __name__ == "__main__":
    main()
