"""Take the README's screenshots of the oversight pages.

Starts a real server whose database already holds a busy day (tests/admin_fixtures.busy_day,
up to a minute ago, with three duty shifts) and photographs, at 1366 px wide in Debian's
Chromium, the whole of each page:

- docs/admin-login.png: the login every oversight page shows to a visitor;
- docs/admin-dashboard.png: the live dashboard;
- docs/admin-report.png: the day's report (figures, hourly chart, fairness, IKM, audit);
- docs/admin-handover.png: the shift hand-over summary;
- docs/admin-printer.png: printer health (one kiosk's printer takes tickets without ever
  answering, so they are unconfirmed) and the latest printed ticket;
- docs/admin-users.png: the admin's user list;
- docs/admin-voices.png: the voice pack, half recorded (tones stand in for the recordings),
  with what is still missing and a sample call to Loket 2;

and the same in English under docs/en/. Run: `.venv/bin/python -m docs.screenshots_admin`
(`--lang id` or `--lang en` for one language only).
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

import requests
import yaml
from playwright.sync_api import Browser, sync_playwright

from docs.shots import Shots, languages
from tests.admin_fixtures import busy_hall
from tests.conftest import CHROMIUM, CHROMIUM_FLAGS
from tests.printer_fixtures import SilentNetworkPrinter
from tests.realserver import ServerProcess

VIEWPORT = {"width": 1366, "height": 900}
PAGES = [  # (path, user, picture)
    ("/admin", None, "admin-login.png"),
    ("/admin", "sari", "admin-dashboard.png"),
    ("/admin/reports", "sari", "admin-report.png"),
    ("/admin/handover", "sari", "admin-handover.png"),
    ("/admin/printer", "sari", "admin-printer.png"),
    ("/admin/users", "root", "admin-users.png"),
    ("/admin/voices?counter=loket-2", "sari", "admin-voices.png"),
]
RECORDED = ["nomor-antrean", "silakan-menuju", "a", "b", "satu", "dua", "tiga", "belas", "puluh"]


def shoot(browser: Browser, server: ServerProcess, shots: Shots) -> None:
    for path, user, picture in PAGES:
        context = browser.new_context(viewport=VIEWPORT)
        if user:
            cookies = server.session(user).cookies.items()
            context.add_cookies([{"name": k, "value": v, "url": server.url} for k, v in cookies])
        page = context.new_page()
        page.goto(shots.url(server.url, path))
        page.wait_for_selector("#login-form" if user is None else "[data-page^=admin]")
        if path == "/admin":
            page.wait_for_selector("#services tr" if user else "#login-form")
        page.screenshot(path=shots.file(picture), full_page=True)
        context.close()


def with_a_silent_printer(server: ServerProcess, port: int) -> None:
    """The hall's config with phones' address set, a kiosk whose printer never answers and a
    voice pack with a few of its clips."""
    config = yaml.safe_load(server.config_path.read_text(encoding="utf-8"))
    config["public_url"] = "http://192.168.1.10:8000"
    printer = {"type": "network", "host": "127.0.0.1", "port": port, "timeout": 1}
    config["kiosks"] = [*config["kiosks"], {"id": "kiosk-2", "printer": printer}]
    config["announcement"] = {**config.get("announcement", {}), "voice_packs": {"id": "voices/id"}}
    pack = server.config_path.parent / "voices" / "id"
    pack.mkdir(parents=True)
    for index, name in enumerate(RECORDED):
        tone = ["synth", "0.3", "sine", str(300 + 40 * index)]
        sox = ["sox", "-n", "-r", "22050", "-c", "1", "-b", "16", str(pack / f"{name}.wav")]
        subprocess.run([*sox, *tone], check=True)  # noqa: S603 (a tone for a recording)
    server.config_path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")


def main() -> None:
    for lang in languages(__doc__.splitlines()[0]):
        with tempfile.TemporaryDirectory() as folder, SilentNetworkPrinter() as silent:
            server = busy_hall(Path(folder))
            with_a_silent_printer(server, silent.port)
            server.start()
            try:
                # A ticket printed on the preview printer, one the silent printer never confirms.
                for kiosk in ("kiosk-1", "kiosk-2"):
                    requests.post(
                        f"{server.url}/api/tickets",
                        json={"service": "lapor", "kiosk": kiosk},
                        timeout=10,
                    ).raise_for_status()
                with sync_playwright() as playwright:
                    browser = playwright.chromium.launch(
                        executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS
                    )
                    shots = Shots(lang)
                    shoot(browser, server, shots)
                    shots.compact()
                    browser.close()
            finally:
                server.stop()


if __name__ == "__main__":
    main()
