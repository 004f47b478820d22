"""Helpers for the printer tests: a station config, a ticket, and fake TCP printers on 127.0.0.1."""

from __future__ import annotations

import dataclasses
import socket
import threading
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Any, Self
from zoneinfo import ZoneInfo

from shared.application.printing import BookingSlip, TicketPrint
from shared.domain.config import Config, LocalText, parse_config
from shared.domain.estimates import WaitRange

OFFLINE_CAUSE_QUERY = b"\x10\x04\x02"  # DLE EOT 2
PAPER_STATUS_QUERY = b"\x10\x04\x04"  # DLE EOT 4
ALL_WELL = b"\x12"  # any status answer with no bit of trouble set
PAPER_OUT = b"\x72"  # DLE EOT 4: paper near its end and at its end
STOPPED_BY_PAPER_END = b"\x32"  # DLE EOT 2: printing stopped, the paper ran out
COVER_OPEN = b"\x16"  # DLE EOT 2
STATUS_URL = "http://192.168.1.10:8000/t/k3J9xQ2mV8pL4nR7"
WITA = ZoneInfo("Asia/Makassar")


def station_config(
    printer: dict[str, Any] | None = None,
    kiosks: list[dict[str, Any]] | None = None,
    base_dir: Path = Path(),
    **settings: Any,
) -> Config:
    """A one-service station with the given default printer and kiosks."""
    data = {
        "station": {"name": "SPKT Polres Kupang"},
        "services": [
            {
                "id": "spkt-lapor",
                "name": {"id": "Laporan & Pengaduan", "en": "Reports & Complaints"},
                "prefix": "A",
                "unit": "SPKT",
                "standard_minutes": 20,
                "fee": {"id": "Layanan ini GRATIS", "en": "This service is FREE"},
            }
        ],
        "counters": [{"id": "loket-1", "name": "Loket 1", "services": ["spkt-lapor"]}],
        "printer": printer or {"type": "none"},
        "kiosks": kiosks or [],
        **settings,
    }
    return parse_config(data, base_dir=base_dir)


def a_ticket(**changes: Any) -> TicketPrint:
    """Ticket A-001 of the SPKT desk, issued 20 May 2026 08:14:03 WITA, with `changes`."""
    ticket = TicketPrint(
        station="SPKT Polres Kupang",
        logo=None,
        number="A-001",
        service=LocalText(id="Laporan & Pengaduan", en="Reports & Complaints"),
        unit="SPKT",
        priority=False,
        issued_at=datetime(2026, 5, 20, 8, 14, 3, tzinfo=WITA),
        ahead=3,
        estimated_wait=WaitRange(5, 15),
        status_url=STATUS_URL,
        standard_minutes=20,
        fee=LocalText(id="Layanan ini GRATIS", en="This service is FREE"),
        language="id",
    )
    return dataclasses.replace(ticket, **changes)


BOOKING_URL = "http://192.168.1.10:8000/b/tok-booking"


def a_booking_slip() -> TicketPrint:
    """The slip of booking K7Q-4M2 for 21 May 2026 09:00 WITA, check-in 08:30 to 09:15."""
    return a_ticket(
        number="K7Q-4M2",
        status_url=BOOKING_URL,
        booking=BookingSlip(
            starts_at=datetime(2026, 5, 21, 9, 0, tzinfo=WITA),
            opens_at=datetime(2026, 5, 21, 8, 30, tzinfo=WITA),
            closes_at=datetime(2026, 5, 21, 9, 15, tzinfo=WITA),
        ),
    )


def wait_until(condition: Callable[[], bool], timeout: float = 5.0) -> bool:
    """Poll `condition` until it holds or `timeout` seconds pass; return whether it held."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


class _Listener:
    """A listening socket on a free 127.0.0.1 port with an accept loop in a thread."""

    def __init__(self, receive_buffer: int | None = None) -> None:
        self._server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if receive_buffer:  # inherited by accepted connections
            self._server.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
        self._server.bind(("127.0.0.1", 0))
        self._server.listen()
        self.port: int = self._server.getsockname()[1]
        self._connections: list[socket.socket] = []
        self._accepting = threading.Thread(target=self._accept_loop, daemon=True)

    def __enter__(self) -> Self:
        self._accepting.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._server.close()
        for connection in self._connections:
            connection.close()

    def _accept_loop(self) -> None:
        while True:
            try:
                connection, _ = self._server.accept()
            except OSError:  # the listener was closed
                return
            self._connections.append(connection)
            self._serve(connection)

    def _serve(self, connection: socket.socket) -> None:
        """Handle one accepted connection (the base class leaves it alone)."""


class FakeNetworkPrinter(_Listener):
    """A printer on port `port` that reads every job and answers status questions (DLE EOT 2
    with `cause`, DLE EOT 4 with `paper`; None: no answer).

    `jobs` holds the bytes of each connection once it is closed. `events` tells the order in
    which the printer saw jobs "start" (first bytes) and "end" (paper question answered).
    """

    def __init__(
        self,
        paper: bytes | None = ALL_WELL,
        answer_delay: float = 0.0,
        cause: bytes | None = ALL_WELL,
    ) -> None:
        super().__init__()
        self.answers = {OFFLINE_CAUSE_QUERY: cause, PAPER_STATUS_QUERY: paper}
        self.answer_delay = answer_delay
        self.jobs: list[bytes] = []
        self.events: list[str] = []
        self._lock = threading.Lock()

    def wait_for_jobs(self, count: int) -> list[bytes]:
        """The received jobs once `count` connections have closed (or after 5 s)."""
        wait_until(lambda: len(self.jobs) >= count)
        return list(self.jobs)

    def _serve(self, connection: socket.socket) -> None:
        threading.Thread(target=self._read_job, args=(connection,), daemon=True).start()

    def _read_job(self, connection: socket.socket) -> None:
        received = b""
        try:
            while chunk := connection.recv(65536):
                if not received:
                    self._note("start")
                received += chunk
                for question, answer in self.answers.items():
                    if received.endswith(question) and answer is not None:
                        time.sleep(self.answer_delay)
                        if question == PAPER_STATUS_QUERY:
                            self._note("end")  # before answering: the sender waits for it
                        connection.sendall(answer)
        except OSError:
            pass
        with self._lock:
            self.jobs.append(received)

    def _note(self, event: str) -> None:
        with self._lock:
            self.events.append(event)


class StalledNetworkPrinter(_Listener):
    """A printer that accepts connections but never reads (its buffer is full, paper out)."""

    def __init__(self) -> None:
        super().__init__(receive_buffer=1024)


class SilentNetworkPrinter(_Listener):
    """A listener that accepts connections and never reads or answers; a ticket still fits in
    its socket's receive buffer, so the computer sees the job delivered."""


def closed_port() -> int:
    """A 127.0.0.1 port where nothing listens: connecting is refused."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
