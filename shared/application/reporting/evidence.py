"""A station's evidence bundle for an SKM period (`shared.domain.evidence` is its format): the
SKM report (PDF), the whole report (XLSX), the scorecard (PDF and JSON) and the manifest, every
file stamped with one audit-trail head (the report's: the PDFs print it, the XLSX's audit
sheet holds it, the manifest names it with each file's SHA-256) and the manifest signed with
the station's central key, so central can tell a bundle edited after it was made."""

from __future__ import annotations

import json

from shared.application.reporting import reports, scorecard, scorecard_pdf, skm_pdf
from shared.application.station import Station
from shared.domain import evidence
from shared.domain.chain import GENESIS
from shared.domain.skm import SkmPeriod

LANGUAGE = "id"  # the evaluators' language, as the SKM report's
ZIP_TYPE = "application/zip"


def files_of(station: Station, label: str) -> tuple[dict[str, bytes], dict[str, object], str]:
    """The bundle's files, the head they are stamped with and when they were made."""
    from shared.application.reporting.xlsx import report_workbook  # openpyxl, on first use

    period = SkmPeriod.parse(label)
    source = reports.station_source(station)
    report = reports.build_report(source, reports.Period(period.first, period.last), LANGUAGE)
    head = report["audit"]["head"] or {"row": 0, "hash": GENESIS}
    card = scorecard.build(source, period, LANGUAGE)
    card["audit"] = {"verified": report["audit"]["verified"], "head": report["audit"]["head"]}
    made_at = station.local(station.now()).isoformat(timespec="seconds")
    files = {
        f"skm-{label}.pdf": skm_pdf.pdf(report, made_at),
        f"report-{label}.xlsx": report_workbook(report),
        f"scorecard-{label}.pdf": scorecard_pdf.pdf(card, made_at),
        f"scorecard-{label}.json": json.dumps(card, ensure_ascii=False, indent=2).encode(),
    }
    return files, head, made_at


def bundle(station: Station, label: str) -> bytes:
    """The evidence bundle (ZIP) of a period ("2026-Q3", "2026-S2", "2026")."""
    files, head, made_at = files_of(station, label)
    shipping = station.config.central
    key = shipping.bearer if shipping else None
    stamp = evidence.manifest(
        {
            "name": station.config.station.name,
            "central_id": shipping.station if shipping else None,
        },
        label,
        made_at,
        head,
        files,
        evidence.digest(key.encode("utf-8")) if key else None,
    )
    return evidence.pack(files, stamp)
