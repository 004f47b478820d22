"""Report figures per service, counter and officer, per hour, and for the shift hand-over.

Everything is counted from the ledger (the replayed event log). A fact belongs to a period
when it happened inside it, except an expiry, which belongs to the day its ticket was issued
(it is only recorded when the next day begins). Rules, applied the same everywhere:

- waits are per call, from the moment the ticket joined that queue (issue, transfer, requeue);
  they count for the service it was called in, the counter that called and the officer;
- a carry-over, its check-in and its lapse count for the service on the day they happen;
  a step back (tunda giliran) for the service, and the counter and officer it was asked at;
- service time is from a call to `done` at the same counter (no-shows have none);
- "within standard" is a served ticket whose service time is at most its service's
  `standard_minutes`; a service without one (null) is not judged: its row says null (not
  set, never 0 or 100 %), and the shares of totals, counters and officers are of the tickets
  judged;
- rounding and the 90th percentile: see shared/application/reporting/numbers.py.
"""

from __future__ import annotations

import calendar
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import partial
from typing import Any

from shared.application import audit
from shared.application.reporting import fairness, ikm, ledger, outages, skm_report
from shared.application.reporting.ledger import Ledger, Source
from shared.application.reporting.needs_report import needs_section
from shared.application.reporting.numbers import mean, minutes, percent, percentile_90
from shared.application.station import Station
from shared.domain.config import Config, LocalText
from shared.domain.errors import InvalidRequest
from shared.domain.skm import SkmPeriod
from shared.store import anchors, skm_records

MAX_DAYS = 366
FIRST_YEAR, LAST_YEAR = 2000, 9998  # beyond these, time zone arithmetic overflows


@dataclass(frozen=True)
class Period:
    """Service days from `first` to `last`, both included."""

    first: date
    last: date

    @classmethod
    def parse(
        cls,
        first: str | None,
        last: str | None,
        month: str | None,
        today: date,
        skm_period: str | None = None,
    ) -> Period:
        """From `from`/`to` dates (YYYY-MM-DD; `to` defaults to `from`), a month (YYYY-MM) or
        an SKM period (2026-Q4, 2026-S2, 2026).

        Nothing given means today.
        """
        if skm_period:
            chosen = SkmPeriod.parse(skm_period)
            return cls(chosen.first, chosen.last)
        try:
            if month:
                start = date.fromisoformat(f"{month}-01")
                end = start.replace(day=calendar.monthrange(start.year, start.month)[1])
            else:
                start = date.fromisoformat(first) if first else today
                end = date.fromisoformat(last) if last else start
        except (ValueError, TypeError):
            raise InvalidRequest("error.report_period") from None
        if not all(FIRST_YEAR <= day.year <= LAST_YEAR for day in (start, end)):
            raise InvalidRequest("error.report_period")
        if end < start or (end - start).days >= MAX_DAYS:
            raise InvalidRequest("error.report_range", days=MAX_DAYS)
        return cls(start, end)

    @property
    def skm(self) -> SkmPeriod | None:
        """The quarter, semester or year this period is, if it is one."""
        return SkmPeriod.matching(self.first, self.last)

    def bounds(self, source: Source) -> tuple[datetime, datetime]:
        """The first day's start and the day after the last day's start (UTC-comparable)."""
        start, _ = source.day_bounds(self.first)
        _, end = source.day_bounds(self.last)
        return start, end


