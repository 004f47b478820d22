"""Rendering a page: the station and its logo, the language, the texts its scripts need."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, render_template, request, send_file

from shared.application import skm_latest
from shared.application.power import power_view
from shared.application.reporting.formatting import (
    format_clock,
    format_number,
    local_date,
    period_words,
)
from shared.domain.config import LOGO_TYPES
from shared.domain.i18n import LANGUAGES, catalogue, other_language, text
from shared.web.web import station

bp = Blueprint("pages", __name__)
BUILT_IN_LOGO = Path(__file__).resolve().parent.parent / "static" / "img" / "icon.svg"
LOGO_URL = "/station/logo"
# A new logo shows within minutes of a restart, without asking for it on every page load.
LOGO_MAX_AGE_SECONDS = 300


@bp.get(LOGO_URL)
def station_logo() -> Response:
    """The station's logo (`station.logo`, relative to the config file), else the built-in icon."""
    logo = station().config.logo_path or BUILT_IN_LOGO
    mimetype = LOGO_TYPES[logo.suffix.lower()]
    return send_file(logo, mimetype=mimetype, max_age=LOGO_MAX_AGE_SECONDS)


def page_language() -> str:
    """`?lang=en` or `?lang=id` if given, else the station's language."""
    asked = request.args.get("lang")
    return asked if asked in LANGUAGES else station().config.language


def render_page(
    template: str,
    *,
    catalogue_prefixes: Iterable[str] = (),
    data: dict[str, Any] | None = None,
    private_names: bool = True,
    **context: Any,
) -> str:
    """Render a page with `t()` and `date()` for Jinja and a JSON block (#page-data) for scripts.

    Templates also get `service_names` (service id -> name in the page's language); it stays
    on the server unless a template shows it.

    The JSON carries the language, the station's time zone, the power state (`power`: the
    notice every page shows on battery), the catalogue entries whose keys start with one of
    `catalogue_prefixes` (plus the shared `ui.` ones), every service's
    names in both languages (`service_names`: a page shown to the hall, such as the board,
    passes `private_names=False` and never carries a private service's name) and `data`.
    """
    config = station().config
    lang = page_language()
    prefixes = ("ui.common.", "ui.offline", "ui.power.", "ui.need.", *catalogue_prefixes)
    page_data = {
        "language": lang,
        "timezone": config.timezone,
        "station": config.station.name,
        "catalogue": {key: entry for key, entry in catalogue().items() if key.startswith(prefixes)},
        "service_names": {
            service.id: {"id": service.name.id, "en": service.name.en}
            for service in config.services
            if private_names or not service.private
        },
        "power": power_view(station().power),
        **(data or {}),
    }

    def translate(key: str, language: str | None = None, **params: Any) -> str:
        return text(key, language or lang, **params)

    def date_text(value: str | date, weekday: bool = False) -> str:
        return local_date(value, lang, weekday=weekday)

    return render_template(
        template,
        station=config.station,
        service_names={service.id: service.name.get(lang) for service in config.services},
        logo_url=LOGO_URL,
        lang=lang,
        other_lang=other_language(lang),
        t=translate,
        date=date_text,
        page_data=page_data,
        **context,
    )


def latest_skm() -> dict[str, Any] | None:
    """The latest SKM result as the start page and the board show it, in the page's language."""
    result = skm_latest.latest(station())
    if result is None:
        return None
    language = page_language()
    return {
        **result,
        "index_text": format_number(result["index"], language, 2),
        "period_text": period_words(result["period"], language),
    }


def page_helpers() -> dict[str, Callable[..., Any]]:
    """`num(value, places)` and `clock(iso)` for templates, in the page's language."""
    language = page_language()
    return {
        "num": lambda value, places=None: format_number(value, language, places),
        "clock": lambda iso: format_clock(iso, language),
    }
