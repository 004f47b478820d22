"""Where "now" comes from (the system clock, or a hand-moved one in tests) and how an instant
is written down: UTC ISO-8601 text with microseconds, so that text order is time order."""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Protocol


def utc_text(instant: datetime) -> str:
    """An instant as stored: UTC ISO-8601 with microseconds, so text order is time order."""
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_utc(text: str) -> datetime:
    """A stored instant back as a timezone-aware datetime."""
    return datetime.fromisoformat(text)


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant by the wall clock, timezone-aware in UTC."""
        ...

    def monotonic(self) -> float:
        """Seconds on a clock that only ever moves forward at a steady pace."""
        ...


# A file whose content (seconds, e.g. "93600") shifts the system clock of a process started
# with this variable set: tests use it to make a real server's clock jump.
SHIFT_FILE_ENV = "SATUPINTU_CLOCK_SHIFT_FILE"


def _steady() -> float:
    """Linux's boot-time clock counts a suspended machine's sleep too; elsewhere monotonic."""
    boottime = getattr(time, "CLOCK_BOOTTIME", None)
    return time.clock_gettime(boottime) if boottime is not None else time.monotonic()


class SystemClock:
    """The machine's clocks (the wall clock shifted by SHIFT_FILE_ENV's file, if set)."""

    def __init__(self) -> None:
        shift_file = os.environ.get(SHIFT_FILE_ENV)
        self._shift_file = Path(shift_file) if shift_file else None
        self._shift = (None, timedelta())  # (file's mtime, shift)

    def now(self) -> datetime:
        return datetime.now(UTC) + self._shifted()

    def monotonic(self) -> float:
        return _steady()

    def _shifted(self) -> timedelta:
        if self._shift_file is None:
            return timedelta()
        try:
            changed = self._shift_file.stat().st_mtime_ns
        except OSError:
            return timedelta()
        if changed != self._shift[0]:
            try:
                seconds = float(self._shift_file.read_text().strip() or 0)
            except (OSError, ValueError):
                seconds = 0.0
            self._shift = (changed, timedelta(seconds=seconds))
        return self._shift[1]


class ManualClock:
    """A clock that only moves when told to, for crossing day boundaries in tests.

    `advance` and `set` are time passing (both clocks move); `step` moves the wall clock
    alone, as a clock set wrong (or put right) does.
    """

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("ManualClock needs a timezone-aware start")
        self._now = start.astimezone(UTC)
        self._steady = 0.0

    def now(self) -> datetime:
        return self._now

    def monotonic(self) -> float:
        return self._steady

    def advance(self, **delta: float) -> datetime:
        step = timedelta(**delta)
        self._now += step
        self._steady += max(0.0, step.total_seconds())
        return self._now

    def set(self, instant: datetime) -> None:
        moved = instant.astimezone(UTC) - self._now
        self._now = instant.astimezone(UTC)
        self._steady += max(0.0, moved.total_seconds())

    def step(self, **delta: float) -> datetime:
        """The wall clock jumps; the steady clock does not notice."""
        self._now += timedelta(**delta)
        return self._now
