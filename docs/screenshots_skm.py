"""Take the README's screenshots of the SKM (PermenPANRB 14/2017).

Starts a real server whose previous quarter holds an SKM (tests/skm_fixtures.seed: three
citizens surveyed, a follow-up past its due day) and photographs at 1366 px wide:

- docs/skm-register.png: the follow-up register (`/admin/followups`);
- docs/skm-home.png: the start page with the latest result;
- docs/skm-report.png: the first page of the SKM report PDF (Indonesian only: the PDF is);
- docs/scorecard.png: the head of the hall's scorecard (`/admin/scorecard`).

and the register, the start page and the scorecard in English under docs/en/. Run:
`.venv/bin/python -m docs.screenshots_skm` (`--lang id` or `--lang en` for one language only).
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from datetime import date
from pathlib import Path

from playwright.sync_api import sync_playwright

from docs.shots import Shots, languages
from shared.domain.skm import SkmPeriod
from tests.conftest import CHROMIUM, CHROMIUM_FLAGS
from tests.realserver import ServerProcess
from tests.skm_fixtures import seed

VIEWPORT = {"width": 1366, "height": 900}
PDFTOPPM = "/usr/bin/pdftoppm"  # poppler-utils


def main() -> None:
    for lang in languages(__doc__.splitlines()[0]):
        with tempfile.TemporaryDirectory() as folder:
            server = ServerProcess(Path(folder), survey={"form": "full"})
            period = SkmPeriod.containing("quarter", date.today()).previous()
            seed(server.config_path, period)
            server.add_user("sari", "supervisor")
            server.start()
            shots = Shots(lang)
            try:
                with sync_playwright() as playwright:
                    browser = playwright.chromium.launch(
                        executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS
                    )
                    context = browser.new_context(viewport=VIEWPORT)
                    cookies = server.session("sari").cookies.items()
                    context.add_cookies(
                        [{"name": k, "value": v, "url": server.url} for k, v in cookies]
                    )
                    page = context.new_page()
                    for path, ready, picture in (
                        ("/admin/followups", "[data-page=admin-followups]", "skm-register.png"),
                        ("/", ".skm-result", "skm-home.png"),
                        ("/admin/scorecard", "#scorecard", "scorecard.png"),
                    ):
                        page.goto(shots.url(server.url, path))
                        page.wait_for_selector(ready)
                        page.screenshot(path=shots.file(picture), full_page=True)
                    if lang == "id":
                        pdf = server.session("sari").get(
                            f"{server.url}/api/admin/reports",
                            params={"period": period.label, "format": "skm-pdf"},
                            timeout=60,
                        )
                        pdf.raise_for_status()
                        (Path(folder) / "skm.pdf").write_bytes(pdf.content)
                        subprocess.run(  # noqa: S603 (a fixed command on our own file)
                            [PDFTOPPM, "-png", "-r", "70", "-f", "1", "-l", "1",
                             "-singlefile", str(Path(folder) / "skm.pdf"),
                             str(Path(folder) / "skm")],
                            check=True,
                        )  # fmt: skip
                        shutil.copy(Path(folder) / "skm.png", shots.file("skm-report.png"))
                    browser.close()
                shots.compact()
            finally:
                server.stop()


if __name__ == "__main__":
    main()
