"""How report figures are rounded and summarised, the same for every page, file and command.

Minutes and percentages are rounded half up to one decimal, only when shown; the 90th
percentile is the nearest-rank one: the smallest value that at least 90% of the values do not
exceed.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

ONE_DECIMAL = Decimal("0.1")


def mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def percentile_90(values: list[float]) -> float | None:
    """Nearest rank: the smallest value that at least 90% of the values do not exceed."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[math.ceil(0.9 * len(ordered)) - 1]


def minutes(seconds: float | None) -> float | None:
    """Seconds as minutes, rounded half up to one decimal."""
    if seconds is None:
        return None
    return float((Decimal(repr(seconds)) / 60).quantize(ONE_DECIMAL, ROUND_HALF_UP))


def percent(part: int, whole: int) -> float | None:
    """`part` as a percentage of `whole`, rounded half up to one decimal (None of nothing)."""
    if not whole:
        return None
    return float((Decimal(part * 100) / whole).quantize(ONE_DECIMAL, ROUND_HALF_UP))
