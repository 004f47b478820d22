"""Socket.IO events for boards: a fresh snapshot on request (after a `seq` gap)."""

from __future__ import annotations

from typing import Any

from flask_socketio import emit

from shared.application import board_view
from shared.web.realtime import board_id, on
from shared.web.web import station


@on("snapshot")
def snapshot(data: Any = None) -> dict[str, Any]:
    """A client that saw a `seq` gap asks again; the answer comes as event and as ack."""
    state = board_view.board_snapshot(station(), board_id(data))
    emit("snapshot", state)
    return state