@dataclass
class Tally:
    """What happened to one group (a service, counter, officer, or everything)."""

    issued: int = 0
    called: int = 0
    served: int = 0
    no_show: int = 0
    transferred: int = 0
    expired: int = 0
    cancelled: int = 0
    carried_over: int = 0  # waiting tickets carried over to their next open day
    carried_in: int = 0  # carried-over tickets checked in on their day ("Lanjutan")
    carry_lapsed: int = 0  # carried-over tickets whose day passed with nobody come
    stepped_back: int = 0  # times citizens let others go first (tunda giliran)
    recalls: int = 0
    within_standard: int = 0
    judged: int = 0  # served tickets with a service time, of a service with a standard
    waits: list[float] = field(default_factory=list)
    service_times: list[float] = field(default_factory=list)

    def figures(self, *, issued_here: bool = True, judged: bool = True) -> dict[str, Any]:
        """The group's figures.

        Counters and officers (`issued_here` False) issue nothing and see nothing expire,
        cancelled or carried over: their `issued`, `expired`, `cancelled` and carry-over
        figures are None. A service with no
        standard time (`judged` False) has None for `within_standard` and its share.
        """
        return {
            "issued": self.issued if issued_here else None,
            "called": self.called,
            "served": self.served,
            "no_show": self.no_show,
            "transferred": self.transferred,
            "expired": self.expired if issued_here else None,
            "cancelled": self.cancelled if issued_here else None,
            "carried_over": self.carried_over if issued_here else None,
            "carried_in": self.carried_in if issued_here else None,
            "carry_lapsed": self.carry_lapsed if issued_here else None,
            "stepped_back": self.stepped_back,
            "recalls": self.recalls,
            "avg_wait_minutes": minutes(mean(self.waits)),
            "p90_wait_minutes": minutes(percentile_90(self.waits)),
            "avg_service_minutes": minutes(mean(self.service_times)),
            "within_standard": self.within_standard if judged else None,
            "within_standard_pct": percent(self.within_standard, self.judged) if judged else None,
        }


@dataclass
class Tallies:
    """The tallies of a period: everything, and per service, counter and officer."""

    total: Tally = field(default_factory=Tally)
    services: dict[str, Tally] = field(default_factory=dict)
    counters: dict[str, Tally] = field(default_factory=dict)
    officers: dict[str, Tally] = field(default_factory=dict)

    def groups(self, service: str | None, counter: str | None, officer: str | None) -> list[Tally]:
        found = [self.total]
        for key, table in ((service, self.services), (counter, self.counters)):
            if key is not None:
                found.append(table.setdefault(key, Tally()))
        if officer is not None:
            found.append(self.officers.setdefault(officer, Tally()))
        return found


def tally(config: Config, facts: Ledger, start: datetime, end: datetime) -> Tallies:
    """Count the facts of [start, end) for every group they belong to."""

    def inside(moment: datetime) -> bool:
        return start <= moment < end

    tallies = Tallies()

    def count(field: str, moment: datetime, service: str, counter: str | None = None,
              officer: str | None = None) -> None:  # fmt: skip
        """One more `field` for every group of a fact at `moment`, if it is inside."""
        if inside(moment):
            for group in tallies.groups(service, counter, officer):
                setattr(group, field, getattr(group, field) + 1)

    for issue in facts.issues:
        count("issued", issue.at, issue.service)
    for call in facts.calls:
        if inside(call.at):
            for group in tallies.groups(call.service, call.counter, call.officer):
                group.called += 1
                group.waits.append(call.wait_seconds)
    for finish in facts.finishes:
        if not inside(finish.at):
            continue
        service = config.service_by_id.get(finish.service)
        standard = service.standard_minutes if service else None
        for group in tallies.groups(finish.service, finish.counter, finish.officer):
            if finish.outcome == "no_show":
                group.no_show += 1
                continue
            group.served += 1
            if finish.service_seconds is not None:
                group.service_times.append(finish.service_seconds)
                if standard is not None:
                    group.judged += 1
                    if finish.service_seconds <= standard * 60:
                        group.within_standard += 1
    for transfer in facts.transfers:
        count("transferred", transfer.at, transfer.from_service, transfer.counter, transfer.officer)
    for recall in facts.recalls:
        count("recalls", recall.at, recall.service, recall.counter, recall.officer)
    for expiry in facts.expiries:
        count("expired", expiry.issued_at, expiry.service)
    for cancellation in facts.cancellations:
        count("cancelled", cancellation.at, cancellation.service)
    for carry in facts.carry_steps:
        count(CARRY_FIGURES[carry.step], carry.at, carry.service)
    for back in facts.step_backs:
        count("stepped_back", back.at, back.service, back.counter, back.officer)
    return tallies


CARRY_FIGURES = {"carried_over": "carried_over", "resumed": "carried_in", "lapsed": "carry_lapsed"}


def _name(text: LocalText | None, fallback: str, language: str) -> str:
    return text.get(language) if text else fallback


