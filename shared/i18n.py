"""One catalogue of user-facing text in Bahasa Indonesia and English, and how to pick a language."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any, Literal

import yaml

Language = Literal["id", "en"]
LANGUAGES: tuple[Language, ...] = ("id", "en")
CATALOGUE_PATH = Path(__file__).with_name("catalogue.yaml")


@cache
def catalogue() -> dict[str, dict[str, str]]:
    """Every key with its text per language, read once from catalogue.yaml."""
    with CATALOGUE_PATH.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def text(key: str, language: str, **params: Any) -> str:
    """The catalogue text for `key` in `language`, with `{name}` fields filled from params."""
    entry = catalogue()[key]
    template = entry.get(language) or entry["id"]
    return template.format(**params) if params else template


def pick_language(accept_language: str | None, default: Language) -> Language:
    """The first language of an Accept-Language header that we speak, else the default."""
    for part in (accept_language or "").split(","):
        tag = part.split(";")[0].strip().lower()[:2]
        if tag in LANGUAGES:
            return tag  # type: ignore[return-value]
    return default
