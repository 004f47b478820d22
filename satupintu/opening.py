"""open_station: a station for a config with the ESC/POS printers of `printer/`, as the app,
the commands and the read worker each open it."""

from __future__ import annotations

from printer import Printers
from shared.application.printing import Printing
from shared.application.station import Station
from shared.domain.clock import Clock, SystemClock
from shared.domain.config import Config


def open_station(
    config: Config, *, clock: Clock | None = None, printers: Printing | None = None
) -> Station:
    """The station for a config with the ESC/POS printers of `printer/` (unless given)."""
    clock = clock or SystemClock()
    return Station.open(config, clock=clock, printers=printers or Printers(config, clock=clock))
