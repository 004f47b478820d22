"""Rate limits, declared on the routes they guard (`@rate_limited`) and applied by the app factory.

Each limit is a number per minute read from the config's `limits:` (0 turns it off), counted
per client address unless the route says what else to count by, and checked when its route is
called (a request to a route without limits pays nothing). Routes naming the same
`scope` share one count (a client cannot multiply its allowance by varying the route).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import Flask
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

from shared.domain.config import Config, Limits

View = TypeVar("View", bound=Callable[..., Any])
RULES = "satupintu_rate_limits"


@dataclass(frozen=True)
class Rule:
    per_minute: Callable[[Limits], int]
    key: Callable[[], str]
    exempt: Callable[[], bool] | None
    scope: str | None


def rate_limited(
    per_minute: Callable[[Limits], int],
    *,
    key: Callable[[], str] = get_remote_address,
    exempt: Callable[[], bool] | None = None,
    scope: str | None = None,
) -> Callable[[View], View]:
    """Limit a view to `per_minute(config.limits)` requests a minute per `key()` (counted
    together with every view of the same `scope`, if given)."""

    def decorate(view: View) -> View:
        rules = [*getattr(view, RULES, ()), Rule(per_minute, key, exempt, scope)]
        setattr(view, RULES, rules)
        return view

    return decorate


def apply_rate_limits(app: Flask, config: Config) -> None:
    """Wrap every view that declared limits; limits set to 0 are left out."""
    declared = [
        (endpoint, rule, rule.per_minute(config.limits))
        for endpoint, view in app.view_functions.items()
        for rule in getattr(view, RULES, ())
    ]
    active = [(endpoint, rule, count) for endpoint, rule, count in declared if count]
    if not active:
        return
    limiter = Limiter(
        get_remote_address,
        app=app,
        storage_uri=config.message_queue or "memory://",
        headers_enabled=True,
    )
    # The limiter's own pass before every request checks default, application and blueprint
    # limits, none of which are set here (each route's limits are checked by its decorator,
    # below): it found nothing and cost every request its lookups.
    app.before_request_funcs[None].remove(limiter._check_request_limit)
    for endpoint, rule, count in active:
        options = {"key_func": rule.key, "exempt_when": rule.exempt}
        limit = (
            limiter.shared_limit(f"{count}/minute", rule.scope, **options)
            if rule.scope
            else limiter.limit(f"{count}/minute", **options)
        )
        app.view_functions[endpoint] = limit(app.view_functions[endpoint])
