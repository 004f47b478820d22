"""Take the README's screenshots of the central oversight server.

Starts a throw-away PostgreSQL, a real `satupintu central serve` and two real stations whose
databases hold a busy day (tests/admin_fixtures.busy_hall), lets them ship their logs, a third
station registered but silent, and photographs at 1366 px wide in Debian's Chromium:

- docs/central-dashboard.png: every station today, with its link to central;
- docs/central-reports.png: the stations compared over the day;
- docs/central-report.png: one station's report from central's copy;
- docs/central-scorecards.png: the stations' SKM and scorecards of the last closed quarter
  compared (these halls' logs begin today: nothing to judge yet but what they publish);

and the same in English under docs/en/. Run: `.venv/bin/python -m docs.screenshots_central`
(`--lang id` or `--lang en` for one language only).
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import yaml
from playwright.sync_api import Browser, sync_playwright

from central.scratch import ScratchPostgres
from docs.shots import Shots, languages
from tests.admin_fixtures import busy_hall
from tests.central_fixtures import CentralProcess
from tests.conftest import CHROMIUM, CHROMIUM_FLAGS
from tests.realserver import PASSWORD, ServerProcess

VIEWPORT = {"width": 1366, "height": 900}
STATIONS = (("kupang", "SPKT Polres Kupang"), ("soe", "SPKT Polres Timor Tengah Selatan"))
PAGES = [  # (path, ready, picture)
    ("/", "#stations tr th", "central-dashboard.png"),
    ("/reports", "#comparison", "central-reports.png"),
    ("/reports?station=kupang", "#audit", "central-report.png"),
    ("/scorecards", "#scorecards tr th", "central-scorecards.png"),
]


def hall(folder: Path, central: CentralProcess, station_id: str, name: str) -> ServerProcess:
    """A busy hall set to ship to central, started."""
    folder.mkdir(parents=True)
    server = busy_hall(folder)
    data = yaml.safe_load(server.config_path.read_text(encoding="utf-8"))
    data["station"]["name"] = name
    data["central"] = {
        "url": central.url, "station": station_id, "key": central.add_station(station_id, name)
    }  # fmt: skip
    server.config_path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    server.start()
    return server


def shipped(central: CentralProcess) -> bool:
    stations = central.session().get(f"{central.url}/api/central/stations", timeout=30).json()
    return all(
        row["behind_rows"] == 0 for row in stations["stations"] if row["station_row"] is not None
    ) and sum(row["station_row"] is not None for row in stations["stations"]) == len(STATIONS)


def shoot(browser: Browser, central: CentralProcess, shots: Shots) -> None:
    cookies = central.session().cookies.items()
    for path, ready, picture in PAGES:
        context = browser.new_context(viewport=VIEWPORT)
        context.add_cookies([{"name": k, "value": v, "url": central.url} for k, v in cookies])
        page = context.new_page()
        page.goto(shots.url(central.url, path))
        page.wait_for_selector(ready)
        page.screenshot(path=shots.file(picture), full_page=True)
        context.close()


def main() -> None:
    postgres = ScratchPostgres().start()
    try:
        for lang in languages(__doc__.splitlines()[0]):
            with tempfile.TemporaryDirectory() as folder:
                base = Path(folder)
                central = CentralProcess(
                    base / "central", postgres.create_database(f"shots_{lang}")
                )
                central.command("user", "add", "wati", "--role", "viewer", "--password-stdin",
                                stdin=PASSWORD + "\n")  # fmt: skip
                central.start()
                halls = [hall(base / sid, central, sid, name) for sid, name in STATIONS]
                central.add_station("alor", "SPKT Polres Alor")
                try:
                    for _ in range(300):
                        if shipped(central):
                            break
                        time.sleep(0.2)
                    with sync_playwright() as playwright:
                        browser = playwright.chromium.launch(
                            executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS
                        )
                        shots = Shots(lang)
                        shoot(browser, central, shots)
                        shots.compact()
                        browser.close()
                finally:
                    for server in halls:
                        server.stop()
                    central.stop()
    finally:
        postgres.stop()


if __name__ == "__main__":
    main()
