"""The heavy oversight reads themselves (reports, the dashboard's figures, the audit check),
by name: what the server's reads worker computes (`satupintu.worker`).

Only the worker, and `InlineReads` in tests and commands, import this module: the scorecard,
the evidence bundle and the PDFs stay out of the process that serves the hall. Each read
imports its library when it is first asked for, so an idle worker (the audit check every
minute) holds none of the reports' code.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from shared.application.audit import Verdict
    from shared.application.station import Station


def _report(station: Station, first: str, last: str, language: str) -> dict[str, Any]:
    from shared.application.reporting import reports

    period = reports.Period.parse(first, last, None, station.today())
    return reports.build_report(reports.station_source(station), period, language)


def _skm_pdf(station: Station, label: str) -> bytes:
    from shared.application.reporting.skm_pdf import skm_document

    return skm_document(station, label)


def _scorecard(station: Station, label: str | None, language: str | None) -> dict[str, Any]:
    from shared.application.reporting import scorecard

    return scorecard.of_station(station, label, language)


def _scorecard_pdf(station: Station, label: str | None, language: str | None) -> bytes:
    from shared.application.reporting import scorecard_pdf

    return scorecard_pdf.document(station, label, language)


def _evidence(station: Station, label: str) -> bytes:
    from shared.application.reporting import evidence

    return evidence.bundle(station, label)


def _dashboard(station: Station) -> dict[str, Any]:
    from shared.application.reporting import reports

    source = reports.station_source(station)
    return {"figures": reports.dashboard_figures(source), "shift": reports.handover(source)}


def _handover(station: Station, previous: bool) -> dict[str, Any]:
    from shared.application.reporting import reports

    return reports.handover(reports.station_source(station), previous)


def _audit(station: Station) -> Verdict:
    from shared.application import audit

    return audit.check_recent(station)


def _propam(station: Station, first: str | None, last: str | None) -> dict[str, Any]:
    from shared.application import propam

    return propam.overview(station, first, last)


CALLS: dict[str, Callable[..., Any]] = {
    "report": _report,
    "skm_pdf": _skm_pdf,
    "scorecard": _scorecard,
    "scorecard_pdf": _scorecard_pdf,
    "evidence": _evidence,
    "dashboard": _dashboard,
    "handover": _handover,
    "audit": _audit,
    "propam": _propam,
}
