"""The hall's power as the UPS reports it, and what the station may still do on battery.

Pure rules, no I/O: `read_status` turns NUT's variables (`ups.status` flags such as `OL`,
`OB DISCHRG`, `OB LB`; `battery.runtime` in seconds; `battery.charge` in percent) into a
`PowerState`; `change` names the event a new supply is (power lost, power back);
`must_close` says when the orderly close starts; `beyond_runtime` which services can no
longer serve one more citizen before the battery is empty.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum


class Supply(StrEnum):
    """Where the hall's power comes from, as far as the station knows."""

    MAINS = "mains"
    BATTERY = "battery"
    LOW = "low"  # on battery and the UPS says the battery is low (or it forces a shutdown)
    UNKNOWN = "unknown"  # the UPS cannot be asked: a health problem, not a power cut


class Change(StrEnum):
    """What a new power state means for the log."""

    LOST = "lost"
    BACK = "back"


@dataclass(frozen=True)
class PowerState:
    """The UPS's latest answer: the supply, and the battery's runtime (seconds) and charge (%)."""

    supply: Supply
    runtime_seconds: int | None = None
    charge_percent: int | None = None
    closing: bool = False  # the orderly close has begun: no new tickets at all

    @property
    def on_battery(self) -> bool:
        return self.supply in (Supply.BATTERY, Supply.LOW)

    @property
    def runtime_minutes(self) -> int | None:
        """Whole minutes of battery left (rounded down: never promise more than there is)."""
        return None if self.runtime_seconds is None else self.runtime_seconds // 60


NO_UPS = PowerState(Supply.MAINS)  # a station without a UPS runs as on mains
UNREACHABLE = PowerState(Supply.UNKNOWN)


def _number(text: str | None) -> int | None:
    """A NUT number ("1200", "87.5") as a whole number; None when missing or not a number."""
    try:
        return int(float(text)) if text is not None else None
    except ValueError:
        return None


def read_status(variables: Mapping[str, str]) -> PowerState:
    """The state a UPS's variables describe. `OB` is on battery; `OB` with `LB` (or `FSD`, the
    UPS forcing a shutdown) is a low battery; `OL` is mains; anything else is unknown.
    A low battery while on mains (`OL LB`, recharging) is mains: nothing is at risk."""
    flags = set(variables.get("ups.status", "").split())
    runtime = _number(variables.get("battery.runtime"))
    charge = _number(variables.get("battery.charge"))
    if "FSD" in flags or {"OB", "LB"} <= flags:
        supply = Supply.LOW
    elif "OB" in flags:
        supply = Supply.BATTERY
    elif "OL" in flags:
        supply = Supply.MAINS
    else:
        supply = Supply.UNKNOWN
    return PowerState(supply, runtime, charge)


def change(before: Supply, after: Supply) -> Change | None:
    """The event a new supply makes after the last known one: lost (from mains to battery, low
    or not), back (from battery to mains). An unknown supply (the UPS out of sight) is no
    change: the last known one stands until the UPS answers again."""
    on_battery = (Supply.BATTERY, Supply.LOW)
    if after in on_battery and before not in on_battery:
        return Change.LOST
    if after is Supply.MAINS and before in on_battery:
        return Change.BACK
    return None


def must_close(state: PowerState, close_below_minutes: int) -> bool:
    """Whether the orderly close starts: a low battery, or less runtime than configured."""
    if state.supply is Supply.LOW:
        return True
    runtime = state.runtime_seconds
    return state.on_battery and runtime is not None and runtime < close_below_minutes * 60


def beyond_runtime(state: PowerState, finish_minutes: Mapping[str, float]) -> frozenset[str]:
    """The services (of `finish_minutes`) a new ticket could not be served in before the
    battery is empty: those whose wait for one more ticket plus its service time exceeds the
    runtime; every one once the orderly close began. On mains, or with no runtime reported,
    every service can still be served."""
    if state.closing:
        return frozenset(finish_minutes)
    runtime = state.runtime_seconds
    if not state.on_battery or runtime is None:
        return frozenset()
    return frozenset(
        service for service, minutes in finish_minutes.items() if minutes * 60 > runtime
    )
