"""create_app: the one place that wires config, store, printers, HTTP routes and Socket.IO."""

from __future__ import annotations

from flask import Flask
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

from printer import Printers
from shared import services
from shared.clock import Clock
from shared.config import Config
from shared.pages import render_page
from shared.station import Station
from shared.web import add_security_headers, check_origin, register_error_handlers


def _limits(app: Flask, config: Config) -> None:
    """Per-address limits on issuing tickets and logging in; 0 in config turns one off."""
    limits = config.limits
    per_endpoint = {
        "kiosk.issue_ticket": limits.tickets_per_minute,
        "auth.login": limits.logins_per_minute,
    }
    if not any(per_endpoint.values()):
        return
    limiter = Limiter(
        get_remote_address,
        app=app,
        storage_uri=config.message_queue or "memory://",
        headers_enabled=True,
    )
    for endpoint, per_minute in per_endpoint.items():
        if per_minute:
            view = app.view_functions[endpoint]
            app.view_functions[endpoint] = limiter.limit(f"{per_minute}/minute")(view)


def create_app(
    config: Config,
    *,
    clock: Clock | None = None,
    printers: Printers | None = None,
) -> Flask:
    """Build the app for one station; `clock` and `printers` may be replaced in tests."""
    import counter.sockets  # noqa: F401 (registers the officers' socket events)
    from board.routes import bp as board_bp
    from counter.routes import bp as counter_bp
    from kiosk.routes import bp as kiosk_bp
    from shared.auth import bp as auth_bp
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
    for blueprint in (auth_bp, kiosk_bp, counter_bp, board_bp):
        app.register_blueprint(blueprint)
    _limits(app, config)
    init_realtime(app, the_station)

    @app.get("/")
    def index() -> str:
        return render_page("index.html")

    return app
