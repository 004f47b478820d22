"""Socket.IO: one server per process, board events pushed after commit, phones watching tickets.

Committed events go through a queue to one dispatcher thread, so they leave in `seq` order.
Every client gets a `snapshot` on connect and is in the "board" room until it `watch`es a
ticket; then it receives only `ticket.update` for that ticket. The surfaces register their
own socket events (`board/sockets.py`, `kiosk/sockets.py`, `counter/sockets.py`); the
background threads here run while there is work and end by themselves when idle.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable, Sequence
from functools import wraps
from typing import Any, TypeVar

from flask import Flask, current_app, request
from flask_socketio import ConnectionRefusedError, SocketIO, disconnect, emit, join_room

from shared.application import board_view, presence, sessions, ticket_reads
from shared.application.station import Station
from shared.application.users import StationSessions, User
from shared.domain.config import Config, Limits
from shared.domain.errors import RateLimited, SatuPintuError
from shared.domain.estimates import linked_services
from shared.domain.events import (
    CounterStateChanged,
    Event,
    Recorded,
    TicketCalled,
    TicketCancelled,
    TicketDone,
    TicketExpired,
    TicketIssued,
    TicketNoShow,
    TicketPrioritized,
    TicketRequeued,
    TicketReturned,
    TicketTransferred,
)
from shared.domain.i18n import pick_language, text
from shared.web.auth import SESSION_COOKIE
from shared.web.crossprocess import TicketsChanged
from shared.web.socketlimits import WIRE, Flood, MeteredSocket, Wire
from shared.web.web import error_json, origin_allowed, station

logger = logging.getLogger(__name__)

BOARD_ROOM = "board"
POSITION_REFRESH_SECONDS = 0.5
PHONES_AT_ONCE = 20  # phones refreshed between two chances for other work to run
IDLE_SECONDS = 2.0  # a background thread with nothing to do for this long ends

socketio = SocketIO()
Handler = TypeVar("Handler", bound=Callable[..., Any])


def ticket_room(token: str) -> str:
    return f"ticket:{token}"


class Connections:
    """What this process knows about its own sockets: session token, language, watched ticket."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._session: dict[str, str | None] = {}
        self._language: dict[str, str] = {}
        self._watching: dict[str, str] = {}
        self._attending: set[str] = set()

    def opened(self, sid: str, session_token: str | None, language: str) -> None:
        with self._lock:
            self._session[sid] = session_token
            self._language[sid] = language

    def closed(self, sid: str) -> bool:
        """Forget `sid`; whether it was a console at a counter."""
        with self._lock:
            self._session.pop(sid, None)
            self._language.pop(sid, None)
            self._watching.pop(sid, None)
            attending = sid in self._attending
            self._attending.discard(sid)
            return attending

    def attending(self, sid: str, at_counter: bool) -> None:
        """Remember whether `sid` is a console at a counter (its presence is to be cleared)."""
        with self._lock:
            if at_counter:
                self._attending.add(sid)
            else:
                self._attending.discard(sid)

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
    """Board events leave in commit order from one thread; phones are kept current by another.

    The board thread never waits for phone work, so a hall full of phones cannot delay a call
    on the wall board. Each thread starts with the first work and ends when idle.
    """

    def __init__(self, station: Station, connections: Connections) -> None:
        self.station = station
        self.phones = PhoneUpdates(station, connections)
        self._queue: queue.Queue[Sequence[Recorded]] = queue.Queue()
        self._lock = threading.Lock()
        self._running = False
        url = station.config.message_queue
        self.others = (
            TicketsChanged(url, str(station.config.database_path), self.phones.mark_changes)
            if url
            else None
        )

    def publish(self, recorded: Sequence[Recorded]) -> None:
        """Called by the store right after COMMIT, in commit order; never blocks on clients."""
        self._queue.put(recorded)
        with self._lock:
            if not self._running:
                self._running = True
                threading.Thread(target=self._run, name="satupintu-board", daemon=True).start()

    def refresh_watchers(self) -> None:
        """Re-check every watched ticket (catches changes committed by other processes)."""
        self.phones.mark_everything()

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

    def _run(self) -> None:
        private = self.station.private_services
        while (batch := self._next()) is not None:
            try:
                for recorded in batch:
                    if recorded.event.board:
                        payload = recorded.event.payload(recorded.seq, private)
                        socketio.emit(recorded.event.name, payload, to=BOARD_ROOM)
                moved = self.phones.mark(batch)
                if self.others is not None:
                    self.others.publish(batch, moved)
            except Exception:
                logger.exception("could not publish %d events", len(batch))


