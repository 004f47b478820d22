"""The server loads a library when something uses it (issue 26), and every report, export and
PDF still comes out of a server that had not loaded them; its reads worker is replaced if it
dies."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import requests
import yaml
from openpyxl import load_workbook

from tests.helpers import BASE_CONFIG
from tests.realserver import ServerProcess

# What the served app must not import before it is used: the spreadsheet and PDF libraries,
# the ticket printer's, the spoken numbers', central's database driver, the report library.
NOT_AT_START = (
    "openpyxl",
    "weasyprint",
    "escpos.escpos",
    "escpos.capabilities",
    "num2words",
    "PIL",
    "qrcode",
    "psycopg",
    "satupintu.reads",
    "shared.application.reporting.evidence",
    "shared.application.reporting.scorecard_pdf",
    # and what Socket.IO imports for its clients and its Redis queue (`satupintu.deferred`)
    "requests",
    "websocket",
    "aiohttp",
    "redis",
    # and what nothing in serving uses: asyncio, the rate limiter's asyncio storages, the date
    # parser of sqlite-utils' recipes, the debugger, the development server's HTML entities
    "asyncio",
    "limits.aio",
    "dateutil",
    "dateutil.parser",
    "pdb",
    "html",
)

# The app built as `satupintu serve` builds it (without serving), then the modules it loaded (a
# deferred module's code has not run).
BUILD_THE_APP = """
import json, sys
from satupintu.launcher import prepare_to_serve
prepare_to_serve()
from satupintu.cli import main
from satupintu.deferred import DeferredModule
from satupintu.app import create_app
from satupintu.cli_options import config_from
from satupintu.cli_serve import _warn_of_unusable_tickets
from satupintu.worker import WorkerReads
config = config_from(sys.argv[1])
create_app(config, async_mode="gevent", reads=WorkerReads(config))
_warn_of_unusable_tickets(config, 8000)
loaded = [name for name, module in sys.modules.items() if not isinstance(module, DeferredModule)]
print(json.dumps(sorted(loaded)))
"""


def printed(script: str, *args: str, **run: Any) -> Any:
    """What a Python `script` run in a fresh interpreter printed last, as JSON."""
    done = subprocess.run(
        [sys.executable, "-c", script, *args],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
        **run,
    )
    return json.loads(done.stdout.splitlines()[-1])


@pytest.mark.slow
def test_the_served_app_loads_no_report_pdf_or_printing_library_before_it_is_used(
    tmp_path: Path,
) -> None:
    config = {**BASE_CONFIG, "printer": {"type": "preview", "directory": "tickets"}}
    (tmp_path / "config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    env = {**os.environ, "ESCPOS_CAPABILITIES_PICKLE_DIR": str(tmp_path)}  # no first parse
    loaded = set(printed(BUILD_THE_APP, str(tmp_path / "config.yaml"), env=env))
    assert "flask_socketio" in loaded  # the check would see a module that is there
    assert [name for name in NOT_AT_START if name in loaded] == []


# The libraries a serving process defers, each used as its users would use it, once the server's
# own imports have deferred them.
DEFERRED_AT_WORK = """
import json
from satupintu.launcher import prepare_to_serve
prepare_to_serve()
import satupintu.cli, shared.web.socket_server
from satupintu.deferred import DeferredModule
import asyncio, html, pdb
assert all(isinstance(module, DeferredModule) for module in (asyncio, html, pdb))
from limits import parse
from limits.aio.storage import MemoryStorage
from limits.aio.strategies import MovingWindowRateLimiter
from sqlite_utils import recipes

async def hit() -> bool:
    return await MovingWindowRateLimiter(MemoryStorage()).hit(parse("1/minute"), "kiosk")

print(json.dumps([asyncio.run(hit()), recipes.parsedate("7 December 2026"), pdb.Pdb.__name__,
                  html.unescape("&amp;")]))
