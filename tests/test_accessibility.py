"""Every screen in headless Chromium, in both languages, at the sizes it is made for.

On each screen axe-core finds no violation (of any impact), the page really is in the language
asked for (and shows no words of the other one), the kiosk's targets are at least 64 px and the
board's text reaches WCAG AAA contrast. Then: the counter console and the oversight pages are
used with the keyboard alone, calls reach screen readers, and the board keeps still for people
who asked for reduced motion.

axe-core comes from npm and is served by Satu Pintu itself (`make vendor`); it is added to each
page from our own origin, so the page's Content-Security-Policy stays in force. A new screen
is one line in SCREENS.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import requests
from playwright.sync_api import Browser, BrowserContext, Page, expect

from shared.application.reporting.formatting import format_number
from shared.domain.i18n import text
from shared.web.pages import local_date
from tests.helpers import ALL_UNITS
from tests.realserver import PASSWORD, ServerProcess

pytestmark = [pytest.mark.browser, pytest.mark.server]

AXE = "/static/vendor/axe.min.js"
SIZES = {
    "phone": {"width": 390, "height": 844},
    "kiosk-portrait": {"width": 1080, "height": 1920},
    "full-hd": {"width": 1920, "height": 1080},
}
LANGUAGES = ("id", "en")
TOUCH_MIN_PX = 64
AAA = 7.0
# Words that give away the other language (names from the config are chosen not to use them).
WORDS = {
    "id": {"silakan", "antrean", "nomor", "layanan", "menunggu", "petugas", "tidak", "yang",
           "untuk", "dengan", "sedang", "panggil", "selesai", "pilih", "kirim", "keluar"},
    "en": {"the", "please", "your", "queue", "number", "waiting", "service", "counter",
           "called", "choose", "with", "and", "not", "today"},
}  # fmt: skip
STANDARD = {
    "requirements": [{"id": "KTP pelapor", "en": "Reporter's ID card"},
                     {"id": "Bukti bila ada", "en": "Evidence if any"}],
    "procedure": [{"id": "Sampaikan laporan", "en": "Tell the officer"}],
    "time": {"id": "± 20 menit", "en": "About 20 minutes"},
    "cost": {"id": "Gratis", "en": "Free"},
    "product": {"id": "Tanda terima laporan", "en": "Report receipt"},
}  # fmt: skip
HALL_CONFIG = {
    "station": {
        "name": "SPKT Uji",
        "running_text": {"id": "Semua layanan GRATIS.", "en": "Every service is FREE."},
        "maklumat": {"id": "Kami siap melayani sesuai standar pelayanan.",
                     "en": "We pledge to serve you by these standards."},
    },
    "complaint_channels": [
        {"name": "LAPOR!", "contact": {"id": "SMS 1708", "en": "Text 1708"},
         "short": "LAPOR! SMS 1708"},
        {"name": "Ombudsman NTT", "contact": {"id": "Telepon 137", "en": "Call 137"}},
    ],
    "printer": {"type": "preview", "directory": "prints"},
    "boards": [{"id": "lantas", "name": "Papan Lantas", "counters": ["loket-3"]}],  # idle
    "services": [
        {"id": "lapor", "name": {"id": "Laporan", "en": "Reports"}, "prefix": "A", "unit": "SPKT",
         "standard": STANDARD},
        {"id": "surat", "name": {"id": "Surat Kehilangan", "en": "Lost documents"},
         "prefix": "B", "unit": "SPKT", "daily_quota": 3},
        {"id": "lantas", "name": {"id": "Lalu Lintas", "en": "Traffic"}, "prefix": "C",
         "unit": "Lantas", "standard": {**STANDARD, "complaints": {
             "id": "Hubungi Kasat Lantas", "en": "Ask the head of traffic police"}}},
        {"id": "propam", "name": {"id": "Pengaduan Propam", "en": "Propam complaints"},
         "prefix": "G", "unit": "Propam", "private": True, "reference": "required"},
    ],
}  # fmt: skip
USERS = {"budi": "officer", "sari": "supervisor", "root": "admin", "provos": "propam"}


@dataclass
class Hall:
    """A running station mid-morning: a no-show, two citizens called, one served, a queue.

    `tokens` holds the phone page of a ticket waiting, one called and one served; `cookies`
    a logged-in session per user, for browser contexts.
    """

    server: ServerProcess
    tokens: dict[str, str]
    cookies: dict[str, list[dict[str, Any]]]

    def post(self, path: str, user: str | None = None, **json: Any) -> dict[str, Any]:
        http = requests.Session()
        for cookie in self.cookies.get(user or "", []):
            http.cookies.set(cookie["name"], cookie["value"])
        reply = http.post(f"{self.server.url}{path}", json=json or None, timeout=10)
        reply.raise_for_status()
        return reply.json()


@pytest.fixture(scope="module")
def hall(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hall]:
    server = ServerProcess(tmp_path_factory.mktemp("hall"), **HALL_CONFIG)
    for name, role in USERS.items():
        server.add_user(name, role, ALL_UNITS if role == "officer" else None)
    server.start()
    cookies = {
        name: [
            {"name": key, "value": value, "url": server.url}
            for key, value in server.session(name).cookies.items()
        ]
        for name in USERS
    }
    the_hall = Hall(server, {}, cookies)

    def issue(service: str, priority: bool = False) -> str:
        return the_hall.post("/api/tickets", service=service, priority=priority)["ticket"]["token"]

    def act(counter: str, action: str, **body: Any) -> None:
        the_hall.post(f"/api/counters/{counter}/{action}", "budi", **body)

    issue("lapor")
    act("loket-1", "call-next")
    act("loket-1", "no-show")
    the_hall.tokens["called"] = issue("lapor")
    act("loket-1", "call-next")
    the_hall.tokens["done"] = issue("surat")
    act("loket-2", "call-next")
    act("loket-2", "done")
    the_hall.tokens["waiting"] = issue("lantas")
    issue("lapor", priority=True)
    issue("surat")
    issue("surat")  # surat's daily quota is used up: the kiosk shows it closed
    act("loket-4", "state", state="break")
    yield the_hall
    server.stop()


# ---- the screens ---------------------------------------------------------------------------


def take_a_ticket(page: Page, hall: Hall) -> None:
    page.locator('[data-service="lapor"]').click()
    expect(page.locator("#confirm")).to_be_visible()
    expect(page.locator("#confirm-qr")).to_have_js_property("complete", True)


def choose_priority(page: Page, hall: Hall) -> None:
    page.locator('[data-reason="disability"]').click()
    expect(page.locator("#priority-on")).to_be_visible()


def open_private(page: Page, hall: Hall) -> None:
    page.locator("[data-private]").click()
    expect(page.locator("#heading-private")).to_be_visible()


def type_a_booking_code(page: Page, hall: Hall) -> None:
    """The keypad, a code typed on it and the kiosk's answer that it knows no such booking."""
    page.locator("#booking-open").click()
    for key in "ZZ2":
        page.locator(".kiosk-keypad:visible").get_by_role("button", name=key, exact=True).click()
    page.locator("#booking-submit").click()
    expect(page.locator("#booking-problem")).to_be_visible()


