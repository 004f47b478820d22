"""Socket.IO: one server per process, board events pushed after commit, phones watching tickets.

Committed events go through a queue to one dispatcher thread, so they leave in `seq` order.
Every client gets a `snapshot` on connect and is in the "board" room until it `watch`es a
ticket; then it receives only `ticket.update` for that ticket.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Sequence
from typing import Any

from flask import Flask, current_app, request
from flask_socketio import SocketIO, emit, join_room, leave_room

from shared import queries, users
from shared.auth import SESSION_COOKIE
from shared.errors import NotFound, SatuPintuError
from shared.events import Recorded
from shared.i18n import pick_language, text
from shared.station import Station
from shared.users import User
from shared.web import error_json, origin_allowed, station

log = logging.getLogger(__name__)

ASYNC_MODE = "threading"
BOARD_ROOM = "board"
WATCH_REFRESH_SECONDS = 5.0

socketio = SocketIO()


def ticket_room(token: str) -> str:
    return f"ticket:{token}"


class Connections:
    """What this process knows about its own sockets: session token, language, watched ticket."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._session: dict[str, str | None] = {}
        self._language: dict[str, str] = {}
        self._watching: dict[str, str] = {}

    def opened(self, sid: str, session_token: str | None, language: str) -> None:
        with self._lock:
            self._session[sid] = session_token
            self._language[sid] = language

    def closed(self, sid: str) -> None:
        with self._lock:
            self._session.pop(sid, None)
            self._language.pop(sid, None)
            self._watching.pop(sid, None)

    def session_token(self, sid: str) -> str | None:
        return self._session.get(sid)

    def language(self, sid: str, default: str) -> str:
        return self._language.get(sid, default)

    def watch(self, sid: str, token: str) -> str | None:
        """Remember what `sid` watches; returns the token it watched before, if any."""
        with self._lock:
            previous = self._watching.get(sid)
            self._watching[sid] = token
            return previous

    def watched_tokens(self) -> set[str]:
        with self._lock:
            return set(self._watching.values())


class Dispatcher:
    """Emits committed events in commit order from one thread, then refreshes watched tickets."""

    def __init__(self, station: Station, connections: Connections) -> None:
        self.station = station
        self.connections = connections
        self._queue: queue.Queue[Sequence[Recorded] | None] = queue.Queue()
        self._last_sent: dict[str, dict[str, Any]] = {}
        self._thread = threading.Thread(target=self._run, name="satupintu-dispatch", daemon=True)
        self._thread.start()

    def publish(self, recorded: Sequence[Recorded]) -> None:
        """Called by the store right after COMMIT, in commit order; never blocks on clients."""
        self._queue.put(recorded)

    def refresh_watchers(self) -> None:
        """Re-send watched tickets whose view changed (also catches other processes' commits)."""
        self._queue.put(())

    def stop(self) -> None:
        self._queue.put(None)
        self._thread.join(timeout=5)

    def _run(self) -> None:
        while (batch := self._queue.get()) is not None:
            batches = [batch]
            while not self._queue.empty():
                more = self._queue.get()
                if more is None:
                    self._queue.put(None)
                    break
                batches.append(more)
            try:
                self._send([recorded for each in batches for recorded in each])
            except Exception:
                log.exception("could not publish %d batches of events", len(batches))

    def _send(self, events: Sequence[Recorded]) -> None:
        private = self.station.private_services
        for recorded in events:
            if recorded.event.board:
                payload = recorded.event.payload(recorded.seq, private)
                socketio.emit(recorded.event.name, payload, to=BOARD_ROOM)
        tokens = self.connections.watched_tokens()
        for token in set(self._last_sent) - tokens:
            del self._last_sent[token]
        if not tokens:
            return
        for token, view in queries.tickets_by_tokens(self.station, tokens).items():
            if self._last_sent.get(token) != view:
                self._last_sent[token] = view
                socketio.emit("ticket.update", {"ticket": view}, to=ticket_room(token))


def connections() -> Connections:
    return current_app.extensions["satupintu.connections"]


def sid() -> str:
    return request.sid  # type: ignore[attr-defined]


def socket_user() -> User | None:
    """The logged-in user behind the current socket event, re-checked on every action."""
    return users.session_user(station(), connections().session_token(sid()))


def socket_error(error: SatuPintuError) -> dict[str, Any]:
    """The acknowledgement for a refused socket event, in the connection's language."""
    return {
        "ok": False,
        **error_json(error, connections().language(sid(), station().config.language)),
    }


def init_realtime(app: Flask, the_station: Station) -> Dispatcher:
    """Bind Socket.IO to the app and route the store's committed events to the dispatcher."""
    config = the_station.config

    def same_site(origin: str | None, environ: dict[str, Any]) -> bool:
        return origin_allowed(origin, environ.get("HTTP_HOST", ""), config.public_url)

    socketio.init_app(
        app,
        async_mode=ASYNC_MODE,
        message_queue=config.message_queue,
        cors_allowed_origins=same_site,
        max_http_buffer_size=config.limits.max_request_kb * 1024,
        manage_session=False,
    )
    app.extensions["satupintu.connections"] = Connections()
    dispatcher = Dispatcher(the_station, app.extensions["satupintu.connections"])
    the_station.store.publisher = dispatcher.publish
    app.extensions["satupintu.dispatcher"] = dispatcher
    return dispatcher


def _board_id(data: Any) -> str | None:
    board_id = data.get("board") if isinstance(data, dict) else None
    return board_id if isinstance(board_id, str) else None


@socketio.on("connect")
def connect(auth: Any = None) -> None:
    """Every client starts with a snapshot; its cookie tells us whether it is an officer."""
    lang = pick_language(request.headers.get("Accept-Language"), station().config.language)
    connections().opened(sid(), request.cookies.get(SESSION_COOKIE), lang)
    join_room(BOARD_ROOM)
    emit("snapshot", queries.board_snapshot(station(), _board_id(auth)))


@socketio.on("disconnect")
def disconnect(*_: Any) -> None:
    connections().closed(sid())


@socketio.on("snapshot")
def snapshot(data: Any = None) -> dict[str, Any]:
    """A client that saw a `seq` gap asks again; the answer comes as event and as ack."""
    state = queries.board_snapshot(station(), _board_id(data))
    emit("snapshot", state)
    return state


@socketio.on("watch")
def watch(data: Any = None) -> dict[str, Any]:
    """A phone follows its own ticket: it leaves the board stream for `ticket.update`s."""
    token = data.get("token") if isinstance(data, dict) else None
    view = queries.ticket_by_token(station(), token) if isinstance(token, str) else None
    if view is None:
        return socket_error(NotFound("error.unknown_ticket"))
    previous = connections().watch(sid(), view["token"])
    if previous:
        leave_room(ticket_room(previous))
    leave_room(BOARD_ROOM)
    join_room(ticket_room(view["token"]))
    emit("ticket.update", {"ticket": view})
    return {"ok": True, "ticket": view}


@socketio.on_error_default
def crashed(error: Exception) -> dict[str, Any]:
    log.exception("unhandled error in a socket event", exc_info=error)
    message = text("error.internal", connections().language(sid(), station().config.language))
    return {"ok": False, "error": {"code": "internal", "message": message}}
