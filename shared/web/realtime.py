"""Socket.IO's events: board events pushed after commit (phones through `phone_updates`), the
connect and watch handlers, and `on` for the surfaces' own events.

Committed board events are handed to the boards' sockets by the committing request itself,
under the store's write lock (so they leave in `seq` order), before it builds its answer: the
wall board hears of a call before the officer's console does. Phones are kept current by a
worker thread the committing request wakes.
Every client gets a `snapshot` on connect and is in the "board" room until it `watch`es a
ticket; then it receives only `ticket.update` for that ticket. A client that connects with
`auth: {batch: true}` (the wall board) is in the "board.batch" room instead: it hears the board
events of one commit as one `board.events` frame (a call: the ticket leaving the counter, the
call and the waiting counts), each event still with its own `seq`; kiosk tickets' events wait
up to a quarter of a second to share a frame with the commits after them (`board_batches`).
The surfaces register their own socket events (`board/sockets.py`, `kiosk/sockets.py`,
`counter/sockets.py`); the background threads here run while there is work and end by
themselves when idle.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable, Sequence
from functools import wraps
from typing import Any, TypeVar

from flask import Flask, current_app, request
from flask_socketio import ConnectionRefusedError, disconnect, emit, join_room

from shared.application import board_view, presence, sessions
from shared.application.power import power_view
from shared.application.station import Station
from shared.application.users import StationSessions, User
from shared.domain.config import Limits
from shared.domain.errors import RateLimited, SatuPintuError
from shared.domain.events import (
    Recorded,
)
from shared.domain.i18n import pick_language, text
from shared.web.auth import SESSION_COOKIE
from shared.web.board_batches import BoardBatches
from shared.web.crossprocess import TicketsChanged
from shared.web.phone_updates import PhoneUpdates
from shared.web.socket_server import (
    BATCH_EVENT,
    BATCH_ROOM,
    BOARD_ROOM,
    IDLE_SECONDS,
    POWER_EVENT,
    Connections,
    Written,
    compressed_frames,
    frame_of,
    socketio,
)
from shared.web.socketlimits import WIRE, Flood, MeteredSocket, Wire
from shared.web.web import error_json, origin_allowed, station

logger = logging.getLogger(__name__)


Handler = TypeVar("Handler", bound=Callable[..., Any])


class Dispatcher:
    """Board events leave at commit, from the committing request, which also tells the phones'
    worker (`PhoneUpdates`, a thread of its own) what changed.

    Emitting only queues each board's frame (its socket's writer sends it as soon as the
    request lets other greenlets run: `Store.write` does right after publishing), so a hall
    full of boards costs the request little and a call never waits for phone work. With a
    message queue (several processes) the emit is a broker round trip: it then leaves from
    a thread of the dispatcher's, off the request, which also tells the other processes.
    """

    def __init__(self, station: Station, connections: Connections) -> None:
        self.station = station
        self.phones = PhoneUpdates(station, connections)
        self.boards = BoardBatches(self._emit_batch)
        self._queue: queue.Queue[Sequence[Recorded]] = queue.Queue()
        self._lock = threading.Lock()
        self._running = False
        url = station.config.message_queue
        self.boards_at_commit = not url
        self.listeners: list[Callable[[], None]] = []  # told of each commit the boards see
        self.others = (
            TicketsChanged(url, str(station.config.database_path), self.phones.mark_changes)
            if url
            else None
        )

    def publish(self, recorded: Sequence[Recorded]) -> None:
        """Called by the store right after COMMIT, in commit order; never blocks on clients."""
        if self.boards_at_commit:
            self._emit_to_boards(recorded)
            self._mark_phones(recorded)
        if any(each.event.board for each in recorded):
            for listener in self.listeners:
                listener()
        if self.boards_at_commit:
            return  # one process: no other process to tell
        self._queue.put(recorded)
        with self._lock:
            if not self._running:
                self._running = True
                threading.Thread(target=self._run, name="satupintu-board", daemon=True).start()

    def refresh_watchers(self) -> None:
        """Re-check every watched ticket (catches changes committed by other processes)."""
        self.phones.mark_everything()

    def _emit_to_boards(self, batch: Sequence[Recorded]) -> None:
        """Each board event as a frame of its own to the "board" room, and all of them in one
        frame to the "board.batch" room (a kiosk's ticket's with those after it:
        `BoardBatches`)."""
        private = self.station.private_services
        try:
            events = [
                [recorded.event.name, recorded.event.payload(recorded.seq, private)]
                for recorded in batch
                if recorded.event.board
            ]
            for name, payload in events:
                socketio.emit(name, payload, to=BOARD_ROOM)
            self.boards.add(events)
        except Exception:
            logger.exception("could not tell the boards of %d events", len(batch))

    @staticmethod
    def _emit_batch(events: list[list[Any]]) -> None:
        try:
            socketio.emit(BATCH_EVENT, {"events": events}, to=BATCH_ROOM)
        except Exception:
            logger.exception("could not tell the wall boards of %d events", len(events))

    def _next(self) -> Sequence[Recorded] | None:
        """The next batch, or None once the queue stayed empty for IDLE_SECONDS."""
        while True:
            try:
                return self._queue.get(timeout=IDLE_SECONDS)
            except queue.Empty:
                with self._lock:
                    if self._queue.empty():
                        self._running = False
                        return None

    def _mark_phones(self, batch: Sequence[Recorded]) -> tuple[set[str], set[str]]:
        """Tell the phones' worker what changed; the services whose positions moved, and those
        whose every phone hears at once (`PhoneUpdates.mark`)."""
        try:
            return self.phones.mark(batch)
        except Exception:
            logger.exception("could not tell the phones of %d events", len(batch))
            return set(), set()

    def _run(self) -> None:
        """With a message queue: the boards, this process's phones and the other processes."""
        while (batch := self._next()) is not None:
            self._emit_to_boards(batch)
            moved, at_once = self._mark_phones(batch)
            try:
                if self.others is not None:
                    self.others.publish(batch, moved, at_once)
            except Exception:
                logger.exception("could not publish %d events", len(batch))


