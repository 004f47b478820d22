"""The head of the hall's scorecard as a PDF (WeasyPrint, as the SKM report's PDF is made),
from the scorecard's JSON: the same words and numbers as the page and `GET
/api/admin/scorecard`, stamped with the audit trail's head it was computed at."""

from __future__ import annotations

from typing import Any

from shared.application.reporting import scorecard
from shared.application.reporting.formatting import local_date, period_words
from shared.application.reporting.skm_pdf import environment
from shared.application.station import Station
from shared.domain.i18n import text


def html(card: dict[str, Any], made_at: str) -> str:
    """The scorecard (in its own language) as the PDF's HTML."""
    language = card["language"]

    def translate(key: str, **params: Any) -> str:
        return text(key, language, **params)

    head = card["audit"]["head"] or {"row": 0, "hash": "-"}
    return (
        environment()
        .get_template("reporting/scorecard.html")
        .render(
            lang=language,
            t=translate,
            date=lambda value: local_date(value, language),
            card=card,
            period_words=period_words(card["period"], language),
            made=translate(
                "ui.scorecard.made",
                date=local_date(made_at, language),
                row=head["row"],
                hash=head["hash"][:16],
            ),
        )
    )


def pdf(card: dict[str, Any], made_at: str) -> bytes:
    """The PDF itself (WeasyPrint is imported here: only this needs Pango)."""
    from weasyprint import HTML

    return HTML(string=html(card, made_at)).write_pdf()


def document(station: Station, label: str | None, language: str | None) -> bytes:
    """The station's scorecard of a period (None: the last closed quarter) as a PDF."""
    card = scorecard.of_station(station, label, language)
    return pdf(card, station.local(station.now()).isoformat(timespec="seconds"))
