"""A suspended service in headless Chromium against a real server: the kiosk's card says why and
when it is expected back and still gives a number (whose confirmation warns), the phone page of a
waiting ticket says so live, in Indonesian and in English, and axe finds nothing on either; the
board's waiting strip marks it; the resume takes the notices away by themselves. An officer
suspends and resumes from the console, and a supervisor from the dashboard."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import requests
from playwright.sync_api import Browser, Page, expect

from shared.domain.i18n import text
from tests.realserver import ServerProcess
from tests.test_accessibility import SIZES, assert_axe_finds_nothing

pytestmark = [pytest.mark.browser, pytest.mark.server]

REASON = "Server SINAR gangguan"


@pytest.fixture
def hall(tmp_path: Path) -> Iterator[ServerProcess]:
    server = ServerProcess(tmp_path)
    server.add_user("sari", "supervisor")
    server.add_user("budi", units="SPKT")
    server.start()
    yield server
    server.stop()


def as_supervisor(server: ServerProcess, path: str, **body: Any) -> None:
    reply = server.session("sari").post(
        f"{server.url}{path}", json=body, headers={"Origin": server.url}, timeout=10
    )
    assert reply.ok, reply.text


def in_two_hours() -> str:
    """The expected resume time as an officer types it: local, two hours from now."""
    return _two_hours_on().strftime("%Y-%m-%dT%H:%M")


def _two_hours_on() -> datetime:
    return datetime.now(ZoneInfo("Asia/Makassar")) + timedelta(hours=2)


def until_words(lang: str) -> str:
    """How a notice begins to say when a service resumed two hours from now is expected back:
    by its time alone, or after 22:00 by its day too (it is tomorrow)."""
    today = datetime.now(ZoneInfo("Asia/Makassar")).date()
    key = "ui.common.suspended_until"
    if _two_hours_on().date() != today:
        key = "ui.common.suspended_until_day"
    return text(key, lang, day="{", time="{").split("{")[0].strip()


def open_page(chromium: Browser, url: str, size: str, errors: list[str]) -> Page:
    page = chromium.new_context(viewport=SIZES[size]).new_page()
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(url)
    return page


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_kiosk_and_the_phone_say_a_service_is_suspended(
    chromium: Browser, hall: ServerProcess, lang: str
) -> None:
    reply = requests.post(f"{hall.url}/api/tickets", json={"service": "lapor"}, timeout=10)
    ticket = reply.json()["ticket"]
    errors: list[str] = []
    phone = open_page(chromium, f"{hall.url}{ticket['status_url']}?lang={lang}", "phone", errors)
    expect(phone.locator("#state-waiting")).to_be_visible()
    expect(phone.locator("#suspended")).to_be_hidden()

    as_supervisor(hall, "/api/services/lapor/suspend", reason=REASON, until=in_two_hours())
    notice = phone.locator("#suspended")
    expect(notice).to_be_visible()  # live, over Socket.IO: the page was not reloaded
    expect(notice).to_contain_text(text("ui.common.suspended", lang))
    expect(notice).to_contain_text(text("ui.common.suspended_reason", lang, reason=REASON))
    until = until_words(lang)
    expect(notice).to_contain_text(until)
    expect(notice).to_contain_text(text("ui.phone.suspended_wait", lang))
    assert_axe_finds_nothing(phone)

    kiosk = open_page(chromium, f"{hall.url}/kiosk?lang={lang}", "kiosk-portrait", errors)
    card = kiosk.locator('[data-service="lapor"]')
    expect(card).to_have_class("kiosk-service is-suspended")
    expect(card).to_contain_text(text("ui.common.suspended", lang))
    expect(card).to_contain_text(REASON)
    expect(card).to_contain_text(until)
    expect(kiosk.locator('[data-service="surat"]')).not_to_contain_text(REASON)
    assert_axe_finds_nothing(kiosk)
    board = open_page(chromium, f"{hall.url}/board?lang={lang}", "full-hd", errors)
    marked = board.locator("#waiting-list li[data-suspended]")
    expect(marked).to_have_count(1)
    expect(marked).to_contain_text(text("ui.board.suspended", lang))
    expect(marked).to_contain_text(until)
    card.click()  # a number is still given, with the warning
    warning = kiosk.locator("#confirm-suspended")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text(text("ui.kiosk.suspended_take", lang))
    assert_axe_finds_nothing(kiosk)

    as_supervisor(hall, "/api/services/lapor/resume")
    expect(notice).to_be_hidden()
    expect(marked).to_have_count(0)
    kiosk.locator("#finish").click()
    expect(card).not_to_contain_text(REASON)
    assert errors == []


def test_an_officer_suspends_and_resumes_from_the_console(
    chromium: Browser, hall: ServerProcess
) -> None:
    for service in ("lapor", "surat", "lapor"):
        requests.post(f"{hall.url}/api/tickets", json={"service": service}, timeout=10)
    errors: list[str] = []
    page = open_page(chromium, f"{hall.url}/counter", "full-hd", errors)
    page.locator("#username").fill("budi")
    page.locator("#password").fill("rahasia-123")
    page.locator("#login-submit").click()
    page.locator(".choose-button").first.click()
    expect(page.locator("#waiting-rows tr")).to_have_count(3)
    form = page.locator('.suspend-form[data-service="lapor"]')
    form.get_by_label(text("ui.counter.suspend_reason", "id")).fill(REASON)
    form.get_by_role("button", name=text("ui.counter.suspend", "id")).click()
    banner = page.locator(".suspended-banner")
    expect(banner).to_contain_text(REASON)
    expect(banner).to_contain_text(text("ui.common.suspended_until_unknown", "id"))
    first = page.locator("#waiting-rows tr").first
    expect(first).to_contain_text(text("ui.counter.suspended_row", "id"))
    expect(first.locator(".call-this")).to_be_disabled()
    assert_axe_finds_nothing(page)
    page.locator('[data-action="call_next"]').click()
    expect(page.locator("#current-number")).to_have_text("B-001")  # A-001 keeps its place
    page.locator('[data-focus-key="resume:lapor"]').click()
    expect(banner).to_have_count(0)
    page.locator('[data-action="call_next"]').click()
    expect(page.locator("#current-number")).to_have_text("A-001")
    assert errors == []


def test_a_supervisor_suspends_from_the_dashboard(chromium: Browser, hall: ServerProcess) -> None:
    errors: list[str] = []
    page = open_page(chromium, f"{hall.url}/admin?lang=en", "full-hd", errors)
    page.fill("input[name=username]", "sari")
    page.fill("input[name=password]", "rahasia-123")
    page.keyboard.press("Enter")
    form = page.locator('.suspend-form[data-service="surat"]')
    form.get_by_label(text("ui.admin.suspend_reason", "en")).fill("Printer SKCK rusak")
    form.get_by_label(text("ui.admin.suspend_until", "en")).fill("25:00")
    form.get_by_role("button", name=text("ui.admin.suspend", "en")).click()
    expect(page.locator("#suspension-error")).to_be_visible()  # a bad time: refused, said why
    form.get_by_label(text("ui.admin.suspend_until", "en")).fill(in_two_hours())
    form.get_by_role("button", name=text("ui.admin.suspend", "en")).click()
    item = page.locator('#suspensions li[data-service="surat"]')
    expect(item).to_contain_text("Printer SKCK rusak")
    assert_axe_finds_nothing(page)
    item.get_by_role("button", name=text("ui.admin.resume", "en")).click()
    expect(page.locator('.suspend-form[data-service="surat"]')).to_be_visible()
    assert errors == []
