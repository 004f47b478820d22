"""The health check `queue` and the supervisors' SMS alerts (config `sms:`).

The check warns, on the dashboard and `/healthz` like every notice, when a service's longest
wait passes `sms.alert_wait_factor` times its `standard_minutes` (`long_wait`), and when people
wait in a service whose every counter is on a break or closed (`unattended`). It runs only at
a station with `sms:` (its supervisors chose to hear of such things).

`alert_supervisors` sends the notices chosen in `sms.alerts` (these two, a printer out of
paper, the SMS budget nearly spent) to the supervisors (and admins) who chose the alerts by SMS
on their phone number (`satupintu user phone`, /admin/users), once per occurrence: an alert is
raised when its notice appears, told once, and over when the notice goes; it is told again
only when it comes back. The outbox names the supervisor (`user:NAME`), never their number.
"""

from __future__ import annotations

from datetime import datetime

from shared.application.station import Station
from shared.domain.config import Config, LocalText
from shared.domain.estimates import DEFAULT_STANDARD_MINUTES
from shared.domain.queue_rules import CounterState
from shared.domain.sms import fit_message
from shared.operations.health import Message, Notice, Result, check, make_notice, run
from shared.store import repository, sms_store
from shared.store.store import Reader

# The notice each alert of `sms.alerts` follows, by its code.
ALERT_CODES = {
    "long_wait": "queue_long_wait",
    "unattended": "queue_unattended",
    "paper_out": "paper_out",
    "sms_budget": "sms_budget",
}
ALERT_CHECKS = ("queue", "printers", "sms")
USER_RECIPIENT = "user:"  # an alert's recipient: this and the supervisor's username


def _shown(config: Config, service_id: str) -> LocalText:
    """A service as `/healthz` (open to the hall) may name it: a private one stays neutral."""
    service = config.service_by_id[service_id]
    if service.private:
        return config.privacy.destination
    return service.name


def _queue_notices(station: Station, db: Reader, now: datetime) -> list[Notice]:
    config = station.config
    assert config.sms is not None
    today = station.today(now)
    waiting = repository.waiting_counts(db, today, [service.id for service in config.services])
    states = {counter_id: row.state for counter_id, row in repository.counters(db).items()}
    notices = []
    for service in config.services:
        if not waiting.get(service.id):
            continue
        name = _shown(config, service.id)
        first = repository.first_place(db, service.id, today)
        standard = service.standard_minutes or DEFAULT_STANDARD_MINUTES
        limit = round(config.sms.alert_wait_factor * standard)
        waited = int((now - first).total_seconds() // 60) if first else 0
        if waited > limit:
            notices.append(
                make_notice(
                    "queue",
                    "warning",
                    "ui.health.queue_long_wait",
                    "ui.health.queue_long_wait_advice",
                    service=name,
                    minutes=waited,
                    limit=limit,
                    subject=service.id,
                )
            )
        serving = [c.id for c in config.counters if service.id in c.services]
        if serving and all(states.get(c, CounterState.OPEN) != CounterState.OPEN for c in serving):
            notices.append(
                make_notice(
                    "queue",
                    "warning",
                    "ui.health.queue_unattended",
                    "ui.health.queue_unattended_advice",
                    service=name,
                    n=waiting[service.id],
                    subject=service.id,
                )
            )
    return notices


@check("queue")
def queue(station: Station) -> Result:
    if station.config.sms is None:
        return Result("queue", Message("ui.health.queue_not_watched"))
    with station.store.read() as db:
        notices = _queue_notices(station, db, station.now())
    summary = notices[0].message if notices else Message("ui.health.queue_ok")
    return Result("queue", summary, tuple(notices))


def alert_key(notice: Notice) -> str:
    """One occurrence's name: the notice's code and what it is about."""
    params = notice.message.params
    subject = params.get("subject") or params.get("printer") or ""
    return f"{notice.json()['code']}:{subject!r}"


def alert_supervisors(station: Station) -> int:
    """Queue an SMS to every supervisor who chose them for each chosen alert that has just
    appeared; forget the alerts that are over. How many alerts were raised."""
    config = station.config.sms
    if config is None:
        return 0
    with station.store.read() as db:
        supervisors = sms_store.alerted_supervisors(db)
    if not supervisors:
        return 0
    wanted = {ALERT_CODES[name] for name in config.alerts}
    notices = {
        alert_key(notice): notice
        for notice in run(station, ALERT_CHECKS).notices
        if notice.json()["code"] in wanted
    }
    with station.store.read() as db:
        raised = sms_store.raised_alerts(db)
    new = [key for key in notices if key not in raised]
    over = raised - notices.keys()
    if not new and not over:
        return 0
    language = station.config.language
    with station.store.write("sms", station.now()) as tx:
        today = station.today(tx.now)
        for key in over:
            sms_store.end_alert(tx, key)
        for key in new:
            sms_store.raise_alert(tx, key)
            notice = notices[key]
            text = fit_message(station.config.station.name, notice.message.text(language))
            for username in supervisors:
                sms_store.queue(
                    tx,
                    key=f"alert:{key}:{tx.now.isoformat()}:{username}",
                    ticket_id=None,
                    kind=f"alert_{notice.json()['code']}",
                    day=today,
                    language=language,
                    text=text,
                    recipient=f"{USER_RECIPIENT}{username}",
                )
    return len(new)
