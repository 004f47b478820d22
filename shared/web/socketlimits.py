"""Socket.IO flood control: a client that sends events too fast is refused, then disconnected.

One socket sending `snapshot` back to back kept a whole hall's kiosks, consoles and boards
waiting. Every client event passes `Flood.allow`: a token bucket per connection and a larger
one per client address (several tabs or phones behind one address share it). A refused event
gets a `rate_limited` answer and counts as a strike; a connection that keeps going is
disconnected. New connections are limited per address and minute the same way.

Below the events, every websocket frame a connection sends is metered (`Wire`): frames and
bytes a second, whatever they hold. Disconnecting is not enough against a client that ignores
it: a connection over its allowance, or one the flood control disconnects, has its TCP
connection shut at once, so the server reads nothing more from it.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from shared.store.concurrency import let_others_run

logger = logging.getLogger(__name__)

STRIKES_BEFORE_DISCONNECT = 20
KEPT_ADDRESSES = 4096  # beyond this many, buckets idle for a minute are dropped
ADDRESS_SHARE = 3  # an address may send this many connections' worth of events
BURST = 2  # a bucket holds this many seconds' worth of events
WIRE = "satupintu.wire"  # the WSGI environment's key for a websocket session's Wire


@dataclass
class Bucket:
    """Tokens refilling at `rate` a second up to `capacity`; each event takes `cost` of them."""

    rate: float
    capacity: float
    updated: float

    def __post_init__(self) -> None:
        self.tokens = self.capacity

    def take(self, now: float, cost: float = 1) -> bool:
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        if self.tokens < cost:
            return False
        self.tokens -= cost
        return True


class Flood:
    """The buckets of this process's connections and their addresses."""

    def __init__(
        self,
        events_per_second: int,
        connects_per_minute: int,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.clock = clock
        self.events_per_second = events_per_second
        self.connects_per_minute = connects_per_minute
        self._lock = threading.Lock()
        self._connections: dict[str, Bucket] = {}
        self._addresses: dict[str, Bucket] = {}
        self._connects: dict[str, Bucket] = {}
        self._strikes: dict[str, int] = {}

    def may_connect(self, address: str) -> bool:
        if not self.connects_per_minute:
            return True
        rate = self.connects_per_minute / 60
        now = self.clock()
        with self._lock:
            _prune(self._connects, now)
            bucket = self._connects.setdefault(address, Bucket(rate, self.connects_per_minute, now))
            return bucket.take(now)

    def allow(self, sid: str, address: str) -> bool:
        """Whether this connection may have this event handled now."""
        if not self.events_per_second:
            return True
        rate = float(self.events_per_second)
        now = self.clock()
        with self._lock:
            _prune(self._addresses, now)
            mine = self._connections.setdefault(sid, Bucket(rate, rate * BURST, now))
            shared = self._addresses.setdefault(
                address, Bucket(rate * ADDRESS_SHARE, rate * ADDRESS_SHARE * BURST, now)
            )
            if mine.take(now) and shared.take(now):
                return True
            self._strikes[sid] = self._strikes.get(sid, 0) + 1
            return False

    def is_flooding(self, sid: str) -> bool:
        """Whether a connection was refused so often that it should be disconnected."""
        with self._lock:
            return self._strikes.get(sid, 0) >= STRIKES_BEFORE_DISCONNECT

    def forget(self, sid: str) -> None:
        with self._lock:
            self._connections.pop(sid, None)
            self._strikes.pop(sid, None)


def _prune(buckets: dict[str, Bucket], now: float) -> None:
    if len(buckets) > KEPT_ADDRESSES:
        for key in [key for key, bucket in buckets.items() if now - bucket.updated > 60]:
            del buckets[key]


class Wire:
    """One websocket's frames and bytes a second, and the TCP connection to cut off."""

    def __init__(
        self,
        connection: socket.socket,
        address: str,
        frames_per_second: int,
        kb_per_second: int,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.connection = connection
        self.address = address
        self.clock = clock
        now = clock()
        self.frames = (
            Bucket(frames_per_second, frames_per_second * BURST, now) if frames_per_second else None
        )
        rate = kb_per_second * 1024
        self.bytes = Bucket(rate, rate * BURST, now) if rate else None
        self.cut = False

    def allow_frame(self) -> bool:
        """Whether one more frame is within the allowance (else the connection is cut)."""
        return self._take(self.frames, 1, "frames")

    def allow_bytes(self, count: int) -> bool:
        """Whether `count` more bytes are within the allowance (else the connection is cut)."""
        return self._take(self.bytes, count, "bytes")

    def _take(self, bucket: Bucket | None, cost: int, what: str) -> bool:
        if self.cut:
            return False
        if bucket is None or bucket.take(self.clock(), cost):
            return True
        return self.cut_off(what)

    def cut_off(self, why: str) -> bool:
        """Shut the TCP connection both ways (every duplicate of its socket): always False."""
        if not self.cut:
            self.cut = True
            logger.warning("cut off a websocket from %s: it sent too many %s", self.address, why)
            with contextlib.suppress(OSError):  # already gone
                self.connection.shutdown(socket.SHUT_RDWR)
        return False


class MeteredSocket:
    """A websocket's socket whose reads its `Wire` meters. Each read also gives every other
    greenlet its turn: a client sending without pause would otherwise be read without pause,
    and nothing else in the process would run."""

    def __init__(self, connection: socket.socket, wire: Wire) -> None:
        self.connection = connection
        self.wire = wire

    def recv(self, size: int) -> bytes:
        data = self.connection.recv(size)
        let_others_run()
        return data if self.wire.allow_bytes(len(data)) else b""

    def __getattr__(self, name: str) -> Any:
        return getattr(self.connection, name)
