"""The SKM in Chromium against a real server, both languages, axe clean: the latest result on
the start page and the board, the follow-up register (adding an entry through its form) and
the dashboard's notice of overdue follow-ups; the scorecard page and its evidence download.

The station is seeded before it starts: three citizens served and surveyed in the quarter
before today's, and one follow-up past its due day.
"""

from __future__ import annotations

import json
import sqlite3
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import pytest
from playwright.sync_api import Browser, Page, expect

from shared.domain.i18n import text
from shared.domain.skm import ELEMENTS, SkmPeriod
from tests.realserver import ServerProcess
from tests.skm_fixtures import seed
from tests.test_accessibility import (
    Screen,
    assert_aaa_contrast,
    assert_axe_finds_nothing,
    assert_in_language,
)

pytestmark = [pytest.mark.browser, pytest.mark.server]

LANGUAGES = ("id", "en")


@dataclass
class Hall:
    server: ServerProcess
    period: SkmPeriod
    cookies: list[dict[str, str]]

    def served_ticket(self) -> str:
        """A ticket issued, called and finished now at loket-1; its token."""
        citizen, officer = self.server.session(), self.server.session("budi")
        reply = citizen.post(
            f"{self.server.url}/api/tickets", json={"service": "lapor"}, timeout=10
        )
        for action in ("call-next", "done"):
            officer.post(f"{self.server.url}/api/counters/loket-1/{action}", json={}, timeout=10)
        return str(reply.json()["ticket"]["token"])


@pytest.fixture(scope="module")
def hall(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hall]:
    server = ServerProcess(tmp_path_factory.mktemp("skm"), survey={"form": "full"})
    period = SkmPeriod.containing("quarter", date.today()).previous()
    seed(server.config_path, period)
    server.add_user("sari", "supervisor")
    server.add_user("budi", "officer")
    server.start()
    cookies = [
        {"name": key, "value": value, "url": server.url}
        for key, value in server.session("sari").cookies.items()
    ]
    yield Hall(server, period, cookies)
    server.stop()


def open_page(chromium: Browser, hall: Hall, path: str, lang: str, user: bool = False) -> Page:
    context = chromium.new_context(viewport={"width": 1920, "height": 1080})
    if user:
        context.add_cookies(hall.cookies)  # type: ignore[arg-type]
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{hall.server.url}{path}?lang={lang}")
    page.wait_for_load_state("load")
    assert errors == [], errors
    return page


def period_words(period: SkmPeriod, lang: str) -> str:
    return text("ui.skm.period.quarter", lang, part=["I", "II", "III", "IV"][period.part - 1],
                year=period.year)  # fmt: skip


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("path", ["/", "/board"])
def test_the_start_page_and_the_board_show_the_latest_result(
    chromium: Browser, hall: Hall, path: str, lang: str
) -> None:
    page = open_page(chromium, hall, path, lang)
    try:
        panel = page.locator(".skm-result")
        expect(panel).to_be_visible()
        index = "80,56" if lang == "id" else "80.56"
        words = text("ui.ikm.grade.b", lang)
        expect(panel).to_contain_text(
            text("ui.skm.latest_line", lang, index=index, grade="B", words=words)
        )
        expect(panel).to_contain_text(
            text("ui.skm.respondents", lang, period=period_words(hall.period, lang), n=3)
        )
        assert_in_language(page, Screen("skm", path, (), ".skm-result", "ui.skm.latest"), lang)
        assert_axe_finds_nothing(page)
        if path == "/board":  # read from afar
            assert_aaa_contrast(page)
    finally:
        page.context.close()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_register_shows_findings_and_overdue_entries_accessibly(
    chromium: Browser, hall: Hall, lang: str
) -> None:
    page = open_page(chromium, hall, "/admin/followups", lang, user=True)
    try:
        expect(page.locator("h1")).to_have_text(text("ui.followup.title", lang))
        row = page.locator("#followups tbody tr").filter(has_text="Kotak saran di lobi")
        expect(row).to_contain_text(text("ui.followup.state.overdue", lang))
        expect(page.locator(".followup-periods")).to_contain_text(
            text(
                "ui.followup.summary",
                lang,
                period=period_words(hall.period, lang),
                followed=0,
                findings=2,
            )
        )
        screen = Screen("followups", "/admin/followups", (), "h1", "ui.followup.intro")
        assert_in_language(page, screen, lang)
        assert_axe_finds_nothing(page)
    finally:
        page.context.close()


