"""Take the README's screenshots of the kiosk and the phone status page.

Starts a real server with the bundled station's services (opening hours left out so the
pictures do not depend on the time of day; one service has used up its daily quota; the
phone's service given a short standard time, so its wait is short enough for "almost your
turn"; phones allowed to take tickets), issues a few tickets, and photographs the pages in
Debian's Chromium:

- docs/kiosk-portrait.png (1080x1920) and docs/kiosk-landscape.png (1920x1080): the start;
- docs/kiosk-private.png: the private services behind their neutral button (portrait);
- docs/kiosk-reference.png: the registration-number screen of a service that asks for one,
  a number half typed on the keypad (portrait);
- docs/kiosk-requirements.png: "Cek persyaratan" of a service, the documents to bring
  (portrait);
- docs/kiosk-voice.png: the spoken menu started with Enter on a numeric keypad, its words on
  the screen (portrait);
- docs/standar.png: the public /standar page (390 px wide, its top);
- docs/kiosk-phone.png (390 px wide): the kiosk page as a phone on the hall's Wi-Fi sees it;
- docs/kiosk-ticket.png: the confirmation after a tap (portrait), and docs/ticket-preview.png
  the paper ticket it printed (the `preview` printer's picture; one for both languages);
- docs/phone.png, docs/phone-called.png and docs/phone-survey.png: a phone waiting (almost its
  turn, with the number now served), called, then asked for the survey;
- docs/phone-cancel.png: the question before a citizen gives their number up;
- docs/phone-no-show.png: a phone after a no-show, with until when it can be put back;

and the same in English under docs/en/. Run: `.venv/bin/python -m docs.screenshots_kiosk`
(`--lang id` or `--lang en` for one language only).
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

import requests
import yaml
from playwright.sync_api import Browser, expect, sync_playwright

from docs.shots import DOCS, Shots, languages
from tests.conftest import CHROMIUM, CHROMIUM_FLAGS
from tests.realserver import ServerProcess

BUNDLED_CONFIG = DOCS.parent / "config.yaml"
QUOTA_SERVICE = "lantas-laka"
REFERENCE_SERVICE, REFERENCE_TYPED = "lantas-dokumen", "SIM-0412"  # its `reference: optional`
PORTRAIT = {"width": 1080, "height": 1920}
LANDSCAPE = {"width": 1920, "height": 1080}
PHONE = {"width": 390, "height": 780}
PHONE_KIOSK = {"width": 390, "height": 844}
ON_THE_WIFI = {"X-Forwarded-For": "10.0.0.7"}  # through the trusted proxy: a phone, not a kiosk
PUBLIC_URL = "http://192.168.1.10:8000"  # as a hall sets it: QR codes phones can open
MY_SERVICE, MY_COUNTER, AHEAD_OF_MINE = "reskrim", "loket-4", 2  # the phone's ticket
MY_STANDARD_MINUTES = 5  # one ahead and one served: "about 5-15 minutes", almost its turn


def station_overrides() -> dict[str, Any]:
    bundled = yaml.safe_load(BUNDLED_CONFIG.read_text(encoding="utf-8"))
    services = []
    for service in bundled["services"]:
        service = {key: value for key, value in service.items() if key != "hours"}
        if service["id"] == QUOTA_SERVICE:
            service["daily_quota"] = 1
        if service["id"] == MY_SERVICE:
            service["standard_minutes"] = MY_STANDARD_MINUTES
        services.append(service)
    return {
        "station": {
            "name": bundled["station"]["name"],
            "maklumat": bundled["station"]["maklumat"],
        },
        "complaint_channels": bundled["complaint_channels"],
        "public_url": PUBLIC_URL,
        "printer": {"type": "preview"},
        "services": services,
        "counters": bundled["counters"],
        "kiosks": bundled["kiosks"],
        "phone_tickets": True,
        "trusted_proxies": ["127.0.0.1"],
    }


def issue(server: ServerProcess, service: str, priority: bool = False) -> dict[str, Any]:
    reply = requests.post(
        f"{server.url}/api/tickets", json={"service": service, "priority": priority}, timeout=10
    )
    reply.raise_for_status()
    return reply.json()["ticket"]


def shoot(
    browser: Browser,
    url: str,
    viewport: dict[str, int],
    file: str,
    scale: int = 1,
    full_page: bool = False,
    click: str | None = None,
    headers: dict[str, str] | None = None,
) -> None:
    """The page at `url` once drawn (after a click on the `click` selector, if given), asked for
    with `headers` if given."""
    context = browser.new_context(
        viewport=viewport,
        device_scale_factor=scale,
        reduced_motion="reduce",
        extra_http_headers=headers,
    )
    page = context.new_page()
    page.goto(url)
    page.wait_for_selector("#offline-mark[hidden]", state="attached")
    if click:
        page.locator(click).click()
    page.wait_for_timeout(300)
    page.screenshot(path=file, full_page=full_page)
    context.close()


def main() -> None:
    for lang in languages(__doc__.splitlines()[0]):
        with tempfile.TemporaryDirectory() as folder:
            server = ServerProcess(Path(folder), **station_overrides())
            server.add_user("budi")
            server.start()
            try:
                shots = Shots(lang)
                take(server, shots)
                shots.compact()
            finally:
                server.stop()


def take(server: ServerProcess, shots: Shots) -> None:
    issue(server, QUOTA_SERVICE)
    for service, count in (("spkt-lapor", 5), ("spkt-surat", 2), (MY_SERVICE, AHEAD_OF_MINE)):
        for _ in range(count):
            issue(server, service)
    mine = issue(server, MY_SERVICE)
    theirs = issue(server, MY_SERVICE)  # called after mine, and not there
    leaving = issue(server, "spkt-lapor")  # gives the number up
    officer = server.session("budi")
    officer.post(f"{server.url}/api/counters/{MY_COUNTER}/call-next", timeout=10)  # one ahead gone
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        kiosk = shots.url(server.url, "/kiosk/kiosk-1")
        shoot(browser, kiosk, PORTRAIT, shots.file("kiosk-portrait.png"))
        shoot(browser, kiosk, LANDSCAPE, shots.file("kiosk-landscape.png"))

        context = browser.new_context(viewport=PORTRAIT)
        page = context.new_page()
        page.goto(kiosk)
        page.locator("[data-private]").click()
        page.wait_for_selector("#heading-private:not([hidden])")
        page.screenshot(path=shots.file("kiosk-private.png"))
        page.locator("#private-back").click()
        page.locator(f'[data-service="{REFERENCE_SERVICE}"]').click()
        keypad = page.locator(".kiosk-keypad:visible")
        for key in REFERENCE_TYPED[:5]:  # half typed, on the keypad
            keypad.get_by_role("button", name=key, exact=True).click()
        expect(page.locator("#reference-input")).to_have_value(REFERENCE_TYPED[:5])
        page.screenshot(path=shots.file("kiosk-reference.png"))
        page.locator("#reference-back").click()
        page.locator(f'[data-check="{REFERENCE_SERVICE}"]').click()
        page.wait_for_selector("#requirements:not([hidden])")
        page.screenshot(path=shots.file("kiosk-requirements.png"))
        page.locator("#requirements-back").click()
        page.evaluate("document.activeElement.blur()")  # the keypad's Enter, not a button's
        page.keyboard.press("Enter")
        expect(page.locator("#voice-text")).not_to_be_empty()
        page.screenshot(path=shots.file("kiosk-voice.png"))
        page.reload()
        page.locator('[data-service="spkt-lapor"]').click()
        page.wait_for_selector("#confirm:not([hidden])")
        expect(page.locator("#confirm-qr")).to_have_js_property("complete", True)
        page.screenshot(path=shots.file("kiosk-ticket.png"))
        context.close()
        if shots.lang == "id":  # the paper says both languages: one picture
            printed = max((server.folder / "var" / "prints").glob("A-*.png"))
            shutil.copy(printed, DOCS / "ticket-preview.png")

        on_phone = shots.url(server.url, "/kiosk")
        shoot(browser, on_phone, PHONE_KIOSK, shots.file("kiosk-phone.png"), 2, headers=ON_THE_WIFI)

        standar = shots.url(server.url, "/standar")
        shoot(browser, standar, PHONE, shots.file("standar.png"), scale=2)

        phone = shots.url(server.url, mine["status_url"])
        shoot(browser, phone, PHONE, shots.file("phone.png"), scale=2)
        cancel = shots.url(server.url, leaving["status_url"])
        shoot(
            browser,
            cancel,
            PHONE,
            shots.file("phone-cancel.png"),
            scale=2,
            full_page=True,
            click="#cancel",
        )
        for _ in range(AHEAD_OF_MINE):  # the last call-next calls this phone's ticket
            officer.post(f"{server.url}/api/counters/{MY_COUNTER}/call-next", timeout=10)
        shoot(browser, phone, PHONE, shots.file("phone-called.png"), scale=2)
        officer.post(f"{server.url}/api/counters/{MY_COUNTER}/done", timeout=10)
        shoot(browser, phone, PHONE, shots.file("phone-survey.png"), scale=2, full_page=True)
        officer.post(f"{server.url}/api/counters/{MY_COUNTER}/call-next", timeout=10)
        officer.post(f"{server.url}/api/counters/{MY_COUNTER}/no-show", timeout=10)
        absent = shots.url(server.url, theirs["status_url"])
        shoot(browser, absent, PHONE, shots.file("phone-no-show.png"), scale=2)
        browser.close()


if __name__ == "__main__":
    main()
