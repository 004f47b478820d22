"""The station's login (`shared.web.login` over its SQLite store, with its rate limit, and staff
devices' clocks confirming the server's), its role checks and the limit of public reads."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import request

from shared.application import clock_trust
from shared.application.users import StationSessions, User
from shared.web.limits import rate_limited
from shared.web.login import Login
from shared.web.web import device, role_guard, station

SESSION_COOKIE = "satupintu_session"
# Staff pages send their device's clock (milliseconds since 1970, UTC) with every request: a
# server clock the station did not believe is confirmed when a staff device agrees with it.
CLIENT_CLOCK_HEADER = "X-Client-Clock"


def _user_json(user: User) -> dict[str, Any]:
    """The user, with the counters they may see and act at (the console offers only those)."""
    config = station().config
    counters = [c.id for c in config.counters if user.may_act_at(config, c.id)]
    return {**user.json(), "counters": counters}


def _confirm_clock(user: User) -> bool:
    """A staff device's clock, if it sent one, may confirm a server clock not yet believed;
    whether it did."""
    if station().time.jump is None:
        return False
    device_time = _client_clock(request.headers.get(CLIENT_CLOCK_HEADER))
    return device_time is not None and clock_trust.confirm_clock_by_device(
        station(), user.username, device_time
    )


LOGIN = Login(
    store=lambda: StationSessions(station()),
    cookie=SESSION_COOKIE,
    hours=lambda: station().config.session_hours,
    user_json=_user_json,
    seen=_confirm_clock,
)
current_user = LOGIN.current_user
bp = LOGIN.blueprint("auth", limit=rate_limited(lambda limits: limits.logins_per_minute))
require_role = role_guard(current_user)


def _hall_or_staff() -> bool:
    """The server's own machine, a kiosk, or a logged-in user: never limited on reads."""
    return device().is_kiosk or current_user() is not None


# A read anyone on the Wi-Fi may make: `limits.public_reads_per_minute` per address. Boards
# follow the socket and phones poll seldom; a client that reads much faster is refused.
public_read = rate_limited(
    lambda limits: limits.public_reads_per_minute, exempt=_hall_or_staff, scope="public_reads"
)


def _client_clock(text: str | None) -> datetime | None:
    """The device's clock as sent, or None: it is advice, and a value that is not one is
    ignored."""
    if text is None or not text.isdigit() or len(text) > 15:
        return None
    return datetime.fromtimestamp(int(text) / 1000, UTC)
