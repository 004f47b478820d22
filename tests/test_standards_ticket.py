"""The paper ticket, as the printer receives it over TCP: a public service's ticket carries its
requirements in short and the complaint channels; a private service's, nothing of its own."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from satupintu.app import create_app
from shared.domain.clock import ManualClock
from shared.domain.config import parse_config
from tests.helpers import BASE_CONFIG
from tests.printer_fixtures import FakeNetworkPrinter

pytestmark = pytest.mark.slow

LAPOR = {
    "requirements": [{"id": "KTP pelapor", "en": "Reporter's ID card"},
                     {"id": "Bukti bila ada", "en": "Evidence if any"}],
    "procedure": ["Sampaikan laporan"],
    "time": "± 20 menit",
    "cost": "Gratis",
    "product": "Tanda terima laporan",
}  # fmt: skip
PROPAM = {**LAPOR, "requirements": ["Identitas anggota yang dilaporkan"]}


def printed(tmp_path: Path, clock: ManualClock, service: str, port: int) -> None:
    data: dict[str, Any] = copy.deepcopy(BASE_CONFIG)
    data["services"][0]["standard"] = LAPOR
    data["services"][3]["standard"] = PROPAM
    data["complaint_channels"] = [
        {"name": "LAPOR!", "contact": "SMS 1708", "short": "LAPOR! SMS 1708"},
        {"name": "Ombudsman", "contact": "137", "short": "Ombudsman 137"},
        {"name": "Propam", "contact": "Ruang Propam"},  # no `short`: not printed
    ]
    data["kiosks"] = [{"id": "kiosk-1", "printer": {"type": "network", "host": "127.0.0.1",
                                                    "port": port, "timeout": 2}}]  # fmt: skip
    app = create_app(parse_config(data, base_dir=tmp_path), clock=clock)
    try:
        reply = app.test_client().post(
            "/api/tickets", json={"service": service, "kiosk": "kiosk-1"}
        )
        assert reply.get_json()["print"]["status"] == "printed"
    finally:
        app.extensions["satupintu"].store.close()


def test_a_public_ticket_prints_its_requirements_and_the_channels(
    tmp_path: Path, clock: ManualClock
) -> None:
    with FakeNetworkPrinter() as printer:
        printed(tmp_path, clock, "lapor", printer.port)
        [job] = printer.wait_for_jobs(1)
    assert b"Bawa: KTP pelapor; Bukti bila ada" in job
    assert b"Bring: Reporter's ID card; Evidence if" in job  # wrapped at the paper's width
    assert b"Pengaduan: LAPOR! SMS 1708; Ombudsman 137" in job
    assert b"Ruang Propam" not in job


def test_a_private_ticket_prints_nothing_of_its_service_but_the_channels(
    tmp_path: Path, clock: ManualClock
) -> None:
    with FakeNetworkPrinter() as printer:
        printed(tmp_path, clock, "propam", printer.port)
        [job] = printer.wait_for_jobs(1)
    assert b"Identitas anggota" not in job and b"Bawa:" not in job and b"Bring:" not in job
    assert b"Pengaduan Propam" not in job
    assert b"Pengaduan: LAPOR! SMS 1708; Ombudsman 137" in job
