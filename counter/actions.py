"""The officer's actions at a counter, for both the HTTP routes and the socket events.

Each action's body is parsed once into its command (`shared.application.desk_commands`) and run by
the one handler (`shared.application.desk_actions.act`). The answer carries the ticket acted on and
the counter as it is after the action, so a console redraws from the answer alone.
"""

from __future__ import annotations

from typing import Any

from shared.application import desk_view
from shared.application.desk_actions import act
from shared.application.desk_commands import COMMANDS
from shared.application.station import Station
from shared.application.users import User
from shared.application.views import view_of
from shared.domain.errors import Forbidden
from shared.store.concurrency import let_others_run


def perform(
    station: Station, action: str, counter_id: str, body: dict[str, Any], user: User
) -> dict[str, Any]:
    """Run one action: `{"ticket": T or None, "counter": the console's view of the counter}`.

    An officer limited to some units acts only at counters whose services are all theirs.
    """
    if not user.may_act_at(station.config, counter_id):
        raise Forbidden("error.forbidden_unit", counter=counter_id[:40])
    ticket = act(station, counter_id, user.username, COMMANDS[action].parse(body))
    let_others_run()  # the called citizen's phone hears before the desk (every waiting ticket)
    counter = station.config.counter_by_id[counter_id]
    return {
        "ticket": view_of(station, ticket, for_staff=True),
        "counter": desk_view.counter_desk(station, counter),
    }


def http_path(action: str) -> str:
    """The action's last URL segment: call_next -> call-next."""
    return action.replace("_", "-")
