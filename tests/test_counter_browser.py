"""The counter console in Chromium on an office laptop's 1366x768 screen, against a real server:
what fits, leaving the counter while serving, transfers, priority marks, recalls, presence."""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import requests
from playwright.sync_api import Browser, Page, expect

from tests.helpers import BASE_CONFIG
from tests.realserver import PASSWORD, ServerProcess
from tests.test_board_browser import CONSOLE_VIEW, open_page

pytestmark = [pytest.mark.browser, pytest.mark.server]

LONG_COUNTER = {  # the 60 characters a counter's name may hold
    "id": "Loket Terpadu Pelayanan Surat Keterangan dan Pengaduan Wrg 1",
    "en": "Integrated Counter for Certificates and Citizen Complaints 1",
}
LONG_SERVICE = {  # the 70 characters a service's name may hold
    "id": "Penerbitan Surat Keterangan Tanda Lapor Hilang Dokumen Warga di Kupang",
    "en": "Issuing Certificates of Reported Loss of Population Registration Paper",
}
LONG_REFERENCE = "SKCK/2026/0001234567/POLDA-NTT-KUPANG-KT"  # 40 characters, the most kept
# Every element of the console that holds text, measured for overflow.
TEXT_HOLDERS = (
    "#counter-name, #desk-view h2, #desk-view p, #desk-view td, #desk-view th, "
    "#desk-view .btn, .console-user, .transfer-choice"
)


def not_today() -> str:
    """A weekday other than today's at the test station: a service open only then is closed."""
    today = datetime.now(ZoneInfo(BASE_CONFIG["timezone"])).strftime("%a").lower()
    return next(day for day in ("mon", "tue", "wed") if day != today)


def hall(folder: Path, **overrides: Any) -> ServerProcess:
    services = overrides.pop("services", copy.deepcopy(BASE_CONFIG["services"]))
    hours = {"open": "00:00", "close": "23:59", "days": [not_today()]}
    services.append(
        {"id": "senin", "name": "Layanan Tutup", "prefix": "K", "unit": "SPKT", "hours": hours}
    )
    server = ServerProcess(folder, services=services, **overrides)
    for name, role in (("budi", "officer"), ("ani", "officer"), ("sari", "supervisor")):
        server.add_user(name, role)
    server.start()
    return server


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ServerProcess]:
    live = hall(tmp_path, no_show_after_recalls=2)
    yield live
    live.stop()


@pytest.fixture
def console(chromium: Browser, server: ServerProcess) -> Iterator[Page]:
    yield from open_page(chromium, CONSOLE_VIEW, f"{server.url}/counter")


def issue(
    server: ServerProcess,
    service: str = "lapor",
    priority: bool = False,
    reference: str | None = None,
) -> str:
    body = {"service": service, "priority": priority, "reference": reference}
    reply = requests.post(f"{server.url}/api/tickets", json=body, timeout=10)
    assert reply.status_code == 201, reply.text
    return reply.json()["ticket"]["number"]


def log_in(console: Page, counter: str = "Loket 1", name: str = "budi") -> None:
    console.get_by_label("Nama pengguna").fill(name)
    console.get_by_label("Kata sandi").fill(PASSWORD)
    console.get_by_role("button", name="Masuk").click()
    console.get_by_role("button", name=re.compile(f"^{re.escape(counter)}")).click()
    expect(console.locator("#counter-name")).to_have_text(counter)


def serve_next(console: Page, number: str) -> None:
    console.get_by_role("button", name=re.compile("^Panggil berikutnya")).click()
    expect(console.locator("#current-number")).to_have_text(number)


def desk(server: ServerProcess, counter: str = "loket-1") -> dict:
    officer = server.session("sari")
    reply = officer.get(f"{server.url}/api/counters/{counter}", timeout=10)
    reply.raise_for_status()
    return reply.json()


