"""The hall on battery: which services still take tickets, and the power state screens show.

The rule is `shared.domain.power.beyond_runtime`; this gathers its inputs: for each service,
how long until one more ticket taken now would be served (the wait estimate every screen
shows, `shared.application.positions`, plus the service's standard time).
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from shared.application import positions
from shared.application.station import Station
from shared.domain import estimates
from shared.domain.power import PowerState, beyond_runtime
from shared.store import repository
from shared.store.store import Reader


def finish_minutes(
    station: Station, db: Reader, now: datetime, services: Collection[str]
) -> dict[str, float]:
    """Minutes until one more ticket of each service, taken now, would have been served."""
    config = station.config
    waiting = repository.waiting_counts(db, station.today(now), config.service_by_id)
    # One more ticket per service, behind everyone waiting (ids no real ticket has).
    wanted = {-index: (service, waiting[service]) for index, service in enumerate(services, 1)}
    waits = positions.wait_minutes(station, db, now, wanted, positions.inputs_of(station, db))
    return {
        service: waits.get(-index, 0)
        + float(
            config.service_by_id[service].standard_minutes or estimates.DEFAULT_STANDARD_MINUTES
        )
        for index, service in enumerate(services, 1)
    }


def closed_by_power(
    station: Station, db: Reader, now: datetime, services: Collection[str] | None = None
) -> frozenset[str]:
    """The services (all, or those named) that take no tickets now because the battery would
    run out before one more citizen is served; none on mains."""
    state = station.power
    if not state.on_battery and not state.closing:
        return frozenset()
    asked = list(station.config.service_by_id if services is None else services)
    return beyond_runtime(state, finish_minutes(station, db, now, asked))


def power_view(state: PowerState) -> dict[str, Any]:
    """The power state as pages and the `power.state` socket event carry it."""
    return {
        "supply": state.supply.value,
        "on_battery": state.on_battery,
        "runtime_minutes": state.runtime_minutes,
        "charge_percent": state.charge_percent,
        "closing": state.closing,
    }
