"""The process's one Socket.IO server, its rooms (the board's, one per watched ticket), what it
knows of its own sockets (session, language, watched ticket, console at a counter) and how
frames are written to them.

A broadcast is one engine.io packet queued to every socket of its room, each socket's writer
sending what it polled. Its websocket frame is built once, by the first writer, and kept on
the packet for the others (`frame_of`); a writer sends every packet it polled in one write
(`Written`), in one system call, not one each. A connection that negotiated permessage-deflate has
its frames compressed for it alone (`compressed_frames`).
"""

from __future__ import annotations

import struct
import threading
from collections.abc import Sequence
from typing import Any

from flask_socketio import SocketIO
from wsproto import WSConnection
from wsproto.events import BytesMessage, TextMessage

BOARD_ROOM = "board"  # clients hearing each board event as a frame of its own
BATCH_ROOM = "board.batch"  # boards hearing board events in `board.events` frames (`board_batches`)
BATCH_EVENT = "board.events"
POWER_EVENT = "power.state"  # to every client, phones too (`publish_power`)


IDLE_SECONDS = 2.0  # a background thread with nothing to do for this long ends
FRAME = "satupintu_frame"  # the attribute of an engine.io packet holding its built frame


socketio = SocketIO()


def ticket_room(token: str) -> str:
    return f"ticket:{token}"


def frame(message: str | bytes) -> bytes:
    """`message` as one whole websocket frame from the server (unmasked, uncompressed)."""
    payload, head = (message.encode(), 0x81) if isinstance(message, str) else (message, 0x82)
    size = len(payload)
    if size < 126:
        return struct.pack("!BB", head, size) + payload
    if size < 1 << 16:
        return struct.pack("!BBH", head, 126, size) + payload
    return struct.pack("!BBQ", head, 127, size) + payload


def frame_of(packet: Any) -> bytes:
    """An engine.io packet's frame: built by its first recipient's writer, kept on the packet
    for the rest of the room."""
    built: bytes | None = getattr(packet, FRAME, None)
    if built is None:
        built = frame(packet.encode())
        setattr(packet, FRAME, built)
    return built


def compressed_frames(packets: Sequence[Any], connection: WSConnection) -> bytes:
    """The packets' frames compressed for this connection alone (permessage-deflate)."""
    return b"".join(
        connection.send(
            TextMessage(data=encoded) if isinstance(encoded, str) else BytesMessage(data=encoded)
        )
        for encoded in (packet.encode() for packet in packets)
    )


class Written:
    """A poll's packets as the one item engine.io's writer sends (it sends each item's
    `encode()`, here the item itself): their frames, joined."""

    def __init__(self, frames: bytes) -> None:
        self.frames = frames

    def encode(self) -> Written:
        return self


class Connections:
    """What this process knows about its own sockets: session token, language, watched ticket."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._session: dict[str, str | None] = {}
        self._language: dict[str, str] = {}
        self._watching: dict[str, str] = {}
        self._attending: set[str] = set()
        self.watch_changes = 0  # counts changes of what is watched (`watched_tokens`)

    def opened(self, sid: str, session_token: str | None, language: str) -> None:
        with self._lock:
            self._session[sid] = session_token
            self._language[sid] = language

    def closed(self, sid: str) -> bool:
        """Forget `sid`; whether it was a console at a counter."""
        with self._lock:
            self._session.pop(sid, None)
            self._language.pop(sid, None)
            if self._watching.pop(sid, None) is not None:
                self.watch_changes += 1
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
            self.watch_changes += 1
            return previous

    def anyone_watching(self) -> bool:
        return bool(self._watching)

    def watched_tokens(self) -> set[str]:
        with self._lock:
            return set(self._watching.values())