def overflowing(page: Page, selector: str) -> list[str]:
    """Elements matching `selector` whose content is wider than their box, or whose box
    sticks out of the window."""
    return page.evaluate(
        """(selector) => [...document.querySelectorAll(selector)]
            .filter((node) => node.offsetParent !== null)
            .filter((node) => node.scrollWidth > node.clientWidth + 1
                || node.getBoundingClientRect().right > window.innerWidth + 1)
            .map((node) => `${node.tagName}#${node.id}.${node.className}: ${node.textContent}`)""",
        selector,
    )


def test_everything_an_officer_needs_fits_a_1366x768_screen(
    console: Page, server: ServerProcess
) -> None:
    first = issue(server)
    for _ in range(14):
        issue(server, reference=LONG_REFERENCE)
    log_in(console)
    serve_next(console, first)
    console.get_by_role("button", name=re.compile("^Tidak hadir")).click()
    serve_next(console, "A-002")
    expect(console.locator("#current-reference")).to_have_text(f"No. registrasi: {LONG_REFERENCE}")
    expect(console.locator("#waiting-rows .row-reference").first).to_be_visible()
    expect(console.locator("#no-show-list li")).to_have_count(1)
    expect(console.locator("#waiting-rows tr")).to_have_count(13)
    assert console.evaluate("document.scrollingElement.scrollHeight") <= CONSOLE_VIEW["height"]
    for control in ("[data-action]", "[data-state]", "#change-counter", "#logout"):
        for button in console.locator(control).all():
            box = button.bounding_box()
            assert box and box["y"] >= 0 and box["y"] + box["height"] <= CONSOLE_VIEW["height"]
            assert box["x"] + box["width"] <= CONSOLE_VIEW["width"]
    assert overflowing(console, TEXT_HOLDERS) == []


@pytest.mark.parametrize("height", [768, 657])  # a laptop's screen, and its browser's window
def test_on_a_break_the_counters_state_buttons_are_in_view(
    chromium: Browser, server: ServerProcess, height: int
) -> None:
    first = issue(server)
    for _ in range(14):
        issue(server, reference=LONG_REFERENCE)
    view = {"width": 1366, "height": height}
    for console in open_page(chromium, view, f"{server.url}/counter"):
        log_in(console)
        serve_next(console, first)
        console.get_by_role("button", name="Istirahat").click()
        console.get_by_role("button", name="Sudah dilayani (selesai)").click()
        expect(console.locator("#paused")).to_contain_text("pilih Buka")
        assert console.evaluate("document.scrollingElement.scrollHeight") <= height
        for control in ("[data-state]", "[data-action]", "#paused"):
            for item in console.locator(control).all():
                box = item.bounding_box()
                assert box and box["y"] >= 0 and box["y"] + box["height"] <= height, control
        console.get_by_role("button", name="Buka").click()
        expect(console.locator('[data-state="open"]')).to_have_attribute("aria-pressed", "true")


@pytest.mark.parametrize("lang", ["id", "en"])
def test_long_counter_and_service_names_fit_on_the_console(
    chromium: Browser, tmp_path: Path, lang: str
) -> None:
    services = copy.deepcopy(BASE_CONFIG["services"])
    services[0]["name"] = LONG_SERVICE
    counters = copy.deepcopy(BASE_CONFIG["counters"])
    counters[0]["name"] = LONG_COUNTER
    server = hall(tmp_path, services=services, counters=counters)
    try:
        for _ in range(3):
            issue(server)
        for page in open_page(chromium, CONSOLE_VIEW, f"{server.url}/counter?lang={lang}"):
            page.locator("#username").fill("budi")
            page.locator("#password").fill(PASSWORD)
            page.locator("#login-submit").click()
            choice = page.locator(".choose-button").first
            expect(choice).to_contain_text(LONG_COUNTER[lang])
            assert overflowing(page, ".choose-button, .choose-button *") == []
            choice.click()
            expect(page.locator("#counter-name")).to_have_text(LONG_COUNTER[lang])
            page.locator('[data-action="call_next"]').click()
            expect(page.locator("#current-service")).to_have_text(LONG_SERVICE[lang])
            expect(page.locator("#waiting-rows tr")).to_have_count(2)
            assert overflowing(page, TEXT_HOLDERS) == []
            page.keyboard.press("t")
            expect(page.locator(".transfer-choice").first).to_be_visible()
            assert overflowing(page, ".transfer-choice, .transfer-choice *") == []
    finally:
        server.stop()


