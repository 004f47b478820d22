"""create_central_app: the central oversight server's Flask app, on the stations' design system.

The app serves the core's templates and static files (`shared/`: base template, tokens,
scripts, the oversight stylesheet and login script, the report partials, vendored axe-core),
so central looks and behaves like a station's own oversight pages; its own pages are in
`central/templates`.
"""

from __future__ import annotations

from flask import Flask

from central.builders import Builders
from central.config import CentralConfig
from central.store import CentralStore
from central.web import LOGIN, Central, check_origin, language
from shared.domain import wire
from shared.domain.clock import Clock, SystemClock
from shared.web.web import add_security_headers, new_app, register_error_handlers


def create_central_app(
    config: CentralConfig, *, clock: Clock | None = None, store: CentralStore | None = None
) -> Flask:
    """The central server for a config (its database created or migrated first)."""
    from central.routes import bp

    app = new_app(__name__)
    app.config["MAX_CONTENT_LENGTH"] = wire.MAX_BATCH_BYTES
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.extensions["satupintu.central"] = Central(
        config=config,
        store=store or CentralStore(config.database_url),
        clock=clock or SystemClock(),
        builders=Builders(config.database_url),
    )
    app.before_request(check_origin)
    app.after_request(add_security_headers)
    register_error_handlers(app, language)
    app.register_blueprint(LOGIN.blueprint("login"))
    app.register_blueprint(bp)
    return app