"""


@pytest.mark.slow
def test_what_a_serving_process_defers_still_works_at_its_first_use() -> None:
    assert printed(DEFERRED_AT_WORK) == [True, "2026-12-07", "Pdb", "&"]


# The reads worker's minute-by-minute audit check, as the idle worker runs it: the modules the
# report library adds must not be loaded by it (each read imports its own at its first use).
AUDIT_ONLY = """
import json, sys
from datetime import datetime
from satupintu.cli_options import config_from
from satupintu.opening import open_station
from satupintu.worker import InlineReads
station = open_station(config_from(sys.argv[1]))
verdict = InlineReads(station).run("audit", datetime.now().astimezone())
print(json.dumps([type(verdict).__name__, sorted(sys.modules)]))
"""
REPORT_LIBRARY = (
    "shared.application.reporting.reports",
    "shared.application.reporting.scorecard",
    "shared.application.reporting.scorecard_pdf",
    "shared.application.reporting.skm_pdf",
    "shared.application.reporting.evidence",
    "shared.application.propam",
)


@pytest.mark.slow
def test_the_reads_workers_audit_check_loads_no_report_library(tmp_path: Path) -> None:
    (tmp_path / "config.yaml").write_text(yaml.safe_dump(BASE_CONFIG), encoding="utf-8")
    verdict, loaded = printed(AUDIT_ONLY, str(tmp_path / "config.yaml"), cwd=tmp_path)
    assert verdict == "Verdict"
    assert [name for name in REPORT_LIBRARY if name in loaded] == []


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ServerProcess]:
    process = ServerProcess(tmp_path, printer={"type": "preview", "directory": "tickets"})
    process.add_user("sari", "supervisor")
    process.start()
    try:
        yield process
    finally:
        process.stop()


def reads_workers(server: ServerProcess) -> list[int]:
    """The server's child processes that call themselves the reads worker."""
    assert server.process is not None
    pid = server.process.pid
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [
        int(child)
        for child in children
        if Path(f"/proc/{child}/comm").read_text().strip() == "satupintu-reads"
    ]


@pytest.mark.server
def test_reports_exports_and_pdfs_come_from_a_server_that_had_not_loaded_them(
    server: ServerProcess,
) -> None:
    for service in ("lapor", "surat", "lantas"):
        ticket = requests.post(f"{server.url}/api/tickets", json={"service": service}, timeout=30)
        assert ticket.status_code == 201
    supervisor = server.session("sari")
    reports = f"{server.url}/api/admin/reports"
    report = supervisor.get(reports, timeout=60)
    assert report.status_code == 200
    assert report.json()["totals"]["issued"] == 3
    workbook = supervisor.get(f"{reports}?format=xlsx", timeout=60)
    assert workbook.status_code == 200
    sheets = load_workbook(io.BytesIO(workbook.content))
    assert sheets.sheetnames  # a real workbook, its tables as sheets
    today = date.today()
    quarter = f"{today.year}-Q{(today.month - 1) // 3 + 1}"
    skm = supervisor.get(f"{reports}?period={quarter}&format=skm-pdf", timeout=120)
    assert skm.status_code == 200
    assert skm.content.startswith(b"%PDF-")
    scorecard = f"{server.url}/api/admin/scorecard?period={quarter}"
    card = supervisor.get(f"{scorecard}&format=pdf", timeout=120)
    assert card.status_code == 200
    assert card.content.startswith(b"%PDF-")
    bundle = supervisor.get(f"{scorecard}&format=evidence", timeout=180)
    assert bundle.status_code == 200
    names = zipfile.ZipFile(io.BytesIO(bundle.content)).namelist()
    assert f"report-{quarter}.xlsx" in names
    assert len(reads_workers(server)) == 1


@pytest.mark.server
def test_a_reads_worker_that_died_is_replaced_and_the_report_still_comes(
    server: ServerProcess,
) -> None:
    requests.post(f"{server.url}/api/tickets", json={"service": "lapor"}, timeout=30)
    supervisor = server.session("sari")
    assert supervisor.get(f"{server.url}/api/admin/reports", timeout=60).status_code == 200
    (first,) = reads_workers(server)
    os.kill(first, signal.SIGKILL)
    report = supervisor.get(f"{server.url}/api/admin/reports", timeout=60)
    assert report.status_code == 200
    assert report.json()["totals"]["issued"] == 1
    assert len(reads_workers(server)) == 1
    assert reads_workers(server) != [first]
