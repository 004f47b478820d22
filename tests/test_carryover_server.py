"""Carry-over across a real day's close on a real `satupintu serve`: a supervisor carries one
service's waiting over, another service carries its own by config, the day ends, and the next
morning the old paper tickets are checked in at the front; a ticket not carried over and a
second check-in are refused; the reports count it all and `satupintu audit verify` holds.

The server's clock is moved with SATUPINTU_CLOCK_SHIFT_FILE (a supervisor accepts each jump,
as in the hall), so the test runs at fixed local times whatever the real time is.
"""

from __future__ import annotations

import copy
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import requests

from shared.domain.clock import SHIFT_FILE_ENV
from tests.helpers import BASE_CONFIG
from tests.realserver import ServerProcess, satupintu

pytestmark = pytest.mark.server
KUPANG = ZoneInfo("Asia/Makassar")


def test_the_old_paper_ticket_is_first_the_next_morning(tmp_path: Path) -> None:
    first_day = datetime.now(KUPANG).date() + timedelta(days=1)
    afternoon = datetime.combine(first_day, time(14), tzinfo=KUPANG)
    shift = tmp_path / "clock-shift"
    offset = (afternoon - datetime.now(UTC)).total_seconds()
    shift.write_text(str(offset))
    services_ = copy.deepcopy(BASE_CONFIG["services"])
    services_[2]["carry_over"] = True  # lantas: its waiting are carried over at the day's close
    server = ServerProcess(tmp_path, env={SHIFT_FILE_ENV: str(shift)}, services=services_)
    server.add_user("budi")
    server.add_user("sari", "supervisor")
    server.start()
    url = server.url
    kiosk = requests.Session()

    def take(service: str) -> dict:
        reply = kiosk.post(f"{url}/api/tickets", json={"service": service}, timeout=10)
        assert reply.status_code == 201
        return reply.json()["ticket"]

    def check_in(ticket: dict) -> requests.Response:
        link = f"{url}/t/{ticket['token']}"  # what the kiosk's scanner reads off the paper
        token = link.rsplit("/t/", 1)[1]
        return kiosk.post(f"{url}/api/tickets/{token}/check-in", json={}, timeout=10,
                          headers={"Accept-Language": "en"})  # fmt: skip

    try:
        old_lapor = [take("lapor"), take("lapor")]
        old_surat, old_lantas = take("surat"), take("lantas")
        supervisor = server.session("sari")
        carried = supervisor.post(f"{url}/api/admin/carry-over",
                                  json={"services": ["lapor"], "reason": "Jam layanan habis"},
                                  timeout=10)  # fmt: skip
        assert carried.json() == {"carried": 2}
        page = requests.get(f"{url}/api/tickets/{old_lapor[0]['token']}", timeout=10).json()
        assert page["ticket"]["carried_until"] == (first_day + timedelta(days=1)).isoformat()

        offset += 18 * 3600  # 08:00 the next morning: the day closed in between
        shift.write_text(str(offset))
        supervisor.post(f"{url}/api/admin/clock/accept", timeout=10)
        walk_in = take("lapor")
        second = check_in(old_lapor[1])
        first = check_in(old_lapor[0])
        assert (first.status_code, second.status_code) == (201, 201)
        assert first.json()["ticket"]["carried"] is True
        assert first.json()["ticket"]["ahead"] == 0  # at the front, before the walk-in
        lantas = check_in(old_lantas)  # carried over by its service at the day's close
        assert lantas.status_code == 201 and lantas.json()["ticket"]["carried"] is True

        twice = check_in(old_lapor[0])
        assert twice.status_code == 409 and twice.json()["error"]["code"] == "not_carried"
        assert first.json()["ticket"]["number"] in twice.json()["error"]["message"]
        never = check_in(old_surat)
        assert never.status_code == 409 and "not carried over" in never.json()["error"]["message"]

        officer = server.session("budi")
        called = [
            officer.post(f"{url}/api/counters/loket-1/call-next", json={}, timeout=10).json()
            for _ in range(3)
        ]
        assert [answer["ticket"]["number"] for answer in called] == [
            first.json()["ticket"]["number"],
            second.json()["ticket"]["number"],
            walk_in["number"],
        ]

        reporter = server.session("sari")
        report = reporter.get(
            f"{url}/api/admin/reports",
            params={
                "from": first_day.isoformat(),
                "to": (first_day + timedelta(days=1)).isoformat(),
            },
            timeout=30,
        ).json()
        totals = report["totals"]
        assert (totals["carried_over"], totals["carried_in"], totals["expired"]) == (3, 3, 1)
        assert report["fairness"]["by_kind"]["carried"] >= 1
        assert report["audit"]["verified"] is True
    finally:
        server.stop()
    verified = satupintu("audit", "verify", config=server.config_path,
                         env={SHIFT_FILE_ENV: str(shift)})  # fmt: skip
    assert verified.returncode == 0
