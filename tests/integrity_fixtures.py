"""A station where Propam has something to see: at loket-1 budi finished three services far
under their 10-minute minimum, each scored 1 by its citizen with integrity "yes" answers; at
loket-3 ani called three numbers out of turn within minutes. For browser tests and the
README's screenshots."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from satupintu.app import open_station
from shared.application import citizen_actions, desk_actions, services, ticket_issue
from shared.domain.config import load_config
from tests.helpers import BASE_CONFIG

# The test station's services, "Laporan" taking at least 10 minutes.
SERVICES: list[dict[str, Any]] = [
    {**service, "min_minutes": 10} if service["id"] == "lapor" else service
    for service in BASE_CONFIG["services"]
]
INTEGRITY = (
    {"extra_fee": "yes", "broker": "yes", "gift": "no", "unequal": "no"},
    {"extra_fee": "yes", "broker": "no"},
    {"extra_fee": "no", "gift": "yes"},
)


def seed(config_path: Path) -> None:
    """The morning above, written before the server starts (with the real clock)."""
    station = open_station(load_config(config_path))
    services.ensure_counters(station)
    for integrity in INTEGRITY:
        token = ticket_issue.issue_ticket(station, "lapor").ticket["token"]
        desk_actions.call_next(station, "loket-1", "budi")
        desk_actions.finish(station, "loket-1", "budi")
        citizen_actions.answer_survey(station, token, {"kepuasan": 1}, integrity=integrity)
    numbers = [ticket_issue.issue_ticket(station, "lantas").ticket["number"] for _ in range(4)]
    for number in reversed(numbers[1:]):
        desk_actions.call_number(station, "loket-3", number, "Kenalan", "ani")
    station.store.close()
