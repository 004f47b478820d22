"""The heavy oversight reads themselves (reports, the dashboard's figures, the audit check),
by name: what the server's reads worker computes (`satupintu.worker`).

Only the worker, and `InlineReads` in tests and commands, import this module: the scorecard,
the evidence bundle and the PDFs stay out of the process that serves the hall.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from shared.application import audit, propam
from shared.application.reporting import evidence, reports, scorecard, scorecard_pdf
from shared.application.reporting.skm_pdf import skm_document
from shared.application.station import Station


def _report(station: Station, first: str, last: str, language: str) -> dict[str, Any]:
    period = reports.Period.parse(first, last, None, station.today())
    return reports.build_report(reports.station_source(station), period, language)


def _dashboard(station: Station) -> dict[str, Any]:
    source = reports.station_source(station)
    return {"figures": reports.dashboard_figures(source), "shift": reports.handover(source)}


def _handover(station: Station, previous: bool) -> dict[str, Any]:
    return reports.handover(reports.station_source(station), previous)


def _audit(station: Station) -> audit.Verdict:
    return audit.check_recent(station)


CALLS: dict[str, Callable[..., Any]] = {
    "report": _report,
    "skm_pdf": skm_document,
    "scorecard": scorecard.of_station,
    "scorecard_pdf": scorecard_pdf.document,
    "evidence": evidence.bundle,
    "dashboard": _dashboard,
    "handover": _handover,
    "audit": _audit,
    "propam": propam.overview,
}
