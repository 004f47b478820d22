"""The preview printer: each ticket kept as a PNG picture and its ESC/POS bytes."""

from __future__ import annotations

import os
import time

from PIL import Image

from printer import Printers
from printer.commands import escpos_bytes
from printer.layout import ticket_layout
from printer.picture import PAPER_WIDTH_PX, ticket_picture
from tests.printer_fixtures import a_ticket, station_config

PREVIEW = {"type": "preview", "directory": "var/prints"}


def test_preview_keeps_a_picture_and_the_escpos_bytes_of_each_ticket(tmp_path):
    printers = Printers(station_config(PREVIEW, base_dir=tmp_path))

    assert printers.print_ticket(None, a_ticket()).status == "printed"

    folder = tmp_path / "var" / "prints"
    assert sorted(path.name for path in folder.iterdir()) == [
        "A-001-20260520T081403.bin",
        "A-001-20260520T081403.png",
    ]
    assert (folder / "A-001-20260520T081403.bin").read_bytes() == escpos_bytes(
        ticket_layout(a_ticket(), 42)
    )
    with Image.open(folder / "A-001-20260520T081403.png") as picture:
        assert picture.format == "PNG"
        assert picture.width == PAPER_WIDTH_PX
        assert picture.height > picture.width  # a ticket is a long strip of paper
        ink = sum(picture.convert("L").histogram()[:128])
        assert 0.03 < ink / (picture.width * picture.height) < 0.5


def test_latest_preview_is_the_last_ticket_printed(tmp_path):
    printers = Printers(station_config(PREVIEW, base_dir=tmp_path))
    assert printers.latest_preview() is None

    printers.print_ticket(None, a_ticket(number="A-001"))
    printers.print_ticket(None, a_ticket(number="A-002"))

    assert printers.latest_preview() == (tmp_path / "var" / "prints" / "A-002-20260520T081403.png")


def test_a_kiosk_without_a_preview_printer_has_no_preview(tmp_path):
    kiosks = [{"id": "kiosk-1", "printer": {"type": "none"}}]
    printers = Printers(station_config(PREVIEW, kiosks=kiosks, base_dir=tmp_path))

    printers.print_ticket(None, a_ticket())

    assert printers.latest_preview("kiosk-1") is None
    assert printers.latest_preview() is not None


def test_the_picture_shows_a_priority_band_only_on_priority_tickets():
    def darkest_rows(ticket) -> int:
        picture = ticket_picture(ticket_layout(ticket, 42), 42)
        band = range(picture.width * 5 // 12, picture.width * 7 // 12)
        return sum(all(picture.getpixel((x, y)) < 128 for x in band) for y in range(picture.height))

    assert darkest_rows(a_ticket(priority=True)) > darkest_rows(a_ticket())


def test_previews_older_than_keep_days_are_pruned_as_new_ones_print(tmp_path):
    printers = Printers(station_config({**PREVIEW, "keep_days": 2}, base_dir=tmp_path))
    folder = tmp_path / "var" / "prints"
    folder.mkdir(parents=True)
    old_png, old_bin, recent = (
        folder / "A-009-old.png",
        folder / "A-009-old.bin",
        folder / "B-1.png",
    )
    for path in (old_png, old_bin, recent):
        path.write_bytes(b"x")
    three_days_ago = time.time() - 3 * 86400
    for path in (old_png, old_bin):
        os.utime(path, (three_days_ago, three_days_ago))
    assert printers.print_ticket(None, a_ticket()).status == "printed"
    assert not old_png.exists() and not old_bin.exists()
    assert recent.exists()
    assert (folder / "A-001-20260520T081403.png").exists()
