"""Login, logout and role checks for HTTP: a server-side session behind an HttpOnly cookie."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import Blueprint, Response, g, jsonify, request

from shared import users
from shared.errors import Forbidden, Unauthorized
from shared.limits import rate_limited
from shared.users import Role, User
from shared.web import json_body, station

SESSION_COOKIE = "satupintu_session"

bp = Blueprint("auth", __name__)
View = TypeVar("View", bound=Callable[..., Any])


def current_user() -> User | None:
    """The logged-in user of this request, looked up once per request."""
    if "user" not in g:
        g.user = users.session_user(station(), request.cookies.get(SESSION_COOKIE))
    return g.user


def require_role(role: Role) -> Callable[[View], View]:
    """Allow a view only to users with at least `role`: 401 without a session, 403 below it."""

    def decorate(view: View) -> View:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            user = current_user()
            if user is None:
                raise Unauthorized("error.unauthorized")
            if user.role < role:
                raise Forbidden("error.forbidden_role")
            return view(*args, **kwargs)

        return guarded  # type: ignore[return-value]

    return decorate


@bp.post("/api/login")
@rate_limited(lambda limits: limits.logins_per_minute)
def login() -> Response:
    """A new session each time: the session this browser held before is revoked."""
    body = json_body()
    user, token = users.log_in(station(), body.get("username"), body.get("password"))
    users.log_out(station(), request.cookies.get(SESSION_COOKIE))
    response = jsonify({"user": user.json()})
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=station().config.session_hours * 3600,
        httponly=True,
        samesite="Strict",
        secure=request.is_secure,
    )
    return response


@bp.post("/api/logout")
def logout() -> Response:
    users.log_out(station(), request.cookies.get(SESSION_COOKIE))
    response = jsonify({"ok": True})
    response.delete_cookie(SESSION_COOKIE, httponly=True, samesite="Strict")
    return response


@bp.get("/api/me")
def me() -> Response:
    user = current_user()
    if user is None:
        raise Unauthorized("error.unauthorized")
    return jsonify({"user": user.json()})
