"""How oversight pages and reports show numbers, days and times in their language (Jinja
helpers)."""

from __future__ import annotations

from datetime import date, datetime

from shared.domain.i18n import text
from shared.domain.skm import SkmPeriod

MISSING = "—"
ROMAN = ("I", "II", "III", "IV")


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


def local_date(value: str | date, language: str, *, weekday: bool = False) -> str:
    """A day as people write it: "20 Mei 2026" (id) or "20 May 2026" (en), like i18n.js.

    `value` is a date or a local ISO timestamp (its first ten characters are the day).
    """
    day = date.fromisoformat(value[:10]) if isinstance(value, str) else value
    month = text("ui.common.months", language).split("|")[day.month - 1]
    written = text("ui.common.date", language, day=day.day, month=month, year=day.year)
    if not weekday:
        return written
    name = text("ui.common.weekdays", language).split("|")[day.weekday()]
    return text("ui.common.date_with_weekday", language, weekday=name, date=written)


def period_words(label: str, language: str) -> str:
    """A period in words: "Triwulan IV 2026", "Semester II 2026", "Tahun 2026"."""
    period = SkmPeriod.parse(label)
    return text(
        f"ui.skm.period.{period.kind}",
        language,
        year=period.year,
        part=ROMAN[period.part - 1],
    )
