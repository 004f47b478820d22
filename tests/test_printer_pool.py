"""The station's printers together: hung printers, health for the admin page, bad profiles."""

from __future__ import annotations

import json
import os
import threading
import time
from datetime import UTC, datetime

import pytest

from printer import Printers
from shared.application.printing import PrintFault, PrintOutcome, PrintResult
from shared.domain.clock import ManualClock
from shared.domain.config import ConfigError
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


@pytest.mark.slow
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

    assert (first.status, first.fault) == (
        "failed",
        PrintFault("timeout", f"printer file {pipe}", 0.5),
    )
    assert (second.status, second.fault) == ("failed", PrintFault("busy", f"printer file {pipe}"))
    assert first_took < 0.5 + MARGIN
    assert second_took < 0.5 + MARGIN
    assert b"A-001" in late_job
    assert wait_until(lambda: not printers.health()[0]["busy"])

    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(pipe.read_bytes()))
    reader.start()
    assert printers.print_ticket(None, a_ticket(number="A-003")).status == "printed"
    reader.join()
    assert b"A-003" in received[0]


def test_health_lists_each_printer_with_its_kiosks_and_last_success_and_error():
    clock = ManualClock(datetime(2026, 5, 20, 0, 14, 3, tzinfo=UTC))
    with FakeNetworkPrinter() as fake:
        # Chosen once the fake listens: a port freed before could be the one it is given.
        port = closed_port()
        refusing = {"type": "network", "host": "127.0.0.1", "port": port}
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
            "status": "printed",
            "last_success_at": "2026-05-20T08:14:03+08:00",
            "fault": None,
            "last_error": None,
            "last_error_at": None,
            "paper": "ok",
            "qr_base": "http://192.168.1.10:8000",
            "qr_loopback": False,
        },
        {
            "printer": f"printer 127.0.0.1:{port}",
            "type": "network",
            "default": False,
            "kiosks": ["kiosk-2"],
            "busy": False,
            "status": "failed",
            "last_success_at": None,
            "fault": {
                "code": "refused",
                "printer": f"printer 127.0.0.1:{port}",
                "seconds": None,
                "detail": None,
            },
            "last_error": f"Printer 127.0.0.1:{port} refused the connection: is it switched on, "
            "and is its address right?",
            "last_error_at": "2026-05-20T08:15:03+08:00",
            "paper": None,
            "qr_base": "http://192.168.1.10:8000",
            "qr_loopback": False,
        },
    ]


def test_health_is_taken_up_from_logged_outcomes_and_a_later_success_clears_the_status():
    config = station_config({"type": "network", "host": "192.0.2.10"})
    name = "printer 192.0.2.10:9100"
    at = datetime(2026, 5, 20, 8, 0, tzinfo=config.zone)
    printers = Printers(config)
    printers.restore(
        [
            PrintOutcome(at, PrintResult("printed", None, name, "low"), "http://127.0.0.1:8000"),
            PrintOutcome(
                at.replace(hour=9),
                PrintResult("unconfirmed", PrintFault("no_answer", name, 3.0), name, "unknown"),
                "http://127.0.0.1:8000",
            ),
            PrintOutcome(at, PrintResult("failed", None, "printer gone:9100"), None),
        ]
    )
    [health] = printers.health()
    assert health["status"] == "unconfirmed"
    assert health["last_success_at"] == "2026-05-20T08:00:00+08:00"
    assert health["fault"]["code"] == "no_answer"
    assert health["last_error_at"] == "2026-05-20T09:00:00+08:00"
    assert (health["paper"], health["qr_base"], health["qr_loopback"]) == (
        "unknown",
        "http://127.0.0.1:8000",
        True,
    )


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
