"""Login, logout and role checks for HTTP: a server-side session behind an HttpOnly cookie."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, Response, g, jsonify, request

from shared import services, users
from shared.errors import Unauthorized
from shared.limits import rate_limited
from shared.users import User
from shared.web import (
    clear_session_cookie,
    device,
    json_body,
    role_guard,
    set_session_cookie,
    station,
)

SESSION_COOKIE = "satupintu_session"
# Staff pages send their device's clock (milliseconds since 1970, UTC) with every request: a
# server clock the station did not believe is confirmed when a staff device agrees with it.
CLIENT_CLOCK_HEADER = "X-Client-Clock"

log = logging.getLogger(__name__)

bp = Blueprint("auth", __name__)


def current_user() -> User | None:
    """The logged-in user of this request, looked up once per request."""
    if "user" not in g:
        g.user = users.session_user(station(), request.cookies.get(SESSION_COOKIE))
    return g.user


require_role = role_guard(current_user)


def _hall_or_staff() -> bool:
    """The server's own machine, a kiosk, or a logged-in user: never limited on reads."""
    return device().is_kiosk or current_user() is not None


# A read anyone on the Wi-Fi may make: `limits.public_reads_per_minute` per address. Boards
# follow the socket and phones poll seldom; a client that reads much faster is refused.
public_read = rate_limited(
    lambda limits: limits.public_reads_per_minute, exempt=_hall_or_staff, scope="public_reads"
)


@bp.post("/api/login")
@rate_limited(lambda limits: limits.logins_per_minute)
def login() -> Response:
    """A new session each time: the session this browser held before is revoked."""
    body = json_body()
    try:
        user, token = users.log_in(station(), body.get("username"), body.get("password"))
    except Unauthorized:
        log.warning("failed login as %.64r from %s", body.get("username"), request.remote_addr)
        raise
    users.log_out(station(), request.cookies.get(SESSION_COOKIE))
    _confirm_clock(user)
    response = jsonify({"user": _user_json(user)})
    set_session_cookie(response, SESSION_COOKIE, token, station().config.session_hours)
    return response


@bp.post("/api/logout")
def logout() -> Response:
    users.log_out(station(), request.cookies.get(SESSION_COOKIE))
    response = jsonify({"ok": True})
    clear_session_cookie(response, SESSION_COOKIE)
    return response


@bp.get("/api/me")
def me() -> Response:
    user = current_user()
    if user is None:
        raise Unauthorized("error.unauthorized")
    _confirm_clock(user)
    return jsonify({"user": _user_json(user)})


def _user_json(user: User) -> dict[str, Any]:
    """The user, with the counters they may see and act at (the console offers only those)."""
    config = station().config
    counters = [c.id for c in config.counters if user.may_act_at(config, c.id)]
    return {**user.json(), "counters": counters}


def _confirm_clock(user: User) -> None:
    """A staff device's clock, if it sent one, may confirm a server clock not yet believed."""
    if station().time.jump is None:
        return
    device_time = _client_clock(request.headers.get(CLIENT_CLOCK_HEADER))
    if device_time is not None:
        services.confirm_clock_by_device(station(), user.username, device_time)


def _client_clock(text: str | None) -> datetime | None:
    """The device's clock as sent, or None: it is advice, and a value that is not one is
    ignored."""
    if text is None or not text.isdigit() or len(text) > 15:
        return None
    return datetime.fromtimestamp(int(text) / 1000, UTC)
