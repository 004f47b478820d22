"""The citizen's phone page in headless Chromium against a real server: the "almost your turn"
alert (only with few ahead and a short estimate), the number now served, cancelling the
ticket, a no-show's way back, and long names that fit a 360 px screen."""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import requests
from playwright.sync_api import Browser, Page, expect

from tests.helpers import BASE_CONFIG
from tests.layout_checks import overflows
from tests.realserver import ServerProcess

pytestmark = [pytest.mark.browser, pytest.mark.server]

PHONE = {"width": 360, "height": 740}
ALERT_AHEAD = 2
# Headless Chromium has no vibration motor and no loudspeaker: record what the page asks of them.
RECORD_ALERTS = """
window.vibrations = [];
navigator.vibrate = (pattern) => window.vibrations.push(pattern);
window.tones = [];
const start = OscillatorNode.prototype.start;
OscillatorNode.prototype.start = function (...when) {
  window.tones.push(this.frequency.value);
  return start.apply(this, when);
};
"""
LONG_COUNTER = {
    "id": "Loket Pelayanan Surat Keterangan Catatan Kepolisian Nomor 07",
    "en": "Counter for Police Clearance Certificates and Statements, 07",
}
LONG_SERVICE = {
    "id": "Permohonan Surat Keterangan Catatan Kepolisian untuk Melamar Pekerjaan",
    "en": "Applications for Police Clearance Certificates for Job Seekers (SKCK).",
}


@pytest.fixture
def hall(tmp_path: Path) -> Iterator[ServerProcess]:
    """The test station; phones say "almost your turn" at two people ahead and an estimate of
    at most 15 minutes. A report takes 4 minutes; a traffic matter an hour, at one counter."""
    services = copy.deepcopy(BASE_CONFIG["services"])
    services[0]["standard_minutes"] = 4
    services[2]["standard_minutes"] = 60
    phone = {"alert_ahead": ALERT_AHEAD, "alert_minutes": 15}
    server = ServerProcess(tmp_path, services=services, phone=phone)
    server.add_user("budi")
    server.start()
    yield server
    server.stop()


@contextmanager
def phone_page(
    chromium: Browser, server: ServerProcess, ticket: dict[str, Any], lang: str = "id"
) -> Iterator[Page]:
    """The ticket's status page on a phone with a clock the test may move; scripts must not
    throw."""
    context = chromium.new_context(viewport=PHONE)
    context.add_init_script(RECORD_ALERTS)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.clock.install()
    page.goto(f"{server.url}{ticket['status_url']}?lang={lang}")
    try:
        yield page
    finally:
        context.close()
    assert errors == []


def issue(server: ServerProcess, service: str = "lapor") -> dict[str, Any]:
    reply = requests.post(f"{server.url}/api/tickets", json={"service": service}, timeout=10)
    assert reply.status_code == 201, reply.text
    return reply.json()["ticket"]


def act(server: ServerProcess, counter: str, action: str, **body: Any) -> dict[str, Any]:
    officer = server.session("budi")
    reply = officer.post(f"{server.url}/api/counters/{counter}/{action}", json=body, timeout=10)
    assert reply.ok, reply.text
    return reply.json()


def on_server(server: ServerProcess, ticket: dict[str, Any]) -> dict[str, Any]:
    return requests.get(f"{server.url}/api/tickets/{ticket['token']}", timeout=10).json()["ticket"]


