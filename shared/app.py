"""create_app: the one place that wires config, store, printers, HTTP routes and Socket.IO."""

from __future__ import annotations

from typing import Literal

from flask import Flask, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

from printer import Printers
from shared import services
from shared.clock import Clock
from shared.config import Config
from shared.pages import render_page
from shared.station import Station
from shared.web import add_security_headers, check_origin, register_error_handlers


def _named_kiosk() -> str | None:
    """The kiosk a ticket request names (the per-address limit still covers made-up ids)."""
    body = request.get_json(silent=True, force=True)
    kiosk = body.get("kiosk") if isinstance(body, dict) else None
    return kiosk if isinstance(kiosk, str) else None


def _limits(app: Flask, config: Config) -> None:
    """Rate limits on issuing (per address and per kiosk) and on logging in; 0 turns one off."""
    limits = config.limits
    rules = [
        ("kiosk.issue_ticket", limits.tickets_per_minute, get_remote_address, None),
        (
            "kiosk.issue_ticket",
            limits.tickets_per_kiosk_per_minute,
            lambda: f"kiosk:{_named_kiosk()}",
            lambda: _named_kiosk() is None,
        ),
        ("auth.login", limits.logins_per_minute, get_remote_address, None),
    ]
    rules = [rule for rule in rules if rule[1]]
    if not rules:
        return
    limiter = Limiter(
        get_remote_address,
        app=app,
        storage_uri=config.message_queue or "memory://",
        headers_enabled=True,
    )
    for endpoint, per_minute, key, exempt in rules:
        limit = limiter.limit(f"{per_minute}/minute", key_func=key, exempt_when=exempt)
        app.view_functions[endpoint] = limit(app.view_functions[endpoint])


def create_app(
    config: Config,
    *,
    clock: Clock | None = None,
    printers: Printers | None = None,
    async_mode: Literal["threading", "gevent"] = "threading",
) -> Flask:
    """Build the app for one station; `clock` and `printers` may be replaced in tests.

    `async_mode` is always explicit (Flask-SocketIO would otherwise pick gevent merely because
    it is installed): `satupintu serve` runs on gevent, tests and commands use threads.
    """
    import counter.sockets  # noqa: F401 (registers the officers' socket events)
    from admin.routes import bp as admin_bp
    from admin.survey_desk import bp as survey_desk_bp
    from board.routes import bp as board_bp
    from counter.routes import bp as counter_bp
    from kiosk.routes import bp as kiosk_bp
    from shared.api_docs import bp as api_docs_bp
    from shared.auth import bp as auth_bp
    from shared.pages import bp as pages_bp
    from shared.realtime import init_realtime

    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = config.limits.max_request_kb * 1024
    app.config["JSON_SORT_KEYS"] = False
    app.json.sort_keys = False  # type: ignore[attr-defined]
    the_station = Station.open(config, clock=clock, printers=printers)
    app.extensions["satupintu"] = the_station
    services.ensure_counters(the_station)

    app.before_request(check_origin)
    app.after_request(add_security_headers)
    register_error_handlers(app)
    for blueprint in (
        auth_bp,
        api_docs_bp,
        kiosk_bp,
        counter_bp,
        board_bp,
        admin_bp,
        survey_desk_bp,
        pages_bp,
    ):
        app.register_blueprint(blueprint)
    _limits(app, config)
    init_realtime(app, the_station, async_mode)

    @app.get("/")
    def index() -> str:
        return render_page("index.html")

    return app