def ask_a_reference(page: Page, hall: Hall) -> None:
    """The keypad for a required registration number, after "continue" with none typed."""
    open_private(page, hall)
    page.locator('[data-service="propam"]').click()
    page.locator("#reference-submit").click()
    expect(page.locator("#reference-error")).to_be_visible()


def check_requirements(page: Page, hall: Hall) -> None:
    """ "Cek persyaratan" of a service: the documents to bring."""
    page.locator('[data-check="lapor"]').click()
    expect(page.locator("#requirements-list li")).to_have_count(2)


def show_the_standard(page: Page, hall: Hall) -> None:
    """The board's turn of the standard, after the queue's pages (its clock sped on)."""
    standard = page.locator("#standard")
    for _ in range(30):
        if standard.is_visible():
            break
        page.clock.run_for(2000)
    expect(page.locator("#standard-list li").first).to_be_visible()


def open_transfer(page: Page, hall: Hall) -> None:
    # The key works once the console is live and serving (its Transfer button is enabled).
    expect(page.locator('[data-action="transfer"]')).to_be_enabled()
    page.keyboard.press("t")
    expect(page.locator("#transfer-dialog")).to_be_visible()
    expect(page.locator(".transfer-choice").first).to_be_visible()


def call_again(page: Page, hall: Hall) -> None:
    """The highlight of a fresh call on the board (a recall changes nothing in the queue)."""
    hall.post("/api/counters/loket-1/recall", "budi")
    expect(page.locator(".now-calling.fresh")).to_be_visible()


