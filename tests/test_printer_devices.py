"""File, serial, USB and "none" printers: the bytes they get and the faults people see."""

from __future__ import annotations

import os
import select
import threading
import tty
from array import array
from collections.abc import Iterator
from unittest import mock

import pytest
import usb.core

from printer import Printers
from printer.commands import escpos_bytes
from printer.layout import ticket_layout
from shared.application.printing import PrintFault
from tests.printer_fixtures import a_ticket, station_config, wait_until

CUT = b"\x1dV"
STATUS_QUESTION = b"\x10\x04"  # DLE EOT n


def ticket_bytes() -> bytes:
    return escpos_bytes(ticket_layout(a_ticket(), 42))


def test_file_printer_writes_exactly_the_ticket_bytes(tmp_path):
    printers = Printers(station_config({"type": "file", "path": "lp0"}, base_dir=tmp_path))

    # A device file cannot answer status questions: written is all that can be known.
    assert printers.print_ticket(None, a_ticket()).status == "printed"

    assert (tmp_path / "lp0").read_bytes() == ticket_bytes()


def test_file_printer_in_a_missing_folder_fails_naming_the_file(tmp_path):
    printers = Printers(station_config({"type": "file", "path": "gone/lp0"}, base_dir=tmp_path))

    result = printers.print_ticket(None, a_ticket())

    assert (result.status, result.fault) == (
        "failed",
        PrintFault(
            "unreachable", f"printer file {tmp_path}/gone/lp0", None, "No such file or directory"
        ),
    )
    assert result.fault.message("id") == (
        f"Tidak dapat terhubung ke printer file {tmp_path}/gone/lp0: No such file or directory"
    )


def test_no_printer_prints_nothing_and_says_printing_is_disabled(tmp_path):
    printers = Printers(station_config({"type": "none"}, base_dir=tmp_path))

    assert printers.print_ticket(None, a_ticket()).status == "disabled"
    assert list(tmp_path.iterdir()) == []


@pytest.fixture
def serial_line() -> Iterator[tuple[int, str]]:
    """A pseudo-terminal: the printer side to read from, and the device path to print to."""
    printer_side, computer_side = os.openpty()
    yield printer_side, os.ttyname(computer_side)
    os.close(printer_side)
    os.close(computer_side)


def test_serial_printer_receives_the_ticket_and_answers_its_status(serial_line):
    printer_side, device = serial_line
    tty.setraw(printer_side)
    printers = Printers(station_config({"type": "serial", "device": device, "baudrate": 19200}))
    received = bytearray()

    def printer() -> None:
        """Read the line, answering every status question: all is well."""
        while select.select([printer_side], [], [], 5)[0]:
            received.extend(os.read(printer_side, 65536))
            if received.endswith(STATUS_QUESTION + b"\x04"):
                os.write(printer_side, b"\x12")
                return
            if received.endswith(STATUS_QUESTION + b"\x02"):
                os.write(printer_side, b"\x12")

    answering = threading.Thread(target=printer)
    answering.start()
    result = printers.print_ticket(None, a_ticket())
    answering.join()

    assert (result.status, result.paper) == ("printed", "ok")
    assert bytes(received).startswith(ticket_bytes())
    assert wait_until(lambda: not printers.health()[0]["busy"])


@pytest.mark.slow
def test_a_serial_printer_that_never_answers_is_unconfirmed(serial_line):
    printer_side, device = serial_line
    config = {"type": "serial", "device": device, "timeout": 0.5}
    printers = Printers(station_config(config))

    def take_everything() -> None:
        """The printer reads every byte and answers nothing."""
        while select.select([printer_side], [], [], 2)[0]:
            os.read(printer_side, 65536)

    reading = threading.Thread(target=take_everything)
    reading.start()

    assert printers.print_ticket(None, a_ticket()).status == "unconfirmed"
    reading.join()
    assert wait_until(lambda: not printers.health()[0]["busy"])


def test_serial_printer_that_does_not_exist_fails_naming_the_port(tmp_path):
    device = str(tmp_path / "ttyUSB9")
    printers = Printers(station_config({"type": "serial", "device": device}))

    result = printers.print_ticket(None, a_ticket())

    assert (result.status, result.fault) == (
        "failed",
        PrintFault("unreachable", f"serial printer {device}", None, "No such file or directory"),
    )


USB_PRINTER = {"type": "usb", "vendor_id": "0x04b8", "product_id": "0x0202", "timeout": 2}


def test_usb_printer_gets_the_ticket_and_reports_its_paper(monkeypatch):
    device = mock.Mock(name="TM-T82 on USB")
    device.read.return_value = array("B", [0x12])  # DLE EOT 4 answer: paper present
    found = {"idVendor": 0x04B8, "idProduct": 0x0202}
    monkeypatch.setattr(usb.core, "find", lambda **match: device if match == found else None)
    printers = Printers(station_config(USB_PRINTER))

    assert printers.print_ticket(None, a_ticket()).status == "printed"

    assert printers.health()[0]["paper"] == "ok"
    _endpoint, job, timeout_ms = device.write.call_args_list[0].args
    assert job == ticket_bytes()
    assert timeout_ms == 2000


def test_usb_printer_that_is_unplugged_fails_with_a_hint(monkeypatch):
    monkeypatch.setattr(usb.core, "find", lambda **match: None)
    printers = Printers(station_config(USB_PRINTER))

    result = printers.print_ticket(None, a_ticket())

    assert (result.status, result.fault) == (
        "failed",
        PrintFault("not_found", "USB printer 04b8:0202"),
    )
    assert result.error == "USB printer 04b8:0202 not found: is it switched on and plugged in?"
