"""create_app: the one place that wires config, store, printers, HTTP routes and Socket.IO."""

from __future__ import annotations

from typing import Literal

from flask import Flask

from satupintu.opening import open_station
from satupintu.worker import InlineReads, Reads, WorkerReads
from shared.application import services, standards, ticket_printing
from shared.application.clientaddress import ForwardedFrom, TrustedProxies
from shared.application.printing import Printing
from shared.domain.clock import Clock
from shared.domain.config import Config
from shared.operations.speech import station_speech
from shared.operations.speech_ahead import SpeechAhead
from shared.web.limits import apply_rate_limits
from shared.web.pages import latest_skm, render_page
from shared.web.web import (
    add_security_headers,
    check_origin,
    new_app,
    register_error_handlers,
    renew_device_cookie,
)


def create_app(
    config: Config,
    *,
    clock: Clock | None = None,
    printers: Printing | None = None,
    async_mode: Literal["threading", "gevent"] = "threading",
    reads: Reads | None = None,
) -> Flask:
    """Build the app for one station; `clock` and `printers` may be replaced in tests, and
    `reads` given (`satupintu serve` forks its reads worker before the app is built).

    `async_mode` is always explicit (Flask-SocketIO would otherwise pick gevent merely because
    it is installed): `satupintu serve` runs on gevent, tests and commands use threads.
    """
    import board.sockets  # noqa: F401 (each surface registers its socket events)
    import counter.sockets  # noqa: F401
    import kiosk.sockets  # noqa: F401
    import shared.operations.queue_alerts
    import shared.operations.sms_health  # noqa: F401
    from admin.routes import bp as admin_bp
    from admin.survey_desk import bp as survey_desk_bp
    from board.routes import bp as board_bp
    from counter.routes import bp as counter_bp
    from kiosk.bookings import bp as booking_bp
    from kiosk.enrol import bp as enrol_bp
    from kiosk.greeter import bp as greeter_bp
    from kiosk.routes import bp as kiosk_bp
    from kiosk.voice_menu import bp as voice_menu_bp
    from shared.web.api_docs import bp as api_docs_bp
    from shared.web.auth import bp as auth_bp
    from shared.web.healthz import bp as healthz_bp
    from shared.web.pages import bp as pages_bp
    from shared.web.realtime import init_realtime

    app = new_app(__name__)
    app.config["MAX_CONTENT_LENGTH"] = config.limits.max_request_kb * 1024
    app.config["JSON_SORT_KEYS"] = False
    app.json.sort_keys = False  # type: ignore[attr-defined]
    the_station = open_station(config, clock=clock, printers=printers)
    app.extensions["satupintu"] = the_station
    app.extensions["satupintu.speech"] = station_speech(config)
    services.ensure_counters(the_station)
    ticket_printing.restore_printer_health(the_station)
    standards.record_publication(the_station)

    app.before_request(check_origin)
    app.after_request(add_security_headers)
    app.after_request(renew_device_cookie)
    register_error_handlers(app)
    for blueprint in (
        auth_bp,
        api_docs_bp,
        kiosk_bp,
        voice_menu_bp,
        booking_bp,
        enrol_bp,
        counter_bp,
        board_bp,
        admin_bp,
        survey_desk_bp,
        greeter_bp,
        pages_bp,
        healthz_bp,
    ):
        app.register_blueprint(blueprint)
    apply_rate_limits(app, config)
    dispatcher = init_realtime(app, the_station, async_mode)
    ahead = SpeechAhead(the_station, app.extensions["satupintu.speech"])
    app.extensions["satupintu.speech_ahead"] = ahead
    dispatcher.listeners.append(ahead.changed)
    app.extensions["satupintu.reads"] = reads or (
        WorkerReads(config) if async_mode == "gevent" else InlineReads(the_station)
    )
    app.wsgi_app = ForwardedFrom(app.wsgi_app, TrustedProxies(config.trusted_proxies))  # type: ignore[method-assign]

    @app.get("/")
    def index() -> str:
        return render_page("index.html", skm=latest_skm())

    return app