@dataclass(frozen=True)
class Screen:
    """A page, or a state of one, and how to check it.

    `path` may name a seeded ticket ({waiting}, {called}, {done}); `ready` is a selector that
    shows the page has drawn its data; `marker` a catalogue key of text it shows; `then`
    brings it to the state to check; `counter` is remembered as the console's counter.
    """

    name: str
    path: str
    sizes: tuple[str, ...]
    ready: str
    marker: str
    user: str | None = None
    counter: str | None = None
    then: Callable[[Page, Hall], None] | None = None
    touch: bool = False  # a public touch screen: every target at least 64 px
    aaa: bool = False  # read from afar: every text at least 7:1
    reduced_motion: bool = False
    clock: bool = False  # the page's clock is Playwright's, for `then` to speed on


PHONE, PORTRAIT, FULL_HD = ("phone",), ("kiosk-portrait",), ("full-hd",)
KIOSK = ("kiosk-portrait", "full-hd")
SCREENS = [
    Screen("index", "/", ("phone", "full-hd"), "nav", "ui.index.title"),
    Screen("kiosk", "/kiosk/kiosk-1", KIOSK, ".kiosk-service", "ui.kiosk.choose", touch=True),
    Screen("kiosk-priority", "/kiosk/kiosk-1", PORTRAIT, ".kiosk-service", "ui.kiosk.priority_on",
           then=choose_priority, touch=True),
    Screen("kiosk-ticket", "/kiosk/kiosk-1", KIOSK, ".kiosk-service", "ui.kiosk.your_number",
           then=take_a_ticket, touch=True),
    Screen("kiosk-private", "/kiosk/kiosk-1", KIOSK, ".kiosk-service", "ui.kiosk.private_hint",
           then=open_private, touch=True),
    Screen("kiosk-booking", "/kiosk/kiosk-1", KIOSK, ".kiosk-service",
           "ui.kiosk.booking_unknown_title", then=type_a_booking_code, touch=True),
    Screen("kiosk-reference", "/kiosk/kiosk-1", KIOSK, ".kiosk-service",
           "ui.kiosk.reference_required_help", then=ask_a_reference, touch=True),
    Screen("kiosk-requirements", "/kiosk/kiosk-1", KIOSK, ".kiosk-check",
           "ui.kiosk.requirements_bring", then=check_requirements, touch=True),
    Screen("standar", "/standar", ("phone", "full-hd"), ".standard-service",
           "ui.standard.maklumat"),
    Screen("phone-waiting", "/t/{waiting}", PHONE, "#state-waiting:not([hidden])",
           "ui.phone.ahead"),
    Screen("phone-called", "/t/{called}", PHONE, "#state-called:not([hidden])",
           "ui.phone.called_title"),
    Screen("phone-survey", "/t/{done}", PHONE, "#survey input", "ui.survey.title"),
    Screen("phone-unknown", "/t/no-such-ticket", PHONE, "h1", "ui.phone.unknown_title"),
    Screen("board", "/board", ("full-hd", "kiosk-portrait"), '.counter-tile[data-state="break"]',
           "ui.board.recent", aaa=True),
    Screen("board-idle", "/board/lantas", ("full-hd", "kiosk-portrait"),
           '.counter-tile[data-state="open"]', "ui.board.idle_take", aaa=True),
    Screen("board-standard", "/board", ("full-hd", "kiosk-portrait"),
           '.counter-tile[data-state="break"]', "ui.standard.requirements",
           then=show_the_standard, aaa=True, clock=True),
    Screen("board-call", "/board", FULL_HD, '.counter-tile[data-state="break"]',
           "ui.board.now_calling", then=call_again, aaa=True, reduced_motion=True),
    Screen("counter-login", "/counter", FULL_HD, "#login-view:not([hidden])",
           "ui.counter.login_title"),
    Screen("counter-choose", "/counter", FULL_HD, ".choose-button", "ui.counter.choose_title",
           user="budi"),
    Screen("counter", "/counter", FULL_HD, "#waiting-rows tr", "ui.counter.current", user="budi",
           counter="loket-1"),
    Screen("counter-transfer", "/counter", FULL_HD, "#waiting-rows tr", "ui.counter.cancel",
           user="budi", counter="loket-1", then=open_transfer),
    Screen("survey-desk", "/survey/loket-2", ("full-hd", "phone"), "#desk-questions input",
           "ui.survey_desk.title", touch=True),
    Screen("admin-login", "/admin", ("full-hd", "phone"), "#login-form", "ui.admin.login_title"),
    Screen("admin-forbidden", "/admin", FULL_HD, "h1", "ui.admin.forbidden_title", user="budi"),
    Screen("admin-dashboard", "/admin", ("full-hd", "phone"), "#services tr",
           "ui.admin.dashboard_title", user="sari"),
    Screen("admin-report", "/admin/reports", FULL_HD, "#fairness", "ui.admin.fairness_title",
           user="sari"),
    Screen("admin-handover", "/admin/handover", FULL_HD, "[data-page=admin-handover]",
           "ui.admin.waiting_handed_over", user="sari"),
    Screen("admin-printer", "/admin/printer", FULL_HD, "[data-page=admin-printer]",
           "ui.admin.printer_health", user="sari"),
    Screen("admin-voices", "/admin/voices", FULL_HD, "[data-page=admin-voices]",
           "ui.voices.no_pack", user="sari"),
    Screen("admin-users", "/admin/users", FULL_HD, "#users tr", "ui.admin.users_list",
           user="root"),
    Screen("admin-propam", "/admin/propam", ("full-hd", "phone"), "[data-page=admin-propam]",
           "ui.propam.intro", user="provos"),
]  # fmt: skip
CASES = [
    pytest.param(screen, size, lang, id=f"{screen.name}-{size}-{lang}")
    for screen in SCREENS
    for size in screen.sizes
    for lang in LANGUAGES
]


