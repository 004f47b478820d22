"""Real ESC/POS printers from config: open, send a job, ask for paper, explain faults.

Everything here may block on a device; `printer.pool` runs it in a worker thread it stops
waiting for after the configured timeout.
"""

from __future__ import annotations

import socket
import struct
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Literal

from escpos.constants import RT_STATUS_PAPER
from escpos.escpos import Escpos
from escpos.exceptions import DeviceNotFoundError
from escpos.exceptions import Error as EscposError
from escpos.printer import File, Network, Serial, Usb

from shared.config import FilePrinter, NetworkPrinter, PrinterConfig, SerialPrinter, UsbPrinter

DevicePrinter = NetworkPrinter | UsbPrinter | SerialPrinter | FilePrinter
Paper = Literal["ok", "low", "out", "unknown"]

# What a printer fault looks like: not found, refused, timed out (a plain TimeoutError from a
# socket), USB and serial errors (both OSError subclasses) and python-escpos's own errors.
DEVICE_ERRORS = (DeviceNotFoundError, OSError, EscposError)

STATUS_TIMEOUT = 0.5  # seconds to wait for an answer to a paper status query
_DELIVERY_POLL = 0.01  # seconds between checks that the printer has taken every byte


def printer_name(config: PrinterConfig, resolve: Callable[[str], Path]) -> str:
    """How people recognise the printer, e.g. "printer 192.0.2.10:9100"."""
    match config.type:
        case "network":
            return f"printer {config.host}:{config.port}"
        case "usb":
            return f"USB printer {config.vendor_id:04x}:{config.product_id:04x}"
        case "serial":
            return f"serial printer {config.device}"
        case "file":
            return f"printer file {resolve(config.path)}"
        case "preview":
            return f"preview folder {resolve(config.directory)}"
        case _:
            return "no printer"


def open_device(config: DevicePrinter, resolve: Callable[[str], Path]) -> Escpos:
    """A connected python-escpos printer for the config; raises DEVICE_ERRORS."""
    device: Escpos
    match config:
        case NetworkPrinter():
            device = Network(
                config.host, config.port, timeout=config.timeout, profile=config.profile
            )
        case UsbPrinter():
            # pyusb counts its timeout in milliseconds.
            device = Usb(
                config.vendor_id,
                config.product_id,
                timeout=round(config.timeout * 1000),
                profile=config.profile,
            )
        case SerialPrinter():
            device = Serial(
                devfile=config.device,
                baudrate=config.baudrate,
                timeout=config.timeout,
                profile=config.profile,
            )
        case FilePrinter():
            device = File(devfile=str(resolve(config.path)), profile=config.profile)
    device.open()
    return device


def send(device: Escpos, payload: bytes, deadline: float) -> None:
    """Write a whole job; for a network printer, wait until the printer has acknowledged it.

    A printer whose buffer is full (paper out, cover open) stops reading, but a small job still
    fits in the computer's socket buffer: without the wait it would count as printed.
    """
    device._raw(payload)
    if isinstance(device, Network):
        _wait_until_acknowledged(device.device, deadline)


def paper_status(device: Escpos) -> Paper | None:
    """The paper roll as the printer reports it; "unknown" if it does not answer, None for files."""
    if isinstance(device, File):
        return None
    if isinstance(device, Network):
        device.device.settimeout(STATUS_TIMEOUT)
    elif isinstance(device, Serial):
        device.device.timeout = STATUS_TIMEOUT
    elif isinstance(device, Usb):
        device.device.default_timeout = round(STATUS_TIMEOUT * 1000)
    try:
        answer = device.query_status(RT_STATUS_PAPER)
    except DEVICE_ERRORS:
        return "unknown"
    if not answer:
        return "unknown"
    # DLE EOT 4 answer: bits 5-6 paper end, bits 2-3 paper near its end.
    if answer[0] & 0x60:
        return "out"
    return "low" if answer[0] & 0x0C else "ok"


def explain(error: Exception, name: str, timeout: float) -> str:
    """A one-line, human-readable reason for a failed print job."""
    causes = _chain(error)
    if any(isinstance(cause, TimeoutError) for cause in causes):
        return f"{name} did not answer within {timeout:g} s"
    # The innermost operating-system message, e.g. "Connection refused".
    reasons = [cause.strerror for cause in causes if isinstance(cause, OSError) and cause.strerror]
    if isinstance(error, DeviceNotFoundError):
        if reasons:
            return f"cannot connect to {name}: {reasons[-1]}"
        return f"{name} not found: is it switched on and plugged in?"
    return f"{name} failed: {reasons[-1] if reasons else error}"


def _chain(error: BaseException) -> list[BaseException]:
    """The error and the errors it was raised while handling, outermost first."""
    chain: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and current not in chain:
        chain.append(current)
        current = current.__cause__ or current.__context__
    return chain


def _wait_until_acknowledged(connection: socket.socket, deadline: float) -> None:
    """Wait until the printer has acknowledged every byte sent (Linux only), or time out."""
    if sys.platform != "linux":
        return
    while _unacknowledged_bytes(connection):
        if time.monotonic() >= deadline:
            raise TimeoutError("the printer did not take the whole job")
        time.sleep(_DELIVERY_POLL)


def _unacknowledged_bytes(connection: socket.socket) -> int:
    """Bytes in the socket's send queue that the other side has not acknowledged yet."""
    import fcntl  # imported here: neither module exists on Windows
    import termios

    answer = fcntl.ioctl(connection.fileno(), termios.TIOCOUTQ, struct.pack("i", 0))
    return struct.unpack("i", answer)[0]
