"""The station's time, which trusts the wall clock only while it agrees with a steady clock.

A wall clock that jumps (a bad NTP server, a hand-set clock, a dead RTC battery) would expire
every waiting ticket (+26 h), move new tickets into tomorrow, or reorder the queue. So every
reading is compared with the time last trusted plus the steady clock's time since (the anchor
stays put while they agree, so many small steps add up to a jump): while they agree (within
JUMP_TOLERANCE) the wall clock is followed; when they part, the station keeps counting from
the trusted time and reports the jump, until the wall clock agrees again (it was put right),
a supervisor accepts the new time, or a staff device's own clock agrees with it. A day never
rolls over on a jump.

At start the first reading is compared with the log's newest event both ways: behind it, or
ahead of it into another service day, the station holds the log's time until the clock is
confirmed (a server restarted after a night off is confirmed by the first officer's console).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from shared.domain.clock import Clock

JUMP_TOLERANCE = timedelta(minutes=2)


@dataclass(frozen=True)
class Jump:
    """The wall clock disagrees with the station's time: what it says, and by how much."""

    wall: datetime
    trusted: datetime
    since: datetime  # the station's time when the jump was first seen
    at_start: bool = False  # the clock the server started with was not confirmed

    @property
    def off_by(self) -> timedelta:
        return self.wall - self.trusted


class TrustedTime:
    """The station's "now": see the module's text."""

    def __init__(self, clock: Clock, tolerance: timedelta = JUMP_TOLERANCE) -> None:
        self.clock = clock
        self.tolerance = tolerance
        self._lock = threading.Lock()
        self._anchor: tuple[datetime, float] | None = None
        self.jump: Jump | None = None

    def now(self) -> datetime:
        wall, steady = self.clock.now(), self.clock.monotonic()
        with self._lock:
            if self._anchor is None:
                self._anchor = (wall, steady)
                return wall
            trusted = self._anchor[0] + timedelta(seconds=steady - self._anchor[1])
            if abs(wall - trusted) <= self.tolerance:
                if self.jump is not None:  # put right: trust it from here
                    self._anchor = (wall, steady)
                    self.jump = None
                return wall
            since = self.jump.since if self.jump else trusted
            at_start = self.jump.at_start if self.jump else False
            self.jump = Jump(wall=wall, trusted=trusted, since=since, at_start=at_start)
            return trusted

    def hold(self, instant: datetime) -> None:
        """At start-up: the wall clock cannot be trusted yet; count from `instant` (the log's
        newest event) until it is confirmed."""
        wall, steady = self.clock.now(), self.clock.monotonic()
        with self._lock:
            self._anchor = (instant, steady)
            self.jump = Jump(wall=wall, trusted=instant, since=instant, at_start=True)

    def agrees(self, other: datetime) -> bool:
        """Whether another clock's reading (a staff device's) agrees with the wall clock."""
        return abs(self.clock.now() - other) <= self.tolerance

    def accept(self) -> None:
        """The wall clock is confirmed right: follow it from now on."""
        with self._lock:
            self._anchor = (self.clock.now(), self.clock.monotonic())
            self.jump = None
