"""The wall board as the hall reads it, in headless Chromium against a real server: the big call
clears when its citizen leaves the counter, recent calls say who did not come or was sent on,
closed services say so, private calls name neither service nor counter (on screen and in the
voice), everything is readable from 8 m, and long names fit, in both orientations."""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import requests
import yaml
from playwright.sync_api import Browser, Page, expect

from shared.domain.announce import Spoken
from shared.operations.speech import Speech
from tests.helpers import ALL_UNITS, BASE_CONFIG
from tests.layout_checks import outside, overflows, text_sizes
from tests.realserver import ServerProcess

pytestmark = [pytest.mark.browser, pytest.mark.server]

LANDSCAPE = {"width": 1920, "height": 1080}
PORTRAIT = {"width": 1080, "height": 1920}
ORIENTATIONS = {"landscape": LANDSCAPE, "portrait": PORTRAIT}
READABLE_PX = 48  # the smallest text readable from 8 m on a full-HD screen
SQUEEZED_NAME_PX = 32  # the smallest a name on a tile or in a list may get to keep tiles on screen
NUMBER_PX = 140
# Recent calls show for 12 s, each page of people waiting for 8 s, a page of the standard 10 s.
TURN_MS = {"recent": 12_000, "waiting": 8_000, "standard": 10_000}
MAX_TURNS = 8
BUNDLED = yaml.safe_load((Path(__file__).parents[1] / "config.yaml").read_text(encoding="utf-8"))
# Every unit of the bundled station: an officer of them all may act at every counter.
BUNDLED_UNITS = ",".join(sorted({service["unit"] for service in BUNDLED["services"]}))
# 60 characters for a counter and 70 for a service, in both languages.
LONG_COUNTER = {
    "id": "Loket Pelayanan Surat Keterangan Catatan Kepolisian Nomor 07",
    "en": "Counter for Police Clearance Certificates and Statements, 07",
}
LONG_SERVICE = {
    "id": "Permohonan Surat Keterangan Catatan Kepolisian untuk Melamar Pekerjaan",
    "en": "Applications for Police Clearance Certificates for Job Seekers (SKCK).",
}


@contextmanager
def board_page(
    chromium: Browser, server: ServerProcess, viewport: dict[str, int], path: str = "/board"
) -> Iterator[Page]:
    """A board in its own context, drawn from its snapshot; its scripts must not throw."""
    context = chromium.new_context(viewport=viewport)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.clock.install()  # runs as usual until a test moves it
    page.goto(f"{server.url}{path}")
    page.wait_for_selector("#offline-mark[hidden]", state="attached")
    page.wait_for_selector(".counter-tile[data-state]")
    try:
        yield page
    finally:
        context.close()
    assert errors == []


@pytest.fixture
def board(chromium: Browser, live: ServerProcess) -> Iterator[Page]:
    with board_page(chromium, live, LANDSCAPE) as page:
        yield page


def issue(server: ServerProcess, service: str = "lapor") -> str:
    reply = requests.post(f"{server.url}/api/tickets", json={"service": service}, timeout=10)
    assert reply.status_code == 201, reply.text
    return reply.json()["ticket"]["number"]


def act(server: ServerProcess, counter: str, action: str, **body: Any) -> None:
    officer = server.session("budi")
    reply = officer.post(f"{server.url}/api/counters/{counter}/{action}", json=body, timeout=10)
    assert reply.ok, reply.text


def tile(board: Page, counter: str) -> Any:
    return board.locator(f'[data-counter="{counter}"]')


IDLE = {
    "id": "Silakan ambil nomor antrean Nomor Anda akan dipanggil di sini",
    "en": "Please take a queue number Your number will be called here",
}


def expect_idle(board: Page, lang: str = "id") -> None:
    """The big panel invites people to take a number, looking like a tile, not a highlight."""
    panel = board.locator("#now-calling")
    expect(panel).to_have_text(IDLE[lang], use_inner_text=True)
    expect(board.locator("#now-number")).to_be_hidden()
    background = "el => getComputedStyle(el).backgroundColor"
    assert panel.evaluate(background) == tile(board, "loket-1").evaluate(background)


