"""Network printers, played by real TCP listeners on 127.0.0.1."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest

from printer import Printers
from shared.config import LocalText
from shared.printing import PrintResult
from tests.printer_fixtures import (
    STATUS_URL,
    FakeNetworkPrinter,
    StalledNetworkPrinter,
    a_ticket,
    closed_port,
    station_config,
    wait_until,
)

TIMEOUT = 1.0
MARGIN = 1.0  # what a slow test machine may add to a timeout
RESET = b"\x1b@"
NATIVE_QR = b"\x1d(k"
CUT = b"\x1dV"
PRINTED = PrintResult("printed")


def network(port: int, timeout: float = TIMEOUT) -> dict[str, object]:
    return {"type": "network", "host": "127.0.0.1", "port": port, "timeout": timeout}


@pytest.fixture
def fake_printer() -> Iterator[FakeNetworkPrinter]:
    with FakeNetworkPrinter() as printer:
        yield printer


def test_printer_receives_the_number_a_native_qr_of_the_status_url_and_a_cut(fake_printer):
    printers = Printers(station_config(network(fake_printer.port)))

    assert printers.print_ticket(None, a_ticket()) == PRINTED

    [job] = fake_printer.wait_for_jobs(1)
    assert b"A-001\n" in job
    assert STATUS_URL.encode() in job[job.index(NATIVE_QR) :]
    assert CUT in job


def test_a_kiosk_prints_on_its_own_printer_and_the_others_on_the_default(fake_printer):
    with FakeNetworkPrinter() as hall_printer:
        kiosks = [{"id": "kiosk-1", "printer": network(hall_printer.port)}, {"id": "kiosk-2"}]
        printers = Printers(station_config(network(fake_printer.port), kiosks=kiosks))

        printers.print_ticket("kiosk-1", a_ticket(number="A-001"))
        printers.print_ticket("kiosk-2", a_ticket(number="A-002"))

        [hall_job] = hall_printer.wait_for_jobs(1)
    [default_job] = fake_printer.wait_for_jobs(1)
    assert b"A-001" in hall_job
    assert b"A-002" in default_job


@pytest.mark.parametrize(("answer", "paper"), [(b"\x12", "ok"), (b"\x1e", "low"), (b"\x72", "out")])
def test_health_shows_the_paper_status_the_printer_reports(answer, paper):
    with FakeNetworkPrinter(paper_answer=answer) as fake:
        printers = Printers(station_config(network(fake.port)))

        assert printers.print_ticket(None, a_ticket()) == PRINTED

        assert wait_until(lambda: printers.health()[0]["paper"] == paper)


def test_paper_status_is_unknown_when_the_printer_does_not_answer():
    with FakeNetworkPrinter(paper_answer=None) as fake:
        printers = Printers(station_config(network(fake.port)))

        assert printers.print_ticket(None, a_ticket()) == PRINTED

        assert wait_until(lambda: printers.health()[0]["paper"] == "unknown")


def test_refused_connection_fails_at_once_with_a_readable_error():
    port = closed_port()
    printers = Printers(station_config(network(port)))

    started = time.monotonic()
    result = printers.print_ticket(None, a_ticket())

    assert time.monotonic() - started < TIMEOUT + MARGIN
    assert result == PrintResult(
        "failed", f"cannot connect to printer 127.0.0.1:{port}: Connection refused"
    )


def test_printer_that_accepts_but_never_reads_fails_within_the_timeout():
    """Like a printer with its buffer full: the job would only sit in the computer's socket."""
    notice = LocalText(id="Biaya sesuai PNBP resmi. " * 200, en="Official PNBP fees apply. " * 200)
    with StalledNetworkPrinter() as stalled:
        printers = Printers(station_config(network(stalled.port)))

        started = time.monotonic()
        result = printers.print_ticket(None, a_ticket(fee=notice))  # more than its 2 kB buffer

        assert time.monotonic() - started < TIMEOUT + MARGIN
        assert result == PrintResult(
            "failed", f"printer 127.0.0.1:{stalled.port} did not answer within 1 s"
        )


def test_two_kiosks_printing_at_once_get_whole_tickets_one_after_the_other():
    kiosks = [{"id": "kiosk-1"}, {"id": "kiosk-2"}]
    with FakeNetworkPrinter(answer_delay=0.2) as fake:
        printers = Printers(station_config(network(fake.port, timeout=3.0), kiosks=kiosks))
        results: dict[str, PrintResult] = {}

        def print_for(kiosk_id: str, number: str) -> None:
            results[number] = printers.print_ticket(kiosk_id, a_ticket(number=number))

        threads = [
            threading.Thread(target=print_for, args=("kiosk-1", "A-001")),
            threading.Thread(target=print_for, args=("kiosk-2", "A-002")),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        jobs = fake.wait_for_jobs(2)

    assert results == {"A-001": PRINTED, "A-002": PRINTED}
    assert fake.events == ["start", "end", "start", "end"]
    assert sorted(job.startswith(RESET) and job.count(CUT) for job in jobs) == [1, 1]
    assert sorted((b"A-001" in job, b"A-002" in job) for job in jobs) == [
        (False, True),
        (True, False),
    ]
