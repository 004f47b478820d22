"""The oversight pages in headless Chromium against real servers (docs/screenshots_admin.py takes
the README's pictures of them)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from playwright.sync_api import Browser, Page, expect

from tests import admin_fixtures
from tests.realserver import PASSWORD, ServerProcess

pytestmark = [pytest.mark.browser, pytest.mark.server]

VIEWPORT = {"width": 1366, "height": 900}


def open_as(browser: Browser, url: str, name: str) -> tuple[Page, list[str]]:
    """A fresh context on an oversight page, logged in through its login form."""
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    page.goto(url)  # answered 401 with the login form (which Chromium logs as an error)
    page.fill("input[name=username]", name)
    page.fill("input[name=password]", PASSWORD)
    problems: list[str] = []
    page.on(
        "console",
        lambda message: problems.append(message.text) if message.type == "error" else None,
    )
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.click("#login-form button[type=submit]")
    page.wait_for_selector("[data-page^=admin]")
    return page, problems


def test_the_dashboard_follows_the_hall_live(chromium: Browser, live: ServerProcess) -> None:
    page, problems = open_as(chromium, f"{live.url}/admin", "sari")
    expect(page.locator("#tile-waiting")).to_have_text("0")
    requests.post(f"{live.url}/api/tickets", json={"service": "lapor"}, timeout=10)
    requests.post(f"{live.url}/api/tickets", json={"service": "lantas"}, timeout=10)
    expect(page.locator("#tile-waiting")).to_have_text("2")
    live.session("budi").post(f"{live.url}/api/counters/loket-1/call-next", timeout=10)
    card = page.locator(".counter-card", has_text="Loket 1")
    expect(card).to_contain_text("A-001")
    expect(card).to_contain_text("tidak ada petugas di loket")  # budi acted, but no console
    expect(page.locator("#tile-waiting")).to_have_text("1")
    expect(page.locator("#shift")).to_contain_text("Di luar urutan")
    assert problems == []
    page.context.close()


@pytest.fixture
def busy_hall(tmp_path: Path) -> Iterator[ServerProcess]:
    """A real server whose database already holds today's work up to a minute ago."""
    server = admin_fixtures.busy_hall(tmp_path)
    server.start()
    yield server
    server.stop()


def test_the_dashboard_and_a_report_of_a_busy_day(
    chromium: Browser, busy_hall: ServerProcess
) -> None:
    page, problems = open_as(chromium, f"{busy_hall.url}/admin", "sari")
    expect(page.locator("#live-status")).to_contain_text("Diperbarui")
    expect(page.locator("#services tr")).to_have_count(4)
    expect(page.locator(".counter-card")).to_have_count(4)
    expect(page.locator("#shift-when")).not_to_be_empty()
    served = int(page.locator("#tile-served").inner_text().replace(".", ""))
    assert served > 10

    page.click("nav >> text=Laporan")
    page.wait_for_selector("[data-page=admin-report]")
    expect(page.locator(".audit-verdict")).to_contain_text("Rantai hash utuh")
    expect(page.locator("svg.chart rect.chart-issued").first).to_be_visible()
    expect(page.locator("#fairness tbody tr").first).not_to_contain_text("Tidak ada panggilan")
    expect(page.locator("#satisfaction")).to_contain_text("Seluruh periode")

    page.click("text=Tampilkan bulan")
    expect(page.locator("input[name=from]")).to_have_value(re.compile(r"^\d{4}-\d{2}-01$"))
    assert problems == []
    page.context.close()


def test_the_counter_tablet_asks_the_citizen_just_served(
    chromium: Browser, live: ServerProcess
) -> None:
    context = chromium.new_context(viewport={"width": 1024, "height": 768})
    tablet = context.new_page()
    problems: list[str] = []
    tablet.on("pageerror", lambda error: problems.append(str(error)))
    tablet.goto(f"{live.url}/survey/loket-1")
    expect(tablet.locator("#desk-idle")).to_be_visible()
    requests.post(f"{live.url}/api/tickets", json={"service": "lapor"}, timeout=10)
    officer = live.session("budi")
    officer.post(f"{live.url}/api/counters/loket-1/call-next", timeout=10)
    officer.post(f"{live.url}/api/counters/loket-1/done", timeout=10)
    expect(tablet.locator("#desk-ask")).to_contain_text("A-001")
    tablet.locator(".choice-4").click()
    # The short form would send on the first tap; with the integrity questions (asked by
    # default) the citizen may answer them too, then sends.
    expect(tablet.locator("#desk-thanks")).to_be_hidden()
    tablet.locator("label:has(input[name=i-gift][value=no])").click()
    tablet.locator("#desk-send").click()
    expect(tablet.locator("#desk-thanks")).to_be_visible()
    report = live.session("sari").get(f"{live.url}/api/admin/reports", timeout=10).json()
    assert report["satisfaction"]["counters"][0]["ikm"] == 100.0
    assert problems == []
    context.close()


def test_an_admin_disables_and_re_enables_an_officer_from_the_page(
    chromium: Browser, live: ServerProcess
) -> None:
    live.add_user("root", "admin")
    officer = live.session("budi")
    page, problems = open_as(chromium, f"{live.url}/admin/users", "root")
    row = page.locator("#users tr", has_text="budi")
    row.get_by_role("button", name="Nonaktifkan").click()
    expect(page.locator("#users-message")).to_contain_text("budi dinonaktifkan")
    assert officer.get(f"{live.url}/api/me", timeout=10).status_code == 401
    row.get_by_role("button", name="Aktifkan").click()
    # The table is drawn again after each change: the role is chosen in the row drawn anew.
    expect(page.locator("#users-message")).to_contain_text("budi diaktifkan kembali")
    row.get_by_role("combobox").select_option("supervisor")
    expect(page.locator("#users-message")).to_contain_text("Peran budi diubah")
    assert live.session("budi").get(f"{live.url}/api/admin/dashboard", timeout=10).ok
    assert problems == []
    page.context.close()


def test_after_logging_out_the_back_button_shows_no_oversight_page(
    chromium: Browser, live: ServerProcess
) -> None:
    page, _ = open_as(chromium, f"{live.url}/admin", "sari")
    page.click("nav >> text=Laporan")
    page.wait_for_selector("[data-page=admin-report]")
    page.wait_for_load_state()  # the header's script has bound the button (slow on a busy machine)
    page.click("#logout")
    page.wait_for_selector("#login-form")
    page.go_back()
    expect(page.locator("#login-form")).to_be_visible()
    expect(page.locator("[data-page^=admin]")).to_have_count(0)
    page.context.close()
