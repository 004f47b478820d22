"""Socket.IO events for officers: each counter action with an acknowledgement."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from counter.actions import ACTIONS, Action
from shared.errors import Forbidden, InvalidRequest, SatuPintuError, Unauthorized
from shared.realtime import socket_error, socket_user, socketio
from shared.users import Role
from shared.web import station


def _handler(action: Action) -> Callable[[Any], dict[str, Any]]:
    def handle(data: Any = None) -> dict[str, Any]:
        try:
            user = socket_user()
            if user is None:
                raise Unauthorized("error.unauthorized")
            if user.role < Role.OFFICER:
                raise Forbidden("error.forbidden_role")
            if not isinstance(data, dict) or not isinstance(data.get("counter"), str):
                raise InvalidRequest("error.field_required", field="counter")
            ticket = action(station(), data["counter"], data, user.username)
        except SatuPintuError as error:
            return socket_error(error)
        return {"ok": True, "ticket": ticket}

    return handle


for _name, _action in ACTIONS.items():
    socketio.on_event(_name, _handler(_action))
