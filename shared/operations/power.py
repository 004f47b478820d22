"""Watching the hall's UPS through NUT, and the orderly close before its battery is empty.

`PowerWatch` asks upsd (`shared.operations.nut`) every `power.poll_seconds`, keeps the
station's power state current (`Station.power`: what the kiosk's refusals and every screen's
notice read), logs each change of supply (`power.lost`, `power.back`; the last one logged says
where a restarted server left off) and hands every change of what screens show to `publish`.
A UPS that cannot be asked is a health problem (`shared.operations.ups_health`), not a power
cut: the last known supply stands until it answers again. A change already in the log (logged
by another server process on the same database) is not logged twice.

On a low battery, or less runtime than `power.close_below_minutes`, `orderly_close` runs its
steps in order, each one's failure logged without stopping the next: no new tickets, the
screens told, the event `power.low`, a verified backup, and a clean stop of the server.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

from shared.application.carryover import carry_over_waiting
from shared.application.power import power_view
from shared.application.station import Station
from shared.domain.config import Power
from shared.domain.events import PowerBack, PowerLost, PowerLow
from shared.domain.i18n import text
from shared.domain.power import (
    UNREACHABLE,
    Change,
    PowerState,
    Supply,
    change,
    must_close,
    read_status,
)
from shared.operations import backups
from shared.operations.nut import NutError, read_variables
from shared.store import eventlog
from shared.store.concurrency import blocking_call
from shared.store.store import Reader

logger = logging.getLogger(__name__)

ACTOR = "ups"
EVENTS = {Change.LOST: PowerLost, Change.BACK: PowerBack}
Publish = Callable[[dict[str, Any]], None]


def logged_supply(db: Reader) -> Supply:
    """Where the log left the power: on battery after `power.lost` or `power.low` (an outage
    not yet seen to end), else on mains."""
    last = eventlog.last_of_kinds(db, eventlog.POWER_KINDS)
    on_battery = last is not None and not isinstance(last.event, PowerBack)
    return Supply.BATTERY if on_battery else Supply.MAINS


def record_change(station: Station, happened: Change, state: PowerState) -> bool:
    """Log a change of supply unless the log already says so (another server process on the
    same database, watching the same UPS, logged it first); whether it was logged here."""
    event = EVENTS[happened](
        runtime_seconds=state.runtime_seconds, charge_percent=state.charge_percent
    )
    with station.store.write(ACTOR, station.now()) as tx:
        if change(logged_supply(tx), state.supply) is not happened:
            return False
        tx.record(event)
    return True


def record(station: Station, event: PowerLost | PowerBack | PowerLow) -> None:
    """Log a power event in a write of its own."""
    with station.store.write(ACTOR, station.now()) as tx:
        tx.record(event)


def orderly_close(
    station: Station, state: PowerState, *, publish: Publish, stop_server: Callable[[], None]
) -> None:
    """Close the station before the UPS dies, step by step; a step that fails is logged and
    the next one still runs (the stop above all). Nothing acknowledged is lost: every ticket
    was committed durably before it was answered, issuing stops before the backup is made (so
    the backup holds every ticket), the backup is verified, and the server stops between
    requests. The waiting citizens are carried over to their service's next open day before
    the backup, so the backup holds that too."""
    cause = "low_battery" if state.supply is Supply.LOW else "runtime"
    steps: list[tuple[str, Callable[[], object]]] = [
        ("stop issuing", lambda: setattr(station, "power", replace(state, closing=True))),
        ("tell the screens", lambda: publish(power_view(station.power))),
        (
            "log the close",
            lambda: record(
                station,
                PowerLow(
                    runtime_seconds=state.runtime_seconds,
                    charge_percent=state.charge_percent,
                    cause=cause,
                ),
            ),
        ),
        (
            "carry the waiting over",
            lambda: carry_over_waiting(
                station, reason=text("ui.power.carry_reason", station.config.language)
            ),
        ),
        ("verified backup", lambda: blocking_call(backups.make_backup, station)),
        ("stop the server", stop_server),
    ]
    logger.warning("orderly close on battery (%s): %s", cause, ", ".join(n for n, _ in steps))
    for name, step in steps:
        try:
            done = step()
        except Exception:
            logger.exception("orderly close: %s failed; going on", name)
        else:
            if isinstance(done, backups.Copy):
                logger.warning("orderly close: verified backup %s", done.path)


class PowerWatch:
    """The server's eye on its UPS (config `power:`)."""

    def __init__(
        self,
        station: Station,
        power: Power,
        *,
        publish: Publish,
        stop_server: Callable[[], None],
        read: Callable[[Power], Mapping[str, str]] = read_variables,
    ) -> None:
        self.station = station
        self.power = power
        self.publish = publish
        self.stop_server = stop_server
        self.read = read
        with station.store.read() as db:
            self.known = logged_supply(db)
        self.reachable: bool | None = None
        self.closed = False

    def poll(self) -> None:
        """Ask the UPS once: log a change of supply, tell the screens, close if it is time."""
        state = self._ask()
        happened = change(self.known, state.supply)
        if happened is not None and record_change(self.station, happened, state):
            logger.warning("power %s (UPS %s)", happened.value, self.power.ups)
        if state.supply is not Supply.UNKNOWN:
            self.known = state.supply
        shown = power_view(self.station.power)
        if must_close(state, self.power.close_below_minutes):
            self.closed = True
            orderly_close(self.station, state, publish=self.publish, stop_server=self.stop_server)
            return
        self.station.power = state
        if power_view(self.station.power) != shown:
            self.publish(power_view(self.station.power))

    def _ask(self) -> PowerState:
        try:
            variables = self.read(self.power)
        except NutError as error:
            if self.reachable is not False:
                logger.warning("the UPS %s cannot be asked: %s", self.power.ups, error)
            self.reachable = False
            return UNREACHABLE
        if self.reachable is False:
            logger.warning("the UPS %s answers again", self.power.ups)
        self.reachable = True
        return read_status(variables)

    def watch_forever(self) -> None:
        """Poll until the orderly close; a round that fails is logged and retried."""
        while not self.closed:
            try:
                self.poll()
            except Exception:
                logger.exception("watching the UPS failed; retrying")
            if not self.closed:
                time.sleep(self.power.poll_seconds)