def open_screen(chromium: Browser, hall: Hall, screen: Screen, size: str, lang: str) -> Page:
    """The screen in a fresh context, drawn and brought to its state; scripts must not throw."""
    context = chromium.new_context(
        viewport=SIZES[size], reduced_motion="reduce" if screen.reduced_motion else None
    )
    if screen.user:
        context.add_cookies(hall.cookies[screen.user])  # type: ignore[arg-type]
    if screen.counter:
        context.add_init_script(f"localStorage.setItem('satupintu.counter', '{screen.counter}')")
    page = context.new_page()
    if screen.clock:
        page.clock.install()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{hall.server.url}{screen.path.format(**hall.tokens)}?lang={lang}")
    page.wait_for_selector(screen.ready, state="attached")
    if screen.then is not None:
        screen.then(page, hall)
    assert errors == [], errors
    return page


@pytest.mark.parametrize(("screen", "size", "lang"), CASES)
def test_every_screen_is_accessible_in_both_languages(
    chromium: Browser, hall: Hall, screen: Screen, size: str, lang: str
) -> None:
    page = open_screen(chromium, hall, screen, size, lang)
    try:
        assert_in_language(page, screen, lang)
        assert_axe_finds_nothing(page)
        if screen.touch:
            assert_touch_targets(page)
        if screen.aaa:
            assert_aaa_contrast(page)
    finally:
        page.context.close()


# ---- what every screen must pass ------------------------------------------------------------

