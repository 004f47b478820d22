"""Take the README's screenshots of a suspended service.

Starts a real server with the bundled station's services (as `docs.screenshots_kiosk` does),
issues a few tickets, suspends "Laporan & Pengaduan" ("Server SINAR gangguan", expected back in
about two hours, on the half hour) and photographs:

- docs/kiosk-suspended.png (1080x1920): the kiosk's start, the suspended service's card saying
  why and when it is expected back;
- docs/phone-suspended.png (390 px wide): the phone page of a ticket waiting in it;

and the same in English under docs/en/. Run: `.venv/bin/python -m docs.screenshots_suspension`
(`--lang id` or `--lang en` for one language only).
"""

from __future__ import annotations

import tempfile
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from playwright.sync_api import sync_playwright

from docs.screenshots_kiosk import PHONE, PORTRAIT, issue, shoot, station_overrides
from docs.shots import Shots, languages
from tests.conftest import CHROMIUM, CHROMIUM_FLAGS
from tests.realserver import ServerProcess

SUSPENDED = "spkt-lapor"
REASON = "Server SINAR gangguan"


def expected_back() -> str:
    """About two hours from now in the station's zone, on the half hour, as an officer types it."""
    later = datetime.now(ZoneInfo("Asia/Makassar")) + timedelta(hours=2)
    return later.replace(minute=0 if later.minute < 30 else 30).strftime("%Y-%m-%dT%H:%M")


def take(server: ServerProcess, shots: Shots) -> None:
    for service, count in ((SUSPENDED, 3), ("spkt-surat", 2), ("reskrim", 1)):
        for _ in range(count):
            issue(server, service)
    mine = issue(server, SUSPENDED)
    supervisor = server.session("sari")
    reply = supervisor.post(
        f"{server.url}/api/services/{SUSPENDED}/suspend",
        json={"reason": REASON, "until": expected_back()},
        headers={"Origin": server.url},
        timeout=10,
    )
    reply.raise_for_status()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        kiosk = shots.url(server.url, "/kiosk/kiosk-1")
        shoot(browser, kiosk, PORTRAIT, shots.file("kiosk-suspended.png"))
        phone = shots.url(server.url, mine["status_url"])
        shoot(browser, phone, PHONE, shots.file("phone-suspended.png"), scale=2, full_page=True)
        browser.close()


def main() -> None:
    for lang in languages(__doc__.splitlines()[0]):
        with tempfile.TemporaryDirectory() as folder:
            server = ServerProcess(Path(folder), **station_overrides())
            server.add_user("sari", "supervisor")
            server.start()
            try:
                shots = Shots(lang)
                take(server, shots)
                shots.compact()
            finally:
                server.stop()


if __name__ == "__main__":
    main()
