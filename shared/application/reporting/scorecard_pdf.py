"""The head of the hall's scorecard as a PDF (WeasyPrint, as the SKM report's PDF is made),
from the scorecard's JSON: the same words and numbers as the page and `GET
/api/admin/scorecard`, stamped with the audit trail's head it was computed at."""

from __future__ import annotations

from typing import Any

from shared.application.reporting import scorecard
from shared.application.reporting.formatting import period_words
from shared.application.reporting.pdf import render, to_pdf
from shared.application.station import Station


def html(card: dict[str, Any], made_at: str) -> str:
    """The scorecard (in its own language) as the PDF's HTML."""
    language = card["language"]
    return render(
        "reporting/scorecard.html",
        language,
        made_at=made_at,
        head=card["audit"]["head"],
        card=card,
        period_words=period_words(card["period"], language),
    )


def pdf(card: dict[str, Any], made_at: str) -> bytes:
    return to_pdf(html(card, made_at))


def document(station: Station, label: str | None, language: str | None) -> bytes:
    """The station's scorecard of a period (None: the last closed quarter) as a PDF."""
    card = scorecard.of_station(station, label, language)
    return pdf(card, station.local(station.now()).isoformat(timespec="seconds"))