# The text a person meets on the page, with the language it is marked as: visible text and
# the names screen readers read out (alt, aria-label, title, placeholder).
READABLE_TEXT = """() => {
  const langOf = (node) => (node.closest("[lang]") || document.documentElement).lang;
  const shown = (element) => element.checkVisibility({visibilityProperty: true});
  const found = [[document.title, document.documentElement.lang]];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (node.textContent.trim() && parent && shown(parent) && !parent.closest("script, style")) {
      found.push([node.textContent, langOf(parent)]);
    }
  }
  for (const element of document.querySelectorAll("[alt], [aria-label], [title], [placeholder]")) {
    if (!shown(element)) continue;
    for (const name of ["alt", "aria-label", "title", "placeholder"]) {
      if (element.getAttribute(name)) found.push([element.getAttribute(name), langOf(element)]);
    }
  }
  return found;
}"""


def assert_in_language(page: Page, screen: Screen, lang: str) -> None:
    """The page says it is in `lang`, shows its marker text in `lang`, and no other-language words.

    Text marked with another `lang` (the kiosk's second name of a service, the language
    switch) is left out: it is meant to be there.
    """
    assert page.evaluate("document.documentElement.lang") == lang
    other = "en" if lang == "id" else "id"
    readable = page.evaluate(READABLE_TEXT)
    own = " ".join(words for words, marked in readable if marked == lang)
    assert text(screen.marker, lang) in own, f"{screen.name} does not show {screen.marker}"
    if text(screen.marker, other) != text(screen.marker, lang):
        assert text(screen.marker, other) not in own
    spoken = set(re.findall(r"[a-z]+", own.lower()))
    stray = spoken & WORDS[other]
    assert not stray, f"{screen.name} in {lang} shows {other} words {sorted(stray)}"


def assert_axe_finds_nothing(page: Page) -> None:
    page.add_script_tag(url=AXE)
    results = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    problems = [
        f"{violation['impact']} {violation['id']}: {violation['help']} at "
        + ", ".join(str(node["target"]) for node in violation["nodes"][:5])
        for violation in results["violations"]
    ]
    assert problems == [], "\n".join(problems)


INTERACTIVE_BOXES = """() => {
  const selector = "button, a[href], select, textarea, label, [tabindex='0'], "
    + "input:not([type=hidden], [type=radio], [type=checkbox])";
  return [...document.querySelectorAll(selector)]
    .filter((element) => element.checkVisibility({visibilityProperty: true}))
    .map((element) => {
      const box = element.getBoundingClientRect();
      return {what: element.outerHTML.slice(0, 80), width: box.width, height: box.height};
    });
}"""


def assert_touch_targets(page: Page) -> None:
    """Every target a finger can touch is at least 64 x 64 px (radio answers: their label)."""
    boxes = page.evaluate(INTERACTIVE_BOXES)
    assert boxes, "no touch targets found"
    small = [box for box in boxes if min(box["width"], box["height"]) < TOUCH_MIN_PX]
    assert small == [], small


TEXT_COLOURS = """() => {
  const opaque = (colour) => !/^rgba\\(.*, 0\\)$/.test(colour) && colour !== "transparent";
  const background = (element) => {
    for (let node = element; node; node = node.parentElement) {
      const colour = getComputedStyle(node).backgroundColor;
      if (opaque(colour)) return colour;
    }
    return "rgb(255, 255, 255)";
  };
  const found = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!node.textContent.trim() || !parent.checkVisibility({visibilityProperty: true})) continue;
    if (parent.closest(".visually-hidden, script, style")) continue;
    found.push({text: node.textContent.trim().slice(0, 40), colour: getComputedStyle(parent).color,
                background: background(parent)});
  }
  return found;
}"""


