"""The officer's actions at a counter: one table behind both the HTTP routes and socket events."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from shared import services
from shared.station import Station

Action = Callable[[Station, str, dict[str, Any], str], dict[str, Any] | None]

ACTIONS: dict[str, Action] = {
    "call_next": lambda station, counter, body, actor: services.call_next(station, counter, actor),
    "call": lambda station, counter, body, actor: services.call_number(
        station, counter, body.get("number"), body.get("reason"), actor
    ),
    "recall": lambda station, counter, body, actor: services.recall(station, counter, actor),
    "done": lambda station, counter, body, actor: services.finish(station, counter, actor),
    "no_show": lambda station, counter, body, actor: services.no_show(station, counter, actor),
    "transfer": lambda station, counter, body, actor: services.transfer(
        station, counter, body.get("service"), actor
    ),
    "requeue": lambda station, counter, body, actor: services.requeue(
        station, counter, body.get("number"), actor
    ),
    "state": lambda station, counter, body, actor: services.set_counter_state(
        station, counter, body.get("state"), actor
    ),
}


def http_path(action: str) -> str:
    """The action's last URL segment: call_next -> call-next."""
    return action.replace("_", "-")
