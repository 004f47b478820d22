"""The station clock's trust: a supervisor or a staff device confirms a clock the log doubted,
and every process follows a confirmation made in another."""

from __future__ import annotations

from datetime import datetime

from shared.application.station import Station
from shared.domain.clock import utc_text
from shared.domain.errors import Conflict
from shared.domain.events import ClockAccepted
from shared.store import eventlog


def accept_clock(station: Station, actor: str) -> None:
    """A supervisor confirms the wall clock's new time after a jump: the station follows it
    (and may roll the day over). Logged, so every server process follows it too."""
    jump = station.time.jump
    if jump is None:
        raise Conflict("error.no_clock_jump")
    station.time.accept()
    with station.store.write(actor, station.now()) as tx:
        tx.record(ClockAccepted(wall=utc_text(jump.wall), trusted=utc_text(jump.trusted)))


def confirm_clock_by_device(station: Station, actor: str, device_time: datetime) -> bool:
    """A staff device's own clock (an officer's console at login) agrees with the wall clock
    the station did not believe: that confirms it, as a supervisor would. Whether it did."""
    jump = station.time.jump
    if jump is None or not station.time.agrees(device_time):
        return False
    station.time.accept()
    with station.store.write(actor, station.now()) as tx:
        tx.record(
            ClockAccepted(wall=utc_text(jump.wall), trusted=utc_text(jump.trusted), by="device")
        )
    return True


def follow_accepted_clock(station: Station) -> None:
    """Follow a supervisor's acceptance logged by another process since this one saw a jump."""
    jump = station.time.jump
    if jump is None:
        return
    with station.store.read() as db:
        accepted = eventlog.last_of_kind(db, ClockAccepted)
    if accepted is not None and accepted.at >= jump.since - station.time.tolerance:
        station.time.accept()
