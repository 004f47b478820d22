"""The latest SKM result the station publishes (start page, board), read from its survey
answers by the rule of `skm_report.latest` (the same rule the scorecard judges)."""

from __future__ import annotations

from typing import Any

from shared.application.reporting.skm_report import from_rows
from shared.application.reporting.skm_report import latest as latest_of
from shared.application.station import Station
from shared.domain import skm
from shared.domain.skm import SkmPeriod
from shared.store import skm_records


def latest(station: Station) -> dict[str, Any] | None:
    """The latest closed quarter's result, or None when none of the last four has answers."""
    with station.store.read() as db:

        def results_of(period: SkmPeriod) -> skm.Result | None:
            start, _end = station.day_bounds(period.first)
            _start, end = station.day_bounds(period.last)
            return from_rows(skm_records.answers_between(db, start, end))

        return latest_of(results_of, station.today())
