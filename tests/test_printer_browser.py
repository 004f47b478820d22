"""Printer trouble as people see it, on a real server with TCP printers on 127.0.0.1: the
citizen at the kiosk, the supervisor's printer page and dashboard, and every counter console;
and the printer's health after a real restart."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests
from playwright.sync_api import Browser, Page, expect

from tests.printer_fixtures import (
    PAPER_OUT,
    STOPPED_BY_PAPER_END,
    FakeNetworkPrinter,
    SilentNetworkPrinter,
)
from tests.realserver import ServerProcess

pytestmark = [pytest.mark.browser, pytest.mark.server]

PORTRAIT = {"width": 1080, "height": 1920}
DESKTOP = {"width": 1366, "height": 768}
LAPTOP_BROWSER = {"width": 1366, "height": 657}  # the same laptop, less its browser's bars


def network(port: int) -> dict[str, Any]:
    return {"type": "network", "host": "127.0.0.1", "port": port, "timeout": 1}


@dataclass
class Hall:
    server: ServerProcess
    silent: SilentNetworkPrinter  # kiosk-1's: takes the bytes, never answers
    empty: FakeNetworkPrinter  # kiosk-2's: out of paper


@pytest.fixture
def hall(tmp_path: Path) -> Iterator[Hall]:
    with (
        SilentNetworkPrinter() as silent,
        FakeNetworkPrinter(paper=PAPER_OUT, cause=STOPPED_BY_PAPER_END) as empty,
    ):
        server = ServerProcess(
            tmp_path,
            kiosks=[
                {"id": "kiosk-1", "name": "Kios Pintu Masuk", "printer": network(silent.port)},
                {"id": "kiosk-2", "printer": network(empty.port)},
            ],
        )
        server.add_user("budi")
        server.add_user("sari", "supervisor")
        server.start()
        yield Hall(server, silent, empty)
        server.stop()


def page_as(
    chromium: Browser, server: ServerProcess, path: str, user: str | None = None, **storage: str
) -> Page:
    """A page in a fresh context, logged in as `user`, with `storage` in localStorage."""
    context = chromium.new_context(viewport=PORTRAIT if path.startswith("/kiosk") else DESKTOP)
    if user:
        cookies = server.session(user).cookies.items()
        context.add_cookies([{"name": k, "value": v, "url": server.url} for k, v in cookies])
    for key, value in storage.items():
        context.add_init_script(f"localStorage.setItem('{key}', '{value}')")
    page = context.new_page()
    page.goto(f"{server.url}{path}")
    return page


def take_a_ticket(chromium: Browser, server: ServerProcess, kiosk: str) -> Page:
    page = page_as(chromium, server, f"/kiosk/{kiosk}")
    page.locator('[data-service="lapor"]').click()
    expect(page.locator("#confirm-number")).to_have_text("A-001")
    return page


def test_a_printer_that_never_answers_is_unconfirmed_on_the_kiosk_the_printer_page_and_consoles(
    chromium: Browser, hall: Hall
) -> None:
    kiosk = take_a_ticket(chromium, hall.server, "kiosk-1")
    expect(kiosk.locator("#print-message")).to_have_text(
        "Jika tiket tidak keluar, tunjukkan nomor ini kepada petugas."
    )
    expect(kiosk.locator("#print-message")).to_have_attribute("data-print", "unconfirmed")
    expect(kiosk.locator("#countdown")).to_contain_text("60 detik")  # the number stays a minute
    expect(kiosk.get_by_role("button", name="Coba cetak lagi")).to_be_visible()

    printers = page_as(chromium, hall.server, "/admin/printer", "sari")
    row = printers.locator('tr[data-printer-status="unconfirmed"]')
    expect(row).to_contain_text(f"printer 127.0.0.1:{hall.silent.port}")
    expect(row).to_contain_text("Belum pasti mencetak")
    expect(row).to_contain_text("tidak menjawab pemeriksaan status dalam 1 detik")

    dashboard = page_as(chromium, hall.server, "/admin?lang=en", "sari")
    listed = dashboard.locator('#printers li[data-printer-status="unconfirmed"]')
    expect(listed.locator(".badge")).to_have_text("Not confirmed")
    expect(listed).to_contain_text("did not answer the status check within 1 s")

    for counter in ("loket-1", "loket-3"):
        console = page_as(
            chromium, hall.server, "/counter", "budi", **{"satupintu.counter": counter}
        )
        notice = console.locator("#printer-notice")
        expect(notice).to_be_visible()
        expect(notice).to_contain_text("Printer tiket bermasalah")
        expect(notice).to_contain_text(  # named by its kiosk, the address only in brackets
            f"Printer Kios Pintu Masuk (127.0.0.1:{hall.silent.port}) menerima tiket"
        )
        console.context.close()
    for page in (kiosk, printers, dashboard):
        page.context.close()


def test_paper_out_fails_the_ticket_and_the_printer_page_says_why_in_its_language(
    chromium: Browser, hall: Hall
) -> None:
    kiosk = take_a_ticket(chromium, hall.server, "kiosk-2")
    expect(kiosk.locator("#print-message")).to_contain_text("Tiket tidak dapat dicetak")
    expect(kiosk.locator("#print-message")).to_contain_text("tunjukkan nomor ini kepada petugas")
    for lang, words in (("id", "kertas habis"), ("en", "out of paper")):
        page = page_as(chromium, hall.server, f"/admin/printer?lang={lang}", "sari")
        row = page.locator('tr[data-printer-status="failed"]')
        expect(row).to_contain_text(words)
        expect(row.locator("td").last).to_have_text(
            "Kertas habis" if lang == "id" else "Out of paper"
        )
        page.context.close()
    kiosk.context.close()


def test_a_restart_keeps_each_printers_health(hall: Hall) -> None:
    for kiosk in ("kiosk-1", "kiosk-2"):
        reply = requests.post(
            f"{hall.server.url}/api/tickets",
            json={"service": "lapor", "kiosk": kiosk},
            timeout=10,
        )
        assert reply.status_code == 201
    supervisor = hall.server.session("sari")
    before = supervisor.get(f"{hall.server.url}/api/admin/printers", timeout=10).json()["printers"]

    hall.server.restart()

    supervisor = hall.server.session("sari")
    after = supervisor.get(f"{hall.server.url}/api/admin/printers", timeout=10).json()["printers"]
    kept = ("status", "fault", "paper", "qr_base")
    assert [{key: p[key] for key in kept} for p in after] == [
        {key: p[key] for key in kept} for p in before
    ]
    for earlier, later in zip(before, after, strict=True):  # logged a moment after the print
        assert (earlier["last_error_at"] or "")[:16] == (later["last_error_at"] or "")[:16]
    by_kiosk = {tuple(p["kiosks"]): p for p in after}
    assert by_kiosk[("kiosk-1",)]["status"] == "unconfirmed"
    assert (by_kiosk[("kiosk-2",)]["status"], by_kiosk[("kiosk-2",)]["paper"]) == ("failed", "out")


def test_qr_codes_on_localhost_are_warned_of_in_the_log_the_dashboard_and_the_printer_page(
    chromium: Browser, hall: Hall
) -> None:
    log = hall.server.log_path.read_text()
    assert "public_url is not set" in log
    assert "a kiosk opened on localhost prints QR codes no phone can open" in log
    take_a_ticket(chromium, hall.server, "kiosk-1").context.close()
    base = hall.server.url  # the kiosk reached the server at 127.0.0.1

    dashboard = page_as(chromium, hall.server, "/admin", "sari")
    warning = dashboard.locator('#notices [data-code="qr_loopback"]')
    expect(warning).to_contain_text(base)
    expect(warning).to_contain_text("public_url")
    printers = page_as(chromium, hall.server, "/admin/printer?lang=en", "sari")
    expect(printers.locator("#qr-warning")).to_contain_text(
        f"The tickets' QR codes point at {base}, the server's own machine"
    )
    dashboard.context.close()
    printers.context.close()


def test_the_console_names_failing_printers_by_kiosk_and_keeps_its_buttons_in_view(
    chromium: Browser, hall: Hall
) -> None:
    for kiosk in ("kiosk-1", "kiosk-2"):
        taken = requests.post(
            f"{hall.server.url}/api/tickets", json={"service": "lapor", "kiosk": kiosk}, timeout=30
        )
        assert taken.status_code == 201
    context = chromium.new_context(viewport=LAPTOP_BROWSER)
    cookies = hall.server.session("budi").cookies.items()
    context.add_cookies([{"name": k, "value": v, "url": hall.server.url} for k, v in cookies])
    context.add_init_script("localStorage.setItem('satupintu.counter', 'loket-1')")
    console = context.new_page()
    console.goto(f"{hall.server.url}/counter")
    notice = console.locator("#printer-notice")
    expect(notice).to_contain_text(f"Printer Kios Pintu Masuk (127.0.0.1:{hall.silent.port})")
    expect(notice).to_contain_text(f"Printer kiosk-2 (127.0.0.1:{hall.empty.port}): kertas habis")
    for control in console.locator("[data-state], [data-action]").all():
        box = control.bounding_box()
        assert box and box["y"] >= 0 and box["y"] + box["height"] <= LAPTOP_BROWSER["height"]
    context.close()
