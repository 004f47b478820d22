"""The latest SKM result the station publishes (start page, board): the most recent closed
quarter with nine-element answers, within the last year, with its index, grade, period and
respondents. Computed by the same rule as the reports (`shared.domain.skm`)."""

from __future__ import annotations

from typing import Any

from shared.application.reporting.skm_report import from_rows
from shared.application.station import Station
from shared.domain.skm import SkmPeriod
from shared.store import skm_records

QUARTERS_BACK = 4


def latest(station: Station) -> dict[str, Any] | None:
    """The latest closed quarter's result, or None when none of the last four has answers."""
    period = SkmPeriod.containing("quarter", station.today())
    with station.store.read() as db:
        for _ in range(QUARTERS_BACK):
            period = period.previous()
            start, _end = station.day_bounds(period.first)
            _start, end = station.day_bounds(period.last)
            result = from_rows(skm_records.answers_between(db, start, end))
            if result is not None:
                letter, words = result.grade
                return {
                    "period": period.label,
                    "first": period.first.isoformat(),
                    "last": period.last.isoformat(),
                    "index": float(result.index),
                    "grade": letter,
                    "performance": words,
                    "respondents": result.respondents,
                }
    return None