# ---- the big call ----------------------------------------------------------------------------


def test_the_big_call_clears_when_the_counter_is_done_or_goes_on_break(
    live: ServerProcess, board: Page
) -> None:
    first, second = issue(live), issue(live)
    act(live, "loket-1", "call-next")
    expect(board.locator("#now-number")).to_have_text(first)
    expect(board.locator("#now-counter")).to_have_text("Loket 1")
    act(live, "loket-1", "done")
    expect_idle(board)
    expect(tile(board, "loket-1").locator(".counter-number")).to_have_text("—")

    act(live, "loket-2", "call-next")
    expect(board.locator("#now-number")).to_have_text(second)
    act(live, "loket-2", "return")  # a break while serving: the citizen goes back to the front
    act(live, "loket-2", "state", state="break")
    expect_idle(board)
    shown_tile = re.compile(r"^\s*Loket 2\s+Istirahat\s*$")  # and no number
    expect(tile(board, "loket-2")).to_have_text(shown_tile, use_inner_text=True)
    board.reload()  # the snapshot says the same
    expect(tile(board, "loket-2").locator(".counter-state")).to_have_text("Istirahat")
    expect(tile(board, "loket-2").locator(".counter-number")).to_be_hidden()
    expect(tile(board, "loket-2")).not_to_contain_text(second)
    expect_idle(board)


@pytest.mark.parametrize("lang", ["id", "en"])
def test_before_the_first_call_the_board_invites_people_to_take_a_number(
    chromium: Browser, live: ServerProcess, lang: str
) -> None:
    with board_page(chromium, live, LANDSCAPE, f"/board?lang={lang}") as board:
        expect_idle(board, lang)
        assert "—" not in board.locator("#now-calling").inner_text()
        issue(live)
        act(live, "loket-1", "call-next")
        expect(board.locator("#now-number")).to_have_text("A-001")
        expect(board.locator("#now-idle")).to_be_hidden()


def test_recent_calls_mark_the_citizens_who_did_not_come_or_were_sent_on(
    chromium: Browser, live: ServerProcess, board: Page
) -> None:
    absent, moved, served = issue(live), issue(live), issue(live)
    act(live, "loket-1", "call-next")
    act(live, "loket-1", "no-show")
    act(live, "loket-1", "call-next")
    act(live, "loket-1", "transfer", service="lantas")
    act(live, "loket-1", "call-next")
    expect(board.locator("#now-number")).to_have_text(served)
    rows = board.locator("#recent-list li")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text(moved)
    expect(rows.nth(0).locator(".recent-mark")).to_have_text("Dipindah")
    expect(rows.nth(1)).to_contain_text(absent)
    expect(rows.nth(1).locator(".recent-mark")).to_have_text("Tidak hadir")

    with board_page(chromium, live, LANDSCAPE, "/board?lang=en") as english:  # from the snapshot
        marks = english.locator("#recent-list .recent-mark")
        expect(marks).to_have_text(["Transferred", "No-show"])


# ---- closed services -------------------------------------------------------------------------


@pytest.fixture
def hours_hall(tmp_path: Path) -> Iterator[ServerProcess]:
    """Lalu Lintas opens in two hours (real time: the server's clock), Surat takes one ticket."""
    now = datetime.now(ZoneInfo("Asia/Makassar"))
    services = copy.deepcopy(BASE_CONFIG["services"])
    services[1]["daily_quota"] = 1
    services[2]["hours"] = {
        "open": (now + timedelta(hours=2)).strftime("%H:%M"),
        "close": (now + timedelta(hours=3)).strftime("%H:%M"),
    }
    server = ServerProcess(tmp_path, services=services)
    server.add_user("budi", units=ALL_UNITS)
    server.start()
    yield server
    server.stop()