def test_an_entry_is_added_and_then_marked_done_through_the_form(
    chromium: Browser, hall: Hall
) -> None:
    page = open_page(chromium, hall, "/admin/followups", "id", user=True)
    try:
        form = page.locator("#followup-form")
        form.locator("[name=element]").select_option("prosedur")
        form.locator("[name=action]").fill("Alur layanan dipasang di ruang tunggu")
        form.locator("[name=owner]").fill("Kasi Humas")
        form.locator("[name=due]").fill(hall.period.last.isoformat())
        form.get_by_role("button", name=text("ui.followup.save", "id")).click()
        row = page.locator("#followups tbody tr").filter(has_text="Alur layanan dipasang")
        expect(row).to_contain_text(text("ui.followup.state.overdue", "id"))
        row.get_by_role("button").click()
        expect(form.locator("[name=action]")).to_have_value("Alur layanan dipasang di ruang tunggu")
        form.locator("[name=done]").fill(date.today().isoformat())
        form.locator("[name=evidence]").fill("https://polres.example/alur.jpg")
        form.get_by_role("button", name=text("ui.followup.save", "id")).click()
        expect(row).to_contain_text(text("ui.followup.state.done", "id"))
        expect(row).to_contain_text("https://polres.example/alur.jpg")
        expect(page.locator(".followup-periods")).to_contain_text(
            text(
                "ui.followup.summary",
                "id",
                period=period_words(hall.period, "id"),
                followed=1,
                findings=2,
            )
        )
        form.locator("[name=due]").fill("")
        form.locator("[name=action]").fill("Tanpa batas waktu")
        form.get_by_role("button", name=text("ui.followup.save", "id")).click()
        expect(page.locator("#followup-message")).to_contain_text("due")
    finally:
        page.context.close()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_dashboard_points_to_overdue_follow_ups(
    chromium: Browser, hall: Hall, lang: str
) -> None:
    page = open_page(chromium, hall, "/admin", lang, user=True)
    try:
        notice = page.locator("#followups-overdue")
        expect(notice).to_be_visible()
        expect(notice).to_contain_text(text("ui.followup.overdue_notice", lang, n=1))
        assert_axe_finds_nothing(page)
    finally:
        page.context.close()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_phone_survey_offers_the_optional_profile_and_keeps_only_its_counts(
    chromium: Browser, hall: Hall, lang: str
) -> None:
    token = hall.served_ticket()
    context = chromium.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        page.goto(f"{hall.server.url}/t/{token}?lang={lang}")
        expect(page.locator(".phone-profile")).to_be_visible()
        expect(page.locator(".phone-profile legend")).to_have_text(
            text("ui.skm.profile.intro", lang)
        )
        assert_axe_finds_nothing(page)
        for element in ELEMENTS:
            page.locator(f'input[name="{element}"][value="3"]').check(force=True)
        page.get_by_label(text("ui.skm.profile.age", lang)).select_option("31_40")
        page.locator("#survey-submit").click()
        expect(page.locator("#survey-thanks")).to_have_text(text("ui.survey.thanks", lang))
    finally:
        context.close()
    with sqlite3.connect(hall.server.folder / "satupintu.db") as db:
        counts = db.execute(
            "SELECT question, category, answers FROM survey_profiles WHERE quarter = ?",
            [SkmPeriod.containing("quarter", date.today()).label],
        ).fetchall()
    assert ("age", "31_40", LANGUAGES.index(lang) + 1) in counts
    assert {question for question, _, _ in counts} == {"age"}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_scorecard_shows_each_indicator_with_what_to_do_accessibly(
    chromium: Browser, hall: Hall, lang: str
) -> None:
    page = open_page(chromium, hall, "/admin/scorecard", lang, user=True)
    try:
        expect(page.locator("h1")).to_have_text(text("ui.scorecard.title", lang))
        rows = page.locator("#scorecard tbody tr")
        expect(rows).to_have_count(7)
        # Three served, three answered: enough; two findings, their one follow-up overdue.
        expect(page.locator('[data-indicator="skm_run"]')).to_have_attribute("data-status", "met")
        followups = page.locator('[data-indicator="followups"]')
        expect(followups).to_have_attribute("data-status", "partial")
        expect(followups).to_contain_text(text("ui.scorecard.todo.followups_overdue", lang))
        expect(followups).to_contain_text(text("ui.scorecard.status.partial", lang))
        marker = "ui.scorecard.indicator_heading"
        assert_in_language(page, Screen("scorecard", "/admin/scorecard", (), "#scorecard", marker),
                           lang)  # fmt: skip
        assert_axe_finds_nothing(page)
        with page.expect_download() as download:
            page.locator("#evidence-download").click()
        with zipfile.ZipFile(download.value.path()) as bundle:
            manifest = json.loads(bundle.read("manifest.json"))
        assert manifest["period"] == hall.period.label
    finally:
        page.context.close()