def test_the_phone_alerts_once_when_the_turn_is_near_and_shows_the_number_served(
    chromium: Browser, hall: ServerProcess
) -> None:
    before = [issue(hall) for _ in range(4)]
    mine = issue(hall)
    with phone_page(chromium, hall, mine) as phone:
        banner = phone.locator("#almost")
        expect(phone.locator("#ahead")).to_have_text("4 orang")
        expect(phone.locator("#serving")).to_have_text("Belum ada")
        expect(banner).to_be_hidden()
        act(hall, "loket-1", "call-next")
        expect(phone.locator("#ahead")).to_have_text("3 orang")
        expect(phone.locator("#serving")).to_have_text(before[0]["number"])
        expect(banner).to_be_hidden()
        assert phone.evaluate("window.vibrations.length") == 0

        act(hall, "loket-2", "call-next")  # two ahead: the threshold
        expect(banner).to_be_visible()
        expect(banner).to_contain_text("Sebentar lagi giliran Anda")
        expect(phone.locator("#almost-text")).to_have_text(
            "Tinggal 2 orang di depan Anda. Bersiaplah di dekat loket."
        )
        expect(phone.locator("#serving")).to_have_text(before[1]["number"])
        expect(phone.locator("#announcer")).to_contain_text("Sebentar lagi giliran Anda")
        assert phone.evaluate("window.vibrations.length") == 1
        tones = phone.evaluate("window.tones.length")
        assert tones > 0, "a tone was played"

        act(hall, "loket-1", "call-next")  # one ahead: still near, but no second alert
        expect(phone.locator("#almost-text")).to_have_text(
            "Tinggal 1 orang di depan Anda. Bersiaplah di dekat loket."
        )
        assert phone.evaluate("window.vibrations.length") == 1
        assert phone.evaluate("window.tones.length") == tones

        phone.get_by_role("button", name="English").click()
        expect(phone.locator("#almost-text")).to_have_text(
            "1 person is ahead of you. Please get ready near the counters."
        )
        expect(phone.locator("#ahead")).to_have_text("1 person")
        phone.reload()  # the same phone: the banner stays, the alert is not given again
        expect(banner).to_be_visible()
        urgent = {"service": "lapor", "priority": True}  # goes ahead: an update, still near
        assert requests.post(f"{hall.url}/api/tickets", json=urgent, timeout=10).ok
        expect(phone.locator("#almost-text")).to_contain_text("Tinggal 2 orang")
        assert phone.evaluate("window.vibrations.length") == 0


def test_few_ahead_but_a_long_wait_is_not_almost_the_turn(
    chromium: Browser, hall: ServerProcess
) -> None:
    issue(hall, "lantas"), issue(hall, "lantas")
    mine = issue(hall, "lantas")
    with phone_page(chromium, hall, mine) as phone:
        expect(phone.locator("#ahead")).to_have_text("2 orang")
        expect(phone.locator("#wait")).to_have_text(re.compile(r"^sekitar \d+\u2013\d+ menit$"))
        expect(phone.locator("#almost")).to_be_hidden()
        act(hall, "loket-3", "call-next")
        expect(phone.locator("#ahead")).to_have_text("1 orang")
        act(hall, "loket-3", "done")
        act(hall, "loket-3", "call-next")  # next in line, but the one before takes an hour
        expect(phone.locator("#ahead")).to_have_text("Tidak ada")
        expect(phone.locator("#wait")).to_have_text(re.compile(r"^sekitar \d+\u2013\d+ menit$"))
        expect(phone.locator("#almost")).to_be_hidden()
        phone.get_by_role("button", name="English").click()
        expect(phone.locator("#wait")).to_have_text(re.compile(r"^about \d+\u2013\d+ minutes$"))
        expect(phone.locator("#almost")).to_be_hidden()
        assert phone.evaluate("window.vibrations.length") == 0


def test_cancelling_asks_first_then_the_ticket_leaves_the_queue(
    chromium: Browser, hall: ServerProcess
) -> None:
    mine, after = issue(hall), issue(hall)
    with phone_page(chromium, hall, mine) as phone:
        phone.get_by_role("button", name="Batalkan antrean saya").click()
        question = phone.locator("#cancel-question")
        expect(question).to_have_text(re.compile(rf"^Batalkan nomor {mine['number']}\?"))
        keep = phone.get_by_role("button", name="Tidak, tetap menunggu")
        expect(keep).to_be_focused()
        keep.click()
        expect(question).to_be_hidden()
        assert on_server(hall, mine)["status"] == "waiting"

        phone.get_by_role("button", name="Batalkan antrean saya").click()
        phone.get_by_role("button", name="Ya, batalkan").click()
        expect(phone.locator("#closed-message")).to_have_text(
            "Nomor Anda sudah dibatalkan. Jika masih memerlukan layanan, silakan ambil nomor baru"
            " di kios."
        )
        expect(phone.locator("#state-waiting")).to_be_hidden()
    assert on_server(hall, mine)["status"] == "cancelled"
    board = requests.get(f"{hall.url}/api/board", timeout=10).json()
    assert board["waiting"]["lapor"] == 1
    queue = hall.session("budi").get(f"{hall.url}/api/counters/loket-1", timeout=10).json()
    assert [row["number"] for row in queue["waiting"]] == [after["number"]]
    assert act(hall, "loket-1", "call-next")["ticket"]["number"] == after["number"]