def tables(config: Config, tallies: Tallies, language: str | None = None) -> dict[str, Any]:
    """The tallies as the report's rows: configured services and counters first, in order,
    named in `language` (default: the station's)."""
    language = language or config.language
    services = [
        {
            "id": service.id,
            "name": service.name.get(language),
            "unit": service.unit,
            "standard_minutes": service.standard_minutes,
            **tallies.services.get(service.id, Tally()).figures(
                judged=service.standard_minutes is not None
            ),
        }
        for service in config.services
    ]
    counters = [
        {
            "id": counter.id,
            "name": counter.name.get(language),
            **tallies.counters.get(counter.id, Tally()).figures(issued_here=False),
        }
        for counter in config.counters
    ]
    counters += [
        {"id": key, "name": key, **found.figures(issued_here=False)}
        for key, found in sorted(tallies.counters.items())
        if key not in config.counter_by_id
    ]
    officers = [
        {"id": officer, "name": officer, **found.figures(issued_here=False)}
        for officer, found in sorted(tallies.officers.items())
    ]
    return {
        "totals": tallies.total.figures(),
        "services": services,
        "counters": counters,
        "officers": officers,
    }


def suspensions(
    source: Source, facts: Ledger, start: datetime, end: datetime, language: str | None = None
) -> dict[str, Any]:
    """The services suspended in [start, end) (up to now): each suspension (`periods`: why,
    from and to, local; `to` None while it goes on) and per service how often, how many
    minutes in all, and how many tickets were waiting in it meanwhile (`waited`)."""
    config = source.config
    language = language or config.language
    until = min(end, source.now)
    shown = [
        outage
        for outage in facts.outages
        if outage.start < until and (outage.end is None or outage.end > start)
    ]
    periods = [
        {
            "service": outage.service,
            "name": _name(_service_name(config, outage.service), outage.service, language),
            "reason": outage.reason,
            "from": source.local(outage.start).isoformat(timespec="seconds"),
            "to": source.local(outage.end).isoformat(timespec="seconds") if outage.end else None,
            "minutes": round(outage.minutes(start, until)),
            "waited": len(outage.waited),
        }
        for outage in shown
    ]
    services: dict[str, dict[str, Any]] = {}
    for period, outage in zip(periods, shown, strict=True):
        row = services.setdefault(
            outage.service,
            {"id": outage.service, "name": period["name"], "suspensions": 0,
             "suspended_minutes": 0.0, "waited": set()},
        )  # fmt: skip
        row["suspensions"] += 1
        row["suspended_minutes"] += outage.minutes(start, until)
        row["waited"] |= outage.waited
    return {
        "services": [
            {
                **row,
                "suspended_minutes": round(row["suspended_minutes"]),
                "waited": len(row["waited"]),
            }
            for row in services.values()
        ],
        "periods": periods,
    }


def _service_name(config: Config, service_id: str) -> LocalText | None:
    service = config.service_by_id.get(service_id)
    return service.name if service else None


def bookings(
    config: Config, facts: Ledger, start: datetime, end: datetime, language: str | None = None
) -> list[dict[str, Any]]:
    """Per bookable service (and any other with booking steps in [start, end)): bookings made,
    cancelled, checked in and missed, and how punctual the citizens who came were.

    `avg_arrival_minutes` is the mean of check-in minus slot start (negative: early); a citizen
    is `on_time` who checked in no later than the slot's start.
    """
    language = language or config.language
    steps = [step for step in facts.bookings if start <= step.at < end]
    ids = [service.id for service in config.services if service.booking is not None]
    ids += sorted({step.service for step in steps} - set(ids))
    rows = []
    for service_id in ids:
        mine = [step for step in steps if step.service == service_id]
        service = config.service_by_id.get(service_id)
        counts = Counter(step.step for step in mine)
        arrivals = [
            (step.at - step.starts_at).total_seconds() for step in mine if step.step == "checked_in"
        ]
        on_time = sum(1 for seconds in arrivals if seconds <= 0)
        rows.append(
            {
                "id": service_id,
                "name": _name(service.name if service else None, service_id, language),
                **{key: counts[key] for key in ("made", "cancelled", "checked_in", "missed")},
                "avg_arrival_minutes": minutes(mean(arrivals)),
                "on_time": on_time,
                "on_time_pct": percent(on_time, len(arrivals)),
            }
        )
    return rows


