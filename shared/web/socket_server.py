"""The process's one Socket.IO server, its rooms (the board's, one per watched ticket) and what it
knows of its own sockets (session, language, watched ticket, console at a counter)."""

from __future__ import annotations

import threading

from flask_socketio import SocketIO

BOARD_ROOM = "board"  # clients hearing each board event as a frame of its own
BATCH_ROOM = "board.batch"  # boards hearing a commit's board events as one `board.events` frame
BATCH_EVENT = "board.events"
POWER_EVENT = "power.state"  # to every client, phones too (`publish_power`)


IDLE_SECONDS = 2.0  # a background thread with nothing to do for this long ends


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

    def anyone_watching(self) -> bool:
        return bool(self._watching)

    def watched_tokens(self) -> set[str]:
        with self._lock:
            return set(self._watching.values())
