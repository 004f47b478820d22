"""`GET /healthz`: the station's health for monitors and the hall's staff, cheap and public.

200 while nothing needs a person now (warnings included), 503 when something does. The
answer carries only check names, levels and the plain-language notices (no addresses, paths
or secrets), and is reused for a few seconds however often it is asked for.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify
from flask.blueprints import BlueprintSetupState

from shared.operations.health import Monitor, Report

bp = Blueprint("healthz", __name__)


@bp.record_once
def _start_monitor(state: BlueprintSetupState) -> None:
    state.app.extensions["satupintu.health"] = Monitor(state.app.extensions["satupintu"])


def current_report() -> Report:
    """The station's latest health report (at most a few seconds old)."""
    monitor: Monitor = current_app.extensions["satupintu.health"]
    return monitor.report()


@bp.get("/healthz")
def healthz() -> tuple[Response, int]:
    report = current_report()
    response = jsonify(report.json())
    response.headers["Cache-Control"] = "no-store"
    return response, 503 if report.level == "problem" else 200
