"""The wall board in headless Chromium hearing a commit's board events as one frame
(`auth: {batch: true}`), and still catching up after a `seq` gap."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from satupintu.opening import open_station
from shared.application import desk_actions
from shared.domain.config import load_config
from tests.realserver import ServerProcess, server_environment
from tests.test_board_browser import BOARD_VIEW, issue, open_page, shown_at

pytestmark = [pytest.mark.browser, pytest.mark.server]


@pytest.fixture
def board(chromium: Browser, live: ServerProcess) -> Iterator[Page]:
    yield from open_page(chromium, BOARD_VIEW, f"{live.url}/board")


def call_next(live: ServerProcess, counter: str) -> str:
    officer = live.session("budi")
    response = officer.post(f"{live.url}/api/counters/{counter}/call-next", timeout=10)
    assert response.status_code == 200, response.text
    return response.json()["ticket"]["number"]


def test_the_board_shows_each_call_of_one_frame_per_commit(
    live: ServerProcess, board: Page
) -> None:
    for _ in range(3):
        issue(live)
    expect(shown_at(board, "loket-1")).to_have_text("—")
    assert call_next(live, "loket-1") == "A-001"
    expect(shown_at(board, "loket-1")).to_have_text("A-001")
    assert call_next(live, "loket-1") == "A-002"  # A-001 done and A-002 called: one frame
    expect(shown_at(board, "loket-1")).to_have_text("A-002")
    expect(board.locator("#now-number")).to_have_text("A-002")


def test_a_board_that_missed_a_commit_catches_up_from_a_snapshot(
    live: ServerProcess, board: Page
) -> None:
    for _ in range(2):
        issue(live)
    issue(live, "lantas")
    expect(shown_at(board, "loket-1")).to_have_text("—")
    # Another process calls without a message queue: this server's boards never hear of it.
    with server_environment(live.env):
        station = open_station(load_config(str(live.config_path)))
    try:
        assert desk_actions.call_next(station, "loket-1", "budi").number == "A-001"
    finally:
        station.store.close()
    expect(shown_at(board, "loket-1")).to_have_text("—")
    # The next frame's seq skips that commit's events: the board asks for a snapshot.
    assert call_next(live, "loket-3") == "C-001"
    expect(shown_at(board, "loket-3")).to_have_text("C-001")
    expect(shown_at(board, "loket-1")).to_have_text("A-001")
