"""The reports made as PDFs (the SKM report, the scorecard): a template of
`shared/templates/reporting/` rendered in one language, stamped with the audit trail's head the
report was computed at, then printed by WeasyPrint (imported only when a PDF is made: only this
needs Pango)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from shared.application.reporting.formatting import local_date
from shared.domain.i18n import text

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
PDF_TYPE = "application/pdf"


def environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render(
    template: str,
    language: str,
    *,
    made_at: str,
    head: dict[str, Any] | None,
    **context: Any,
) -> str:
    """The template's HTML in `language`, given `t` and `date` in that language and `made`, the
    stamp: when the PDF was made and the audit trail's head (None: an empty trail)."""
    head = head or {"row": 0, "hash": "-"}

    def translate(key: str, **params: Any) -> str:
        return text(key, language, **params)

    return (
        environment()
        .get_template(template)
        .render(
            lang=language,
            t=translate,
            date=lambda value: local_date(value, language),
            made=translate(
                "ui.report.made",
                date=local_date(made_at, language),
                row=head["row"],
                hash=head["hash"][:16],
            ),
            **context,
        )
    )


def to_pdf(html: str) -> bytes:
    """The HTML printed as a PDF."""
    from weasyprint import HTML

    return HTML(string=html).write_pdf()
