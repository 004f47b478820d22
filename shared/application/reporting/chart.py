"""Tickets per hour as a bar chart drawn on the server: the geometry here, the SVG markup in
shared/templates/reporting/_chart.html (no chart library, no script, no inline style)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

WIDTH = 720
HEIGHT = 240
LEFT = 36
RIGHT = 8
BOTTOM = 28
TOP = 12
MIN_HOURS = 8
SERIES = ("issued", "served")


@dataclass(frozen=True)
class Bar:
    series: str
    hour: int
    value: int
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class Tick:
    value: int
    y: float


@dataclass(frozen=True)
class Label:
    hour: int
    x: float


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    left: int
    right: int
    baseline: float
    bars: list[Bar]
    ticks: list[Tick]
    labels: list[Label]


def nice_ceiling(value: int) -> int:
    """The smallest of 1, 2, 5, 10, 20, 50, ... at or above value."""
    step = 1
    while True:
        for factor in (1, 2, 5):
            if step * factor >= value:
                return step * factor
        step *= 10


def shown_hours(hourly: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The hours from the first to the last with any ticket, widened to at least MIN_HOURS."""
    active = [i for i, row in enumerate(hourly) if any(row[key] for key in SERIES)]
    if not active:
        return []
    first, last = active[0], active[-1]
    while last - first + 1 < min(MIN_HOURS, len(hourly)):
        if last < len(hourly) - 1:
            last += 1
        else:
            first -= 1
    return list(hourly[first : last + 1])


def hourly_chart(hourly: Sequence[dict[str, Any]]) -> Chart | None:
    """Two bars per shown hour (issued, served) scaled to a round maximum; None if empty."""
    hours = shown_hours(hourly)
    if not hours:
        return None
    top = nice_ceiling(max(row[key] for row in hours for key in SERIES))
    plot_width = WIDTH - LEFT - RIGHT
    plot_height = HEIGHT - TOP - BOTTOM
    baseline = TOP + plot_height
    slot = plot_width / len(hours)
    bar_width = slot * 0.36
    bars, labels = [], []
    for index, row in enumerate(hours):
        x = LEFT + index * slot + slot * 0.14
        for position, series in enumerate(SERIES):
            height = plot_height * row[series] / top
            bars.append(
                Bar(
                    series,
                    row["hour"],
                    row[series],
                    round(x + position * bar_width, 1),
                    round(baseline - height, 1),
                    round(bar_width, 1),
                    round(height, 1),
                )
            )
        labels.append(Label(row["hour"], round(x + bar_width, 1)))
    ticks = [
        Tick(value, round(baseline - plot_height * value / top, 1))
        for value in sorted({0, top // 2, top})
    ]
    return Chart(WIDTH, HEIGHT, LEFT, RIGHT, baseline, bars, ticks, labels)