def sms_figures(facts: Ledger, start: datetime, end: datetime) -> dict[str, Any]:
    """SMS of [start, end): messages by final outcome, replies by command, and how often
    citizens missed their call with an SMS number and without one (no-shows among the calls
    closed in the period)."""
    inside = [fact for fact in facts.sms if start <= fact.at < end]
    outcomes = Counter(f.status for f in inside if f.kind not in ("number", "reply"))
    replies = Counter(fact.status for fact in inside if fact.kind == "reply")
    with_sms = {fact.ticket_id for fact in facts.sms if fact.kind == "number"}
    closed = [finish for finish in facts.finishes if start <= finish.at < end]
    texted = [finish for finish in closed if finish.ticket_id in with_sms]
    others = [finish for finish in closed if finish.ticket_id not in with_sms]

    def no_show_pct(finishes: list[Any]) -> float | None:
        return percent(sum(1 for f in finishes if f.outcome == "no_show"), len(finishes))

    return {
        "numbers_added": sum(1 for fact in inside if fact.kind == "number"),
        "sent": outcomes.get("sent", 0),
        "failed": outcomes.get("failed", 0),
        "over_budget": outcomes.get("over_budget", 0),
        "replies": {
            command: replies.get(command, 0) for command in ("BATAL", "STATUS", "TUNDA", "HELP")
        },
        "no_show_pct_with_sms": no_show_pct(texted),
        "no_show_pct_without_sms": no_show_pct(others),
    }


def hourly(source: Source, facts: Ledger, start: datetime, end: datetime) -> list[dict[str, Any]]:
    """Tickets issued, called and served in each local hour of the day, summed over the period.

    The hours run from the hour the service day starts.
    """
    first_hour = source.config.day_starts_at.hour
    hours = [(first_hour + offset) % 24 for offset in range(24)]
    counts = {hour: {"hour": hour, "issued": 0, "called": 0, "served": 0} for hour in hours}

    def add(moments: Iterable[datetime], key: str) -> None:
        for moment in moments:
            if start <= moment < end:
                counts[source.local(moment).hour][key] += 1

    add((issue.at for issue in facts.issues), "issued")
    add((call.at for call in facts.calls), "called")
    add((f.at for f in facts.finishes if f.outcome == "done"), "served")
    return [counts[hour] for hour in hours]


def counter_services(config: Config) -> dict[str, tuple[str, ...]]:
    return {counter.id: counter.services for counter in config.counters}


def facts_for(
    source: Source, start: datetime, end: datetime, until: datetime | None = None
) -> Ledger:
    """The ledger of a window, loaded from the start of its first service day.

    Starting at the day's start makes the waiting queue complete at every call in the window
    (earlier days' tickets have expired by then). With `until`, the replay stops there, so
    the tickets left waiting are those waiting at that moment.
    """
    day_start, _ = source.day_bounds(source.today(start))
    events = source.events(day_start, end)
    if until is not None:
        events = [logged for logged in events if logged.at <= until]
    return ledger.replay(events, counter_services(source.config))


def station_source(station: Station) -> Source:
    """The station's own database as the source of its reports, as of the station's now."""
    return Source(
        config=station.config,
        now=station.now(),
        events=partial(ledger.load, station),
        audit=partial(audit_section, station),
        power=partial(ledger.load_power, station),
        skm_records=partial(station_skm_records, station),
        logged_of=partial(ledger.load_kinds, station),
        between=partial(ledger.load_between, station),
        count=partial(ledger.count_between, station),
    )


def station_skm_records(station: Station, period: SkmPeriod) -> dict[str, Any]:
    """The station's respondent profile counts and register entries of an SKM period."""
    with station.store.read() as db:
        return {
            "profile": skm_records.profile_counts(db, period.quarters),
            "followups": skm_records.followups(db, [period.label]),
        }


