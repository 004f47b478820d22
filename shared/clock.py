"""Where "now" comes from (the system clock, or a hand-moved one in tests) and how an instant
is written down: UTC ISO-8601 text with microseconds, so that text order is time order."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol


def utc_text(instant: datetime) -> str:
    """An instant as stored: UTC ISO-8601 with microseconds, so text order is time order."""
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_utc(text: str) -> datetime:
    """A stored instant back as a timezone-aware datetime."""
    return datetime.fromisoformat(text)


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, timezone-aware in UTC."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class ManualClock:
    """A clock that only moves when told to, for crossing day boundaries in tests."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("ManualClock needs a timezone-aware start")
        self._now = start.astimezone(UTC)

    def now(self) -> datetime:
        return self._now

    def advance(self, **delta: float) -> datetime:
        self._now += timedelta(**delta)
        return self._now

    def set(self, instant: datetime) -> None:
        self._now = instant.astimezone(UTC)