def luminance(css: str) -> float:
    """The relative luminance (WCAG 2) of an opaque CSS rgb() colour."""
    red, green, blue = (int(part) for part in re.findall(r"\d+", css)[:3])
    linear = [
        channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4
        for channel in (red / 255, green / 255, blue / 255)
    ]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(first: str, second: str) -> float:
    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_contrast_is_computed_as_wcag_does() -> None:
    assert contrast("rgb(0, 0, 0)", "rgb(255, 255, 255)") == pytest.approx(21.0)
    assert contrast("rgb(118, 118, 118)", "rgb(255, 255, 255)") == pytest.approx(4.54, abs=0.01)


def assert_aaa_contrast(page: Page) -> None:
    """Every text on the board has at least 7:1 against the colour behind it (WCAG AAA)."""
    texts = page.evaluate(TEXT_COLOURS)
    assert texts, "no text found"
    weak = [
        f"{item['text']!r}: {contrast(item['colour'], item['background']):.1f}:1"
        for item in texts
        if contrast(item["colour"], item["background"]) < AAA
    ]
    assert weak == [], weak


# ---- keyboard only ---------------------------------------------------------------------------

# What tells two controls apart, stable when a list is redrawn with the same content.
IDENTITY = """(element) => [element.tagName, element.id, element.getAttribute("name"),
  element.getAttribute("href"), element.getAttribute("aria-label"), element.dataset.focusKey,
  element.dataset.action, element.dataset.state, element.textContent.trim().slice(0, 40)
].join("|")"""

# Every control a keyboard user should be able to reach on the page as it is now.
REACHABLE = f"""() => [...document.querySelectorAll(
    "button:not([disabled]), a[href], input:not([type=hidden], [disabled]), select, textarea")]
  .filter((element) => element.checkVisibility({{visibilityProperty: true}})
    && !element.closest("dialog:not([open])"))
  .map({IDENTITY})"""

FOCUSED = f"""() => {{
  const element = document.activeElement;
  if (!element || element === document.body) return null;
  const style = getComputedStyle(element);
  const ringed = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
  const visible = ringed || style.boxShadow !== "none";
  return {{stop: ({IDENTITY})(element), visible, what: element.outerHTML.slice(0, 80)}};
}}"""


def tab_through(page: Page) -> list[dict[str, Any]]:
    """Press Tab until the focus comes round again; what got focus, in order."""
    stops: list[dict[str, Any]] = []
    for _ in range(120):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused is None:
            continue
        if stops and focused["stop"] == stops[0]["stop"]:
            return stops
        stops.append(focused)
    raise AssertionError("the focus never came back round: a keyboard trap?")


def assert_every_control_is_reachable(page: Page) -> None:
    """Tab reaches every visible control once round the page, each with a visible focus ring."""
    wanted = set(page.evaluate(REACHABLE))
    stops = tab_through(page)
    missed = wanted - {stop["stop"] for stop in stops}
    assert missed == set(), f"Tab does not reach {sorted(missed)}"
    unringed = [stop["what"] for stop in stops if not stop["visible"]]
    assert unringed == [], unringed


def tab_until(page: Page, condition: str) -> None:
    """Press Tab until the JavaScript `condition` holds for the focused element."""
    for _ in range(80):
        page.keyboard.press("Tab")
        if page.evaluate(f"() => Boolean({condition})"):
            return
    raise AssertionError(f"Tab never reached an element where {condition}")


def tab_to(page: Page, name: str) -> None:
    """Press Tab until the focused element's name (aria-label, else its text) starts with `name`."""
    focused = "document.activeElement"
    label = f"({focused}.getAttribute('aria-label') || {focused}.innerText)"
    tab_until(page, f"{label}.trim().startsWith({json.dumps(name)})")


def new_page(chromium: Browser, **options: Any) -> tuple[BrowserContext, Page, list[str]]:
    context = chromium.new_context(viewport=SIZES["full-hd"], **options)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    return context, page, errors


