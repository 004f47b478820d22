"""Power cuts in the station's report: how long the hall ran on battery and how many citizens
were served meanwhile, from the logged `power.lost`, `power.low` and `power.back`."""

from __future__ import annotations

from datetime import date, timedelta

from flask import Flask
from flask.testing import FlaskClient

from shared.application import desk_actions, ticket_issue
from shared.application.reporting import reports
from shared.application.reporting.reports import Period
from shared.application.station import Station
from shared.domain.clock import ManualClock
from shared.domain.events import PowerBack, PowerLost, PowerLow
from shared.domain.i18n import text
from shared.operations.power import record
from tests.conftest import Auth
from tests.helpers import MORNING

DAY = Period(date(2026, 5, 20), date(2026, 5, 20))


def at(clock: ManualClock, minute: int) -> None:
    clock.set(MORNING + timedelta(minutes=minute))  # minutes after 09:00 WITA


def serve_one(station: Station, clock: ManualClock, called: int, done: int) -> None:
    at(clock, called)
    desk_actions.call_next(station, "loket-1", "budi")
    at(clock, done)
    desk_actions.finish(station, "loket-1", "budi")


def power_report(station: Station) -> dict[str, object]:
    return reports.build_report(reports.station_source(station), DAY)["power"]


def test_an_outage_counts_its_minutes_and_the_citizens_served_during_it(
    station: Station, clock: ManualClock
) -> None:
    for minute in (0, 1, 2):
        at(clock, minute)
        ticket_issue.issue_ticket(station, "lapor")
    serve_one(station, clock, 3, 8)  # before the cut
    at(clock, 10)
    record(station, PowerLost(runtime_seconds=3600, charge_percent=100))
    serve_one(station, clock, 12, 20)  # on battery
    at(clock, 40)
    record(station, PowerBack(runtime_seconds=1200, charge_percent=60))
    serve_one(station, clock, 41, 45)  # after
    assert power_report(station) == {
        "outages": [
            {
                "from": "2026-05-20T09:10+08:00",
                "to": "2026-05-20T09:40+08:00",
                "minutes": 30,
                "served": 1,
                "closed": False,
            }
        ],
        "minutes": 30,
        "served": 1,
    }


def test_an_orderly_close_is_part_of_its_outage_which_ends_at_the_start_on_mains(
    station: Station, clock: ManualClock
) -> None:
    at(clock, 10)
    record(station, PowerLost(runtime_seconds=900, charge_percent=50))
    at(clock, 20)
    record(station, PowerLow(runtime_seconds=240, charge_percent=10, cause="runtime"))
    at(clock, 95)  # started again once the power was back
    record(station, PowerBack(runtime_seconds=600, charge_percent=30))
    [outage] = power_report(station)["outages"]  # type: ignore[index]
    assert (outage["minutes"], outage["served"], outage["closed"]) == (85, 0, True)


def test_an_outage_still_going_counts_until_now(station: Station, clock: ManualClock) -> None:
    at(clock, 10)
    record(station, PowerLost(runtime_seconds=3600, charge_percent=100))
    at(clock, 25)
    [outage] = power_report(station)["outages"]  # type: ignore[index]
    assert (outage["to"], outage["minutes"]) == (None, 15)


def test_a_day_without_a_power_cut_reports_none(station: Station) -> None:
    assert power_report(station) == {"outages": [], "minutes": 0, "served": 0}


def test_the_report_page_lists_the_power_cuts(
    app: Flask, client: FlaskClient, auth: Auth, clock: ManualClock
) -> None:
    station = app.extensions["satupintu"]
    at(clock, 10)
    record(station, PowerLost(runtime_seconds=3600, charge_percent=100))
    at(clock, 55)
    record(station, PowerBack(runtime_seconds=900, charge_percent=40))
    auth.login("sari", "supervisor")
    page = client.get("/admin/reports?from=2026-05-20").get_data(as_text=True)
    assert text("ui.admin.power_title", "id") in page
    assert text("ui.admin.power_intro", "id", minutes=45, served=0) in page
    assert "2026-05-20 09:10+08:00" in page
    section = page.split('id="power"', 1)[1].split("</section>", 1)[0]
    assert '<td class="num">45</td>' in section and '<td class="num">0</td>' in section
