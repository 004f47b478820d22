"""The ESC/POS bytes of a ticket, read from python-escpos's Dummy printer."""

from __future__ import annotations

from escpos.printer import Dummy

from printer.commands import escpos_bytes, render_escpos
from printer.layout import ticket_layout
from tests.printer_fixtures import STATUS_URL, a_ticket

RESET = b"\x1b@"
CHARACTER_SIZE = b"\x1d!"  # GS ! n: width (n >> 4) + 1, height (n & 15) + 1
FOUR_BY_FOUR = CHARACTER_SIZE + b"\x33"
NORMAL_SIZE = CHARACTER_SIZE + b"\x00"
RASTER_IMAGE = b"\x1dv0"  # GS v 0
CENTER = b"\x1ba\x01"
NATIVE_QR = b"\x1d(k"
CUT = b"\x1dV"


def printed(ticket=None) -> bytes:
    dummy = Dummy()
    render_escpos(ticket_layout(ticket or a_ticket(), 42), dummy)
    return dummy.output


def test_job_starts_by_resetting_the_printer_and_ends_with_a_cut():
    output = printed()
    assert output.startswith(RESET)
    assert output.rindex(CUT) > output.rindex(b"Keep this ticket")


def test_the_number_is_printed_four_times_as_wide_and_high_and_nothing_else_is():
    output = printed()
    before_number = output[: output.index(b"A-001\n")]
    assert before_number.rindex(CHARACTER_SIZE) == before_number.rindex(FOUR_BY_FOUR)
    assert output.count(FOUR_BY_FOUR) == 1
    after_number = output[output.index(b"A-001\n") :]
    assert after_number.index(CHARACTER_SIZE) == after_number.index(NORMAL_SIZE)


def test_the_logo_is_a_centred_raster_image_above_the_station_name():
    output = printed()
    image = output.index(RASTER_IMAGE)
    assert image < output.index(b"SPKT Polres Kupang\n")
    assert output[:image].rindex(b"\x1ba") == output[:image].rindex(CENTER)
    width_bytes, height = output[image + 4], output[image + 6]  # little-endian, under 256
    assert (width_bytes * 8, height) == (120, 120)  # the built-in mark, 15 mm high


def test_a_logo_that_cannot_be_printed_is_left_out(tmp_path):
    drawing = tmp_path / "logo.svg"
    drawing.write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    assert RASTER_IMAGE not in printed(a_ticket(logo=drawing))
    assert RASTER_IMAGE in printed(a_ticket(logo=None))


def test_a_station_logo_is_printed_at_ticket_height(tmp_path):
    from PIL import Image

    wide = tmp_path / "kupang.png"
    Image.new("RGB", (400, 100), "black").save(wide)
    output = printed(a_ticket(logo=wide))
    image = output.index(RASTER_IMAGE)
    width_bytes = int.from_bytes(output[image + 4 : image + 6], "little")
    height = int.from_bytes(output[image + 6 : image + 8], "little")
    assert (width_bytes, height) == (45, 90)  # 360 x 90 dots: as wide as 58 mm paper allows


def test_status_url_is_a_centred_native_qr_code():
    output = printed()
    qr = output.index(NATIVE_QR)
    assert output.index(STATUS_URL.encode(), qr) > qr
    assert output[:qr].rindex(b"\x1ba") == output[:qr].rindex(CENTER)


def test_accented_text_is_sent_as_plain_ascii():
    output = printed(a_ticket(station="Polrés Kupang"))
    assert b"Polres Kupang\n" in output


def test_the_same_ticket_always_gives_the_same_bytes():
    blocks = ticket_layout(a_ticket(), 42)
    assert escpos_bytes(blocks) == escpos_bytes(blocks) == printed()
