"""The station's printers together: hung printers, health for the admin page, bad profiles."""

from __future__ import annotations

import json
import os
import threading
import time
from datetime import UTC, datetime

import pytest

from printer import Printers
from shared.clock import ManualClock
from shared.config import ConfigError
from shared.printing import PrintResult
from tests.printer_fixtures import (
    FakeNetworkPrinter,
    a_ticket,
    closed_port,
    station_config,
    wait_until,
)

MARGIN = 1.0  # what a slow test machine may add to a timeout


def timed(printers: Printers, number: str) -> tuple[PrintResult, float]:
    started = time.monotonic()
    result = printers.print_ticket(None, a_ticket(number=number))
    return result, time.monotonic() - started


def test_a_hung_printer_fails_tickets_in_time_and_prints_again_once_it_recovers(tmp_path):
    """A named pipe nobody reads blocks the printer for good, like a stuck USB or serial line."""
    pipe = tmp_path / "lp0"
    os.mkfifo(pipe)
    printers = Printers(station_config({"type": "file", "path": str(pipe), "timeout": 0.5}))
    try:
        first, first_took = timed(printers, "A-001")
        second, second_took = timed(printers, "A-002")
    finally:
        late_job = pipe.read_bytes()  # the printer comes back and takes the stuck job

    assert first == PrintResult("failed", f"printer file {pipe} did not answer within 0.5 s")
    assert second == PrintResult(
        "failed", f"printer file {pipe} is busy: the ticket before did not finish in time"
    )
    assert first_took < 0.5 + MARGIN
    assert second_took < 0.5 + MARGIN
    assert b"A-001" in late_job
    assert wait_until(lambda: not printers.health()[0]["busy"])

    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(pipe.read_bytes()))
    reader.start()
    assert printers.print_ticket(None, a_ticket(number="A-003")) == PrintResult("printed")
    reader.join()
    assert b"A-003" in received[0]


def test_health_lists_each_printer_with_its_kiosks_and_last_success_and_error():
    clock = ManualClock(datetime(2026, 5, 20, 0, 14, 3, tzinfo=UTC))
    port = closed_port()
    refusing = {"type": "network", "host": "127.0.0.1", "port": port}
    with FakeNetworkPrinter() as fake:
        config = station_config(
            {"type": "network", "host": "127.0.0.1", "port": fake.port},
            kiosks=[{"id": "kiosk-1"}, {"id": "kiosk-2", "printer": refusing}],
        )
        printers = Printers(config, clock=clock)
        printers.print_ticket("kiosk-1", a_ticket())
        clock.advance(minutes=1)
        printers.print_ticket("kiosk-2", a_ticket(number="A-002"))
        assert wait_until(lambda: not any(printer["busy"] for printer in printers.health()))

    health = json.loads(json.dumps(printers.health()))
    assert health == [
        {
            "printer": f"printer 127.0.0.1:{fake.port}",
            "type": "network",
            "default": True,
            "kiosks": ["kiosk-1"],
            "busy": False,
            "last_success_at": "2026-05-20T08:14:03+08:00",
            "last_error": None,
            "last_error_at": None,
            "paper": "ok",
        },
        {
            "printer": f"printer 127.0.0.1:{port}",
            "type": "network",
            "default": False,
            "kiosks": ["kiosk-2"],
            "busy": False,
            "last_success_at": None,
            "last_error": f"cannot connect to printer 127.0.0.1:{port}: Connection refused",
            "last_error_at": "2026-05-20T08:15:03+08:00",
            "paper": None,
        },
    ]


def test_kiosks_sharing_one_printer_share_one_health_entry():
    shared = {"type": "network", "host": "192.0.2.10"}
    config = station_config(
        {"type": "none"},
        kiosks=[{"id": "kiosk-1", "printer": shared}, {"id": "kiosk-2", "printer": shared}],
    )

    health = Printers(config).health()

    assert [(printer["printer"], printer["kiosks"]) for printer in health] == [
        ("no printer", []),
        ("printer 192.0.2.10:9100", ["kiosk-1", "kiosk-2"]),
    ]


def test_an_unknown_printer_profile_stops_start_up_naming_the_key():
    printer = {"type": "network", "host": "192.0.2.10", "profile": "TM-NOPE"}
    with pytest.raises(ConfigError, match=r"^kiosks\[0\]\.printer\.profile: unknown printer"):
        station_config({"type": "none"}, kiosks=[{"id": "kiosk-1", "printer": printer}])
