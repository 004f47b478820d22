"""Network printers, played by real TCP listeners on 127.0.0.1."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest

from printer import Printers
from shared.application.printing import PrintResult
from shared.domain.config import LocalText
from tests.printer_fixtures import (
    BOOKING_URL,
    COVER_OPEN,
    PAPER_OUT,
    STATUS_URL,
    STOPPED_BY_PAPER_END,
    FakeNetworkPrinter,
    SilentNetworkPrinter,
    StalledNetworkPrinter,
    a_booking_slip,
    a_ticket,
    closed_port,
    station_config,
)

pytestmark = pytest.mark.slow

TIMEOUT = 1.0
MARGIN = 1.0  # what a slow test machine may add to a timeout
RESET = b"\x1b@"
NATIVE_QR = b"\x1d(k"
CUT = b"\x1dV"
STATUS_QUESTIONS = b"\x10\x04\x02\x10\x04\x04"  # DLE EOT 2 (offline cause), DLE EOT 4 (paper)


def network(port: int, timeout: float = TIMEOUT) -> dict[str, object]:
    return {"type": "network", "host": "127.0.0.1", "port": port, "timeout": timeout}


@pytest.fixture
def fake_printer() -> Iterator[FakeNetworkPrinter]:
    with FakeNetworkPrinter() as printer:
        yield printer


def test_printer_receives_the_number_a_native_qr_of_the_status_url_and_a_cut(fake_printer):
    printers = Printers(station_config(network(fake_printer.port)))

    result = printers.print_ticket(None, a_ticket())

    assert result == PrintResult("printed", None, f"printer 127.0.0.1:{fake_printer.port}", "ok")
    [job] = fake_printer.wait_for_jobs(1)
    assert b"A-001\n" in job
    assert STATUS_URL.encode() in job[job.index(NATIVE_QR) :]
    assert CUT in job
    assert job.endswith(CUT + b"\x00" + STATUS_QUESTIONS)  # asked after the job, not before


def test_a_booking_slip_sends_its_code_large_and_a_native_qr_of_its_page(fake_printer):
    printers = Printers(station_config(network(fake_printer.port)))

    result = printers.print_ticket(None, a_booking_slip())

    assert result.status == "printed"
    [job] = fake_printer.wait_for_jobs(1)
    code_at = job.index(b"K7Q-4M2\n")
    assert job.rindex(b"\x1d!\x33", 0, code_at) > job.rindex(b"\x1d!\x00", 0, code_at)  # 4x
    assert b"Check in at the kiosk from 08:30 to 09:15." in job
    assert BOOKING_URL.encode() in job[job.index(NATIVE_QR) :]
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


@pytest.mark.parametrize(("answer", "paper"), [(b"\x12", "ok"), (b"\x1e", "low")])
def test_a_printed_ticket_tells_the_paper_the_printer_reports(answer, paper):
    with FakeNetworkPrinter(paper=answer) as fake:
        printers = Printers(station_config(network(fake.port)))

        result = printers.print_ticket(None, a_ticket())

    assert (result.status, result.paper) == ("printed", paper)
    assert printers.health()[0]["paper"] == paper


def test_a_printer_that_takes_the_job_but_never_answers_is_unconfirmed_within_the_timeout():
    """A listener that accepts and never reads: the job fits in its socket buffer."""
    with SilentNetworkPrinter() as silent:
        printers = Printers(station_config(network(silent.port)))

        started = time.monotonic()
        result = printers.print_ticket(None, a_ticket())

    assert time.monotonic() - started < TIMEOUT + MARGIN
    assert result.status == "unconfirmed"
    assert result.error == (
        f"Printer 127.0.0.1:{silent.port} took the ticket but did not answer the status check "
        "within 1 s: the ticket may not have come out."
    )
    [health] = printers.health()
    assert (health["status"], health["paper"], health["fault"]["code"]) == (
        "unconfirmed",
        "unknown",
        "no_answer",
    )


def test_a_printer_that_reads_but_never_answers_is_unconfirmed_not_printed():
    with FakeNetworkPrinter(paper=None, cause=None) as mute:
        printers = Printers(station_config(network(mute.port)))

        assert printers.print_ticket(None, a_ticket()).status == "unconfirmed"


@pytest.mark.parametrize(
    ("cause", "paper", "fault", "indonesian"),
    [
        (
            STOPPED_BY_PAPER_END,
            PAPER_OUT,
            "paper_out",
            "kertas habis. Pasang gulungan kertas baru.",
        ),
        (b"\x12", PAPER_OUT, "paper_out", "kertas habis. Pasang gulungan kertas baru."),
        (COVER_OPEN, b"\x12", "cover_open", "penutup terbuka. Tutup penutup printer."),
        (b"\x52", b"\x12", "printer_error", "melaporkan kesalahan"),
    ],
)
def test_a_fault_the_printer_reports_fails_the_ticket_with_its_reason(
    cause, paper, fault, indonesian
):
    with FakeNetworkPrinter(paper=paper, cause=cause) as fake:
        printers = Printers(station_config(network(fake.port)))

        result = printers.print_ticket(None, a_ticket())

    assert (result.status, result.fault.code) == ("failed", fault)
    assert indonesian in result.fault.message("id")
    assert printers.health()[0]["status"] == "failed"


def test_an_answer_that_is_no_status_byte_does_not_count_as_printed():
    with FakeNetworkPrinter(paper=b"OK", cause=b"OK") as odd:
        printers = Printers(station_config(network(odd.port)))

        assert printers.print_ticket(None, a_ticket()).status == "unconfirmed"


def test_refused_connection_fails_at_once_with_a_readable_error():
    port = closed_port()
    printers = Printers(station_config(network(port)))

    started = time.monotonic()
    result = printers.print_ticket(None, a_ticket())

    assert time.monotonic() - started < TIMEOUT + MARGIN
    assert (result.status, result.fault.code) == ("failed", "refused")
    assert result.error == (
        f"Printer 127.0.0.1:{port} refused the connection: is it switched on, and is its "
        "address right?"
    )


def test_printer_that_accepts_but_never_reads_fails_within_the_timeout():
    """Like a printer with its buffer full: the job would only sit in the computer's socket."""
    notice = LocalText(id="Biaya sesuai PNBP resmi. " * 200, en="Official PNBP fees apply. " * 200)
    with StalledNetworkPrinter() as stalled:
        printers = Printers(station_config(network(stalled.port)))

        started = time.monotonic()
        result = printers.print_ticket(None, a_ticket(fee=notice))  # more than its 2 kB buffer

        assert time.monotonic() - started < TIMEOUT + MARGIN
        assert (result.status, result.fault.code) == ("failed", "timeout")
        assert result.fault.message("id") == (
            f"Printer 127.0.0.1:{stalled.port} tidak menerima tiket dalam 1 detik: kertas habis, "
            "macet atau mati?"
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

    assert {number: result.status for number, result in results.items()} == {
        "A-001": "printed",
        "A-002": "printed",
    }
    assert fake.events == ["start", "end", "start", "end"]
    assert sorted(job.startswith(RESET) and job.count(CUT) for job in jobs) == [1, 1]
    assert sorted((b"A-001" in job, b"A-002" in job) for job in jobs) == [
        (False, True),
        (True, False),
    ]
