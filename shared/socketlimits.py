"""Socket.IO flood control: a client that sends events too fast is refused, then disconnected.

One socket sending `snapshot` back to back kept a whole hall's kiosks, consoles and boards
waiting. Every client event passes `Flood.allow`: a token bucket per connection and a larger
one per client address (several tabs or phones behind one address share it). A refused event
gets a `rate_limited` answer and counts as a strike; a connection that keeps going is
disconnected. New connections are limited per address and minute the same way.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

STRIKES_BEFORE_DISCONNECT = 20
KEPT_ADDRESSES = 4096  # beyond this many, buckets idle for a minute are dropped
ADDRESS_SHARE = 3  # an address may send this many connections' worth of events
BURST = 2  # a bucket holds this many seconds' worth of events


@dataclass
class Bucket:
    """Tokens refilling at `rate` a second up to `capacity`; each event takes one."""

    rate: float
    capacity: float
    updated: float

    def __post_init__(self) -> None:
        self.tokens = self.capacity

    def take(self, now: float) -> bool:
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
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
