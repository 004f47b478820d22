"""Devices in headless Chromium against a real server: a browser that is not a kiosk is told so
and cannot tap, the one-time link makes it the kiosk, and an officer's units are set on the
Users page. The browser appears as another device (10.0.0.7) through a trusted proxy header.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, expect

from tests.realserver import SATUPINTU, ServerProcess
from tests.test_accessibility import assert_axe_finds_nothing

pytestmark = [pytest.mark.browser, pytest.mark.server]

ELSEWHERE = {"X-Forwarded-For": "10.0.0.7"}


@pytest.fixture
def proxied(tmp_path: Path) -> Iterator[ServerProcess]:
    server = ServerProcess(tmp_path, trusted_proxies=["127.0.0.1"])
    server.add_user("root", "admin")
    server.add_user("rini")
    server.start()
    yield server
    server.stop()


@pytest.fixture
def phone(chromium: Browser) -> Iterator[BrowserContext]:
    context = chromium.new_context(
        viewport={"width": 1080, "height": 1920}, extra_http_headers=ELSEWHERE
    )
    yield context
    context.close()


def test_a_browser_that_is_not_a_kiosk_is_told_so_then_enrolled(
    proxied: ServerProcess, phone: BrowserContext
) -> None:
    page = phone.new_page()
    page.goto(f"{proxied.url}/kiosk/kiosk-1")
    expect(page.locator("#not-enrolled")).to_be_visible()
    expect(page.locator(".kiosk-service").first).to_be_disabled()
    expect(page.locator(".kiosk-priority")).to_be_hidden()
    assert_axe_finds_nothing(page)
    printed = subprocess.run(
        [SATUPINTU, "enrol", "kiosk", "kiosk-1", "--url", proxied.url,
         "--config", str(proxied.config_path)],
        capture_output=True, text=True, check=True, timeout=60,
    ).stdout  # fmt: skip
    link = re.search(r"http://\S+/enrol/\S+", printed)
    assert link, printed
    page.goto(link.group(0))
    assert_axe_finds_nothing(page)
    page.get_by_role("button", name="Daftarkan").click()
    expect(page).to_have_url(f"{proxied.url}/kiosk/kiosk-1")
    expect(page.locator("#not-enrolled")).to_have_count(0)
    page.locator(".kiosk-service").first.click()
    expect(page.locator("#confirm-number")).to_have_text("A-001")
    again = phone.new_page()
    again.goto(link.group(0))
    expect(again.get_by_role("heading", name="Daftarkan perangkat ini")).to_be_visible()
    expect(again.locator(".notice-error")).to_be_visible()  # the link worked once


def test_a_tablet_not_enrolled_is_told_how_to_become_the_counters_survey_tablet(
    proxied: ServerProcess, phone: BrowserContext
) -> None:
    page = phone.new_page()
    page.goto(f"{proxied.url}/survey/loket-1?lang=en")
    expect(page.locator("#desk-not-enrolled")).to_contain_text("satupintu enrol survey loket-1")
    assert_axe_finds_nothing(page)


def test_the_admin_limits_an_officer_to_units_on_the_users_page(
    proxied: ServerProcess, chromium: Browser
) -> None:
    context = chromium.new_context(viewport={"width": 1920, "height": 1080})
    session = proxied.session("root")
    context.add_cookies(
        [{"name": n, "value": v, "url": proxied.url} for n, v in session.cookies.items()]
    )
    page = context.new_page()
    page.goto(f"{proxied.url}/admin/users")
    row = page.locator("#users tr", has_text="rini")
    row.get_by_label("Lantas").check()
    expect(page.locator("#users-message")).to_contain_text("rini")
    listed = {
        u["username"]: u for u in session.get(f"{proxied.url}/api/admin/users").json()["users"]
    }
    assert listed["rini"]["units"] == ["Lantas"]
    assert_axe_finds_nothing(page)
    context.close()
