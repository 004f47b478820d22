"""A call as the hall sees it: from the officer's reply to the frame that paints the number on
the wall board, in headless Chromium against a real `satupintu serve`.

A board page (1920x1080, sound allowed as on an unattended board, so each call's speech is
fetched as in the hall) watches its big number; for each of `--calls` calls a ticket is issued,
the machine is left to settle, and an officer's HTTP `call-next` is timed. The page notes when
the number changed in its DOM, when the tasks queued by then were done, the animation frame
that follows (the number is in that frame) and the first task after that frame (it has been
painted); a bare Socket.IO client notes when the call's event reached it. Page and script share
the machine's wall clock (`performance.timeOrigin`), so each is timed from the officer's reply.

Run: `.venv/bin/python -m bench.board_call [--calls 30]` (Debian's Chromium, never
`playwright install`).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import requests
from playwright.sync_api import Page, sync_playwright

from tests.conftest import CHROMIUM, CHROMIUM_FLAGS
from tests.helpers import ALL_UNITS
from tests.realserver import Listener, ServerProcess

# The hall's board: with its running text, as the station's config.yaml has one.
HALL = {
    "name": "SPKT Uji",
    "running_text": {
        "id": "Layanan kepolisian terpadu satu pintu. Semua layanan GRATIS.",
        "en": "One-stop police services. Every service is FREE.",
    },
}
SETTLE_SECONDS = 4.5  # between calls: the previous call's 4 s highlight is over

# Installed in the board page: for each number shown large, when it changed, the frame that
# follows, and the first task after that frame.
WATCH = """
window.__calls = {};
const number = document.getElementById("now-number");
const now = () => performance.timeOrigin + performance.now();
new MutationObserver(() => {
  const shown = number.textContent;
  if (!shown || window.__calls[shown]) return;
  const mark = { changed: now() };
  window.__calls[shown] = mark;
  const handled = new MessageChannel();
  handled.port1.onmessage = () => { mark.handled = now(); };
  handled.port2.postMessage(null);
  requestAnimationFrame(() => {
    mark.frame = now();
    const channel = new MessageChannel();
    channel.port1.onmessage = () => { mark.painted = now(); };
    channel.port2.postMessage(null);
  });
}).observe(number, { childList: true, characterData: true, subtree: true });
"""


class TimedListener(Listener):
    """A board's Socket.IO client (python-socketio) noting when each call arrived."""

    def __init__(self, url: str, headers: dict[str, str], transport: str) -> None:
        self.arrived: dict[str, float] = {}
        super().__init__(url, headers, transport)

    def _record(self, name: str, data: Any = None) -> None:
        if name == "ticket.called":
            self.arrived[data["number"]] = time.time() * 1000
        super()._record(name, data)


def measure(calls: int) -> dict[str, list[float]]:
    """Milliseconds from the officer's reply to each mark, and the reply's own time."""
    figures: dict[str, list[float]] = {
        "reply": [],
        "socket": [],
        "changed": [],
        "handled": [],
        "frame": [],
        "painted": [],
        "posted": [],
    }
    with tempfile.TemporaryDirectory() as folder:
        server = ServerProcess(Path(folder), station=HALL)
        server.add_user("budi", units=ALL_UNITS)
        server.start()
        try:
            officer = server.session("budi")
            listener = TimedListener(server.url, {}, "websocket")
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS
                )
                board = browser.new_page(viewport={"width": 1920, "height": 1080})
                board.goto(f"{server.url}/board")
                board.wait_for_function("document.querySelector('#counter-list li') !== null")
                board.evaluate(WATCH)
                for index in range(calls):
                    counter = f"loket-{1 + index % 2}"
                    marks = one_call(server, officer, board, listener, counter)
                    for mark, value in marks.items():
                        figures[mark].append(value)
                browser.close()
            listener.close()
        finally:
            server.stop()
    return figures


def one_call(
    server: ServerProcess,
    officer: requests.Session,
    board: Page,
    listener: TimedListener,
    counter: str,
) -> dict[str, float]:
    issued = requests.post(f"{server.url}/api/tickets", json={"service": "lapor"}, timeout=10)
    issued.raise_for_status()
    time.sleep(SETTLE_SECONDS)
    posted = time.time() * 1000
    answer = officer.post(f"{server.url}/api/counters/{counter}/call-next", timeout=10)
    replied = time.time() * 1000
    answer.raise_for_status()
    number = answer.json()["ticket"]["number"]
    board.wait_for_function("n => window.__calls[n]?.painted", arg=number)
    marks: dict[str, Any] = board.evaluate("n => window.__calls[n]", number)
    listener.wait_for("ticket.called", lambda data: data["number"] == number)
    return {
        "reply": replied - posted,
        "socket": listener.arrived[number] - replied,
        **{name: marks[name] - replied for name in ("changed", "handled", "frame", "painted")},
        "posted": marks["painted"] - posted,
    }


def summary(values: list[float]) -> str:
    return f"median {statistics.median(values):6.1f} ms, worst {max(values):6.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=30)
    figures = measure(parser.parse_args().calls)
    labels = {
        "reply": "officer's POST -> reply      ",
        "socket": "reply -> event at a socket   ",
        "changed": "reply -> number in the DOM   ",
        "handled": "reply -> the page's tasks done",
        "frame": "reply -> its animation frame ",
        "painted": "reply -> frame painted       ",
        "posted": "POST -> frame painted        ",
    }
    for mark, label in labels.items():
        print(f"{label} {summary(figures[mark])}")


if __name__ == "__main__":
    main()
