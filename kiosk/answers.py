"""Which kiosk a check-in at a kiosk (a booking's, a carried ticket's) prints at."""

from __future__ import annotations

from shared.application.devices import may_issue
from shared.domain.errors import Forbidden
from shared.web.web import device, json_body, station


def check_in_kiosk() -> str | None:
    """The kiosk a check-in (a booking's, a carried ticket's) prints at: the one the body
    names when the station's own kiosk asks, else the asking device's; a phone is refused."""
    named = json_body().get("kiosk")
    asking = device()
    issuing = may_issue(station().config, asking, named if isinstance(named, str) else None, False)
    if issuing.phone:
        raise Forbidden("error.not_a_kiosk")
    return named if asking.own else issuing.kiosk