def test_closed_services_say_tutup_and_a_used_quota_says_so(
    chromium: Browser, hours_hall: ServerProcess
) -> None:
    issue(hours_hall, "surat")
    with board_page(chromium, hours_hall, PORTRAIT) as board:
        row = board.locator("#waiting-list li")
        expect(row.filter(has_text="Lalu Lintas").locator(".waiting-closed")).to_have_text("Tutup")
        expect(row.filter(has_text="Surat Kehilangan").locator(".waiting-closed")).to_have_text(
            "Kuota habis"
        )
        expect(row.filter(has_text="Laporan").locator(".waiting-closed")).to_have_count(0)
        others = row.filter(has_text="Layanan lainnya")
        expect(others.locator(".waiting-closed")).to_have_count(0)
        act(hours_hall, "loket-4", "state", state="closed")  # the private service's one counter
        expect(others.locator(".waiting-closed")).to_have_text("Tutup")
    with board_page(chromium, hours_hall, PORTRAIT, "/board?lang=en") as english:
        closed = english.locator("#waiting-list .waiting-closed")
        expect(closed).to_have_text(["Quota full", "Closed", "Closed"])


# ---- private services ------------------------------------------------------------------------


def test_a_private_call_shows_and_says_only_its_number_and_the_neutral_room(
    live: ServerProcess, board: Page, tmp_path: Path
) -> None:
    number = issue(live, "propam")
    assert number == "R-001"
    with board.expect_response(lambda response: "/api/board/speech/" in response.url) as speech:
        act(live, "loket-4", "call-next")
    expect(board.locator("#now-number")).to_have_text("R-001")
    expect(board.locator("#now-counter")).to_have_text("Ruang Layanan Khusus")
    expect(tile(board, "loket-4").locator(".counter-name")).to_have_text("Ruang Layanan Khusus")
    expect(board.locator("#call-announcer")).to_have_text(
        "Nomor R-001, silakan menuju Ruang Layanan Khusus."
    )
    shown = board.locator("body").inner_text()
    for name in ("Propam", "Pengaduan", "Loket 4", "loket-4"):
        assert name not in shown

    # The voice says exactly this sentence (espeak-ng renders the same words to the same bytes),
    # twice, and not the counter's name.
    heard = speech.value.body()
    speaker = Speech(tmp_path / "speech")
    neutral = "Nomor antrean R satu, silakan menuju ruang layanan khusus"
    assert heard == speaker.audio([Spoken("id", neutral)], repeat=2).read_bytes()
    named = "Nomor antrean R satu, silakan menuju loket empat"
    assert heard != speaker.audio([Spoken("id", named)], repeat=2).read_bytes()


# ---- readable from 8 m, and long names fit ---------------------------------------------------


# Resolves once the board has measured what it last drew: its fonts are in, and the board's own
# measurement (posted at background priority after the next frame's resize observations, which a
# paused page clock does not hold) has run before this one's.
_SETTLED = """() => document.fonts.ready.then(() => new Promise((resolve) => {
  const observer = new ResizeObserver(() => {
    observer.disconnect();
    scheduler.postTask(resolve, {priority: "background"});
  });
  observer.observe(document.body);
}))"""


def settled(board: Page) -> Page:
    """The board once it has fitted its latest change: a change is drawn at once, in the places
    the last measurement gave, and measured after its frame is painted."""
    board.evaluate(_SETTLED)
    return board


def each_turn(board: Page) -> Iterator[str]:
    """Stop the board's clock, then bring the part below the big call through its turns: the
    recent calls, then each page of people waiting, then a page of the service standard, until
    the recent calls come round again. Yields which shows."""
    settled(board)
    # A moment ahead of the page's clock (it must not have passed when the pause arrives, even on
    # a busy machine) and well inside the first turn, so each fast-forward ends in the next one.
    board.clock.pause_at((board.evaluate("Date.now()") + 2_000) / 1000)  # seconds in Python
    showing = "recent"
    for _ in range(MAX_TURNS):
        assert board.locator(f"#{showing}").is_visible()
        yield showing
        board.clock.fast_forward(TURN_MS[showing])
        showing = next(part for part in TURN_MS if board.locator(f"#{part}").is_visible())
        if showing == "recent":
            return
    raise AssertionError("the turns never came back round to the recent calls")