def test_an_officer_runs_the_counter_from_the_keyboard_alone(
    chromium: Browser, live: ServerProcess
) -> None:
    for service in ("lapor", "lapor", "surat"):
        requests.post(f"{live.url}/api/tickets", json={"service": service}, timeout=10)
    context, page, errors = new_page(chromium)
    page.goto(f"{live.url}/counter")
    expect(page.locator("#username")).to_be_focused()
    page.keyboard.type("budi")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.locator(".choose-button").first).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#counter-name")).to_have_text("Loket 1")
    expect(page.locator("#waiting-rows tr")).to_have_count(3)
    expect(page.locator('[data-action="call_next"]')).to_be_enabled()
    assert_every_control_is_reachable(page)

    tab_to(page, "Panggil berikutnya")
    page.keyboard.press("Enter")
    expect(page.locator("#current-number")).to_have_text("A-001")
    tab_to(page, "Selesai")
    page.keyboard.press("Space")
    expect(page.locator("#current-number")).to_have_text("—")
    # "Done" is disabled now: the focus moved to "Call next", not to the top of the page.
    expect(page.get_by_role("button", name=re.compile("^Panggil berikutnya"))).to_be_focused()

    tab_to(page, "Panggil B-001 di luar urutan")
    page.keyboard.press("Enter")
    expect(page.locator("#call-reason")).to_be_focused()
    page.keyboard.type("dokumen sudah lengkap")
    page.keyboard.press("Enter")
    expect(page.locator("#call-dialog")).to_be_hidden()
    expect(page.locator("#current-number")).to_have_text("B-001")
    # The console takes the key once the call's answer has enabled its actions again.
    expect(page.locator('[data-action="transfer"]')).to_be_enabled()
    page.keyboard.press("t")
    expect(page.locator("#transfer-dialog")).to_be_visible()
    expect(page.locator(".transfer-choice").first).to_be_visible()  # the list has loaded
    page.keyboard.press("1")  # the first other service: Laporan
    expect(page.locator("#transfer-dialog")).to_be_hidden()
    expect(page.locator("#current-number")).to_have_text("—")
    tab_to(page, "Istirahat")
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Istirahat")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#paused")).to_be_visible()
    context.close()
    assert errors == []


def test_a_supervisor_and_an_admin_use_oversight_from_the_keyboard_alone(
    chromium: Browser, live: ServerProcess
) -> None:
    live.add_user("root", "admin")
    context, page, errors = new_page(chromium)
    page.goto(f"{live.url}/admin/users")
    expect(page.locator("input[name=username]")).to_be_focused()
    page.keyboard.type("root")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.locator("#users tr")).to_have_count(4)

    page.keyboard.press("Tab")  # first: the skip link, visible once focused
    skip = page.locator(".skip-link")
    expect(skip).to_be_focused()
    assert skip.bounding_box()["y"] >= 0  # type: ignore[index]
    page.keyboard.press("Enter")
    expect(page.locator("#main")).to_be_focused()
    assert_every_control_is_reachable(page)

    budi = page.locator("#users tr", has_text="budi")
    tab_until(page, "document.activeElement.dataset.focusKey === 'toggle:budi'")
    page.keyboard.press("Enter")
    expect(page.locator("#users-message")).to_contain_text("budi dinonaktifkan")
    expect(budi.get_by_role("button", name="Aktifkan")).to_be_focused()
    page.keyboard.press("Enter")
    expect(budi.get_by_role("button", name="Nonaktifkan")).to_be_focused()
    for _ in range(12):  # back past budi's units, to his role
        page.keyboard.press("Shift+Tab")
        if page.evaluate("document.activeElement.dataset.focusKey === 'role:budi'"):
            break
    page.keyboard.press("ArrowDown")  # budi's role: officer -> supervisor
    expect(page.locator("#users-message")).to_contain_text("Peran budi diubah")
    expect(budi.get_by_role("combobox")).to_be_focused()

    page.goto(f"{live.url}/admin")
    tab_to(page, "Laporan")
    page.keyboard.press("Enter")
    page.wait_for_selector("[data-page=admin-report]")
    tab_to(page, "Tampilkan bulan")
    page.keyboard.press("Enter")
    expect(page.locator("input[name=from]")).to_have_value(re.compile(r"^\d{4}-\d{2}-01$"))
    assert_every_control_is_reachable(page)
    context.close()
    assert errors == []