def audit_section(station: Station, last_day: date) -> dict[str, Any]:
    """Whether the audit trail verifies now, the log's head to write down, the period's anchor.

    The chain is verified from the last row verified before (`audit.check_recent`), so a
    report costs what its period costs; `satupintu audit verify` checks the whole log.
    """
    verdict = audit.check_recent(station)
    day_anchor = next(
        (
            anchor
            for anchor in anchors.read_anchors(station.config.anchor_path).anchors
            if anchor.label == last_day.isoformat()
        ),
        None,
    )
    return {
        "verified": verdict.ok,
        "rows": verdict.rows,
        "broken_row": verdict.broken_id,
        "problem": verdict.problem,
        "problem_params": dict(verdict.params),
        "head": anchor_json(verdict.head),
        "day_anchor": anchor_json(day_anchor),
        "untrusted_anchor_lines": [
            {"line": flagged.line, "problem": flagged.problem} for flagged in verdict.flagged
        ],
    }


def anchor_json(anchor: anchors.Anchor | None) -> dict[str, Any] | None:
    """An anchor as reports show it; `witness` is what `audit verify --anchor` takes."""
    if anchor is None:
        return None
    return {"row": anchor.id, "hash": anchor.hash, "witness": f"{anchor.id}:{anchor.hash[:16]}"}


def build_report(source: Source, period: Period, language: str | None = None) -> dict[str, Any]:
    """The whole report of a period, naming services and counters in `language` (default: the
    station's): the one source of every page, download and command, at the station and at the
    central server alike."""
    start, end = period.bounds(source)
    facts = facts_for(source, start, end)
    config = source.config
    language = language or config.language
    return {
        "station": config.station.name,
        "from": period.first.isoformat(),
        "to": period.last.isoformat(),
        "timezone": config.timezone,
        "language": language,
        **tables(config, tally(config, facts, start, end), language),
        "hourly": hourly(source, facts, start, end),
        "fairness": fairness.review(source, facts, start, end),
        "needs": needs_section(config, facts, start, end),
        "bookings": bookings(config, facts, start, end, language),
        "suspensions": suspensions(source, facts, start, end, language),
        "sms": sms_figures(facts, start, end),
        "satisfaction": ikm.summary(config, facts.answers, start, end, language),
        "power": power_cuts(source, facts, start, end),
        "skm": skm_section(source, period, facts, start, end),
        "audit": source.audit(period.last),
    }


def power_cuts(source: Source, facts: Ledger, start: datetime, end: datetime) -> dict[str, Any]:
    """The period's power cuts (`shared.application.reporting.outages`): each one's local start
    and end, minutes and tickets served meanwhile, and the totals."""
    found = outages.outages(source.power(start, end), start, end, source.now)

    def local(instant: datetime) -> str:
        return source.local(instant).isoformat(timespec="minutes")

    listed = [
        {
            "from": local(outage.start),
            "to": None if outage.ongoing else local(outage.end),
            "minutes": outage.minutes,
            "served": outages.served_during(outage, facts.finishes),
            "closed": outage.closed,
        }
        for outage in found
    ]
    return {
        "outages": listed,
        "minutes": sum(outage["minutes"] for outage in listed),
        "served": sum(outage["served"] for outage in listed),
    }


def skm_section(
    source: Source, period: Period, facts: Ledger, start: datetime, end: datetime
) -> dict[str, Any]:
    """The SKM of the report's period; with its profile and register when the period is a
    quarter, semester or year and the source keeps them (the station)."""
    chosen = period.skm
    records = source.skm_records(chosen) if chosen and source.skm_records else {}
    return skm_report.from_ledger(
        facts.answers,
        facts.finishes,
        start,
        end,
        chosen,
        records.get("profile"),
        records.get("followups"),
    )


# ---- the live views: today so far and the duty shift ------------------------------------------


def current_shift(
    config: Config, now_local: datetime
) -> tuple[LocalText | None, datetime, datetime]:
    """The duty shift `now_local` falls in: its name, start and end (local, timezone-aware).

    Without `shifts` in the config, the shift is the whole service day.
    """
    zone = now_local.tzinfo
    if not config.shifts:
        today = now_local.date()
        start = datetime.combine(today, config.day_starts_at, tzinfo=zone)
        if start > now_local:
            start -= timedelta(days=1)
        return None, start, start + timedelta(days=1)
    candidates = []
    for days in (-1, 0, 1):
        day = now_local.date() + timedelta(days=days)
        candidates += [(datetime.combine(day, s.starts_at, tzinfo=zone), s) for s in config.shifts]
    candidates.sort(key=lambda candidate: candidate[0])
    index = max(i for i, (moment, _) in enumerate(candidates) if moment <= now_local)
    start, shift = candidates[index]
    return shift.name, start, candidates[index + 1][0]


