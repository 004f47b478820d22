"""The ESC/POS bytes of a ticket, read from python-escpos's Dummy printer."""

from __future__ import annotations

from escpos.printer import Dummy

from printer.commands import escpos_bytes, render_escpos
from printer.layout import ticket_layout
from tests.printer_fixtures import STATUS_URL, a_ticket

RESET = b"\x1b@"
DOUBLE_SIZE = b"\x1b!\x30"  # ESC ! with double height and double width
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


def test_number_is_printed_as_double_size_text():
    output = printed()
    before_number = output[: output.index(b"A-001\n")]
    assert before_number.rindex(b"\x1b!") == before_number.rindex(DOUBLE_SIZE)


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
