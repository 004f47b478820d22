"""The head of the hall's scorecard of an SKM period (`shared.domain.scorecard` judges each
indicator), computed from a report `Source`: the station's own log, or central's copy of it,
so a station's scorecard is the same wherever it is computed.

What each indicator is computed from (all of it in the event log):

- the standard and the complaint channels: the `standard.published` events (the last one is
  what is published now; the first says since when the station publishes one);
- the SKM and its trend: the survey answers and tickets served of the period
  (`skm_report.from_ledger`) and of the four quarters ending with its last (`indicators`
  says how those are read); no profile: that stays at the station;
- the published result: what the start page and the board show now (`skm_report.latest`);
- the follow-ups: the register as its `followup.saved` events leave it, against the findings
  of the period's SKM (`skm_report.follow_up_figures`);
- priority service: the calls of the period, priority tickets' waits against everyone's.

The answer names its texts in one language: each indicator's title and status, and each gap
as what is missing and what to do.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from shared.application.reporting import reports, skm_report
from shared.application.reporting.formatting import format_number, local_date, period_words
from shared.application.reporting.ledger import Ledger, Source
from shared.application.reporting.needs_report import needs_section
from shared.application.reporting.numbers import mean, minutes
from shared.application.station import Station
from shared.domain import scorecard
from shared.domain.events import FollowupSaved, StandardPublished, SurveyAnswered, TicketDone
from shared.domain.i18n import text
from shared.domain.skm import SkmPeriod
from shared.domain.ticket import Logged

TREND_QUARTERS = 4


def default_period(source: Source) -> SkmPeriod:
    """The last closed quarter: the one the evaluator asks about."""
    return SkmPeriod.containing("quarter", source.today()).previous()


def trend_quarters(period: SkmPeriod) -> list[SkmPeriod]:
    """The four quarters ending with the period's last, oldest first."""
    quarter = SkmPeriod.containing("quarter", period.last)
    found = [quarter]
    for _ in range(TREND_QUARTERS - 1):
        found.insert(0, found[0].previous())
    return found


def published_quarters(source: Source) -> list[SkmPeriod]:
    """The quarters the start page may show a result of now (`skm_report.latest`)."""
    quarter = SkmPeriod.containing("quarter", source.today())
    found = []
    for _ in range(skm_report.QUARTERS_BACK):
        quarter = quarter.previous()
        found.insert(0, quarter)
    return found


def register_entries(logged: Iterable[Logged]) -> list[dict[str, Any]]:
    """The follow-up register as its `followup.saved` events leave it (each entry's latest),
    by due day as the register lists it."""
    entries: dict[int, dict[str, Any]] = {}
    for found in logged:
        event = found.event
        if isinstance(event, FollowupSaved):
            entries[event.followup_id] = {
                "id": event.followup_id,
                "period": event.period,
                "element": event.element,
                "action": event.action,
                "owner": event.owner,
                "due": event.due,
                "done": event.done,
                "evidence": event.evidence,
            }
    return sorted(entries.values(), key=lambda entry: (entry["due"], entry["id"]))


