"""The head of the hall's scorecard: each indicator of the Ministry's compliance evaluation
(PEKPPP) and the Ombudsman's compliance assessment that the hall's own records can evidence,
judged by one rule each, with what is missing and what to do.

Every indicator has a status:

- `met`: the evidence is there and says what the evaluator wants;
- `partial`: there is evidence, but something is short (too few answers, a stale result,
  follow-ups open or late, priority tickets waiting longer than everyone, a falling IKM);
- `missing`: nothing to show for it (no standard published, no SKM, no follow-up, no channel);
- `no_data`: nothing to judge yet (nobody served, no finding to follow up, one quarter only).

What is missing is a list of gaps, each a catalogue key with its figures: the scorecard words
it twice, as what is missing (`ui.scorecard.missing.<key>`) and as what to do
(`ui.scorecard.todo.<key>`). The rules take plain figures (the SKM sections of
`shared.application.reporting.skm_report`, the register's entries, waits in seconds), so they
are the same at the station and at central.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

MET, PARTIAL, MISSING, NO_DATA = "met", "partial", "missing", "no_data"
STATUSES = (MET, PARTIAL, MISSING, NO_DATA)

# The indicators, in the order the scorecard shows them.
STANDARD = "standard_published"
SKM_RUN = "skm_run"
RESULTS = "results_published"
FOLLOWUPS = "followups"
CHANNELS = "complaint_channels"
PRIORITY = "priority_service"
TREND = "ikm_trend"
INDICATORS = (STANDARD, SKM_RUN, RESULTS, FOLLOWUPS, CHANNELS, PRIORITY, TREND)


@dataclass(frozen=True)
class Gap:
    """Something an evaluator would find missing: its catalogue key and the figures it names."""

    key: str
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Indicator:
    key: str
    status: str
    figures: Mapping[str, Any]
    gaps: tuple[Gap, ...] = ()


def _judged(key: str, figures: Mapping[str, Any], gaps: Sequence[Gap], missing: bool) -> Indicator:
    """`missing` when there is nothing at all, else `partial` with gaps and `met` without."""
    status = MISSING if missing else (PARTIAL if gaps else MET)
    return Indicator(key, status, figures, tuple(gaps))


def standard_published(
    published: Mapping[str, Any] | None, first_at: str | None, current_since: str | None
) -> Indicator:
    """The Standar Pelayanan (`Config.published_standard` as its last `standard.published`
    event logged it): every service's standard and the Maklumat published, and since when
    (`first_at`: the first publication; `current_since`: the one now in effect)."""
    services = dict(published["services"]) if published else {}
    without = sorted(service for service, standard in services.items() if not standard)
    figures = {
        "first_published": first_at,
        "current_since": current_since,
        "services": len(services),
        "services_with_standard": len(services) - len(without),
        "services_without_standard": without,
        "maklumat": bool(published and published["maklumat"]),
    }
    if published is None:
        return _judged(STANDARD, figures, [Gap("standard_none")], missing=True)
    gaps = []
    if without:
        gaps.append(Gap("standard_services", {"services": ", ".join(without)}))
    if not figures["maklumat"]:
        gaps.append(Gap("maklumat_none"))
    return _judged(STANDARD, figures, gaps, missing=False)


def _period_figures(section: Mapping[str, Any]) -> dict[str, Any]:
    keys = ("period", "population", "respondents", "required_sample", "adequate", "shortfall",
            "index", "grade")  # fmt: skip
    return {key: section[key] for key in keys}


def skm_run(sections: Sequence[Mapping[str, Any]]) -> Indicator:
    """The SKM by PermenPANRB 14/2017 over the periods shown (oldest first; the last is the
    scorecard's period): judged by the last one's answers against its required sample."""
    periods = [_period_figures(section) for section in sections]
    figures = {"periods": periods}
    latest = periods[-1]
    if latest["population"] == 0 and latest["respondents"] == 0:
        return Indicator(SKM_RUN, NO_DATA, figures)
    if latest["respondents"] == 0:
        return _judged(SKM_RUN, figures, [Gap("skm_none", {"period": latest["period"]})], True)
    gaps = []
    if not latest["adequate"]:
        gaps.append(
            Gap(
                "skm_short",
                {
                    "period": latest["period"],
                    "respondents": latest["respondents"],
                    "required": latest["required_sample"],
                    "shortfall": latest["shortfall"],
                },
            )
        )
    return _judged(SKM_RUN, figures, gaps, missing=False)


def results_published(latest: Mapping[str, Any] | None, last_closed: str) -> Indicator:
    """The latest SKM result the start page and the board show now (`skm_report.latest`), which
    should be the last closed quarter's."""
    figures = {
        "period": latest["period"] if latest else None,
        "index": latest["index"] if latest else None,
        "grade": latest["grade"] if latest else None,
        "respondents": latest["respondents"] if latest else None,
        "expected_period": last_closed,
        "shown_on": ["/", "/board"] if latest else [],
    }
    if latest is None:
        return _judged(RESULTS, figures, [Gap("results_none", {"period": last_closed})], True)
    gaps = []
    if latest["period"] != last_closed:
        gaps.append(Gap("results_stale", {"period": latest["period"], "expected": last_closed}))
    return _judged(RESULTS, figures, gaps, missing=False)


def overdue(entries: Sequence[Mapping[str, Any]], today: date) -> list[Mapping[str, Any]]:
    """The follow-up register's entries not done whose due day has passed."""
    return [entry for entry in entries if not entry["done"] and entry["due"] < today.isoformat()]


def followups(
    figures: Mapping[str, Any], entries: Sequence[Mapping[str, Any]], today: date
) -> Indicator:
    """The follow-up register of the scorecard's period (`skm_report.follow_up_figures` and its
    entries): every finding followed up, nothing overdue, and how many days it took."""
    late = overdue(entries, today)
    open_entries = [e for e in entries if not e["done"]]
    shown = {
        "findings": figures["findings"],
        "followed_up": figures["followed_up"],
        "followed_up_pct": figures["followed_up_pct"],
        "average_days": figures["average_days"],
        "longest_days": figures["longest_days"],
        "entries": len(entries),
        "open": len(open_entries),
        "overdue": len(late),
    }
    if figures["findings"] == 0:
        return Indicator(FOLLOWUPS, NO_DATA, shown)
    if not entries:
        gap = Gap("followups_none", {"n": figures["findings"]})
        return _judged(FOLLOWUPS, shown, [gap], missing=True)
    gaps = []
    left = figures["findings"] - figures["followed_up"]
    if left:
        gaps.append(Gap("followups_open", {"left": left, "findings": figures["findings"]}))
    if late:
        gaps.append(Gap("followups_overdue", {"n": len(late)}))
    return _judged(FOLLOWUPS, shown, gaps, missing=False)


def complaint_channels(published: Mapping[str, Any] | None) -> Indicator:
    """The complaint channels the station publishes (on the ticket, the phone page, the board
    and /standar): at least one."""
    channels = list(published["complaint_channels"]) if published else []
    figures = {
        "channels": len(channels),
        "names": [channel["name"] for channel in channels],
        "shown_on": ["ticket", "/t", "/board", "/standar"] if channels else [],
    }
    if not channels:
        return _judged(CHANNELS, figures, [Gap("channels_none")], missing=True)
    return _judged(CHANNELS, figures, [], missing=False)


@dataclass(frozen=True)
class NeedsServed:
    """How the citizens who said a need (`shared.domain.needs`) were served in a period: their
    calls and average wait, and the interpreter requests with those a `bisindo` officer met in
    time (the reports' `needs` section)."""

    called: int = 0
    avg_minutes: float | None = None
    interpreter_requests: int = 0
    interpreter_met: int = 0


def priority_service(
    priority_called: int,
    called: int,
    priority_avg_minutes: float | None,
    avg_minutes: float | None,
    needs: NeedsServed = NeedsServed(),
) -> Indicator:
    """Priority service for vulnerable groups (disability, elderly, pregnant, nursing, and the
    citizens who said how they must be called or helped): priority tickets were called, and
    neither they nor the tickets with a need waited longer on average than everyone's (the
    averages in minutes as the reports round them); every interpreter request was met in time."""
    figures = {
        "priority_called": priority_called,
        "called": called,
        "priority_avg_wait_minutes": priority_avg_minutes,
        "avg_wait_minutes": avg_minutes,
        "needs_called": needs.called,
        "needs_avg_wait_minutes": needs.avg_minutes,
        "interpreter_requests": needs.interpreter_requests,
        "interpreter_met": needs.interpreter_met,
    }
    if not called:
        return Indicator(PRIORITY, NO_DATA, figures)
    if not priority_called:
        return _judged(PRIORITY, figures, [Gap("priority_none")], missing=True)
    gaps = []
    if (priority_avg_minutes or 0) > (avg_minutes or 0):
        gaps.append(
            Gap("priority_slower", {"priority": priority_avg_minutes, "everyone": avg_minutes})
        )
    if needs.called and (needs.avg_minutes or 0) > (avg_minutes or 0):
        gaps.append(Gap("needs_slower", {"needs": needs.avg_minutes, "everyone": avg_minutes}))
    if needs.interpreter_met < needs.interpreter_requests:
        gaps.append(
            Gap(
                "interpreter_late",
                {"met": needs.interpreter_met, "requests": needs.interpreter_requests},
            )
        )
    return _judged(PRIORITY, figures, gaps, missing=False)


def ikm_trend(sections: Sequence[Mapping[str, Any]]) -> Indicator:
    """The SKM index quarter by quarter (oldest first): judged by the last two with answers;
    a fall is a gap."""
    quarters = [
        {key: section[key] for key in ("period", "index", "grade", "respondents")}
        for section in sections
    ]
    scored = [quarter for quarter in quarters if quarter["index"] is not None]
    change = round(scored[-1]["index"] - scored[-2]["index"], 2) if len(scored) >= 2 else None
    figures = {"quarters": quarters, "change": change}
    if change is None:
        return Indicator(TREND, NO_DATA, figures)
    gaps = []
    if change < 0:
        gaps.append(
            Gap(
                "trend_falling",
                {"from": scored[-2]["period"], "to": scored[-1]["period"], "change": -change},
            )
        )
    return _judged(TREND, figures, gaps, missing=False)


def summary(indicators: Sequence[Indicator]) -> dict[str, int]:
    """How many indicators have each status."""
    return {status: sum(1 for i in indicators if i.status == status) for status in STATUSES}
