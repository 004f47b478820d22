"""Take the README's screenshots of SMS through the hall's modem.

Starts a real server with the bundled station's services and `sms:` (a gammu-smsd config over
Gammu's dummy phone, the daemon left stopped so that the dashboard says so), issues a few
tickets, pauses the Propam room with people waiting, and photographs in Debian's Chromium:

- docs/kiosk-sms.png (1080x1920): the kiosk's keypad after "Kirim SMS saat giliran saya
  hampir tiba", a mobile number half typed;
- docs/phone-sms.png (390x780): the phone page once a number was given (shown masked);
- docs/counter-sms.png (1366x768): the console serving a citizen with a number, masked;
- docs/admin-sms-alerts.png (1366x900): the dashboard's alerts (the SMS daemon stopped, people
  waiting at a private room whose counter is on a break, named neutrally);

and the same in English under docs/en/. Run: `.venv/bin/python -m docs.screenshots_sms`
(`--lang id` or `--lang en` for one language only).
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import requests
from playwright.sync_api import Browser, expect, sync_playwright

from docs.screenshots_admin import VIEWPORT as DASHBOARD
from docs.screenshots_counter_board import CONSOLE
from docs.screenshots_kiosk import PHONE, PORTRAIT, issue, station_overrides
from docs.shots import Shots, languages
from tests.conftest import CHROMIUM, CHROMIUM_FLAGS
from tests.realserver import PASSWORD, ServerProcess
from tests.sms_fixtures import SMSD_CONFIG

NUMBER = "0812 3456 7890"


def main() -> None:
    for lang in languages(__doc__.splitlines()[0]):
        with tempfile.TemporaryDirectory() as folder:
            root = Path(folder) / "gammu"
            root.mkdir()
            (root / "smsdrc").write_text(SMSD_CONFIG.format(root=root), encoding="utf-8")
            sms = {"gammu_config": str(root / "smsdrc"), "pid_file": str(root / "smsd.pid")}
            server = ServerProcess(Path(folder), sms=sms, **station_overrides())
            server.add_user("budi", units="SPKT,Lantas,Reskrim,Samapta,Propam")
            server.add_user("sari", "supervisor")
            server.start()
            try:
                shots = Shots(lang)
                take(server, shots)
                shots.compact()
            finally:
                server.stop()


def take(server: ServerProcess, shots: Shots) -> None:
    ahead = [issue(server, "spkt-lapor")["number"] for _ in range(3)]
    mine = issue(server, "spkt-lapor")
    requests.post(
        f"{server.url}/api/tickets/{mine['token']}/sms", json={"phone": NUMBER}, timeout=10
    )
    issue(server, "propam")
    officer = server.session("budi")
    officer.post(f"{server.url}/api/counters/ruang-khusus-2/state", json={"state": "break"})
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        shoot_kiosk(browser, server, shots)
        shoot_phone(browser, server, shots, mine["token"])
        shoot_console(browser, server, shots, [*ahead, mine["number"]])
        shoot_dashboard(browser, server, shots)
        browser.close()


def shoot_kiosk(browser: Browser, server: ServerProcess, shots: Shots) -> None:
    context = browser.new_context(viewport=PORTRAIT, reduced_motion="reduce")
    page = context.new_page()
    page.goto(shots.url(server.url, "/kiosk/kiosk-1"))
    page.wait_for_selector("#offline-mark[hidden]", state="attached")
    page.locator('[data-service="spkt-surat"]').click()
    page.locator("#sms-open").click()
    pad = page.locator(".kiosk-keypad:visible")
    for key in "0812345":
        pad.get_by_role("button", name=key, exact=True).click()
    page.wait_for_timeout(300)
    page.screenshot(path=shots.file("kiosk-sms.png"))
    context.close()


def shoot_phone(browser: Browser, server: ServerProcess, shots: Shots, token: str) -> None:
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, reduced_motion="reduce")
    page = context.new_page()
    page.goto(shots.url(server.url, f"/t/{token}"))
    expect(page.locator("#sms-done")).to_be_visible()
    page.wait_for_timeout(300)
    page.screenshot(path=shots.file("phone-sms.png"), full_page=True)
    context.close()


def shoot_console(
    browser: Browser, server: ServerProcess, shots: Shots, numbers: list[str]
) -> None:
    context = browser.new_context(viewport=CONSOLE)
    page = context.new_page()
    page.goto(shots.url(server.url, "/counter"))
    page.locator("#username").fill("budi")
    page.locator("#password").fill(PASSWORD)
    page.locator("#login-submit").click()
    page.get_by_role("button", name=re.compile("^Loket 1")).click()
    call = page.get_by_role("button", name=re.compile("^(Panggil berikutnya|Call next)"))
    for number in numbers:  # up to the citizen with a number
        call.click()
        expect(page.locator("#current-number")).to_have_text(number)
    expect(page.locator("#current-sms")).to_be_visible()
    page.screenshot(path=shots.file("counter-sms.png"))
    context.close()


def shoot_dashboard(browser: Browser, server: ServerProcess, shots: Shots) -> None:
    context = browser.new_context(viewport=DASHBOARD)
    cookies = server.session("sari").cookies.items()
    context.add_cookies([{"name": k, "value": v, "url": server.url} for k, v in cookies])
    page = context.new_page()
    page.goto(shots.url(server.url, "/admin"))
    expect(page.locator('#notices [data-code="queue_unattended"]')).to_be_visible()
    page.screenshot(path=shots.file("admin-sms-alerts.png"))
    context.close()


if __name__ == "__main__":
    main()
