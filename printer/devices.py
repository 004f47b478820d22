"""Real ESC/POS printers from config: open, send a job, ask the printer how it went, explain faults.

After a job the printer is asked its real-time status (DLE EOT): only a printer that answers
without reporting a fault has printed. Everything here may block on a device; `printer.pool`
runs it in a worker thread it stops waiting for after the configured timeout.
"""

from __future__ import annotations

import errno
import socket
import struct
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from escpos.constants import RT_STATUS, RT_STATUS_PAPER
from escpos.escpos import Escpos
from escpos.exceptions import DeviceNotFoundError
from escpos.exceptions import Error as EscposError
from escpos.printer import File, Network, Serial, Usb

from shared.application.printing import FaultCode, Paper, PrintFault
from shared.domain.config import (
    FilePrinter,
    NetworkPrinter,
    SerialPrinter,
    UsbPrinter,
)

DevicePrinter = NetworkPrinter | UsbPrinter | SerialPrinter | FilePrinter

# What a printer fault looks like: not found, refused, timed out (a plain TimeoutError from a
# socket), USB and serial errors (both OSError subclasses) and python-escpos's own errors.
DEVICE_ERRORS = (DeviceNotFoundError, OSError, EscposError)

STATUS_TIMEOUT = 0.5  # seconds for the paper question, once the printer answered the first
_DELIVERY_POLL = 0.01  # seconds between checks that the printer has taken every byte

# Real-time status (DLE EOT n). Every answer byte has bits 1 and 4 set and bits 0 and 7 clear.
OFFLINE_CAUSE = RT_STATUS + b"\x02"
ANSWER_MASK, ANSWER_BITS = 0x93, 0x12
COVER_OPEN, STOPPED_BY_PAPER_END, ERROR_OCCURRED = 0x04, 0x20, 0x40  # DLE EOT 2
PAPER_NEAR_END, PAPER_END = 0x0C, 0x60  # DLE EOT 4


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


@dataclass(frozen=True)
class Status:
    """What the printer answered after a job: whether it answered, a fault it reports, paper."""

    answered: bool
    fault: FaultCode | None = None
    paper: Paper = "unknown"


def ask_status(device: Escpos, deadline: float) -> Status | None:
    """Ask the printer's real-time status (DLE EOT 2, then DLE EOT 4) after a job.

    The first question may take until `deadline`; once the printer has answered it, the
    paper question gets STATUS_TIMEOUT. None for a file device, which cannot answer.
    """
    if isinstance(device, File):
        return None
    cause = _ask(device, OFFLINE_CAUSE, _remaining(deadline))
    if cause is None:
        return Status(answered=False)
    sensor = _ask(device, RT_STATUS_PAPER, min(STATUS_TIMEOUT, _remaining(deadline)))
    paper: Paper = "unknown"
    if sensor is not None:
        paper = "out" if sensor & PAPER_END else "low" if sensor & PAPER_NEAR_END else "ok"
    fault: FaultCode | None = None
    if cause & COVER_OPEN:
        fault = "cover_open"
    elif cause & STOPPED_BY_PAPER_END or paper == "out":
        fault = "paper_out"
    elif cause & ERROR_OCCURRED:
        fault = "printer_error"
    return Status(answered=True, fault=fault, paper=paper)


def _ask(device: Escpos, question: bytes, timeout: float) -> int | None:
    """Send one real-time status question; its answer byte, or None without a valid answer."""
    if timeout <= 0:
        return None
    try:
        if isinstance(device, Network):
            device.device.settimeout(timeout)
        elif isinstance(device, Serial):
            device.device.timeout = timeout
        elif isinstance(device, Usb):
            device.device.default_timeout = max(1, round(timeout * 1000))
        device._raw(question)
        # A serial line waits for all 16 bytes python-escpos asks for: ask for one.
        answer = device.device.read(1) if isinstance(device, Serial) else device._read()
    except DEVICE_ERRORS:
        return None
    if not answer or answer[0] & ANSWER_MASK != ANSWER_BITS:
        return None  # no answer, or bytes that are no status answer
    return answer[0]


def fault_of(error: Exception, name: str, timeout: float) -> PrintFault:
    """Why a print job failed, from the error the device raised."""
    causes = _chain(error)
    if any(isinstance(cause, TimeoutError) for cause in causes):
        return PrintFault("timeout", name, seconds=timeout)
    # The innermost operating-system error, e.g. "Connection refused".
    system = [cause for cause in causes if isinstance(cause, OSError) and cause.strerror]
    if any(cause.errno == errno.ECONNREFUSED for cause in system):
        return PrintFault("refused", name)
    if isinstance(error, DeviceNotFoundError):
        if system:
            return PrintFault("unreachable", name, detail=system[-1].strerror)
        return PrintFault("not_found", name)
    return PrintFault("device", name, detail=system[-1].strerror if system else str(error))


def _chain(error: BaseException) -> list[BaseException]:
    """The error and the errors it was raised while handling, outermost first."""
    chain: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and current not in chain:
        chain.append(current)
        current = current.__cause__ or current.__context__
    return chain


def _remaining(deadline: float) -> float:
    return max(0.0, deadline - time.monotonic())


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
