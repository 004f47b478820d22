"""Needs in Chromium against one real server for the module: the kiosk's need choice, a deaf
citizen's call on the console, the board and the phone (vibration recorded), and an
interpreter ticket going first to the counter of the BISINDO officer; in both languages, axe
clean."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from playwright.sync_api import Browser, expect

from tests.browser_pages import opened_page
from tests.realserver import ServerProcess
from tests.test_accessibility import assert_axe_finds_nothing
from tests.test_board_browser import BOARD_VIEW, CONSOLE_VIEW, log_in
from tests.test_kiosk_browser import PORTRAIT
from tests.test_phone_browser import PHONE, RECORD_ALERTS

pytestmark = [pytest.mark.browser, pytest.mark.server]

NEEDS = {"skills": {"rini": ["bisindo"]}, "seat_area": {"id": "Kursi biru", "en": "Blue seats"}}
# A deaf citizen's phone: the long pattern of shared/static/js/needs.js, nothing shorter.
DEAF_VIBRATION = [600, 200, 600, 200, 600, 200, 600]


@pytest.fixture(scope="module")
def hall(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """One hall for the module: officers budi and rini (BISINDO), supervisor sari."""
    server = ServerProcess(Path(tmp_path_factory.mktemp("needs")), needs=NEEDS)
    for name, role in (("budi", "officer"), ("rini", "officer"), ("sari", "supervisor")):
        server.add_user(name, role)
    server.start()
    yield server
    server.stop()


def issue(hall: ServerProcess, service: str, need: str | None = None) -> dict[str, Any]:
    body = {"service": service, **({"need": need} if need else {})}
    reply = requests.post(f"{hall.url}/api/tickets", json=body, timeout=10)
    assert reply.status_code == 201, reply.text
    return reply.json()["ticket"]


@pytest.mark.parametrize(
    ("lang", "need_name"), [("id", "Sulit mendengar / tuli"), ("en", "Hard of hearing / deaf")]
)
def test_the_kiosk_takes_a_need_beside_priority(
    chromium: Browser, hall: ServerProcess, lang: str, need_name: str
) -> None:
    with opened_page(chromium, PORTRAIT, f"{hall.url}/kiosk/kiosk-1?lang={lang}") as kiosk:
        choice = kiosk.get_by_role("button", name=need_name)
        assert_axe_finds_nothing(kiosk)
        choice.click()
        expect(choice).to_have_attribute("aria-pressed", "true")
        kiosk.locator(".kiosk-service", has_text="Lalu Lintas").first.click()
        expect(kiosk.locator("#confirm-need")).to_have_text(need_name)
        number = kiosk.locator("#confirm-number").inner_text()
        assert_axe_finds_nothing(kiosk)
    sari = hall.session("sari")
    desk = sari.get(f"{hall.url}/api/counters/loket-3", timeout=10).json()
    assert {"number": number, "need": "deaf"}.items() <= next(
        row for row in desk["waiting"] if row["number"] == number
    ).items()


@pytest.mark.parametrize(
    ("lang", "mark", "walk"),
    [
        ("id", "Sulit mendengar / tuli · Petugas menghampiri Anda", "Hampiri warga · Area duduk: "),
        ("en", "Hard of hearing / deaf · An officer is coming to you", "Walk to the citizen · "),
    ],
)
def test_a_deaf_citizens_call_is_seen_on_the_console_and_board_and_felt_on_the_phone(
    chromium: Browser, hall: ServerProcess, lang: str, mark: str, walk: str
) -> None:
    ticket = issue(hall, "lapor", "deaf")
    with (
        opened_page(chromium, BOARD_VIEW, f"{hall.url}/board?lang={lang}") as board,
        opened_page(
            chromium, PHONE, f"{hall.url}{ticket['status_url']}?lang={lang}", RECORD_ALERTS
        ) as phone,
        opened_page(chromium, CONSOLE_VIEW, f"{hall.url}/counter?lang={lang}") as console,
    ):
        expect(phone.locator("#number")).to_have_text(ticket["number"])
        if lang == "en":
            console.get_by_label("Username").fill("budi")
            console.get_by_label("Password").fill("rahasia-123")
            console.get_by_role("button", name="Log in").click()
            console.get_by_role("button", name=re.compile("^Loket 1")).click()
        else:
            log_in(console)
        row = console.locator("#waiting-table tr", has_text=ticket["number"])
        expect(row.locator(".badge-need")).to_have_text(mark.split(" · ")[0])
        console.locator('[data-action="call_next"]').click()
        expect(console.locator("#current-number")).to_have_text(ticket["number"])
        expect(console.locator("#current-need-kind")).to_have_text(mark.split(" · ")[0])
        expect(console.locator("#current-need-walk")).to_contain_text(walk)
        expect(board.locator("#now-number")).to_have_text(ticket["number"])
        expect(board.locator("#now-calling")).to_have_attribute("data-need", "deaf")
        expect(board.locator("#now-need")).to_have_text(mark)
        expect(phone.locator("#called-need")).to_be_visible()
        phone.wait_for_function("window.vibrations.length > 0")
        assert phone.evaluate("window.vibrations") == [DEAF_VIBRATION]
        for page in (console, board, phone):
            assert_axe_finds_nothing(page)
        console.locator('[data-action="done"]').click()
        expect(console.locator("#current-need")).to_be_hidden()


def test_an_interpreter_ticket_goes_first_to_the_bisindo_officers_counter(
    chromium: Browser, hall: ServerProcess
) -> None:
    with opened_page(chromium, CONSOLE_VIEW, f"{hall.url}/counter") as console:
        log_in(console, "rini", "Loket 2")
        first = issue(hall, "surat")
        interpreter = issue(hall, "surat", "interpreter")
        rows = console.locator("#waiting-table tbody tr")
        expect(rows.first).to_contain_text(interpreter["number"])
        expect(rows.first).to_contain_text("Ke loket ini: petugas BISINDO")
        expect(rows.nth(1)).to_contain_text(first["number"])
        console.get_by_role("button", name=re.compile("^Panggil berikutnya")).click()
        expect(console.locator("#current-number")).to_have_text(interpreter["number"])
        expect(console.locator("#current-need-kind")).to_have_text(
            "Perlu pendamping / juru bahasa isyarat"
        )
        assert_axe_finds_nothing(console)
        budi = hall.session("budi")
        called = budi.post(f"{hall.url}/api/counters/loket-1/call-next", timeout=10).json()
        assert called["ticket"]["number"] == first["number"]
