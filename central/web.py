"""HTTP plumbing of the central server: its state, its login (the station's, `shared.web.login`,
over `CentralSessions`) and the logged-in user and its role, the callers' language (the JSON
errors are the station's, `shared.web.web`) and pages rendered with the stations' own design
system (base template, tokens, scripts)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import wraps
from types import SimpleNamespace
from typing import Any, TypeVar
from urllib.parse import urlencode

from flask import current_app, render_template, request, url_for

from central.builders import Builders
from central.config import CentralConfig
from central.store import CentralStore
from central.users import CentralSessions, Role
from shared.application.reporting.formatting import format_clock, format_number
from shared.domain.clock import Clock
from shared.domain.i18n import LANGUAGES, Language, catalogue, other_language, pick_language, text
from shared.web.login import Login
from shared.web.pages import local_date
from shared.web.web import refuse_foreign_origin, role_guard

logger = logging.getLogger(__name__)

SESSION_COOKIE = "satupintu_central_session"  # not the station's: a host may run both
View = TypeVar("View", bound=Callable[..., Any])
CATALOGUE = ("ui.central.", "ui.admin.", "ui.audit.", "ui.ikm.", "error.")


@dataclass
class Central:
    """The running central server: its config, database, clock and report builders (see
    `central.builders`), and the figures of today
    and the scorecards already computed for each station's copy (kept until the copy or the
    day changes)."""

    config: CentralConfig
    store: CentralStore
    clock: Clock
    builders: Builders | None = None
    today_cache: dict[str, tuple[tuple[Any, ...], Any]] = field(default_factory=dict)
    scorecard_cache: dict[tuple[str, str], tuple[tuple[Any, ...], Any]] = field(
        default_factory=dict
    )

    def now(self) -> datetime:
        return self.clock.now()


def central() -> Central:
    return current_app.extensions["satupintu.central"]


def language() -> Language:
    """The caller's language from Accept-Language, else central's."""
    return pick_language(request.headers.get("Accept-Language"), central().config.language)


def page_language() -> str:
    asked = request.args.get("lang")
    return asked if asked in LANGUAGES else central().config.language


LOGIN = Login(
    store=lambda: CentralSessions(central().store, central().clock),
    cookie=SESSION_COOKIE,
    hours=lambda: central().config.session_hours,
    user_json=lambda user: user.json(),
)
current_user = LOGIN.current_user
require_role = role_guard(current_user)


def render(
    template: str, status: int = 200, data: dict[str, Any] | None = None, **context: Any
) -> tuple[str, int]:
    """A central page, in the page's language, with the texts and data its scripts need."""
    config = central().config
    lang = page_language()
    other = other_language(lang)
    user = current_user()
    page_data = {
        "language": lang,
        "timezone": config.timezone,
        "station": config.name,
        "catalogue": {
            key: entry
            for key, entry in catalogue().items()
            if key.startswith(("ui.common.", "ui.offline", *CATALOGUE))
        },
        "service_names": {},
        **(data or {}),
    }

    def translate(key: str, language: str | None = None, **params: Any) -> str:
        return text(key, language or lang, **params)

    page = render_template(
        f"central/{template}",
        station=SimpleNamespace(name=config.name),
        logo_url=url_for("static", filename="img/icon.svg"),
        lang=lang,
        other_lang=other,
        other_language_url=f"{request.path}?{urlencode({**request.args.to_dict(), 'lang': other})}",
        t=translate,
        date=lambda value, weekday=False: local_date(value, lang, weekday=weekday),
        num=lambda value, places=None: format_number(value, lang, places),
        clock=lambda iso: format_clock(iso, lang),
        user=user,
        is_admin=user is not None and user.role >= Role.ADMIN,
        page_data=page_data,
        **context,
    )
    return page, status


def page_for_viewers(view: View) -> View:
    """A page for any logged-in user; anonymous visitors get the login form (401)."""

    @wraps(view)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        if current_user() is None:
            return render("login.html", 401)
        return view(*args, **kwargs)

    return guarded  # type: ignore[return-value]


def check_origin() -> None:
    """Central's Origin check: only central itself."""
    refuse_foreign_origin(None)
