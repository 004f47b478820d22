"""HTTP plumbing every blueprint shares: the station, JSON bodies, JSON errors, the Origin check,
and what the station and central both need: the role guard and the session cookie."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, Protocol, TypeVar
from urllib.parse import urlsplit

from flask import Flask, Response, current_app, g, jsonify, request
from werkzeug.exceptions import HTTPException

from shared.application.devices import (
    CREDENTIAL_DAYS,
    DEVICE_COOKIE,
    PHONE_COOKIE,
    Device,
    identify,
)
from shared.application.station import Station
from shared.domain.errors import (
    Forbidden,
    InvalidRequest,
    NotFound,
    PayloadTooLarge,
    RateLimited,
    SatuPintuError,
    Unauthorized,
)
from shared.domain.i18n import Language, pick_language, text
from shared.operations.speech import Speech
from shared.operations.speech_ahead import SpeechAhead

logger = logging.getLogger(__name__)

CORE = Path(__file__).resolve().parent.parent

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# Where the client reached this server, (ip, port): set by the server `satupintu serve` runs.
LOCAL_ADDRESS = "satupintu.local_address"
SECURITY_HEADERS = {
    # No inline scripts or styles anywhere: page data travels in <script type="application/json">.
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "media-src 'self' blob: data:; connect-src 'self'; font-src 'self'; object-src 'none'; "
        "base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    # Ticket tokens are in status-page URLs: never leak them to other sites.
    "Referrer-Policy": "no-referrer",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


def station() -> Station:
    """The station this app serves (set by create_app)."""
    return current_app.extensions["satupintu"]


def speech() -> Speech:
    """The station's voice (`shared.operations.speech`), made by the app factory."""
    return current_app.extensions["satupintu.speech"]


def speech_ahead() -> SpeechAhead:
    """What renders the next calls' audio ahead of them (`shared.operations.speech_ahead`)."""
    return current_app.extensions["satupintu.speech_ahead"]


def device() -> Device:
    """The device behind this request (looked up once per request)."""
    if "device" not in g:
        g.device = identify(
            station(),
            request.remote_addr or "",
            request.cookies.get(DEVICE_COOKIE),
            request.cookies.get(PHONE_COOKIE),
        )
    return g.device


def public_base() -> str:
    """Where phones reach this server, for links in QR codes: `public_url`, else the address
    this request reached the server at; never the request's Host header, which any client on
    the Wi-Fi can make up."""
    config = station().config
    if config.public_url:
        return config.public_url.rstrip("/")
    host, port = request.environ.get(LOCAL_ADDRESS) or (
        request.environ.get("SERVER_NAME", "localhost"),
        int(request.environ.get("SERVER_PORT") or 80),
    )
    scheme = request.scheme
    shown = f"[{host}]" if ":" in host else host
    default = {"http": 80, "https": 443}.get(scheme)
    return f"{scheme}://{shown}" if int(port) == default else f"{scheme}://{shown}:{port}"


def language() -> Language:
    """The caller's language from Accept-Language, else the station's."""
    return pick_language(request.headers.get("Accept-Language"), station().config.language)


def error_json(error: SatuPintuError, lang: str) -> dict[str, Any]:
    """The contract's error object, with the message in the caller's language."""
    message = text(error.message_key, lang, **error.params)
    return {"error": {"code": error.code, "message": message, **error.details}}


def error_response(error: SatuPintuError, lang: Language) -> tuple[Response, int]:
    response = jsonify(error_json(error, lang))
    if "retry_after" in error.details:
        response.headers["Retry-After"] = str(error.details["retry_after"])
    return response, error.status


Asked = TypeVar("Asked")


def asked_or_fallback(
    asked: Callable[[], Asked], fallback: Callable[[], Asked], lang: str
) -> tuple[Asked, str | None]:
    """What a page's query asks for, or, when it asks for what cannot be shown, the page's
    default and why (in `lang`); the page shows the reason and answers 400."""
    try:
        return asked(), None
    except InvalidRequest as error:
        return fallback(), text(error.message_key, lang, **error.params)


def set_session_cookie(response: Response, name: str, token: str, hours: int) -> None:
    """A login's session cookie: HttpOnly, same-site only, Secure behind HTTPS."""
    response.set_cookie(
        name, token, max_age=hours * 3600, httponly=True, samesite="Strict",
        secure=request.is_secure,
    )  # fmt: skip


def set_device_cookie(response: Response, credential: str) -> None:
    """An enrolled device's credential: HttpOnly, same-site only, ending with the credential."""
    response.set_cookie(
        DEVICE_COOKIE, credential, max_age=CREDENTIAL_DAYS * 86400, httponly=True,
        samesite="Strict", secure=request.is_secure,
    )  # fmt: skip


def renew_device_cookie(response: Response) -> Response:
    """When this request renewed the device's credential, its cookie lasts as long again."""
    if "device" in g and g.device.renewed and (credential := request.cookies.get(DEVICE_COOKIE)):
        set_device_cookie(response, credential)
    return response


