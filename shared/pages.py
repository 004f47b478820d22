"""Rendering a page: the station, the language, and the catalogue texts its scripts need."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import render_template, request

from shared.i18n import LANGUAGES, catalogue, text
from shared.web import station


def page_language() -> str:
    """`?lang=en` or `?lang=id` if given, else the station's language."""
    asked = request.args.get("lang")
    return asked if asked in LANGUAGES else station().config.language


def render_page(
    template: str,
    *,
    catalogue_prefixes: Iterable[str] = (),
    data: dict[str, Any] | None = None,
    **context: Any,
) -> str:
    """Render a page with `t()` for Jinja and a JSON block (#page-data) for its scripts.

    The JSON carries the language, the station's time zone, the catalogue entries whose keys
    start with one of `catalogue_prefixes` (plus the shared `ui.` ones) and `data`.
    """
    config = station().config
    lang = page_language()
    prefixes = ("ui.common.", "ui.offline", *catalogue_prefixes)
    page_data = {
        "language": lang,
        "timezone": config.timezone,
        "station": config.station.name,
        "catalogue": {key: entry for key, entry in catalogue().items() if key.startswith(prefixes)},
        **(data or {}),
    }

    def translate(key: str, language: str | None = None, **params: Any) -> str:
        return text(key, language or lang, **params)

    return render_template(
        template,
        station=config.station,
        lang=lang,
        t=translate,
        page_data=page_data,
        **context,
    )