def waiting_at(
    source: Source, facts: Ledger, since: datetime, moment: datetime
) -> list[dict[str, Any]]:
    """Per service: tickets issued since `since` and left waiting, and the longest wait.

    The facts are replayed up to `moment`; waits are measured at `moment`.
    """
    rows = []
    for service in source.config.services:
        waiting = [
            queued
            for queued in facts.waiting.values()
            if queued.ticket.service == service.id and queued.ticket.issued_at >= since
        ]
        oldest = min(waiting, key=lambda queued: queued.order, default=None)
        rows.append(
            {
                "id": service.id,
                "name": service.name.get(source.config.language),
                "unit": service.unit,
                "waiting": len(waiting),
                "longest_wait_minutes": minutes((moment - oldest.joined_at).total_seconds())
                if oldest
                else None,
                "longest_waiting_number": oldest.ticket.number if oldest else None,
            }
        )
    return rows


def at_counters(source: Source, facts: Ledger) -> list[dict[str, Any]]:
    """The citizens at a counter at the end of the replay: number, counter (configured ones
    first, in order), who called them and since when (local). No service is named: a number
    of a private service is already neutral, and so the list stays."""
    order = {counter.id: index for index, counter in enumerate(source.config.counters)}
    names = {counter.id: counter.name for counter in source.config.counters}
    language = source.config.language
    return [
        {
            "counter": there.counter,
            "counter_name": _name(names.get(there.counter), there.counter, language),
            "number": there.number,
            "officer": there.officer,
            "since": source.local(there.since).isoformat(timespec="seconds"),
        }
        for there in sorted(
            facts.at_counters.values(),
            key=lambda there: (order.get(there.counter, len(order)), there.counter, there.since),
        )
    ]


def handover(source: Source, previous: bool = False) -> dict[str, Any]:
    """The hand-over summary of the duty shift now running (the one about to end).

    With `previous`, the shift before it, for a hand-over done just after the change; its
    queues and its citizens at counters (`at_counters`) are those when it ended.
    """
    config = source.config
    now = source.now
    name, start, end = current_shift(config, source.local(now))
    if previous:
        name, start, end = current_shift(config, start - timedelta(seconds=1))
    moment = min(now, end)
    facts = facts_for(source, start, end, until=moment)
    day_start, _ = source.day_bounds(source.today(moment))
    figures = tables(config, tally(config, facts, start, end))
    flagged = fairness.review(source, facts, start, end)
    return {
        "shift": name.get(config.language) if name else None,
        "names": {"id": name.id, "en": name.en} if name else None,
        "starts_at": start.isoformat(timespec="minutes"),
        "ends_at": end.isoformat(timespec="minutes"),
        "as_of": source.local(moment).isoformat(timespec="seconds"),
        "waiting": waiting_at(source, facts, day_start, moment),
        "at_counters": at_counters(source, facts),
        **figures,
        "out_of_turn": flagged["by_kind"],
    }


def dashboard_figures(source: Source) -> dict[str, Any]:
    """Today so far: per-service waiting, today's totals and satisfaction, from the log."""
    now = source.now
    day_start, day_end = source.day_bounds(source.today(now))
    facts = facts_for(source, day_start, day_end)
    config = source.config
    figures = tables(config, tally(config, facts, day_start, day_end))
    services = waiting_at(source, facts, day_start, now)
    for row, figured in zip(services, figures["services"], strict=True):
        row["served"] = figured["served"]
        row["avg_wait_minutes"] = figured["avg_wait_minutes"]
    longest = max(
        (row for row in services if row["longest_wait_minutes"] is not None),
        key=lambda row: row["longest_wait_minutes"],
        default=None,
    )
    return {
        "now": source.local(now).isoformat(timespec="seconds"),
        "day": source.today(now).isoformat(),
        "services": services,
        "waiting": sum(row["waiting"] for row in services),
        "longest_wait": longest,
        "totals": figures["totals"],
        "satisfaction": ikm.summary(config, facts.answers, day_start, day_end)["period"],
    }
