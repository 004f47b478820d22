"""Socket.IO events for citizens' phones: `watch` one ticket and hear only of it."""

from __future__ import annotations

from typing import Any

from flask_socketio import emit, join_room, leave_room

from shared.application import ticket_reads
from shared.domain.errors import NotFound
from shared.domain.text import text_field
from shared.web.realtime import connections, on, sid, socket_error
from shared.web.socket_server import BATCH_ROOM, BOARD_ROOM, ticket_room
from shared.web.web import station

TOKEN_LIMIT = 100  # tokens are 22 characters; anything much longer is no token


@on("watch")
def watch(data: Any = None) -> dict[str, Any]:
    """A phone follows its own ticket: it leaves the board stream for `ticket.update`s."""
    token = data.get("token") if isinstance(data, dict) else None
    if isinstance(token, str):
        token = text_field(token, "token", TOKEN_LIMIT)
    view = ticket_reads.ticket_by_token(station(), token) if isinstance(token, str) else None
    if view is None:
        return socket_error(NotFound("error.unknown_ticket"))
    previous = connections().watch(sid(), view["token"])
    if previous:
        leave_room(ticket_room(previous))
    leave_room(BOARD_ROOM)
    leave_room(BATCH_ROOM)
    join_room(ticket_room(view["token"]))
    # Read again now that updates reach this phone: a call between the first read and joining
    # would otherwise leave it showing the place it had before.
    view = ticket_reads.ticket_by_token(station(), view["token"]) or view
    emit("ticket.update", {"ticket": view})
    return {"ok": True, "ticket": view}