def services_moved(event: Event, config: Config) -> set[str]:
    """Services whose waiting tickets' positions or wait estimates this event may change:
    the ones it names, and those sharing counters with them (their estimates interlock)."""
    match event:
        case TicketIssued(priority=True) | TicketCalled() | TicketRequeued() | TicketExpired():
            named = {event.service}
        case TicketReturned() | TicketPrioritized() | TicketCancelled():
            named = {event.service}  # a place in the queue taken, moved ahead or given up
        case TicketDone() | TicketNoShow():
            named = {event.service}  # the number now served changes (after done, the estimate)
        case TicketTransferred():
            named = {event.service, event.from_service}
        case CounterStateChanged() if event.counter in config.counter_by_id:
            named = set(config.counter_by_id[event.counter].services)
        case _:
            return set()
    return linked_services(config, named)


class PhoneUpdates:
    """Sends `ticket.update` to phones whose ticket changed: at once to the phones of the
    tickets an event is about (a called citizen hears straight away), then, at most every
    POSITION_REFRESH_SECONDS, new queue positions in the services the events moved.
    """

    def __init__(self, station: Station, connections: Connections) -> None:
        self.station = station
        self.connections = connections
        self._changed = threading.Condition()
        self._tickets: set[int] = set()
        self._services: set[str] = set()
        self._everything = False
        self._running = False
        self._next_positions = 0.0
        self._last_sent: dict[str, dict[str, Any]] = {}
        self._ids: dict[str, int] = {}  # watched token -> its ticket's id (which never changes)

    def mark(self, batch: Sequence[Recorded]) -> set[str]:
        """Note a committed batch; returns the services whose positions it moved."""
        moved: set[str] = set()
        for recorded in batch:
            moved |= services_moved(recorded.event, self.station.config)
        tickets = {r.event.ticket_id for r in batch if r.event.ticket_id is not None}
        self.mark_changes(tickets, moved)
        return moved

    def mark_changes(self, tickets: set[int], services: set[str]) -> None:
        """Note changed tickets and moved services (also as told by another process)."""
        with self._changed:
            self._tickets |= tickets
            self._services |= services
            self._wake()

    def mark_everything(self) -> None:
        with self._changed:
            self._everything = True
            self._wake()

    def _wake(self) -> None:
        """Tell the worker there is work, starting it if it ended (caller holds the lock)."""
        if not self.connections.watched_tokens():
            self._tickets.clear()
            self._services.clear()
            self._everything = False
            return
        self._changed.notify()
        if not self._running:
            self._running = True
            threading.Thread(target=self._run, name="satupintu-phones", daemon=True).start()

    def _take(self) -> tuple[set[int], set[str], bool] | None:
        """Wait for work; the tickets now, the positions only once their interval is over.

        None once there was nothing to do for IDLE_SECONDS: the worker ends.
        """
        with self._changed:
            idle_since = time.monotonic()
            while True:
                positions_due = time.monotonic() >= self._next_positions
                has_positions = bool(self._services) or self._everything
                if self._tickets or (has_positions and positions_due):
                    break
                if not has_positions and time.monotonic() - idle_since >= IDLE_SECONDS:
                    self._running = False
                    return None
                timeout = self._next_positions - time.monotonic() if has_positions else IDLE_SECONDS
                self._changed.wait(max(0.0, timeout))
            tickets, self._tickets = self._tickets, set()
            services: set[str] = set()
            everything = False
            if positions_due:
                services, self._services = self._services, set()
                everything, self._everything = self._everything, False
                if services or everything:
                    self._next_positions = time.monotonic() + POSITION_REFRESH_SECONDS
            return tickets, services, everything

    def _take_tickets(self) -> set[int]:
        """The tickets events named since the last look, without waiting."""
        with self._changed:
            tickets, self._tickets = self._tickets, set()
            return tickets

    def _run(self) -> None:
        while (work := self._take()) is not None:
            tickets, services, everything = work
            try:
                self._refresh(tickets, services, everything)
            except Exception:
                logger.exception("could not update watching phones")

    def _refresh(self, tickets: set[int], services: set[str], everything: bool) -> None:
        watched = self.connections.watched_tokens()
        for gone in set(self._last_sent) - watched:
            del self._last_sent[gone]
        for gone in set(self._ids) - watched:
            del self._ids[gone]
        if not watched:
            return
        if unknown := watched - self._ids.keys():  # only phones that began watching since
            places = ticket_reads.ticket_places(self.station, unknown)
            self._ids.update({token: ticket_id for token, (ticket_id, _) in places.items()})
        self._send({token for token in watched if self._ids.get(token) in tickets})
        if not (services or everything):
            return
        where = ticket_reads.ticket_places(self.station, watched)  # services change on transfer
        moved = sorted(
            token for token, (_, service) in where.items() if everything or service in services
        )
        for start in range(0, len(moved), PHONES_AT_ONCE):
            self._send(set(moved[start : start + PHONES_AT_ONCE]))
            time.sleep(0)  # let calls and boards through between chunks
            called = self._take_tickets()
            if called:  # a citizen called meanwhile hears it before the others' new positions
                self._send(
                    {token for token, (ticket_id, _) in where.items() if ticket_id in called}
                )
                with self._changed:  # tickets of phones that began watching since: next round
                    self._tickets |= called - {ticket_id for ticket_id, _ in where.values()}

    def _send(self, tokens: set[str]) -> None:
        """`ticket.update` to each of these phones whose ticket looks different than last sent."""
        if not tokens:
            return
        for token, view in ticket_reads.tickets_by_tokens(self.station, tokens).items():
            if self._last_sent.get(token) != view:
                self._last_sent[token] = view
                socketio.emit("ticket.update", {"ticket": view}, to=ticket_room(token))


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
    environment (Socket.IO's) holds the Wire, for the flood control to cut a connection off."""
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
                return handler(websocket)

            return handle

        def wait(self) -> Any:
            frame = super().wait()
            return frame if frame is None or self.wire.allow_frame() else None

    eio._async = {**eio._async, "websocket": MeteredWebSocket}


def board_id(data: Any) -> str | None:
    """The board a client names (`{"board": ID}`), else None for every counter."""
    found = data.get("board") if isinstance(data, dict) else None
    return found if isinstance(found, str) else None


@socketio.on("connect")
def connect(auth: Any = None) -> None:
    """Every client starts with a snapshot; its cookie tells us whether it is an officer.

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
    join_room(BOARD_ROOM)
    emit("snapshot", board_view.board_snapshot(station(), board_id(auth)))


@socketio.on("disconnect")
def closed(*_: Any) -> None:
    if connections().closed(sid()):
        presence_changed(presence.leave(station(), sid()))


def presence_changed(counter_id: str | None) -> None:
    """Tell every screen that the officers at `counter_id` changed (staff screens reload)."""
    if counter_id is not None:
        socketio.emit("counter.presence", {"counter": counter_id}, to=BOARD_ROOM)
    current_app.extensions["satupintu.flood"].forget(sid())


@socketio.on_error_default
def crashed(error: Exception) -> dict[str, Any]:
    logger.exception("unhandled error in a socket event", exc_info=error)
    message = text("error.internal", connections().language(sid(), station().config.language))
    return {"ok": False, "error": {"code": "internal", "message": message}}
