"""The UPS watcher on a real station database, with the UPS's answers scripted: each change of
supply is logged once (also when two server processes watch the same UPS), an unreachable UPS
logs nothing, and a low battery runs the orderly close in order: no new numbers, the screens
told, `power.low`, the waiting carried over to the next open day, a verified backup that holds
it all, then the stop."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any

import pytest

from shared.application import ticket_issue
from shared.application.station import Station
from shared.domain.config import Power
from shared.domain.errors import ServiceClosed
from shared.operations import backups
from shared.operations.nut import NutError
from shared.operations.power import PowerWatch

POWER = Power(ups="hall@127.0.0.1", close_below_minutes=5)


class Ups:
    """What the UPS answers next (or the NutError it raises)."""

    def __init__(self) -> None:
        self.answer: dict[str, str] | NutError = {"ups.status": "OL"}

    def set(self, status: str, runtime: int = 3600) -> None:
        self.answer = {"ups.status": status, "battery.runtime": str(runtime)}

    def read(self, power: Power) -> dict[str, str]:
        if isinstance(self.answer, NutError):
            raise self.answer
        return self.answer


def watcher(
    station: Station, ups: Ups, told: list[dict[str, Any]], stop: Callable[[], None] = lambda: None
) -> PowerWatch:
    return PowerWatch(station, POWER, publish=told.append, stop_server=stop, read=ups.read)


def names(station: Station) -> list[str]:
    with station.store.read() as db:
        rows = db.all("SELECT name FROM events WHERE name LIKE 'power.%' ORDER BY id")
    return [row["name"] for row in rows]


def test_each_change_is_logged_once_even_by_two_watching_processes(station: Station) -> None:
    ups, told = Ups(), []
    first, second = watcher(station, ups, told), watcher(station, ups, told)
    ups.set("OB DISCHRG", runtime=1800)
    first.poll()
    second.poll()
    first.poll()
    ups.set("OL")
    second.poll()
    first.poll()
    assert names(station) == ["power.lost", "power.back"]
    assert [view["on_battery"] for view in told] == [True, False]


def test_an_unreachable_ups_logs_nothing_and_shows_no_notice(station: Station) -> None:
    ups, told = Ups(), []
    watch = watcher(station, ups, told)
    ups.set("OB DISCHRG")
    watch.poll()
    ups.answer = NutError("cannot reach upsd")
    watch.poll()
    assert station.power.supply.value == "unknown"
    assert told[-1]["on_battery"] is False
    ups.set("OB DISCHRG")
    watch.poll()  # the same outage, seen again
    assert names(station) == ["power.lost"]


def test_a_low_battery_closes_in_order_and_the_backup_holds_the_close(station: Station) -> None:
    ups, told = Ups(), []
    seen_at_stop: list[tuple[bool, list[str], int]] = []

    def stop() -> None:
        copies = backups.copies(station.config.backup_directory)
        seen_at_stop.append((station.power.closing, names(station), len(copies)))

    ticket_issue.issue_ticket(station, "lapor")
    watch = watcher(station, ups, told, stop)
    ups.set("OB LB", runtime=600)
    watch.poll()
    assert watch.closed
    assert seen_at_stop == [(True, ["power.lost", "power.low"], 1)]
    assert told[-1]["closing"] is True
    with pytest.raises(ServiceClosed) as refused:
        ticket_issue.issue_ticket(station, "lapor")
    assert refused.value.message_key == "error.service_closed_power_closing"
    copy = backups.latest(station.config.backup_directory)
    assert copy is not None
    with sqlite3.connect(copy.path) as db:
        assert db.execute("SELECT COUNT(*) FROM events WHERE name = 'power.low'").fetchone() == (1,)
        # the citizen who was waiting keeps a place for the next open day, in the backup too
        assert db.execute("SELECT status FROM tickets").fetchall() == [("carried",)]
        [reason] = db.execute("SELECT data FROM events WHERE name = 'ticket.carried_over'")
    assert "baterai UPS hampir habis" in reason[0]


def test_less_runtime_than_configured_closes_too(station: Station) -> None:
    ups, told = Ups(), []
    stopped: list[bool] = []
    watch = watcher(station, ups, told, lambda: stopped.append(True))
    ups.set("OB DISCHRG", runtime=5 * 60)
    watch.poll()
    assert not stopped  # five minutes left: not below five
    ups.set("OB DISCHRG", runtime=5 * 60 - 1)
    watch.poll()
    assert stopped == [True]
    with station.store.read() as db:
        [low] = db.all("SELECT data FROM events WHERE name = 'power.low'")
    assert '"cause": "runtime"' in low["data"]