def publish_power(view: dict[str, Any]) -> None:
    """Tell every connected screen the power state (`shared.operations.power` calls this)."""
    socketio.emit(POWER_EVENT, view)


def connections() -> Connections:
    return current_app.extensions["satupintu.connections"]


def sid() -> str:
    return request.sid  # type: ignore[attr-defined]


def socket_user() -> User | None:
    """The logged-in user behind the current socket event, re-checked on every action."""
    return sessions.session_user(StationSessions(station()), connections().session_token(sid()))


def socket_error(error: SatuPintuError) -> dict[str, Any]:
    """The acknowledgement for a refused socket event, in the connection's language."""
    return {
        "ok": False,
        **error_json(error, connections().language(sid(), station().config.language)),
    }


def on(event: str) -> Callable[[Handler], Handler]:
    """Register a client event's handler behind the flood control (`shared.web.socketlimits`);
    the domain errors it raises are its acknowledgement."""

    def register(handler: Handler) -> Handler:
        @wraps(handler)
        def limited(data: Any = None) -> Any:
            flood: Flood = current_app.extensions["satupintu.flood"]
            if flood.allow(sid(), request.remote_addr or ""):
                try:
                    return handler(data)
                except SatuPintuError as error:  # a bad event's clear answer, as over HTTP
                    return socket_error(error)
            if flood.is_flooding(sid()):
                logger.warning(
                    "disconnected %s: it kept sending events too fast", request.remote_addr
                )
                disconnect()
                wire: Wire | None = request.environ.get(WIRE)
                if wire is not None:  # a websocket: its client may not take no for an answer
                    wire.cut_off("events")
            return socket_error(RateLimited("error.rate_limited"))

        socketio.on_event(event, limited)
        return handler

    return register


def init_realtime(app: Flask, the_station: Station, async_mode: str) -> Dispatcher:
    """Bind Socket.IO to the app and route the store's committed events to the dispatcher."""
    config = the_station.config

    def same_site(origin: str | None, environ: dict[str, Any]) -> bool:
        return origin_allowed(origin, environ.get("HTTP_HOST", ""), config.public_url)

    socketio.init_app(
        app,
        async_mode=async_mode,
        message_queue=config.message_queue,
        cors_allowed_origins=same_site,
        max_http_buffer_size=config.limits.max_request_kb * 1024,
        manage_session=False,
        # One connection's events are handled one after another, as they are read: a client
        # sending faster than it is answered is slowed down by its own connection (and cut
        # off by the flood control), instead of each event getting a greenlet of its own.
        async_handlers=False,
    )
    meter_websockets(config.limits)
    app.extensions["satupintu.connections"] = Connections()
    limits = config.limits
    app.extensions["satupintu.flood"] = Flood(
        limits.socket_events_per_second, limits.socket_connects_per_minute
    )
    dispatcher = Dispatcher(the_station, app.extensions["satupintu.connections"])
    the_station.store.publisher = dispatcher.publish
    app.extensions["satupintu.dispatcher"] = dispatcher
    return dispatcher


