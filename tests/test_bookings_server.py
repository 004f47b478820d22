"""Bookings on a real `satupintu serve`: book, full slot, cancel and rebook, too early, check in
twice, too late, and the booked ticket called before the walk-ins once its slot began.

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
from tests.realserver import ServerProcess
from tests.test_bookings import BOOKING

pytestmark = pytest.mark.server
KUPANG = ZoneInfo("Asia/Makassar")


def test_bookings_end_to_end_on_a_real_server(tmp_path: Path) -> None:
    tomorrow = datetime.now(KUPANG).date() + timedelta(days=1)
    at_seven = datetime.combine(tomorrow, time(7), tzinfo=KUPANG)
    shift = tmp_path / "clock-shift"
    offset = (at_seven - datetime.now(UTC)).total_seconds()
    shift.write_text(str(offset))
    services_ = copy.deepcopy(BASE_CONFIG["services"])
    services_[0]["booking"] = BOOKING
    server = ServerProcess(tmp_path, env={SHIFT_FILE_ENV: str(shift)}, services=services_)
    server.add_user("budi")
    server.add_user("sari", "supervisor")
    server.start()
    url = server.url
    supervisor = server.session("sari")
    officer = server.session("budi")

    def travel(minutes: int) -> None:
        nonlocal offset
        offset += minutes * 60
        shift.write_text(str(offset))
        supervisor.post(f"{url}/api/admin/clock/accept", timeout=10)  # 409 if no jump seen

    try:
        nine = f"{tomorrow.isoformat()}T09:00+08:00"
        phone = requests.Session()
        first = phone.post(f"{url}/api/bookings", json={"service": "lapor", "starts_at": nine},
                           timeout=10)  # fmt: skip
        second = phone.post(f"{url}/api/bookings", json={"service": "lapor", "starts_at": nine},
                            timeout=10)  # fmt: skip
        assert (first.status_code, second.status_code) == (201, 201)
        full = requests.post(f"{url}/api/bookings", json={"service": "lapor", "starts_at": nine},
                             timeout=10)  # fmt: skip
        assert full.status_code == 409 and full.json()["error"]["code"] == "slot_full"
        cancelled = phone.post(f"{url}/api/bookings/{second.json()['booking']['token']}/cancel",
                               timeout=10)  # fmt: skip
        assert cancelled.json()["booking"]["status"] == "cancelled"
        rebooked = phone.post(f"{url}/api/bookings", json={"service": "lapor", "starts_at": nine},
                              timeout=10)  # fmt: skip
        assert rebooked.status_code == 201
        code = first.json()["booking"]["code"]
        late_code = rebooked.json()["booking"]["code"]

        early = requests.post(f"{url}/api/bookings/{code}/check-in", json={}, timeout=10)
        assert early.status_code == 409 and early.json()["error"]["code"] == "too_early"
        assert early.json()["error"]["opens_at"].endswith("08:30+08:00")

        travel(2 * 60 + 5)  # 09:05: the slot has begun
        walk_in = requests.post(f"{url}/api/tickets", json={"service": "lapor"}, timeout=10)
        booked = requests.post(f"{url}/api/bookings/{code}/check-in", json={}, timeout=10)
        twice = requests.post(f"{url}/api/bookings/{code}/check-in", json={}, timeout=10)
        assert (booked.status_code, twice.status_code) == (201, 200)
        assert booked.json()["ticket"]["booked"] is True
        assert twice.json()["ticket"]["number"] == booked.json()["ticket"]["number"]

        called = officer.post(f"{url}/api/counters/loket-1/call-next", json={}, timeout=10)
        assert called.json()["ticket"]["number"] == booked.json()["ticket"]["number"]
        after = officer.post(f"{url}/api/counters/loket-1/call-next", json={}, timeout=10)
        assert after.json()["ticket"]["number"] == walk_in.json()["ticket"]["number"]

        travel(11)  # 09:16: check-in closed a minute ago
        late = requests.post(f"{url}/api/bookings/{late_code}/check-in", json={}, timeout=10)
        assert late.status_code == 409 and late.json()["error"]["code"] == "booking_expired"
    finally:
        server.stop()
