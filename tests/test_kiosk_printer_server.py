"""A real server with failing network printers: the ticket is kept, the kiosk keeps answering."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.helpers import BASE_CONFIG
from tests.printer_fixtures import FakeNetworkPrinter, StalledNetworkPrinter, closed_port
from tests.realserver import ServerProcess

pytestmark = pytest.mark.server

TIMEOUT = 1.0
MARGIN = 1.5  # what a busy test machine may add to the printer timeout
LONG_FEE = "Biaya sesuai PNBP resmi. " * 200  # more than the stalled printer's buffer takes


def network(port: int) -> dict[str, Any]:
    return {"type": "network", "host": "127.0.0.1", "port": port, "timeout": TIMEOUT}


@pytest.fixture
def printers() -> Iterator[tuple[int, StalledNetworkPrinter, FakeNetworkPrinter]]:
    with StalledNetworkPrinter() as stalled, FakeNetworkPrinter() as working:
        yield closed_port(), stalled, working


@pytest.fixture
def server(tmp_path: Path, printers: tuple[int, StalledNetworkPrinter, FakeNetworkPrinter]):
    refused, stalled, working = printers
    services = [dict(service) for service in BASE_CONFIG["services"]]
    services[0]["fee"] = LONG_FEE
    process = ServerProcess(
        tmp_path,
        services=services,
        kiosks=[
            {"id": "refused", "printer": network(refused)},
            {"id": "stalled", "printer": network(stalled.port)},
            {"id": "working", "printer": network(working.port)},
        ],
    )
    process.start()
    yield process
    process.stop()


def take_ticket(server: ServerProcess, kiosk: str) -> tuple[dict[str, Any], float]:
    started = time.monotonic()
    response = requests.post(
        f"{server.url}/api/tickets",
        json={"service": "lapor", "kiosk": kiosk},
        headers={"Idempotency-Key": f"tap-{kiosk}-{started}"},
        timeout=10,
    )
    assert response.status_code == 201, response.text
    return response.json(), time.monotonic() - started


def kept(server: ServerProcess, ticket: dict[str, Any]) -> dict[str, Any]:
    response = requests.get(f"{server.url}/api/tickets/{ticket['token']}", timeout=10)
    assert response.status_code == 200
    return response.json()["ticket"]


def test_a_refused_printer_fails_at_once_and_the_ticket_is_kept(server: ServerProcess) -> None:
    reply, took = take_ticket(server, "refused")
    assert took < TIMEOUT + MARGIN
    assert (reply["print"]["status"], reply["print"]["fault"]) == ("failed", "refused")
    assert "menolak sambungan" in reply["print"]["error"]  # in the station's language
    assert kept(server, reply["ticket"]) == reply["ticket"]


def test_a_printer_that_never_reads_fails_within_the_timeout_and_the_kiosk_answers(
    server: ServerProcess, printers: tuple[int, StalledNetworkPrinter, FakeNetworkPrinter]
) -> None:
    stalled = printers[1]
    results: list[tuple[dict[str, Any], float]] = []
    printing = threading.Thread(target=lambda: results.append(take_ticket(server, "stalled")))
    printing.start()
    # While the stalled printer holds that request, the kiosk still lists services and issues.
    assert requests.get(f"{server.url}/api/services", timeout=TIMEOUT).status_code == 200
    other, _ = take_ticket(server, "refused")
    printing.join()
    [(reply, took)] = results
    assert took < TIMEOUT + MARGIN
    assert reply["print"] == {
        "status": "failed",
        "error": f"Printer 127.0.0.1:{stalled.port} tidak menerima tiket dalam 1 detik: "
        "kertas habis, macet atau mati?",
        "fault": "timeout",
    }
    ticket = kept(server, reply["ticket"])
    assert ticket["status"] == "waiting"
    assert {ticket["number"], other["ticket"]["number"]} == {"A-001", "A-002"}


def test_a_reprint_sends_the_same_number_to_the_printer_again(
    server: ServerProcess, printers: tuple[int, StalledNetworkPrinter, FakeNetworkPrinter]
) -> None:
    working = printers[2]
    reply, _ = take_ticket(server, "working")
    assert reply["print"]["status"] == "printed"
    again = requests.post(
        f"{server.url}/api/tickets/{reply['ticket']['token']}/reprint", timeout=10
    )
    assert again.status_code == 200
    assert again.json()["print"] == {"status": "printed", "error": None, "fault": None}
    jobs = working.wait_for_jobs(2)
    number = reply["ticket"]["number"].encode()
    assert [number in job for job in jobs] == [True, True]
