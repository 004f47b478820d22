"""HTTP plumbing of the central server: its state, the logged-in user, roles, JSON errors and
pages rendered with the stations' own design system (base template, tokens, scripts)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import wraps
from types import SimpleNamespace
from typing import Any, TypeVar
from urllib.parse import urlencode

from flask import Flask, Response, current_app, g, jsonify, render_template, request, url_for
from werkzeug.exceptions import HTTPException

from admin.formatting import format_clock, format_number
from central.config import CentralConfig
from central.store import CentralStore
from central.users import Role, User, session_user
from shared.clock import Clock
from shared.errors import (
    Forbidden,
    InvalidRequest,
    NotFound,
    PayloadTooLarge,
    SatuPintuError,
    Unauthorized,
)
from shared.i18n import LANGUAGES, Language, catalogue, pick_language, text
from shared.pages import local_date
from shared.web import UNSAFE_METHODS, error_json, origin_allowed

log = logging.getLogger(__name__)

SESSION_COOKIE = "satupintu_central_session"  # not the station's: a host may run both
View = TypeVar("View", bound=Callable[..., Any])
CATALOGUE = ("ui.central.", "ui.admin.", "ui.audit.", "ui.ikm.", "error.")


@dataclass
class Central:
    """The running central server: its config, database and clock, and the figures of today
    already computed for each station's copy (kept until the copy or the day changes)."""

    config: CentralConfig
    store: CentralStore
    clock: Clock
    today_cache: dict[str, tuple[tuple[Any, ...], Any]] = field(default_factory=dict)

    def now(self) -> datetime:
        return self.clock.now()


def central() -> Central:
    return current_app.extensions["satupintu.central"]


def language() -> Language:
    """The caller's language from Accept-Language, else central's."""
    return pick_language(request.headers.get("Accept-Language"), central().config.language)


def page_language() -> str:
    asked = request.args.get("lang")
    return asked if asked in LANGUAGES else central().config.language


def current_user() -> User | None:
    if "user" not in g:
        g.user = session_user(central().store, request.cookies.get(SESSION_COOKIE), central().now())
    return g.user


def require_role(role: Role) -> Callable[[View], View]:
    """An API route for users with at least `role`: 401 without a session, 403 below it."""

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


def render(
    template: str, status: int = 200, data: dict[str, Any] | None = None, **context: Any
) -> tuple[str, int]:
    """A central page, in the page's language, with the texts and data its scripts need."""
    config = central().config
    lang = page_language()
    other = "en" if lang == "id" else "id"
    user = current_user()
    page_data = {
        "language": lang,
        "timezone": config.timezone,
        "station": config.name,
        "catalogue": {
            key: entry
            for key, entry in catalogue().items()
            if key.startswith(("ui.common.", "ui.offline", *CATALOGUE))
        },
        "service_names": {},
        **(data or {}),
    }

    def translate(key: str, language: str | None = None, **params: Any) -> str:
        return text(key, language or lang, **params)

    page = render_template(
        f"central/{template}",
        station=SimpleNamespace(name=config.name),
        logo_url=url_for("static", filename="img/icon.svg"),
        lang=lang,
        other_lang=other,
        other_language_url=f"{request.path}?{urlencode({**request.args.to_dict(), 'lang': other})}",
        t=translate,
        date=lambda value, weekday=False: local_date(value, lang, weekday=weekday),
        num=lambda value, places=None: format_number(value, lang, places),
        clock=lambda iso: format_clock(iso, lang),
        user=user,
        is_admin=user is not None and user.role >= Role.ADMIN,
        page_data=page_data,
        **context,
    )
    return page, status


def page_for_viewers(view: View) -> View:
    """A page for any logged-in user; anonymous visitors get the login form (401)."""

    @wraps(view)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        if current_user() is None:
            return render("login.html", 401)
        return view(*args, **kwargs)

    return guarded  # type: ignore[return-value]


def check_origin() -> None:
    """Refuse a state-changing request whose Origin header names another site."""
    if request.method not in UNSAFE_METHODS or "Origin" not in request.headers:
        return
    if not origin_allowed(request.headers["Origin"], request.host, None):
        raise Forbidden("error.forbidden_origin")


def error_response(error: SatuPintuError) -> tuple[Response, int]:
    response = jsonify(error_json(error, language()))
    if "retry_after" in error.details:
        response.headers["Retry-After"] = str(error.details["retry_after"])
    return response, error.status


def _http_error(error: HTTPException) -> SatuPintuError:
    if error.code == 404:
        return NotFound("error.not_found_route")
    if error.code == 405:
        return InvalidRequest("error.method_not_allowed")
    if error.code == 413:
        limit = (current_app.config["MAX_CONTENT_LENGTH"] or 0) // 1024
        return PayloadTooLarge("error.too_large", limit=limit)
    return InvalidRequest("error.bad_request")


def register_error_handlers(app: Flask) -> None:
    """Every error under /api is the contract's JSON: domain errors, HTTP errors and crashes."""

    @app.errorhandler(SatuPintuError)
    def domain_error(error: SatuPintuError) -> tuple[Response, int]:
        return error_response(error)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Any:
        if not request.path.startswith("/api/") and error.code in (404, 405):
            return error
        response, _ = error_response(_http_error(error))
        status = error.code if error.code and 400 <= error.code < 500 else 400
        return response, status

    @app.errorhandler(Exception)
    def crash(error: Exception) -> tuple[Response, int]:
        log.exception("unhandled error on %s %s", request.method, request.path)
        message = text("error.internal", language())
        return jsonify({"error": {"code": "internal", "message": message}}), 500
