"""The officer's actions at a counter: one table behind both the HTTP routes and socket events.

Every action may name the ticket the officer's screen shows at the counter (`"current"`): if
another ticket is served there now, the action is refused and changes nothing. The answer
carries the ticket acted on and the counter as it is after the action, so a console redraws
from the answer alone.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from shared import queries, services
from shared.errors import Forbidden
from shared.services import Current
from shared.station import Station
from shared.ticket import Ticket
from shared.users import User
from shared.views import view_of

Action = Callable[[Station, str, dict[str, Any], str, Current], Ticket | None]

ACTIONS: dict[str, Action] = {
    "call_next": lambda station, counter, body, actor, current: services.call_next(
        station, counter, actor, current
    ),
    "call": lambda station, counter, body, actor, current: services.call_number(
        station, counter, body.get("number"), body.get("reason"), actor, current
    ),
    "recall": lambda station, counter, body, actor, current: services.recall(
        station, counter, actor, current
    ),
    "done": lambda station, counter, body, actor, current: services.finish(
        station, counter, actor, current
    ),
    "no_show": lambda station, counter, body, actor, current: services.no_show(
        station, counter, actor, current
    ),
    "transfer": lambda station, counter, body, actor, current: services.transfer(
        station,
        counter,
        body.get("service"),
        actor,
        current,
        front=body.get("front", False),
        reason=body.get("reason"),
    ),
    "return": lambda station, counter, body, actor, current: services.return_to_queue(
        station, counter, actor, current
    ),
    "prioritize": lambda station, counter, body, actor, current: services.prioritize(
        station, counter, body.get("number"), body.get("reason"), actor, current
    ),
    "requeue": lambda station, counter, body, actor, current: services.requeue(
        station, counter, body.get("number"), actor, current
    ),
    "state": lambda station, counter, body, actor, current: services.set_counter_state(
        station, counter, body.get("state"), actor, current
    ),
}


def perform(
    station: Station, action: str, counter_id: str, body: dict[str, Any], user: User
) -> dict[str, Any]:
    """Run one action: `{"ticket": T or None, "counter": the console's view of the counter}`.

    An officer limited to some units acts only at counters whose services are all theirs.
    """
    if not user.may_act_at(station.config, counter_id):
        raise Forbidden("error.forbidden_unit", counter=counter_id[:40])
    current = services.parse_current(body)
    ticket = ACTIONS[action](station, counter_id, body, user.username, current)
    counter = station.config.counter_by_id[counter_id]
    return {
        "ticket": view_of(station, ticket, for_staff=True),
        "counter": queries.counter_desk(station, counter),
    }


def http_path(action: str) -> str:
    """The action's last URL segment: call_next -> call-next."""
    return action.replace("_", "-")
