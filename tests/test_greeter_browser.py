"""The greeter's tablet in headless Chromium against a real server: a device not enrolled is
told how to enrol, the one-time link makes it the greeter, its private services stay behind one
neutral choice until opened, and it issues a priority ticket with a need printed at its kiosk's
printer, then one handed over by voice (the spoken prompt's audio requested), in both
languages, axe clean and with large targets. The browser appears as another device (10.0.0.7)
through a trusted proxy header."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator

import pytest
import requests
from playwright.sync_api import Browser, expect

from tests.realserver import SATUPINTU, ServerProcess
from tests.test_accessibility import assert_axe_finds_nothing, assert_touch_targets

pytestmark = [pytest.mark.browser, pytest.mark.server]

ELSEWHERE = {"X-Forwarded-For": "10.0.0.7"}
TABLET = {"width": 1280, "height": 800}
WORDS = {
    "id": {"service": "Laporan", "priority": "Prioritas (", "deaf": "Sulit mendengar",
           "interpreter": "Perlu pendamping", "printed": "Tiket dicetak",
           "spoken": "Nomor disebutkan", "print": "Cetak di Kios lobi",
           "private": "Layanan khusus"},
    "en": {"service": "Reports", "priority": "Priority (", "deaf": "Hard of hearing",
           "interpreter": "Needs a companion", "printed": "Ticket printed",
           "spoken": "Number said aloud", "print": "Print at Kios lobi",
           "private": "Special services"},
}  # fmt: skip


@pytest.fixture(scope="module")
def hall(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    server = ServerProcess(
        tmp_path_factory.mktemp("greeter"),
        trusted_proxies=["127.0.0.1"],
        kiosks=[{"id": "kiosk-1", "name": "Kios lobi",
                 "printer": {"type": "preview", "directory": "lobi"}}],
        greeters=[{"id": "pintu-depan", "kiosk": "kiosk-1", "name": "Pintu depan"}],
    )  # fmt: skip
    server.start()
    yield server
    server.stop()


def enrol_link(hall: ServerProcess) -> str:
    printed = subprocess.run(
        [SATUPINTU, "enrol", "greeter", "pintu-depan", "--url", hall.url,
         "--config", str(hall.config_path)],
        capture_output=True, text=True, check=True, timeout=60,
    ).stdout  # fmt: skip
    link = re.search(r"http://\S+/enrol/\S+", printed)
    assert link, printed
    return link.group(0)


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_greeter_issues_for_a_citizen_printed_or_said(
    chromium: Browser, hall: ServerProcess, lang: str
) -> None:
    context = chromium.new_context(viewport=TABLET, extra_http_headers=ELSEWHERE, has_touch=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    words = WORDS[lang]
    prints = hall.folder / "lobi"

    page.goto(f"{hall.url}/greeter/pintu-depan")
    expect(page.locator("#greeter-not-enrolled")).to_contain_text(
        "satupintu enrol greeter pintu-depan"
    )
    expect(page.locator("#greeter-form")).to_have_count(0)
    page.goto(enrol_link(hall))
    page.locator("form button[type=submit]").click()
    expect(page).to_have_url(f"{hall.url}/greeter/pintu-depan")
    page.wait_for_load_state()  # the greeter's script has bound the language button
    if lang == "en":
        page.locator("#language").click()
        expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#greeter-print")).to_have_text(words["print"])
    # A private service hides behind one neutral choice until it is opened, as on the kiosk.
    choices = page.locator("#greeter-services")
    expect(choices).not_to_contain_text("Pengaduan Propam")
    expect(page.locator(".greeter-private")).to_contain_text(words["private"])
    page.locator(".greeter-private").click()
    expect(choices).to_contain_text("Pengaduan Propam")
    assert_axe_finds_nothing(page)
    assert_touch_targets(page)
    page.locator(".greeter-private").click()
    expect(choices).not_to_contain_text("Pengaduan Propam")

    page.locator(".greeter-choice", has_text=words["service"]).click()
    page.locator(".greeter-choice", has_text=words["priority"]).click()
    page.locator(".greeter-choice", has_text=words["deaf"]).click()
    before = len(list(prints.glob("*.png"))) if prints.exists() else 0
    with page.expect_response(lambda response: "/api/greeter/" in response.url) as answer:
        page.locator("#greeter-print").click()
    ticket = answer.value.json()["ticket"]
    assert (ticket["priority"], ticket["need"]) == (True, "deaf")
    expect(page.locator("#greeter-number")).to_have_text(ticket["number"])
    expect(page.locator("#greeter-outcome")).to_contain_text(words["printed"])
    expect(page.locator("#greeter-need")).to_contain_text(words["deaf"])
    expect(page.locator("#greeter-priority")).to_be_visible()
    assert len(list(prints.glob(f"{ticket['number']}*.png"))) == 1
    assert len(list(prints.glob("*.png"))) == before + 1
    assert_axe_finds_nothing(page)

    page.locator("#greeter-next").click()
    expect(page.locator("#greeter-form")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "id")  # the next citizen's default
    page.locator(".greeter-choice", has_text="Laporan").click()
    page.locator(".greeter-choice", has_text="Perlu pendamping").click()
    with (
        page.expect_request(lambda request: "/api/kiosk/prompt.wav" in request.url) as said,
        page.expect_response(lambda response: "/api/greeter/" in response.url) as answer,
    ):
        page.locator("#greeter-voice").click()
    voiced = answer.value.json()
    assert voiced["print"]["status"] == "disabled"
    assert f"token={voiced['ticket']['token']}" in said.value.url
    expect(page.locator("#greeter-outcome")).to_contain_text(WORDS["id"]["spoken"])
    audio = requests.get(said.value.url, timeout=30)
    assert (audio.status_code, audio.headers["content-type"]) == (200, "audio/wav")
    assert len(list(prints.glob("*.png"))) == before + 1  # said, not printed
    assert_axe_finds_nothing(page)
    assert errors == []
    context.close()