def test_changing_counter_while_serving_sends_the_citizen_back_to_the_front(
    console: Page, server: ServerProcess
) -> None:
    first, second = issue(server), issue(server)
    log_in(console)
    serve_next(console, first)
    console.get_by_role("button", name="Ganti loket").click()
    dialog = console.get_by_role("dialog", name=f"{first} masih dilayani di loket ini")
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="Kembali ke depan antrean").click()
    expect(console.locator("#choose-view")).to_be_visible()
    now = desk(server)
    assert now["ticket"] is None
    assert [ticket["number"] for ticket in now["waiting"]] == [first, second]


def test_staying_at_the_counter_changes_nothing(console: Page, server: ServerProcess) -> None:
    first = issue(server)
    log_in(console)
    serve_next(console, first)
    console.get_by_role("button", name="Keluar").click()
    console.get_by_role("button", name="Tetap di loket ini").click()
    expect(console.locator("#desk-view")).to_be_visible()
    assert desk(server)["ticket"]["number"] == first


def test_logging_out_while_serving_can_finish_the_citizen_first(
    console: Page, server: ServerProcess
) -> None:
    first = issue(server)
    log_in(console)
    serve_next(console, first)
    console.get_by_role("button", name="Keluar").click()
    console.get_by_role("button", name="Sudah dilayani (selesai)").click()
    expect(console.locator("#login-view")).to_be_visible()
    assert desk(server)["ticket"] is None
    assert desk(server)["today"]["served"] == 1


def test_a_break_while_serving_asks_first_and_the_desk_is_empty_on_break(
    console: Page, server: ServerProcess
) -> None:
    first = issue(server)
    log_in(console)
    serve_next(console, first)
    console.get_by_role("button", name="Istirahat").click()
    console.get_by_role("button", name="Sudah dilayani (selesai)").click()
    expect(console.locator('[data-state="break"]')).to_have_attribute("aria-pressed", "true")
    now = desk(server)
    assert (now["state"], now["ticket"]) == ("break", None)


def test_the_transfer_list_shows_open_services_with_their_queues_and_can_send_to_the_front(
    console: Page, server: ServerProcess
) -> None:
    waiting_there = [issue(server, "lantas"), issue(server, "lantas")]
    mine = issue(server)
    log_in(console)
    serve_next(console, mine)
    console.keyboard.press("t")
    choices = console.locator(".transfer-choice")
    expect(choices).to_have_count(3)  # surat, lantas, propam: not "Layanan Tutup", not lapor
    expect(console.locator(".transfer-list")).not_to_contain_text("Layanan Tutup")
    lantas = choices.filter(has_text="Lalu Lintas")
    expect(lantas).to_contain_text("2 menunggu")
    console.get_by_label(re.compile("Langsung ke depan antrean")).check()
    lantas.click()
    expect(console.locator("#transfer-error")).to_have_text(re.compile("Tulis alasan"))
    console.locator("#transfer-reason").fill("dirujuk kepala SPKT, sudah menunggu di loket lain")
    lantas.click()
    expect(console.locator("#transfer-dialog")).to_be_hidden()
    expect(console.locator("#current-number")).to_have_text("—")
    queue = [ticket["number"] for ticket in desk(server, "loket-3")["waiting"]]
    assert queue == [mine, *waiting_there]


