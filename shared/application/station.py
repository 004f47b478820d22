"""The running station: its config, store, clock and printers, handed to every use case.

The printers are whatever implements `shared.application.printing.Printing`; the composition root
(`satupintu.opening.open_station`) builds the ESC/POS adapters of `printer/`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from shared.application.estimate_inputs import EstimateInputs
from shared.application.printing import Printing
from shared.domain.clock import Clock, SystemClock, parse_utc
from shared.domain.clockwatch import TrustedTime
from shared.domain.config import Config
from shared.domain.power import NO_UPS, PowerState
from shared.domain.queue_rules import service_day, service_day_bounds
from shared.store.store import Store


@dataclass
class Station:
    config: Config
    store: Store
    clock: Clock
    printers: Printing
    time: TrustedTime = field(init=False)
    # The hall's power as the UPS last reported it (`shared.operations.power` keeps it current).
    power: PowerState = field(init=False, default=NO_UPS)
    # What places and estimates read besides the queues, kept while the database says it holds.
    estimate_inputs: EstimateInputs = field(init=False, default_factory=EstimateInputs)

    def __post_init__(self) -> None:
        self.time = TrustedTime(self.clock)

    @classmethod
    def open(cls, config: Config, *, printers: Printing, clock: Clock | None = None) -> Station:
        """The station for a config: its database (created or migrated) and its printers.

        A wall clock behind the log's last event, or ahead of it into another service day, is
        not believed until it is confirmed: the station holds the log's time (nothing expires,
        no day's numbering starts, no day is anchored on it).
        """
        station = cls(
            config=config,
            store=Store(config.database_path),
            clock=clock or SystemClock(),
            printers=printers,
        )
        with station.store.read() as db:
            last = db.one("SELECT at FROM events ORDER BY id DESC LIMIT 1")
        if last is not None:
            held = parse_utc(last["at"])
            wall, tolerance = station.clock.now(), station.time.tolerance
            if wall < held - tolerance or (
                wall > held + tolerance and station.today(wall) != station.today(held)
            ):
                station.time.hold(held)
        return station

    def now(self) -> datetime:
        """The station's time: the wall clock, unless it jumped (see `shared.domain.clockwatch`)."""
        return self.time.now()

    def today(self, now: datetime | None = None) -> date:
        """The current service day in the station's time zone (it may start after midnight)."""
        return service_day(now or self.now(), self.config.zone, self.config.day_starts_at)

    def day_bounds(self, day: date) -> tuple[datetime, datetime]:
        return service_day_bounds(day, self.config.zone, self.config.day_starts_at)

    def local(self, instant: datetime) -> datetime:
        return instant.astimezone(self.config.zone)

    @property
    def private_services(self) -> frozenset[str]:
        return self.config.private_services
