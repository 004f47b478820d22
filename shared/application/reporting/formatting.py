"""How oversight pages show numbers and times in the page's language (Jinja helpers)."""

from __future__ import annotations

from datetime import datetime

MISSING = "—"


def format_number(value: float | int | None, language: str, places: int | None = None) -> str:
    """12.5 -> "12,5" in Indonesian and "12.5" in English; None -> a dash.

    Whole numbers keep no decimals unless `places` asks for them; floats show one decimal.
    """
    if value is None:
        return MISSING
    if places is None:
        places = 0 if isinstance(value, int) else 1
    text = f"{value:,.{places}f}"
    if language == "id":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


def format_clock(iso: str | None, language: str) -> str:
    """A local ISO time as "09.15" (Indonesian) or "09:15" (English), like i18n.js does."""
    if not iso:
        return MISSING
    moment = datetime.fromisoformat(iso)
    return moment.strftime("%H.%M" if language == "id" else "%H:%M")
