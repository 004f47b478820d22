"""The SKM report as a PDF in the regulation's layout (PermenPANRB 14/2017), in Indonesian,
made with WeasyPrint from a report's `skm` section: the numbers of the JSON and the XLSX."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from shared.application.reporting import reports
from shared.application.reporting.formatting import format_number, local_date, period_words
from shared.application.station import Station
from shared.domain.i18n import text
from shared.domain.skm import CODES

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
LANGUAGE = "id"
PDF_TYPE = "application/pdf"


def environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def html(report: dict[str, Any], made_at: str) -> str:
    """The report's SKM section as the PDF's HTML (a report of an SKM period)."""
    skm = report["skm"]

    def translate(key: str, **params: Any) -> str:
        return text(key, LANGUAGE, **params)

    head = report["audit"]["head"] or {"row": 0, "hash": "-"}
    findings = ", ".join(
        f"{CODES[element]} {translate(f'ui.ikm.element.{element}')}" for element in skm["findings"]
    )
    return (
        environment()
        .get_template("reporting/skm_report.html")
        .render(
            lang=LANGUAGE,
            t=translate,
            date=lambda value: local_date(value, LANGUAGE),
            number=lambda value, places: format_number(value, LANGUAGE, places),
            station=report["station"],
            skm=skm,
            codes=CODES,
            first=report["from"],
            last=report["to"],
            period_words=period_words(skm["period"], LANGUAGE) if skm["period"] else "",
            findings_words=findings or "-",
            made=translate(
                "ui.skm.made",
                date=local_date(made_at, LANGUAGE),
                row=head["row"],
                hash=head["hash"][:16],
            ),
        )
    )


def pdf(report: dict[str, Any], made_at: str) -> bytes:
    """The PDF itself (WeasyPrint is imported here: only this needs Pango)."""
    from weasyprint import HTML

    return HTML(string=html(report, made_at)).write_pdf()


def skm_document(station: Station, label: str) -> bytes:
    """The station's SKM report of a period ("2026-Q4", "2026-S2", "2026") as a PDF."""
    period = reports.Period.parse(None, None, None, station.today(), label)
    report = reports.build_report(reports.station_source(station), period, LANGUAGE)
    return pdf(report, station.local(station.now()).isoformat())
