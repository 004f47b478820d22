"""The SKM report as a PDF in the regulation's layout (PermenPANRB 14/2017), in Indonesian,
made with WeasyPrint from a report's `skm` section: the numbers of the JSON and the XLSX."""

from __future__ import annotations

from typing import Any

from shared.application.reporting import reports
from shared.application.reporting.formatting import format_number, period_words
from shared.application.reporting.pdf import render, to_pdf
from shared.application.station import Station
from shared.domain.i18n import text
from shared.domain.skm import CODES

LANGUAGE = "id"


def html(report: dict[str, Any], made_at: str) -> str:
    """The report's SKM section as the PDF's HTML (a report of an SKM period)."""
    skm = report["skm"]
    findings = ", ".join(
        f"{CODES[element]} {text(f'ui.ikm.element.{element}', LANGUAGE)}"
        for element in skm["findings"]
    )
    return render(
        "reporting/skm_report.html",
        LANGUAGE,
        made_at=made_at,
        head=report["audit"]["head"],
        number=lambda value, places: format_number(value, LANGUAGE, places),
        station=report["station"],
        skm=skm,
        codes=CODES,
        first=report["from"],
        last=report["to"],
        period_words=period_words(skm["period"], LANGUAGE) if skm["period"] else "",
        findings_words=findings or "-",
    )


def pdf(report: dict[str, Any], made_at: str) -> bytes:
    return to_pdf(html(report, made_at))


def skm_document(station: Station, label: str) -> bytes:
    """The station's SKM report of a period ("2026-Q4", "2026-S2", "2026") as a PDF."""
    period = reports.Period.parse(None, None, None, station.today(), label)
    report = reports.build_report(reports.station_source(station), period, LANGUAGE)
    return pdf(report, station.local(station.now()).isoformat())
