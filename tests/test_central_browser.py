"""Central's pages in headless Chromium, in both languages: axe-core finds nothing, the page is in
the language asked for, its scripts throw nothing, and a viewer uses it by keyboard alone."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from central.scratch import ScratchPostgres
from shared.domain import evidence
from shared.domain.i18n import text
from shared.domain.skm import SkmPeriod
from tests.central_fixtures import CentralProcess
from tests.realserver import PASSWORD, ServerProcess
from tests.test_accessibility import (
    SIZES,
    Screen,
    assert_axe_finds_nothing,
    assert_every_control_is_reachable,
    assert_in_language,
)
from tests.test_central_server import caught_up, eventually, station, work

pytestmark = [pytest.mark.browser, pytest.mark.server]


@dataclass
class Province:
    central: CentralProcess
    halls: list[ServerProcess]
    cookies: list[dict[str, Any]]


@pytest.fixture(scope="module")
def province(
    tmp_path_factory: pytest.TempPathFactory, postgres: ScratchPostgres
) -> Iterator[Province]:
    folder = tmp_path_factory.mktemp("province")
    central = CentralProcess(folder / "central", postgres.create_database("central_browser"))
    central.command("user", "add", "wati", "--role", "viewer", "--password-stdin",
                    stdin=PASSWORD + "\n")  # fmt: skip
    central.start()
    halls = [
        station(folder / "kupang", central, "kupang", "SPKT Polres Kupang"),
        station(folder / "soe", central, "soe", "SPKT Polres TTS"),
    ]
    central.add_station("alor", "SPKT Polres Alor")  # registered, never shipped
    for index, hall in enumerate(halls):
        work(hall, 4 + index)
        eventually(lambda hall=hall: caught_up(hall), "shipping")
    cookies = [
        {"name": name, "value": value, "url": central.url}
        for name, value in central.session().cookies.items()
    ]
    yield Province(central, halls, cookies)
    for hall in halls:
        hall.stop()
    central.stop()


SCREENS = [
    Screen("central-login", "/", ("full-hd", "phone"), "#login-form", "ui.central.login_title"),
    Screen("central-dashboard", "/", ("full-hd", "phone"), "#stations tr th",
           "ui.central.dashboard_title", user="wati"),
    Screen("central-reports", "/reports", ("full-hd",), "#comparison", "ui.central.comparison",
           user="wati"),
    Screen("central-report", "/reports?station=kupang", ("full-hd",), "#audit",
           "ui.central.copy_title", user="wati"),
    Screen("central-scorecards", "/scorecards", ("full-hd",), "#scorecards tr th",
           "ui.central.scorecards_title", user="wati"),
    Screen("central-evidence", "/evidence", ("full-hd",), "#evidence-form",
           "ui.central.evidence_title", user="wati"),
]  # fmt: skip
CASES = [
    pytest.param(screen, size, lang, id=f"{screen.name}-{size}-{lang}")
    for screen in SCREENS
    for size in screen.sizes
    for lang in ("id", "en")
]


def open_screen(
    chromium: Browser, province: Province, screen: Screen, size: str, lang: str
) -> Page:
    context = chromium.new_context(viewport=SIZES[size])
    if screen.user:
        context.add_cookies(province.cookies)  # type: ignore[arg-type]
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    joiner = "&" if "?" in screen.path else "?"
    page.goto(f"{province.central.url}{screen.path}{joiner}lang={lang}")
    page.wait_for_selector(screen.ready, state="attached")
    assert errors == [], errors
    return page


@pytest.mark.parametrize(("screen", "size", "lang"), CASES)
def test_every_central_screen_is_accessible_in_both_languages(
    chromium: Browser, province: Province, screen: Screen, size: str, lang: str
) -> None:
    page = open_screen(chromium, province, screen, size, lang)
    try:
        assert_in_language(page, screen, lang)
        assert_axe_finds_nothing(page)
    finally:
        page.context.close()


def test_the_dashboard_shows_every_station_with_its_link_and_today(
    chromium: Browser, province: Province
) -> None:
    page = open_screen(chromium, province, SCREENS[1], "full-hd", "en")
    try:
        rows = page.locator("#stations tr")
        expect(rows).to_have_count(3)
        kupang = rows.filter(has_text="SPKT Polres Kupang")
        expect(kupang).to_contain_text(text("ui.central.caught_up", "en"))
        expect(kupang).to_contain_text(text("ui.central.chain.ok", "en"))
        alor = rows.filter(has_text="SPKT Polres Alor")
        expect(alor).to_contain_text(text("ui.central.never", "en"))
        expect(page.locator("#live-status")).to_contain_text("Updated")
    finally:
        page.context.close()


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_scorecards_compare_every_shipped_station(
    chromium: Browser, province: Province, lang: str
) -> None:
    page = open_screen(chromium, province, SCREENS[4], "full-hd", lang)
    try:
        rows = page.locator("#scorecards tbody tr")
        expect(rows).to_have_count(2)  # Alor never shipped
        kupang = rows.filter(has_text="SPKT Polres Kupang")
        # Nothing served in the last closed quarter: the SKM cannot be judged yet.
        expect(kupang.locator('[data-indicator="skm_run"]')).to_have_text(
            text("ui.scorecard.status.no_data", lang)
        )
        expect(kupang.locator('[data-indicator="complaint_channels"]')).to_have_text(
            text("ui.scorecard.status.missing", lang)
        )
    finally:
        page.context.close()


def test_a_viewer_logs_in_and_reaches_every_control_by_keyboard(
    chromium: Browser, province: Province
) -> None:
    context = chromium.new_context(viewport=SIZES["full-hd"])
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{province.central.url}/reports")
    expect(page.locator("input[name=username]")).to_be_focused()
    page.keyboard.type("wati")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.locator("#comparison tbody tr")).to_have_count(2)
    assert_every_control_is_reachable(page)
    page.select_option("select[name=station]", "soe")
    page.locator("form.inline-form button[type=submit]").press("Enter")
    expect(page.locator("h1")).to_contain_text("Laporan")
    expect(page.locator("#audit")).to_contain_text(text("ui.central.copy_title", "id"))
    context.close()
    assert errors == []


def test_downloads_from_the_page_are_a_spreadsheet_and_csv(
    chromium: Browser, province: Province, tmp_path: Path
) -> None:
    page = open_screen(chromium, province, SCREENS[2], "full-hd", "id")
    try:
        with page.expect_download() as download:
            page.get_by_role("link", name="Excel (XLSX)").click()
        saved = tmp_path / download.value.suggested_filename
        download.value.save_as(saved)
        assert saved.suffix == ".xlsx" and saved.read_bytes()[:2] == b"PK"
    finally:
        page.context.close()


def test_a_viewer_uploads_a_bundle_genuine_then_edited(
    chromium: Browser, province: Province, tmp_path: Path
) -> None:
    """The evidence bundle of Kupang's last closed quarter, downloaded from the station once
    central holds its head, is genuine in the upload form; the same with its scorecard edited
    is refused, in Indonesian, saying which file."""
    kupang = province.halls[0]
    period = SkmPeriod.containing("quarter", date.today()).previous().label
    reply = kupang.session("sari").get(
        f"{kupang.url}/api/admin/scorecard",
        params={"period": period, "format": "evidence"},
        timeout=120,
    )
    reply.raise_for_status()
    eventually(lambda: caught_up(kupang), "shipping the bundle's head")
    genuine = tmp_path / "bukti.zip"
    genuine.write_bytes(reply.content)
    with zipfile.ZipFile(genuine) as found:
        files = {name: found.read(name) for name in found.namelist()}
    manifest = json.loads(files.pop("manifest.json"))
    files[f"scorecard-{period}.pdf"] += b"%"
    edited = tmp_path / "diubah.zip"
    edited.write_bytes(evidence.pack(files, manifest))
    for bundle, lang, words in (
        (genuine, "en", text("ui.central.evidence_ok", "en", station="SPKT Polres Kupang",
                             period=period, row=manifest["head"]["row"], files=4)),
        (edited, "id", text("error.evidence.file_changed", "id", file=f"scorecard-{period}.pdf")),
    ):  # fmt: skip
        page = open_screen(chromium, province, SCREENS[5], "full-hd", lang)
        try:
            page.set_input_files("input[name=bundle]", str(bundle))
            page.locator("#evidence-form button[type=submit]").click()
            expect(page.locator("#evidence-verdict")).to_contain_text(words)
            assert_axe_finds_nothing(page)
        finally:
            page.context.close()
