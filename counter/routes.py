"""HTTP routes for counters: the console page, the counters, a counter's queue, every action."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from counter.actions import http_path, perform
from shared.application import desk_view, hall_overview
from shared.application.desk_commands import COMMANDS
from shared.application.users import Role, User
from shared.domain.config import Counter
from shared.domain.errors import Forbidden, NotFound
from shared.web.auth import current_user, require_role
from shared.web.pages import render_page
from shared.web.web import json_body, station

bp = Blueprint(
    "counter",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/counter/static",
)
ACTION_BY_PATH = {http_path(name): name for name in COMMANDS}


@bp.get("/counter")
def console() -> str:
    """The officer's console; it logs in and loads its counter's data itself."""
    config = station().config
    return render_page(
        "counter/console.html",
        catalogue_prefixes=("ui.counter.",),
        data={
            "counters": [
                {"id": counter.id, "name": counter.name.json(), "services": list(counter.services)}
                for counter in config.counters
            ],
            "services": [
                {
                    "id": service.id,
                    "prefix": service.prefix,
                    "unit": service.unit,
                    "standard_minutes": service.standard_minutes,
                    "bookable": service.booking is not None,
                }
                for service in config.services
            ],
            "requeue_minutes": config.no_show_requeue_minutes,
            "recall_limit": config.no_show_after_recalls,
        },
    )


@bp.get("/api/counters")
@require_role(Role.OFFICER)
def list_counters() -> Response:
    """The counters this user may see and act at (an officer's units limit what they read)."""
    user = _user()
    config = station().config
    return jsonify(
        {
            "counters": [
                counter
                for counter in hall_overview.counters_overview(station())
                if user.may_act_at(config, counter["id"])
            ]
        }
    )


def _user() -> User:
    user = current_user()
    assert user is not None  # require_role saw to it
    return user


def _counter(counter_id: str) -> Counter:
    """A counter this user may see: an unknown one is 404, another unit's 403."""
    counter = station().config.counter_by_id.get(counter_id)
    if counter is None:
        raise NotFound("error.unknown_counter", counter=counter_id[:40])
    if not _user().may_act_at(station().config, counter_id):
        raise Forbidden("error.forbidden_unit", counter=counter_id[:40])
    return counter


@bp.get("/api/counters/<counter_id>")
@require_role(Role.OFFICER)
def counter_desk(counter_id: str) -> Response:
    """Everything a console shows about one counter (the same as an action's `counter`)."""
    return jsonify(desk_view.counter_desk(station(), _counter(counter_id)))


@bp.get("/api/counters/<counter_id>/waiting")
@require_role(Role.OFFICER)
def counter_queue(counter_id: str) -> Response:
    """The counter's waiting tickets in call order, its recent no-shows and today's counts."""
    desk = desk_view.counter_desk(station(), _counter(counter_id))
    return jsonify({key: desk[key] for key in ("waiting", "no_shows", "today")})


@bp.post("/api/counters/<counter_id>/<action>")
@require_role(Role.OFFICER)
def act(counter_id: str, action: str) -> Response:
    name = ACTION_BY_PATH.get(action)
    if name is None:
        raise NotFound("error.not_found_route")
    user = current_user()
    assert user is not None
    return jsonify(perform(station(), name, counter_id, json_body(), user))
