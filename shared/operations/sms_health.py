"""The health check `sms`: is the hall's modem sending? (config `sms:`)

Warnings, not problems: the queue works without SMS. A daemon that is not running (its pid
file, `sms.pid_file`), messages the daemon holds for more than STUCK_MINUTES (a modem without
signal or credit, a daemon stopped), messages that failed today after their retries (the
daemon's error folder), and a day's budget nearly spent.
"""

from __future__ import annotations

from datetime import timedelta

from shared.application.station import Station
from shared.operations.health import Message, Notice, Result, check, make_notice
from shared.operations.smsd import smsd_for
from shared.store import sms_store

STUCK_MINUTES = 3
BUDGET_WARNING_PERCENT = 90


@check("sms")
def sms(station: Station) -> Result:
    config = station.config.sms
    smsd = smsd_for(station.config)
    if config is None or smsd is None:
        return Result("sms", Message("ui.health.sms_off"))
    now = station.now()
    today = station.today(now)
    with station.store.read() as db:
        counts = sms_store.day_counts(db, today)
        spent = sms_store.spent_on(db, today)
        oldest = sms_store.oldest_handed(db)
    notices: list[Notice] = []
    if smsd.running() is False:
        notices.append(
            make_notice("sms", "warning", "ui.health.sms_stopped", "ui.health.sms_stopped_advice")
        )
    if oldest is not None and now - oldest > timedelta(minutes=STUCK_MINUTES):
        notices.append(
            make_notice(
                "sms",
                "warning",
                "ui.health.sms_stuck",
                "ui.health.sms_stuck_advice",
                n=counts.get("handed", 0),
                minutes=int((now - oldest).total_seconds() // 60),
            )
        )
    if counts.get("failed"):
        notices.append(
            make_notice(
                "sms",
                "warning",
                "ui.health.sms_failed",
                "ui.health.sms_failed_advice",
                n=counts["failed"],
            )
        )
    if config.daily_budget and spent * 100 >= config.daily_budget * BUDGET_WARNING_PERCENT:
        notices.append(
            make_notice(
                "sms",
                "warning",
                "ui.health.sms_budget",
                "ui.health.sms_budget_advice",
                spent=spent,
                budget=config.daily_budget,
            )
        )
    summary = Message(
        "ui.health.sms_ok",
        {"sent": counts.get("sent", 0), "spent": spent, "budget": config.daily_budget},
    )
    return Result("sms", notices[0].message if notices else summary, tuple(notices))