def assert_readable_from_afar(board: Page, name_px: int = READABLE_PX) -> None:
    """Every text at least READABLE_PX, names on tiles and in lists at least `name_px`."""
    texts = text_sizes(board)
    assert texts, "no text found"
    small = [text for text in texts if text["size"] < (name_px if text["name"] else READABLE_PX)]
    assert small == [], small
    numbers = [text for text in texts if text["number"]]
    assert len(numbers) >= 2
    assert [number for number in numbers if number["size"] < NUMBER_PX] == []


@pytest.fixture(scope="module")
def busy_hall(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """The bundled station mid-morning: six counters, calls, a no-show, a counter on break."""
    services = [{k: v for k, v in s.items() if k != "hours"} for s in BUNDLED["services"]]
    services[3]["daily_quota"] = 1  # Dokumen Kendaraan & SIM: quota used up, "Kuota habis"
    server = ServerProcess(
        tmp_path_factory.mktemp("busy"),
        station=BUNDLED["station"],
        services=services,
        counters=BUNDLED["counters"],
        boards=BUNDLED["boards"],
    )
    server.add_user("budi", units=BUNDLED_UNITS)
    server.start()
    for service in ("spkt-lapor", "spkt-lapor", "spkt-surat", "lantas-dokumen", "lantas-laka",
                    "reskrim", "ppa", "samapta", "propam", "spkt-lapor", "spkt-surat"):  # fmt: skip
        issue(server, service)
    for counter in ("loket-2", "loket-3", "loket-4", "loket-1"):
        act(server, counter, "call-next")
    act(server, "loket-1", "no-show")
    act(server, "loket-1", "call-next")
    act(server, "loket-5", "state", state="break")
    yield server
    server.stop()


@pytest.mark.parametrize("orientation", ORIENTATIONS)
@pytest.mark.parametrize("lang", ["id", "en"])
def test_every_text_on_the_board_is_readable_from_8_metres(
    chromium: Browser, busy_hall: ServerProcess, orientation: str, lang: str
) -> None:
    path = f"/board/utama?lang={lang}"
    with board_page(chromium, busy_hall, ORIENTATIONS[orientation], path) as board:
        expect(board.locator(".recent-mark")).to_have_count(1)
        turns = []
        for showing in each_turn(board):
            turns.append(showing)
            assert_readable_from_afar(board)
            assert overflows(board, skip=".ticker", fixed_height=True) == [], showing
    assert turns[0] == "recent"
    assert "waiting" in turns


@pytest.fixture(scope="module")
def long_names(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """A 60-character counter name and a 70-character service name, in both languages; the
    long-named counter has called a citizen and marked another as absent."""
    assert {len(name) for name in LONG_COUNTER.values()} == {60}
    assert {len(name) for name in LONG_SERVICE.values()} == {70}
    services = copy.deepcopy(BASE_CONFIG["services"])
    services[0]["name"] = LONG_SERVICE
    counters = copy.deepcopy(BASE_CONFIG["counters"])
    counters[0]["name"] = LONG_COUNTER
    server = ServerProcess(tmp_path_factory.mktemp("long"), services=services, counters=counters)
    server.add_user("budi", units=ALL_UNITS)
    server.start()
    for _ in range(4):
        issue(server)
    act(server, "loket-2", "call-next")
    act(server, "loket-1", "call-next")
    act(server, "loket-1", "no-show")
    act(server, "loket-1", "call-next")
    yield server
    server.stop()


@pytest.mark.parametrize("orientation", ORIENTATIONS)
@pytest.mark.parametrize("lang", ["id", "en"])
def test_long_counter_and_service_names_fit_on_the_board(
    chromium: Browser, long_names: ServerProcess, orientation: str, lang: str
) -> None:
    path = f"/board?lang={lang}"
    with board_page(chromium, long_names, ORIENTATIONS[orientation], path) as board:
        expect(board.locator("#now-counter")).to_have_text(LONG_COUNTER[lang])
        assert overflows(settled(board), skip=".ticker", fixed_height=True) == []
        shown = {"recent": False, "waiting": False}
        for showing in each_turn(board):
            visible = board.locator("#board-info").inner_text()
            shown["recent"] |= LONG_COUNTER[lang] in visible
            shown["waiting"] |= LONG_SERVICE[lang] in visible
            assert overflows(board, skip=".ticker", fixed_height=True) == [], showing
            assert_readable_from_afar(board)
    assert shown == {"recent": True, "waiting": True}


def long_name(name: dict[str, str], number: int) -> dict[str, str]:
    """`name` with its last characters made `number`, as long as before."""
    return {lang: f"{text[:-3]} {number:02d}" for lang, text in name.items()}


@pytest.fixture(scope="module")
def longest_hall(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """Six counters (a board's most with such names), every name as long as the config allows
    (60 characters for a counter and the private room, 70 for a service, 50 for the station, 24
     for the board), and the running text; every counter has called a citizen, one marked
    another as absent."""
    services = [
        {k: v for k, v in service.items() if k not in ("hours", "booking")}
        | {"name": long_name(LONG_SERVICE, number)}
        for number, service in enumerate(BUNDLED["services"][:6], 1)
    ]
    counters = [
        {"id": f"loket-{number}", "name": long_name(LONG_COUNTER, number), "services": [s["id"]]}
        for number, s in enumerate(services, 1)
    ]
    station = {**BUNDLED["station"], "name": "Sentra Pelayanan Kepolisian Terpadu Polres Kupang"}
    server = ServerProcess(
        tmp_path_factory.mktemp("longest"),
        station=station,
        services=services,
        counters=counters,
        boards=[{"id": "utama", "name": "Papan Ruang Tunggu 2"}],
        privacy={"destination": long_name(LONG_COUNTER, 99)},
    )
    server.add_user("budi", units=",".join(sorted({service["unit"] for service in services})))
    server.start()
    for service in [services[0], *services]:
        issue(server, service["id"])
    act(server, "loket-1", "call-next")
    act(server, "loket-1", "no-show")
    for counter in counters:
        act(server, counter["id"], "call-next")
    yield server
    server.stop()


@pytest.mark.parametrize("orientation", ORIENTATIONS)
@pytest.mark.parametrize("lang", ["id", "en"])
def test_with_the_longest_names_every_tile_stays_on_screen_above_the_running_text(
    chromium: Browser, longest_hall: ServerProcess, orientation: str, lang: str
) -> None:
    path = f"/board/utama?lang={lang}"
    with board_page(chromium, longest_hall, ORIENTATIONS[orientation], path) as board:
        expect(board.locator("#ticker")).to_be_visible()
        whole = [long_name(LONG_COUNTER, number)[lang] for number in (1, 2, 3, 4, 5, 99)]
        expect(board.locator(".counter-name")).to_have_text(whole)  # wrapped, not cut
        seen = ""
        for showing in each_turn(board):
            boxes = ".board-head, .now-calling, .counter-tile, #board-info li"
            assert outside(board, boxes, above=".ticker") == [], showing
            assert overflows(board, skip=".ticker", fixed_height=True) == [], showing
            assert_readable_from_afar(board, name_px=SQUEEZED_NAME_PX)
            seen += " ".join(board.locator("#board-info li:visible").all_inner_texts())
    public = [long_name(LONG_SERVICE, number)[lang] for number in range(1, 6)]  # the 6th private
    recent = long_name(LONG_COUNTER, 5)[lang]  # the last call before the private room's
    shown = " ".join(seen.split())
    assert [name for name in [*public, recent] if name not in shown] == []