# ---- calls reach screen readers; motion only for those who want it ---------------------------


def test_a_call_is_announced_to_screen_readers_on_the_phone_and_the_board(
    chromium: Browser, live: ServerProcess
) -> None:
    ticket = requests.post(f"{live.url}/api/tickets", json={"service": "lapor"}, timeout=10)
    status_url = ticket.json()["ticket"]["status_url"]
    context, board, errors = new_page(chromium)
    board.goto(f"{live.url}/board")
    phone = context.new_page()
    phone.on("pageerror", lambda error: errors.append(str(error)))
    phone.goto(f"{live.url}{status_url}")
    expect(phone.locator("#state-waiting")).to_be_visible()
    phone_region = phone.locator("#announcer")
    board_region = board.locator("#call-announcer")
    for region in (phone_region, board_region):
        expect(region).to_have_attribute("aria-live", "assertive")
        expect(region).to_be_empty()

    live.session("budi").post(f"{live.url}/api/counters/loket-2/call-next", timeout=10)
    expect(phone_region).to_have_text("Nomor A-001 dipanggil. Silakan menuju Loket 2.")
    expect(board_region).to_have_text("Nomor A-001, silakan menuju Loket 2.")
    context.close()
    assert errors == []


HIGHLIGHT = """() => {
  const panel = document.querySelector(".now-calling.fresh");
  return {
    lit: panel.classList.contains("lit"),
    outline: getComputedStyle(panel).outlineStyle,
    animations: document.getAnimations().length,
  };
}"""


def test_the_board_highlights_a_call_without_motion_when_asked(
    chromium: Browser, hall: Hall
) -> None:
    seen = {}
    for motion in ("no-preference", "reduce"):
        context, page, errors = new_page(chromium, reduced_motion=motion)
        page.clock.install()
        page.goto(f"{hall.server.url}/board")
        page.wait_for_selector('.counter-tile[data-state="break"]', state="attached")
        call_again(page, hall)
        states = []
        for _ in range(6):  # a quarter of a second apart: both turns of a blink, whatever
            page.clock.run_for(250)  # the phase the call arrived at (the clock also runs)
            states.append(page.evaluate(HIGHLIGHT))
        seen[motion] = {key: {state[key] for state in states} for key in states[0]}
        context.close()
        assert errors == []
    assert seen["no-preference"] == {"lit": {True, False}, "outline": {"none"}, "animations": {0}}
    assert seen["reduce"] == {"lit": {False}, "outline": {"solid"}, "animations": {0}}


# ---- dates, times and numbers: the station's, in the page's language -----------------------


@pytest.mark.parametrize("lang", LANGUAGES)
def test_times_dates_and_numbers_follow_the_station_not_the_browser(
    chromium: Browser, hall: Hall, lang: str
) -> None:
    """A visitor's phone set to New York time and US English still reads Kupang's clock."""
    ticket = requests.get(
        f"{hall.server.url}/api/tickets/{hall.tokens['waiting']}", timeout=10
    ).json()["ticket"]
    issued = ticket["issued_at"][11:16]  # local to the station, e.g. "09:14"
    context = chromium.new_context(
        viewport=SIZES["phone"], timezone_id="America/New_York", locale="en-US"
    )
    phone = context.new_page()
    phone.goto(f"{hall.server.url}/t/{hall.tokens['waiting']}?lang={lang}")
    shown = issued.replace(":", ".") if lang == "id" else issued
    expect(phone.locator("#issued")).to_have_text(text("ui.phone.issued_at", lang, time=shown))

    kiosk = context.new_page()
    kiosk.goto(f"{hall.server.url}/kiosk/kiosk-1?lang={lang}")
    today = datetime.now(ZoneInfo("Asia/Makassar")).date()
    expect(kiosk.locator("#clock-date")).to_have_text(local_date(today, lang, weekday=True))
    number = kiosk.evaluate("async () => (await import('/static/js/i18n.js')).formatNumber(1234.5)")
    assert number == format_number(1234.5, lang)  # the same as oversight pages, server side
    context.close()