def clear_session_cookie(response: Response, name: str) -> None:
    response.delete_cookie(name, httponly=True, samesite="Strict")


def json_body() -> dict[str, Any]:
    """The request's JSON object, or InvalidRequest for anything else (empty body = {})."""
    if not request.get_data(cache=True):
        return {}
    try:
        body = request.get_json(silent=True, force=True)
    except RecursionError:  # JSON nested deeper than Python parses
        raise InvalidRequest("error.invalid_json") from None
    if body is None:
        raise InvalidRequest("error.invalid_json")
    if not isinstance(body, dict):
        raise InvalidRequest("error.body_object")
    return body


def origin_allowed(origin: str | None, host: str, public_url: str | None) -> bool:
    """Whether a browser Origin is this server itself (by Host) or the configured public_url."""
    if not origin:
        return False
    netloc = urlsplit(origin).netloc
    return netloc == host or (public_url is not None and netloc == urlsplit(public_url).netloc)


def refuse_foreign_origin(public_url: str | None) -> None:
    """Refuse a state-changing request whose Origin header names another site."""
    if request.method not in UNSAFE_METHODS or "Origin" not in request.headers:
        return
    if not origin_allowed(request.headers["Origin"], request.host, public_url):
        raise Forbidden("error.forbidden_origin")


def check_origin() -> None:
    """The station's Origin check: this server itself or its `public_url`."""
    refuse_foreign_origin(station().config.public_url)


class HasRole(Protocol):
    @property
    def role(self) -> Any: ...


View = TypeVar("View", bound=Callable[..., Any])


def role_guard(
    current_user: Callable[[], HasRole | None],
) -> Callable[[Any], Callable[[View], View]]:
    """`require_role(role)` for a server's own users (the station's or central's): an API
    route for users whose role may do what `role` may (`Roles.may`), 401 without a session,
    403 otherwise."""

    def require_role(role: Any) -> Callable[[View], View]:
        def decorate(view: View) -> View:
            @wraps(view)
            def guarded(*args: Any, **kwargs: Any) -> Any:
                user = current_user()
                if user is None:
                    raise Unauthorized("error.unauthorized")
                if not user.role.may(role):
                    raise Forbidden("error.forbidden_role")
                return view(*args, **kwargs)

            return guarded  # type: ignore[return-value]

        return decorate

    return require_role


# Answers no browser or proxy may keep: the API's live data, and the oversight pages, so that
# after logging out the Back button shows nothing of what a supervisor saw.
UNCACHED_PREFIXES = ("/api/", "/admin")


def new_app(name: str) -> Flask:
    """A Flask app named after itself (the station's or central's) that serves the core's
    templates/ and static/ (base template, tokens, scripts, the report partials) as its own."""
    return Flask(name, template_folder=str(CORE / "templates"), static_folder=str(CORE / "static"))


def add_security_headers(response: Response) -> Response:
    """Each of SECURITY_HEADERS the response does not set itself (checked by name against one
    set: a miss in werkzeug's `Headers` costs an exception)."""
    present = set(response.headers.keys(lower=True))
    for name, value in SECURITY_HEADERS.items():
        if name.lower() not in present:
            response.headers.add(name, value)
    if request.path.startswith(UNCACHED_PREFIXES) and not request.path.startswith("/admin/static/"):
        response.headers["Cache-Control"] = "no-store"
    return response


def _http_error(error: HTTPException) -> SatuPintuError:
    if error.code == 404:
        return NotFound("error.not_found_route")
    if error.code == 405:
        return InvalidRequest("error.method_not_allowed")
    if error.code == 413:
        limit = (current_app.config["MAX_CONTENT_LENGTH"] or 0) // 1024
        return PayloadTooLarge("error.too_large", limit=limit)
    if error.code == 429:
        return RateLimited("error.rate_limited")
    return InvalidRequest("error.bad_request")


def register_error_handlers(app: Flask, caller_language: Callable[[], Language] = language) -> None:
    """Every error under /api is JSON: domain errors, HTTP errors and crashes alike, each
    message in `caller_language()` (the station's `language`, or central's)."""

    @app.errorhandler(SatuPintuError)
    def domain_error(error: SatuPintuError) -> tuple[Response, int]:
        return error_response(error, caller_language())

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Any:
        if not request.path.startswith("/api/") and error.code in (404, 405):
            return error
        translated = _http_error(error)
        response, _ = error_response(translated, caller_language())
        status = error.code if error.code and 400 <= error.code < 500 else translated.status
        if error.code == 405 and isinstance(error.valid_methods, list | tuple):
            response.headers["Allow"] = ", ".join(error.valid_methods)
        return response, status

    @app.errorhandler(Exception)
    def crash(error: Exception) -> tuple[Response, int]:
        logger.exception("unhandled error on %s %s", request.method, request.path)
        message = text("error.internal", caller_language())
        return jsonify({"error": {"code": "internal", "message": message}}), 500
