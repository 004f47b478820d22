"""Socket.IO events for officers: each counter action with an acknowledgement."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from counter.actions import ACTIONS, perform
from shared.errors import Forbidden, InvalidRequest, SatuPintuError, Unauthorized
from shared.realtime import on, socket_error, socket_user
from shared.users import Role
from shared.web import station


def _handler(action: str) -> Callable[[Any], dict[str, Any]]:
    def handle(data: Any = None) -> dict[str, Any]:
        try:
            user = socket_user()
            if user is None:
                raise Unauthorized("error.unauthorized")
            if user.role < Role.OFFICER:
                raise Forbidden("error.forbidden_role")
            if not isinstance(data, dict) or not isinstance(data.get("counter"), str):
                raise InvalidRequest("error.field_required", field="counter")
            answer = perform(station(), action, data["counter"], data, user)
        except SatuPintuError as error:
            return socket_error(error)
        return {"ok": True, **answer}

    return handle


for _name in ACTIONS:
    on(_name)(_handler(_name))
