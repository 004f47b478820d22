"""create_central_app: the central oversight server's Flask app, on the stations' design system.

The app serves the core's templates and static files (`shared/`: base template, tokens,
scripts, vendored axe-core) and the oversight pages' stylesheet and login script (`admin/`),
so central looks and behaves like a station's own oversight pages.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Flask

from central.config import CentralConfig
from central.store import CentralStore
from central.web import Central, check_origin, language
from shared import wire
from shared.clock import Clock, SystemClock
from shared.web import add_security_headers, register_error_handlers

ADMIN = Path(__file__).resolve().parent.parent / "admin"


def create_central_app(
    config: CentralConfig, *, clock: Clock | None = None, store: CentralStore | None = None
) -> Flask:
    """The central server for a config (its database created or migrated first)."""
    from central.routes import bp

    app = Flask("shared")
    app.config["MAX_CONTENT_LENGTH"] = wire.MAX_BATCH_BYTES
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.extensions["satupintu.central"] = Central(
        config=config,
        store=store or CentralStore(config.database_url),
        clock=clock or SystemClock(),
    )
    app.before_request(check_origin)
    app.after_request(add_security_headers)
    register_error_handlers(app, language)
    oversight = Blueprint(
        "oversight",
        "admin",
        template_folder=str(ADMIN / "templates"),
        static_folder=str(ADMIN / "static"),
        static_url_path="/admin/static",
    )
    app.register_blueprint(oversight)
    app.register_blueprint(bp)
    return app
