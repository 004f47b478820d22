"""The login of the station and of central: `POST /api/login`, `POST /api/logout` and
`GET /api/me`, and the logged-in user of a request, over either server's `SessionStore`."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from flask import Blueprint, Response, g, jsonify, request

from shared.application import sessions
from shared.application.sessions import SessionStore
from shared.domain.errors import Unauthorized
from shared.web.web import clear_session_cookie, json_body, set_session_cookie

U = TypeVar("U")
View = TypeVar("View", bound=Callable[..., Any])

logger = logging.getLogger(__name__)


def _nothing(user: Any) -> bool:
    return False


def _unlimited(view: View) -> View:
    return view


@dataclass(frozen=True)
class Login(Generic[U]):
    """A server's login: its store, session cookie and session length, how its users are
    shown, and what it does on seeing a user log in or ask who they are (`seen`: whether that
    moved the server's time, as a staff device's clock confirming the station's does)."""

    store: Callable[[], SessionStore[U]]
    cookie: str
    hours: Callable[[], int]
    user_json: Callable[[U], dict[str, Any]]
    seen: Callable[[U], bool] = _nothing

    def current_user(self) -> U | None:
        """The logged-in user of this request, looked up once per request."""
        if "user" not in g:
            g.user = sessions.session_user(self.store(), request.cookies.get(self.cookie))
        return g.user

    def blueprint(self, name: str, limit: Callable[[View], View] = _unlimited) -> Blueprint:
        """The login routes, the login view wrapped in `limit` (the station's rate limit)."""
        bp = Blueprint(name, __name__)

        @bp.post("/api/login")
        @limit
        def login() -> Response:
            """A new session each time: the session this browser held before is revoked."""
            body = json_body()
            store = self.store()
            try:
                user, token = sessions.log_in(
                    store, body.get("username"), body.get("password"), self.hours()
                )
            except Unauthorized:
                logger.warning(
                    "failed login as %.64r from %s", body.get("username"), request.remote_addr
                )
                raise
            sessions.log_out(store, request.cookies.get(self.cookie))
            if self.seen(user):  # the time moved: a session that lasts from the new time
                sessions.log_out(store, token)
                user, token = sessions.log_in(
                    store, body.get("username"), body.get("password"), self.hours()
                )
            response = jsonify({"user": self.user_json(user)})
            set_session_cookie(response, self.cookie, token, self.hours())
            return response

        @bp.post("/api/logout")
        def logout() -> Response:
            sessions.log_out(self.store(), request.cookies.get(self.cookie))
            response = jsonify({"ok": True})
            clear_session_cookie(response, self.cookie)
            return response

        @bp.get("/api/me")
        def me() -> Response:
            user = self.current_user()
            if user is None:
                raise Unauthorized("error.unauthorized")
            self.seen(user)
            return jsonify({"user": self.user_json(user)})

        return bp