def _section(
    source: Source,
    facts: Ledger,
    period: SkmPeriod,
    register: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    start, end = _bounds(source, period)
    return skm_report.from_ledger(
        facts.answers, facts.finishes, start, end, period, register=register
    )


def _standard(source: Source, logged: list[Logged]) -> scorecard.Indicator:
    publications = [found for found in logged if isinstance(found.event, StandardPublished)]
    if not publications:
        return scorecard.standard_published(None, None, None)
    last = publications[-1].event
    assert isinstance(last, StandardPublished)
    return scorecard.standard_published(
        last.standard,
        _local(source, publications[0].at),
        _local(source, publications[-1].at),
    )


def _local(source: Source, instant: datetime) -> str:
    return source.local(instant).isoformat(timespec="seconds")


def _priority(source: Source, facts: Ledger, period: SkmPeriod) -> scorecard.Indicator:
    start, end = _bounds(source, period)
    calls = [call for call in facts.calls if start <= call.at < end]
    everyone = [call.wait_seconds for call in calls]
    priority = [call.wait_seconds for call in calls if call.priority]
    interpreter = needs_section(source.config, facts, start, end)["interpreter"]
    with_need = [call.wait_seconds for call in calls if call.need]
    needs = scorecard.NeedsServed(
        len(with_need),
        minutes(mean(with_need)),
        interpreter["requests"],
        interpreter["met_on_time"],
    )
    return scorecard.priority_service(
        len(priority), len(everyone), minutes(mean(priority)), minutes(mean(everyone)), needs
    )


def _bounds(source: Source, period: SkmPeriod) -> tuple[datetime, datetime]:
    start, _ = source.day_bounds(period.first)
    _, end = source.day_bounds(period.last)
    return start, end


def _answers(source: Source, quarter: SkmPeriod) -> list[dict[str, int]]:
    """The survey answers given in a quarter, read without replaying it."""
    assert source.between is not None
    logged = source.between((SurveyAnswered,), *_bounds(source, quarter))
    return [
        dict(found.event.answers) for found in logged if isinstance(found.event, SurveyAnswered)
    ]


def indicators(source: Source, period: SkmPeriod) -> list[scorecard.Indicator]:
    """Every indicator of the period, as of the source's now.

    Only the period itself is replayed (its calls' waits, its SKM and register); the other
    quarters of the trend and of what the start page shows are read lightly: their answers
    and how many `ticket.done` events they logged (the ledger's tickets served, for a log the
    audit verifies), so a quarter's scorecard costs about a quarter's report.
    """
    assert source.count is not None
    trend = trend_quarters(period)
    shown_now = published_quarters(source)
    start, end = _bounds(source, period)
    facts = reports.facts_for(source, start, end)
    logged = source.logged_of((StandardPublished, FollowupSaved)) if source.logged_of else []
    entries = [e for e in register_entries(logged) if e["period"] == period.label]
    chosen = _section(source, facts, period, register=entries)
    others = {each.label: each for each in [*trend, *shown_now] if each.label != period.label}
    answers = {label: _answers(source, quarter) for label, quarter in others.items()}
    sections = {
        each.label: skm_report.section(
            answers[each.label], source.count(TicketDone, *_bounds(source, each)), each
        )
        for each in trend
        if each.label != period.label
    }
    mine = skm_report.result_of(a.answers for a in facts.answers if start <= a.at < end)
    latest = skm_report.latest(
        lambda quarter: (
            mine
            if quarter.label == period.label
            else skm_report.result_of(answers.get(quarter.label, []))
        ),
        source.today(),
    )
    return [
        _standard(source, logged),
        scorecard.skm_run([*sections.values(), chosen]),
        scorecard.results_published(latest, shown_now[-1].label),
        scorecard.followups(chosen["followups"], entries, source.today()),
        scorecard.complaint_channels(_last_standard(logged)),
        _priority(source, facts, period),
        scorecard.ikm_trend([sections.get(each.label, chosen) for each in trend]),
    ]


def _last_standard(logged: list[Logged]) -> dict[str, Any] | None:
    found = [item.event for item in logged if isinstance(item.event, StandardPublished)]
    return found[-1].standard if found and isinstance(found[-1], StandardPublished) else None


def figures_text(indicator: scorecard.Indicator, language: str) -> str | None:
    """The indicator's evidence in one sentence of `language` (None when there is none): what
    the page, the PDF and the JSON (`evidence`) say, from the same figures."""
    figures = indicator.figures

    def num(value: float | int | None, places: int | None = None) -> str:
        return format_number(value, language, places)

    def period(label: str | None) -> str:
        return period_words(label, language) if label else "—"

    def day(value: str | None) -> str:
        return local_date(value, language) if value else "—"

    match indicator.key:
        case scorecard.STANDARD if figures["first_published"]:
            params = {
                "first": day(figures["first_published"]),
                "since": day(figures["current_since"]),
                "with": num(figures["services_with_standard"]),
                "services": num(figures["services"]),
                "maklumat": text(
                    f"ui.scorecard.{'yes' if figures['maklumat'] else 'no'}", language
                ),
            }
        case scorecard.SKM_RUN:
            latest = figures["periods"][-1]
            params = {
                "period": period(latest["period"]),
                "respondents": num(latest["respondents"]),
                "required": num(latest["required_sample"]),
                "population": num(latest["population"]),
                "index": num(latest["index"], 2),
                "grade": latest["grade"] or "—",
            }
        case scorecard.RESULTS if figures["period"]:
            params = {
                "period": period(figures["period"]),
                "index": num(figures["index"], 2),
                "grade": figures["grade"],
                "respondents": num(figures["respondents"]),
            }
        case scorecard.FOLLOWUPS if figures["findings"]:
            params = {
                "followed": num(figures["followed_up"]),
                "findings": num(figures["findings"]),
                "pct": num(figures["followed_up_pct"]),
                "days": num(figures["average_days"]),
                "open": num(figures["open"]),
                "overdue": num(figures["overdue"]),
            }
        case scorecard.CHANNELS if figures["channels"]:
            names = (
                name[language] if isinstance(name, dict) else name for name in figures["names"]
            )
            params = {"n": figures["channels"], "names": ", ".join(names)}
        case scorecard.PRIORITY if figures["called"]:
            params = {
                "priority": num(figures["priority_called"]),
                "called": num(figures["called"]),
                "priority_wait": num(figures["priority_avg_wait_minutes"]),
                "wait": num(figures["avg_wait_minutes"]),
            }
        case scorecard.TREND:
            quarters = "; ".join(
                f"{period(quarter['period'])}: {num(quarter['index'], 2)}"
                for quarter in figures["quarters"]
            )
            params = {"quarters": quarters, "change": num(figures["change"], 2)}
        case _:
            return None
    return text(f"ui.scorecard.figures.{indicator.key}", language, **params)


def indicator_json(indicator: scorecard.Indicator, language: str) -> dict[str, Any]:
    """An indicator with its words in `language`: title, status, its evidence, what is missing
    and what to do."""
    return {
        "key": indicator.key,
        "title": text(f"ui.scorecard.indicator.{indicator.key}", language),
        "status": indicator.status,
        "status_text": text(f"ui.scorecard.status.{indicator.status}", language),
        "evidence": figures_text(indicator, language),
        "figures": dict(indicator.figures),
        "gaps": [gap.key for gap in indicator.gaps],
        "missing": [
            text(f"ui.scorecard.missing.{gap.key}", language, **gap.params)
            for gap in indicator.gaps
        ],
        "todo": [
            text(f"ui.scorecard.todo.{gap.key}", language, **gap.params) for gap in indicator.gaps
        ],
    }


def build(
    source: Source, period: SkmPeriod | None = None, language: str | None = None
) -> dict[str, Any]:
    """The scorecard of a period (default: the last closed quarter) in `language` (default:
    the station's), with the audit trail's head it was computed at."""
    period = period or default_period(source)
    language = language or source.config.language
    found = indicators(source, period)
    audit = source.audit(period.last)
    return {
        "station": source.config.station.name,
        "period": period.label,
        "from": period.first.isoformat(),
        "to": period.last.isoformat(),
        "as_of": _local(source, source.now),
        "language": language,
        "summary": scorecard.summary(found),
        "indicators": [indicator_json(indicator, language) for indicator in found],
        "audit": {"verified": audit["verified"], "head": audit["head"]},
    }


def of_station(station: Station, label: str | None, language: str | None) -> dict[str, Any]:
    """The station's own scorecard of a period label (None: the last closed quarter)."""
    source = reports.station_source(station)
    return build(source, SkmPeriod.parse(label) if label else None, language)
