"""SMS in headless Chromium against one real server for the whole file, in both languages:
after taking a number the kiosk offers "Kirim SMS saat giliran saya hampir tiba", whose keypad
types the mobile number (a wrong one is refused in words, the right one shown masked); the
phone page (/t/<token>) takes a number the same way; the counter console adds a number for the
citizen being served and shows it masked; the dashboard shows the SMS alerts (the daemon not
running, people waiting at a service whose counters all paused, named neutrally for a private
service), and the booking's page takes a number for its confirmation and reminder. axe finds
nothing on any of them."""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import requests
from playwright.sync_api import Browser, Page, expect

from tests.helpers import ALL_UNITS, BASE_CONFIG
from tests.realserver import PASSWORD, ServerProcess
from tests.sms_fixtures import SMSD_CONFIG
from tests.test_accessibility import assert_axe_finds_nothing
from tests.test_admin_browser import open_as
from tests.test_board_browser import CONSOLE_VIEW
from tests.test_board_browser import open_page as open_console
from tests.test_bookings import BOOKING
from tests.test_kiosk_browser import PORTRAIT, open_page

pytestmark = [pytest.mark.browser, pytest.mark.server]

WORDS = {
    "id": {
        "offer": "Kirim SMS saat giliran saya hampir tiba",
        "send": "Kirim SMS ke nomor ini",
        "refused": "Nomor ponsel tidak dikenali",
        "done": "SMS akan dikirim ke 0812•••7890 saat giliran Anda hampir tiba.",
        "username": "Nama pengguna",
        "password": "Kata sandi",
        "login": "Masuk",
        "call": "^Panggil berikutnya",
        "add": "Tambah SMS",
        "shown": "SMS ke 0812•••7890",
    },
    "en": {
        "offer": "Text me when my turn is near",
        "send": "Text this number",
        "refused": "Not a mobile number we know",
        "done": "We will text 0812•••7890 when your turn is near.",
        "username": "Username",
        "password": "Password",
        "login": "Log in",
        "call": "^Call next",
        "add": "Add SMS",
        "shown": "SMS to 0812•••7890",
    },
}
PHONE_WORDS = {
    "id": {
        "label": "Nomor ponsel",
        "new_number": "Nomor ponsel baru untuk sari",
        "alerts": "Peringatan lewat SMS",
        "save": "Simpan",
        "saved": "Ponsel sari diperbarui.",
        "send": "Kirim SMS ke nomor ini",
        "refused": "Nomor ponsel tidak dikenali",
        "done": "SMS akan dikirim ke 0813•••4444 saat giliran Anda hampir tiba.",
        "booked": "Konfirmasi dan pengingat dikirim lewat SMS ke 0813•••4444.",
        "stopped": "Layanan SMS (gammu-smsd) tidak berjalan",
        "unattended": "Ruang Layanan Khusus: 1 warga menunggu, tetapi semua loketnya istirahat",
    },
    "en": {
        "label": "Mobile number",
        "new_number": "New mobile number for sari",
        "alerts": "Alerts by SMS",
        "save": "Save",
        "saved": "Mobile number of sari updated.",
        "send": "Text this number",
        "refused": "Not a mobile number we know",
        "done": "We will text 0813•••4444 when your turn is near.",
        "booked": "The confirmation and a reminder go by SMS to 0813•••4444.",
        "stopped": "The SMS daemon (gammu-smsd) is not running",
        "unattended": "Private service room: 1 citizen waits, but every counter of it is on a",
    },
}
PHONE_VIEW = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def hall(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """One server for every test here (each test uses its own tickets): its gammu-smsd is
    configured but not running (its pid file does not exist), so the dashboard says so."""
    folder: Path = tmp_path_factory.mktemp("sms-hall")
    root = folder / "gammu"
    root.mkdir()
    (root / "smsdrc").write_text(SMSD_CONFIG.format(root=root), encoding="utf-8")
    sms = {"gammu_config": str(root / "smsdrc"), "pid_file": str(root / "smsd.pid")}
    services = copy.deepcopy(BASE_CONFIG["services"])
    services[1]["booking"] = BOOKING  # surat: bookable, for the booking page's opt-in
    server = ServerProcess(folder, sms=sms, services=services)
    server.add_user("budi", units=ALL_UNITS)
    server.add_user("sari", "supervisor")
    server.add_user("root", "admin")
    server.start()
    yield server
    server.stop()


def issue(server: ServerProcess, service: str) -> dict[str, str]:
    reply = requests.post(f"{server.url}/api/tickets", json={"service": service}, timeout=10)
    assert reply.status_code == 201, reply.text
    return reply.json()["ticket"]


def press(page: Page, keys: str) -> None:
    pad = page.locator(".kiosk-keypad:visible")
    for char in keys:
        pad.get_by_role("button", name=char, exact=True).click()


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_kiosk_takes_a_mobile_number_on_its_keypad(
    chromium: Browser, hall: ServerProcess, lang: str
) -> None:
    words = WORDS[lang]
    with open_page(chromium, PORTRAIT, f"{hall.url}/kiosk/kiosk-1?lang={lang}") as kiosk:
        kiosk.locator('[data-service="lapor"]').click()
        expect(kiosk.locator("#confirm-number")).to_have_text(re.compile(r"^A-\d{3}$"))
        kiosk.get_by_role("button", name=words["offer"]).click()
        expect(kiosk.locator("#confirm")).to_be_hidden()
        press(kiosk, "0211234567")
        kiosk.get_by_role("button", name=words["send"]).click()
        expect(kiosk.locator("#sms-error")).to_contain_text(words["refused"])
        assert_axe_finds_nothing(kiosk)
        kiosk.locator("#sms-input").fill("")
        press(kiosk, "+6281234567890")
        kiosk.get_by_role("button", name=words["send"]).click()
        expect(kiosk.locator("#sms-done")).to_have_text(words["done"])
        expect(kiosk.get_by_role("button", name=words["offer"])).to_be_hidden()
        assert_axe_finds_nothing(kiosk)


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_console_adds_a_number_and_shows_it_masked(
    chromium: Browser, hall: ServerProcess, lang: str
) -> None:
    words = WORDS[lang]
    ticket = issue(hall, "lantas")  # Loket 3's service: no other test here calls it
    for console in open_console(chromium, CONSOLE_VIEW, f"{hall.url}/counter?lang={lang}"):
        console.get_by_label(words["username"]).fill("budi")
        console.get_by_label(words["password"]).fill(PASSWORD)
        console.get_by_role("button", name=words["login"]).click()
        console.get_by_role("button", name=re.compile("^Loket 3")).click()
        # The desk has loaded (a call is made on the ticket the officer sees, none before).
        expect(console.locator("#waiting-rows tr", has_text=ticket["number"])).to_have_count(1)
        console.get_by_role("button", name=re.compile(words["call"])).click()
        expect(console.locator("#current-number")).to_have_text(ticket["number"])
        expect(console.locator("#current-sms")).to_be_hidden()
        console.locator("#sms-phone").fill("12345")
        console.get_by_role("button", name=words["add"]).click()
        expect(console.locator("#sms-error")).to_contain_text(words["refused"])
        console.locator("#sms-phone").fill("0812 3456 7890")
        console.get_by_role("button", name=words["add"]).click()
        expect(console.locator("#current-sms")).to_have_text(words["shown"])
        expect(console.locator("#sms-form")).to_be_hidden()
        assert "81234567890" not in console.content()
        assert_axe_finds_nothing(console)


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_phone_page_takes_a_number_for_sms(
    chromium: Browser, hall: ServerProcess, lang: str
) -> None:
    words = PHONE_WORDS[lang]
    ticket = issue(hall, "surat")
    with open_page(chromium, PHONE_VIEW, f"{hall.url}/t/{ticket['token']}?lang={lang}") as phone:
        expect(phone.locator("#state-waiting")).to_be_visible()
        phone.get_by_label(words["label"], exact=True).fill("021 555 1234")
        phone.get_by_role("button", name=words["send"]).click()
        expect(phone.locator("#sms-error")).to_contain_text(words["refused"])
        assert_axe_finds_nothing(phone)
        phone.locator("#sms-phone").fill("+62 813-3333-4444")
        phone.get_by_role("button", name=words["send"]).click()
        expect(phone.locator("#sms-done")).to_have_text(words["done"])
        expect(phone.locator("#sms-form")).to_be_hidden()
        assert "81333334444" not in phone.content()
        assert_axe_finds_nothing(phone)
        phone.reload()  # the masked number stays; the form does not come back
        expect(phone.locator("#sms-done")).to_have_text(words["done"])
        expect(phone.locator("#sms-form")).to_be_hidden()


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_dashboard_shows_the_sms_alerts(
    chromium: Browser, hall: ServerProcess, lang: str
) -> None:
    words = PHONE_WORDS[lang]
    issue(hall, "propam")
    officer = hall.session("budi")
    paused = officer.post(f"{hall.url}/api/counters/loket-4/state", json={"state": "break"})
    assert paused.status_code == 200, paused.text
    page, problems = open_as(chromium, f"{hall.url}/admin?lang={lang}", "sari")
    try:
        notices = page.locator("#notices")
        expect(notices.locator('[data-code="sms_stopped"]')).to_contain_text(words["stopped"])
        unattended = notices.locator('[data-code="queue_unattended"]')
        expect(unattended).to_contain_text(words["unattended"])
        expect(unattended).not_to_contain_text("Propam")
        assert_axe_finds_nothing(page)
    finally:
        page.context.close()
    assert not [problem for problem in problems if "401" not in problem], problems


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_booking_page_takes_a_number_for_sms(
    chromium: Browser, hall: ServerProcess, lang: str
) -> None:
    words = PHONE_WORDS[lang]
    tomorrow = datetime.now(ZoneInfo("Asia/Makassar")).date() + timedelta(days=1)
    reply = requests.post(
        f"{hall.url}/api/bookings",
        json={"service": "surat", "starts_at": f"{tomorrow.isoformat()}T09:00+08:00"},
        timeout=10,
    )
    assert reply.status_code == 201, reply.text
    token = reply.json()["booking"]["token"]
    with open_page(chromium, PHONE_VIEW, f"{hall.url}/b/{token}?lang={lang}") as page:
        page.get_by_label(words["label"], exact=True).fill("12345")
        page.get_by_role("button", name=words["send"]).click()
        expect(page.locator("#sms-error")).to_contain_text(words["refused"])
        page.locator("#sms-phone").fill("0813-3333-4444")
        page.get_by_role("button", name=words["send"]).click()
        expect(page.locator("#sms-done")).to_have_text(words["booked"])
        expect(page.locator("#sms-form")).to_be_hidden()
        assert_axe_finds_nothing(page)
        page.reload()
        expect(page.locator("#sms-done")).to_have_text(words["booked"])
        page.locator("#cancel").click()  # a cancelled booking offers no SMS any more
        expect(page.locator("#sms-done")).to_be_visible()
        expect(page.locator("#sms-form")).to_be_hidden()


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_admin_gives_a_supervisor_a_number_for_the_alerts(
    chromium: Browser, hall: ServerProcess, lang: str
) -> None:
    words = PHONE_WORDS[lang]
    page, problems = open_as(chromium, f"{hall.url}/admin/users?lang={lang}", "root")
    try:
        page.get_by_label(words["new_number"]).fill("0813 5555 6666")
        row = page.locator("#users tr", has_text="sari")
        row.get_by_label(words["alerts"]).check()
        row.get_by_role("button", name=words["save"]).click()
        expect(page.locator("#users-message")).to_have_text(words["saved"])
        expect(row).to_contain_text("0813•••6666")
        budi = page.locator("#users tr", has_text="budi")
        expect(budi.get_by_label(words["alerts"])).to_be_disabled()  # officers get no alerts
        assert "81355556666" not in page.content()
        assert_axe_finds_nothing(page)
    finally:
        page.context.close()
    assert not [problem for problem in problems if "401" not in problem], problems
