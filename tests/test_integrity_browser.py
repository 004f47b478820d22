"""The integrity survey and Propam's page in Chromium against a real server, both languages,
axe clean: a citizen answers the integrity questions on their phone after the service, and
Propam sees the answers and the alarms that a supervisor is refused.

The station is seeded before it starts (tests/integrity_fixtures.seed): quick services scored
low with "yes" answers at loket-1, numbers called out of turn at loket-3.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from playwright.sync_api import Browser, Page, expect

from shared.domain.i18n import text
from shared.web.pages import local_date
from tests.integrity_fixtures import SERVICES, seed
from tests.realserver import ServerProcess
from tests.test_accessibility import Screen, assert_axe_finds_nothing, assert_in_language

pytestmark = [pytest.mark.browser, pytest.mark.server]

LANGUAGES = ("id", "en")
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


@dataclass
class Hall:
    server: ServerProcess

    def served_ticket(self) -> str:
        """A ticket issued, called and finished now at loket-1 by budi; its token."""
        citizen, officer = self.server.session(), self.server.session("budi")
        reply = citizen.post(
            f"{self.server.url}/api/tickets", json={"service": "lapor"}, timeout=10
        )
        for action in ("call-next", "done"):
            officer.post(f"{self.server.url}/api/counters/loket-1/{action}", json={}, timeout=10)
        return str(reply.json()["ticket"]["token"])

    def propam(self) -> dict[str, object]:
        reply = self.server.session("provos").get(f"{self.server.url}/api/admin/propam", timeout=30)
        return dict(reply.json())

    def cookies(self, user: str) -> list[dict[str, str]]:
        return [
            {"name": key, "value": value, "url": self.server.url}
            for key, value in self.server.session(user).cookies.items()
        ]


@pytest.fixture(scope="module")
def hall(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hall]:
    server = ServerProcess(tmp_path_factory.mktemp("integrity"), services=SERVICES)
    seed(server.config_path)
    server.add_user("budi", "officer")
    server.add_user("sari", "supervisor")
    server.add_user("provos", "propam")
    server.start()
    yield Hall(server)
    server.stop()


def open_page(
    chromium: Browser, hall: Hall, path: str, lang: str, user: str | None = None,
    viewport: dict[str, int] = DESKTOP,
) -> Page:  # fmt: skip
    context = chromium.new_context(viewport=viewport)  # type: ignore[arg-type]
    if user:
        context.add_cookies(hall.cookies(user))  # type: ignore[arg-type]
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{hall.server.url}{path}?lang={lang}")
    page.wait_for_load_state("load")
    assert errors == [], errors
    return page


def extra_fee_yes(hall: Hall) -> int:
    answers = hall.propam()["answers"]
    assert isinstance(answers, list)
    return sum(row["answers"]["extra_fee"]["yes"] for row in answers)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_citizen_answers_the_integrity_questions_on_the_phone(
    chromium: Browser, hall: Hall, lang: str
) -> None:
    before = extra_fee_yes(hall)
    page = open_page(chromium, hall, f"/t/{hall.served_ticket()}", lang, viewport=PHONE)
    try:
        group = page.get_by_role("group", name=text("ui.integrity.title", lang))
        expect(group).to_be_visible()
        expect(group).to_contain_text(text("ui.integrity.intro", lang))
        for question in ("extra_fee", "broker", "gift", "unequal"):
            expect(group).to_contain_text(text(f"ui.integrity.question.{question}", lang))
        screen = Screen("phone-integrity", "/t/", (), "#survey", "ui.integrity.title")
        assert_in_language(page, screen, lang)
        assert_axe_finds_nothing(page)
        page.locator("input[name=kepuasan][value='3'] + span").click()
        page.locator("input[name=integrity-extra_fee][value=yes] + span").click()
        page.locator("input[name=integrity-gift][value=no] + span").click()
        page.locator("#survey-submit").click()
        expect(page.locator("#survey-thanks")).to_have_text(text("ui.survey.thanks", lang))
    finally:
        page.context.close()
    assert extra_fee_yes(hall) == before + 1


@pytest.mark.parametrize("lang", LANGUAGES)
def test_propam_sees_the_alarms_and_the_answers_accessibly(
    chromium: Browser, hall: Hall, lang: str
) -> None:
    page = open_page(chromium, hall, "/admin/propam", lang, user="provos")
    try:
        shown = hall.propam()
        first, last = (local_date(str(shown[key]), lang) for key in ("from", "to"))
        period = f"{first} \u2013 {last}"
        expect(page.locator("h1")).to_have_text(text("ui.propam.heading", lang, period=period))
        alarms = page.locator("#propam-alarms tbody tr")
        expect(alarms.filter(has_text="ani")).to_contain_text(
            text("ui.propam.alarm_title.out_of_turn", lang)
        )
        expect(alarms.filter(has_text="budi")).to_contain_text(
            text("ui.propam.alarm_title.quick_low", lang)
        )
        expect(page.locator("[data-alarm=yes_counter]")).to_contain_text("Loket 1")
        expect(page.locator("#propam-answers tbody tr").first).to_contain_text("budi")
        expect(page.get_by_role("navigation")).to_contain_text(text("ui.propam.title", lang))
        screen = Screen("propam", "/admin/propam", (), "h1", "ui.propam.intro")
        assert_in_language(page, screen, lang)
        assert_axe_finds_nothing(page)
    finally:
        page.context.close()


def test_a_supervisor_sees_none_of_it(chromium: Browser, hall: Hall) -> None:
    page = open_page(chromium, hall, "/admin/propam", "id", user="sari")
    try:
        expect(page.locator("h1")).to_have_text(text("ui.admin.forbidden_title", "id"))
        expect(page.locator("main")).not_to_contain_text("budi")
        page.goto(f"{hall.server.url}/admin?lang=id")
        expect(page.get_by_role("navigation")).not_to_contain_text(text("ui.propam.title", "id"))
    finally:
        page.context.close()
