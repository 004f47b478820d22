"""One catalogue of user-facing text in Bahasa Indonesia and English, and how to pick a language."""

from __future__ import annotations

from datetime import date, time
from functools import cache
from pathlib import Path
from typing import Any, Literal

from shared.domain.yamltext import safe_load

Language = Literal["id", "en"]
LANGUAGES: tuple[Language, ...] = ("id", "en")


def other_language(language: str) -> Language:
    """The station's other language: the one a page's language button switches to."""
    return "en" if language == "id" else "id"


CATALOGUE_DIR = Path(__file__).resolve().parent.parent / "catalogue"


@cache
def catalogue() -> dict[str, dict[str, str]]:
    """Every key with its text per language, read once from the files in shared/catalogue/.

    The catalogue is one namespace kept in a file per surface; a key defined twice is a bug.
    """
    merged: dict[str, dict[str, str]] = {}
    for path in sorted(CATALOGUE_DIR.glob("*.yaml")):
        with path.open(encoding="utf-8") as handle:
            entries = safe_load(handle) or {}
        for key, entry in entries.items():
            if key in merged:
                raise ValueError(f"{path.name}: catalogue key {key!r} is defined twice")
            merged[key] = entry
    return merged


def text(key: str, language: str, **params: Any) -> str:
    """The catalogue text for `key` in `language`, with `{name}` fields filled from params.

    A param in both languages (anything with `.get(language)`, e.g. a counter's name) is
    filled in in `language`; a time of day is written the language's way ("09.30", "09:30"),
    and so is a day ("7 Desember 2026", "7 December 2026").
    An entry with a singular form (`en_one`) uses it when `n` is 1.
    """
    entry = catalogue()[key]
    template = (params.get("n") == 1 and entry.get(f"{language}_one")) or entry.get(language)
    template = template or entry["id"]
    if not params:
        return template
    filled = {name: _in_language(value, language) for name, value in params.items()}
    return template.format(**filled)


def _in_language(value: Any, language: str) -> Any:
    if isinstance(value, time):
        return value.strftime("%H.%M" if language == "id" else "%H:%M")
    if isinstance(value, date):
        months = MONTHS_ID if language == "id" else MONTHS_EN
        return f"{value.day} {months[value.month - 1]} {value.year}"
    if hasattr(value, "get") and not isinstance(value, dict):
        return value.get(language)
    return value


MONTHS_ID = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
             "September", "Oktober", "November", "Desember")  # fmt: skip
MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December")  # fmt: skip


def pick_language(accept_language: str | None, default: Language) -> Language:
    """The first language of an Accept-Language header that we speak, else the default."""
    for part in (accept_language or "").split(","):
        tag = part.split(";")[0].strip().lower()[:2]
        if tag in LANGUAGES:
            return tag  # type: ignore[return-value]
    return default
