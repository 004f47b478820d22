"""A station whose previous quarter holds an SKM: three citizens served and surveyed (IKM 80.56,
B; U2 and U8 are findings) and a follow-up past its due day; for browser tests and the
README's screenshots."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from pathlib import Path

from satupintu.app import open_station
from shared.application import (
    citizen_actions,
    clock_trust,
    desk_actions,
    followups,
    services,
    ticket_issue,
)
from shared.domain.clock import ManualClock
from shared.domain.config import load_config
from shared.domain.skm import ELEMENTS, SkmPeriod

SCORES = [(4, 4, 4, 4, 4, 4, 4, 4, 4), (3, 3, 3, 3, 3, 3, 3, 2, 3), (3, 2, 3, 3, 3, 3, 3, 2, 3)]


def seed(config_path: Path, period: SkmPeriod) -> None:
    """Three surveyed citizens early in `period`, a follow-up due at its end, not done; then
    the clock is today's."""
    clock = ManualClock(datetime.combine(period.first + timedelta(days=10), time(2), tzinfo=UTC))
    station = open_station(load_config(config_path), clock=clock)
    services.ensure_counters(station)
    for scores in SCORES:
        token = ticket_issue.issue_ticket(station, "lapor").ticket["token"]
        desk_actions.call_next(station, "loket-1", "budi")
        clock.advance(minutes=4)
        desk_actions.finish(station, "loket-1", "budi")
        citizen_actions.answer_survey(station, token, dict(zip(ELEMENTS, scores, strict=True)))
    followups.save(
        station,
        "sari",
        {
            "period": period.label,
            "element": "pengaduan",
            "action": "Kotak saran di lobi",
            "owner": "Kanit SPKT",
            "due": period.last.isoformat(),
        },
    )
    station.store.close()
    # The station believes a wall clock months after its last event only once confirmed.
    today = open_station(load_config(config_path))
    clock_trust.accept_clock(today, "sari")
    today.store.close()
