"""Socket.IO events for officers: each counter action with an acknowledgement, and the
console's presence at its counter."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from counter.actions import perform
from shared.application import presence
from shared.application.desk_commands import COMMANDS
from shared.application.users import Role, User
from shared.domain.errors import Forbidden, InvalidRequest, NotFound, SatuPintuError, Unauthorized
from shared.web.realtime import connections, on, presence_changed, sid, socket_error, socket_user
from shared.web.web import station


def _officer() -> User:
    user = socket_user()
    if user is None:
        raise Unauthorized("error.unauthorized")
    if user.role < Role.OFFICER:
        raise Forbidden("error.forbidden_role")
    return user


def _counter_id(data: Any) -> str:
    if not isinstance(data, dict) or not isinstance(data.get("counter"), str):
        raise InvalidRequest("error.field_required", field="counter")
    return data["counter"]


def _handler(action: str) -> Callable[[Any], dict[str, Any]]:
    def handle(data: Any = None) -> dict[str, Any]:
        try:
            user = _officer()
            answer = perform(station(), action, _counter_id(data), data, user)
        except SatuPintuError as error:
            return socket_error(error)
        return {"ok": True, **answer}

    return handle


for _name in COMMANDS:
    on(_name)(_handler(_name))


@on("counter.attend")
def attend(data: Any = None) -> dict[str, Any]:
    """The console is at `counter` (sent on opening it and every HEARTBEAT_SECONDS)."""
    try:
        user = _officer()
        counter_id = _counter_id(data)
        the_station = station()
        if counter_id not in the_station.config.counter_by_id:
            raise NotFound("error.unknown_counter", counter=counter_id[:40])
        if not user.may_act_at(the_station.config, counter_id):
            raise Forbidden("error.forbidden_unit", counter=counter_id[:40])
        if presence.attend(the_station, sid(), counter_id, user.username):
            presence_changed(counter_id)
        connections().attending(sid(), True)
    except SatuPintuError as error:
        return socket_error(error)
    return {"ok": True, "heartbeat_seconds": presence.HEARTBEAT_SECONDS}


@on("counter.leave")
def leave(data: Any = None) -> dict[str, Any]:
    """The console left its counter (another counter chosen, or logged out)."""
    try:
        _officer()
    except SatuPintuError as error:
        return socket_error(error)
    connections().attending(sid(), False)
    presence_changed(presence.leave(station(), sid()))
    return {"ok": True}
