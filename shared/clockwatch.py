"""The station's time, which trusts the wall clock only while it agrees with a steady clock.

A wall clock that jumps (a bad NTP server, a hand-set clock, a dead RTC battery) would expire
every waiting ticket (+26 h), move new tickets into tomorrow, or reorder the queue. So every
reading is compared with the last trusted one plus the steady clock's time since: while they
agree (within JUMP_TOLERANCE) the wall clock is followed; when they part, the station keeps
counting from the last trusted time and reports the jump, until the wall clock agrees again
(it was put right) or a supervisor accepts the new time. A day never rolls over on a jump.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from shared.clock import Clock

JUMP_TOLERANCE = timedelta(minutes=2)


@dataclass(frozen=True)
class Jump:
    """The wall clock disagrees with the station's time: what it says, and by how much."""

    wall: datetime
    trusted: datetime
    since: datetime  # the station's time when the jump was first seen

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
                self._anchor = (wall, steady)
                self.jump = None
                return wall
            since = self.jump.since if self.jump else trusted
            self.jump = Jump(wall=wall, trusted=trusted, since=since)
            return trusted

    def not_before(self, instant: datetime) -> None:
        """At start-up: the log already holds `instant`; a wall clock far behind it is a jump."""
        wall, steady = self.clock.now(), self.clock.monotonic()
        if wall < instant - self.tolerance:
            with self._lock:
                self._anchor = (instant, steady)
                self.jump = Jump(wall=wall, trusted=instant, since=instant)

    def accept(self) -> None:
        """A supervisor confirms the wall clock is right: follow it from now on."""
        with self._lock:
            self._anchor = (self.clock.now(), self.clock.monotonic())
            self.jump = None