def test_an_officer_marks_a_waiting_citizen_priority_with_a_reason(
    console: Page, server: ServerProcess
) -> None:
    issue(server)
    elderly = issue(server)
    log_in(console)
    console.get_by_role("button", name=f"Prioritaskan {elderly}").click()
    dialog = console.get_by_role("dialog", name=f"Jadikan {elderly} prioritas")
    dialog.get_by_label("Lanjut usia").check()
    dialog.get_by_role("button", name="Jadikan prioritas").click()
    expect(dialog).to_be_hidden()
    first_row, second_row = console.locator("#waiting-rows tr").all()
    expect(first_row).to_contain_text(elderly)
    # The mark is a badge by the service, not a button; the action says what it does.
    expect(first_row.locator(".service-cell .badge-priority")).to_have_text("Prioritas")
    expect(first_row.get_by_role("button")).to_have_text(["Tunda", "Panggil"])
    expect(second_row.get_by_role("button")).to_have_text(["Prioritaskan", "Tunda", "Panggil"])
    serve_next(console, elderly)


def test_an_officer_lets_a_citizen_go_back_a_few_places_for_them(
    console: Page, server: ServerProcess
) -> None:
    photocopying, others = issue(server), [issue(server), issue(server)]
    log_in(console)
    console.get_by_role("button", name=f"Tunda giliran nomor {photocopying}").click()
    expect(console.locator("#waiting-rows tr th")).to_have_text([*others, photocopying])


def test_recalls_are_counted_and_stop_at_the_configured_limit(
    console: Page, server: ServerProcess
) -> None:
    first = issue(server)
    log_in(console)
    serve_next(console, first)
    recall = console.locator('[data-action="recall"]')
    recall.click()
    expect(console.locator("#current-recalls")).to_have_text("dipanggil ulang 1 kali")
    recall.click()
    expect(console.locator("#current-recalls")).to_have_text("dipanggil ulang 2 kali")
    expect(recall).to_be_disabled()
    expect(console.locator("#paused")).to_contain_text("tandai tidak hadir")
    expect(console.locator('[data-action="no_show"]')).to_be_enabled()


def test_oversight_sees_who_is_at_each_counter_now(
    chromium: Browser, console: Page, server: ServerProcess
) -> None:
    log_in(console)
    supervisor = server.session("sari")

    def present(counter: str) -> list[str]:
        reply = supervisor.get(f"{server.url}/api/admin/dashboard", timeout=10)
        found = next(item for item in reply.json()["counters"] if item["id"] == counter)
        return [person["username"] for person in found["present"]]

    expect(console.locator("#present")).to_have_text("Di loket ini: budi")
    assert present("loket-1") == ["budi"]
    for second in open_page(chromium, CONSOLE_VIEW, f"{server.url}/counter"):
        log_in(second, name="ani")
        expect(second.locator("#present")).to_have_text("Di loket ini: budi, ani")
        assert present("loket-1") == ["budi", "ani"]
    expect(console.locator("#present")).to_have_text("Di loket ini: budi")
    assert present("loket-1") == ["budi"]
    console.get_by_role("button", name="Ganti loket").click()
    console.get_by_role("button", name=re.compile("^Loket 3")).click()
    expect(console.locator("#counter-name")).to_have_text("Loket 3")
    expect(console.locator("#present")).to_have_text("Di loket ini: budi")
    assert present("loket-1") == []
    assert present("loket-3") == ["budi"]


def test_a_service_with_no_standard_time_never_warns_of_overtime(
    chromium: Browser, tmp_path: Path
) -> None:
    services = copy.deepcopy(BASE_CONFIG["services"])
    services[0]["standard_minutes"] = None  # lapor: no standard set
    live = hall(tmp_path, services=services)
    try:
        pages = open_page(chromium, CONSOLE_VIEW, f"{live.url}/counter")
        console = next(pages)
        number = issue(live)
        log_in(console)
        serve_next(console, number)
        console.clock.fast_forward("01:30:00")
        expect(console.locator("#current-timer")).to_have_text(re.compile(r"^9\d:\d\d$"))
        expect(console.locator("#overtime")).to_be_hidden()
        next(pages, None)  # closes the page, checking its scripts threw nothing
    finally:
        live.stop()