def meter_websockets(limits: Limits) -> None:
    """Meter every websocket (`shared.web.socketlimits.Wire`): engine.io's websocket class is
    subclassed so its socket is wrapped before anything is read from it. The session's
    environment (Socket.IO's) holds the Wire, for the flood control to cut a connection off.
    The subclass also writes what the session's writer polled in one write (`Written`)."""
    eio = socketio.server.eio
    driver = eio._async["websocket"]

    class MeteredWebSocket(driver):
        def __init__(self, handler: Callable[[Any], Any], server: Any) -> None:
            super().__init__(self.metered(handler), server)

        def metered(self, handler: Callable[[Any], Any]) -> Callable[[Any], Any]:
            def handle(websocket: Any) -> Any:
                session = handler.__self__  # type: ignore[attr-defined]  # engine.io's socket
                self.wire = Wire(
                    self.ws.sock,
                    self.ws.environ.get("REMOTE_ADDR", ""),
                    limits.socket_frames_per_second,
                    limits.socket_kb_per_second,
                )
                self.ws.sock = MeteredSocket(self.ws.sock, self.wire)
                socketio.server.environ.get(session.sid, {})[WIRE] = self.wire
                session.poll = self.polled(session.poll)
                return handler(websocket)

            return handle

        def polled(self, poll: Callable[[], list[Any]]) -> Callable[[], list[Any]]:
            """The session's `poll` (its writer's, once on the websocket): the packets come
            back as one `Written`, their frames built once per broadcast unless compressed."""
            offered = self.ws.environ.get("HTTP_SEC_WEBSOCKET_EXTENSIONS", "")
            compressed = "permessage-deflate" in offered

            def written() -> list[Any]:
                packets = poll()
                if not packets:
                    return packets
                if compressed:
                    return [Written(compressed_frames(packets, self.ws.ws))]
                return [Written(b"".join([frame_of(packet) for packet in packets]))]

            return written

        def send(self, message: Any) -> Any:
            if not isinstance(message, Written):
                return super().send(message)
            if not self.ws.connected:
                raise OSError("the websocket is closed")
            sent = self.ws.sock.send(message.frames)  # one system call, as a rule
            if sent < len(message.frames):
                self.ws.sock.sendall(message.frames[sent:])
            return None

        def wait(self) -> Any:
            frame = super().wait()
            return frame if frame is None or self.wire.allow_frame() else None

    eio._async = {**eio._async, "websocket": MeteredWebSocket}


def batched(auth: Any) -> bool:
    """Whether a client asks for a commit's board events as one frame (`{"batch": true}`)."""
    return isinstance(auth, dict) and auth.get("batch") is True


def board_id(data: Any) -> str | None:
    """The board a client names (`{"board": ID}`), else None for every counter."""
    found = data.get("board") if isinstance(data, dict) else None
    return found if isinstance(found, str) else None


@socketio.on("connect")
def connect(auth: Any = None) -> None:
    """Every client starts with a snapshot and the power state; its cookie tells us whether it
    is an officer.

    Acks speak the page's language when the client names it (`auth: {language}`), else the
    browser's.
    """
    if not current_app.extensions["satupintu.flood"].may_connect(request.remote_addr or ""):
        raise ConnectionRefusedError("too many connections from this address")
    asked = auth.get("language") if isinstance(auth, dict) else None
    lang = pick_language(
        asked if isinstance(asked, str) else request.headers.get("Accept-Language"),
        station().config.language,
    )
    connections().opened(sid(), request.cookies.get(SESSION_COOKIE), lang)
    join_room(BATCH_ROOM if batched(auth) else BOARD_ROOM)
    emit("snapshot", board_view.board_snapshot(station(), board_id(auth)))
    emit(POWER_EVENT, power_view(station().power))


@socketio.on("disconnect")
def closed(*_: Any) -> None:
    if connections().closed(sid()):
        presence_changed(presence.leave(station(), sid()))


def presence_changed(counter_id: str | None) -> None:
    """Tell every screen that the officers at `counter_id` changed (staff screens reload)."""
    if counter_id is not None:
        socketio.emit("counter.presence", {"counter": counter_id}, to=[BOARD_ROOM, BATCH_ROOM])
    current_app.extensions["satupintu.flood"].forget(sid())


@socketio.on_error_default
def crashed(error: Exception) -> dict[str, Any]:
    logger.exception("unhandled error in a socket event", exc_info=error)
    message = text("error.internal", connections().language(sid(), station().config.language))
    return {"ok": False, "error": {"code": "internal", "message": message}}