def test_after_a_no_show_the_phone_says_where_and_until_when_it_can_come_back(
    chromium: Browser, hall: ServerProcess
) -> None:
    mine = issue(hall)
    with phone_page(chromium, hall, mine) as phone:
        act(hall, "loket-2", "call-next")
        expect(phone.locator("#go-to")).to_have_text("Silakan menuju Loket 2")
        act(hall, "loket-2", "no-show")
        marked = on_server(hall, mine)
        called = marked["called_at"][11:16].replace(":", ".")
        until = marked["requeue_until"][11:16].replace(":", ".")  # 30 minutes later
        expect(phone.locator("#no-show-called")).to_have_text(
            f"Dipanggil ke Loket 2 pukul {called}."
        )
        restore = phone.locator("#no-show-restore")
        expect(restore).to_have_text(
            f"Nomor ini masih dapat dikembalikan ke antrean sampai pukul {until}: temui petugas"
            " di Loket 2."
        )
        phone.get_by_role("button", name="English").click()
        expect(restore).to_contain_text(f"until {until.replace('.', ':')}: see the officer")
        phone.clock.fast_forward("31:00")
        expect(restore).to_have_text(
            "This number can no longer be put back. If you still need a service, please take a"
            " new number at the kiosk."
        )


def test_a_number_put_back_after_a_no_show_waits_again_on_the_phone(
    chromium: Browser, hall: ServerProcess
) -> None:
    mine = issue(hall)
    act(hall, "loket-1", "call-next")
    act(hall, "loket-1", "no-show")
    with phone_page(chromium, hall, mine) as phone:
        expect(phone.locator("#no-show")).to_be_visible()
        act(hall, "loket-1", "requeue", number=mine["number"])
        expect(phone.locator("#state-waiting")).to_be_visible()
        expect(phone.locator("#no-show")).to_be_hidden()


@pytest.fixture
def long_names(tmp_path: Path) -> Iterator[ServerProcess]:
    """A 70-character service and a 60-character counter, in both languages."""
    services = copy.deepcopy(BASE_CONFIG["services"])
    services[0]["name"] = LONG_SERVICE
    counters = copy.deepcopy(BASE_CONFIG["counters"])
    counters[0]["name"] = LONG_COUNTER
    server = ServerProcess(tmp_path, services=services, counters=counters)
    server.add_user("budi")
    server.start()
    yield server
    server.stop()


@pytest.mark.parametrize("lang", ["id", "en"])
def test_long_names_fit_on_a_360_px_phone(
    chromium: Browser, long_names: ServerProcess, lang: str
) -> None:
    assert {len(name) for name in LONG_SERVICE.values()} == {70}
    assert {len(name) for name in LONG_COUNTER.values()} == {60}
    issue(long_names)
    mine = issue(long_names)
    with phone_page(chromium, long_names, mine, lang) as phone:
        expect(phone.locator("#service")).to_have_text(LONG_SERVICE[lang])
        act(long_names, "loket-2", "call-next")
        expect(phone.locator("#almost")).to_be_visible()
        phone.locator("#cancel").click()
        expect(phone.locator("#cancel-confirm")).to_be_visible()
        assert overflows(phone) == [], "waiting, asked to cancel"
        act(long_names, "loket-1", "call-next")
        expect(phone.locator("#go-to")).to_contain_text(LONG_COUNTER[lang])
        assert overflows(phone) == [], "called"
        act(long_names, "loket-1", "no-show")
        expect(phone.locator("#no-show-restore")).to_contain_text(LONG_COUNTER[lang])
        assert overflows(phone) == [], "after a no-show"
