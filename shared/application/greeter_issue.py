"""A greeter's tablet issues a ticket on a citizen's behalf: any service, with priority and a
need, printed at the greeter's kiosk's printer (the station's default printer when it names
none) or handed over by voice (not printed; the tablet says the number). The log names the
greeter as the actor."""

from __future__ import annotations

from typing import Any

from shared.application.station import Station
from shared.application.ticket_issue import issue_ticket
from shared.application.ticket_printing import Issued
from shared.domain.config import Greeter
from shared.domain.errors import InvalidRequest, NotFound

HANDOVERS = ("print", "voice")


def greeter_of(station: Station, greeter_id: str) -> Greeter:
    """A greeter the configuration knows (NotFound otherwise)."""
    greeter = station.config.greeter_by_id.get(greeter_id)
    if greeter is None:
        raise NotFound("error.unknown_greeter", greeter=greeter_id[:40])
    return greeter


def greeter_actor(greeter_id: str) -> str:
    """Who the log says issued a greeter's ticket."""
    return f"greeter:{greeter_id}"


def issue_for_citizen(
    station: Station,
    greeter_id: str,
    body: dict[str, Any],
    *,
    idempotency_key: str | None,
    public_base: str,
) -> Issued:
    """`{"service", "priority"?, "need"?, "handover": "print" | "voice"}` as the greeter."""
    greeter = greeter_of(station, greeter_id)
    handover = body.get("handover")
    if handover not in HANDOVERS:
        raise InvalidRequest("error.handover")
    return issue_ticket(
        station,
        body.get("service"),
        priority=body.get("priority", False),
        kiosk_id=greeter.kiosk,
        idempotency_key=idempotency_key,
        public_base=public_base,
        need=body.get("need"),
        actor=greeter_actor(greeter.id),
        printed=handover == "print",
    )
