"""The needs section of a report: for each kind of need (`needs.Need`), the tickets issued,
called and missed (no-shows), and their wait against everyone's; and the interpreter requests
met on time.

An interpreter request is a ticket issued with the `interpreter` need in the period; it is met
on time when an officer with the skill it asks (`bisindo`, recorded on the call event) called
it within `needs.interpreter_wait_minutes` of joining its queue. Waits are per call, as in the
report's tables (`reports`); misses are the no-shows among the calls closed in the period.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from shared.application.reporting.ledger import Call, Ledger
from shared.application.reporting.numbers import mean, minutes, percent, percentile_90
from shared.domain.config import Config
from shared.domain.needs import NEEDS, Need


def _waits(calls: list[Call]) -> dict[str, Any]:
    waits = [call.wait_seconds for call in calls]
    return {
        "called": len(calls),
        "avg_wait_minutes": minutes(mean(waits)),
        "p90_wait_minutes": minutes(percentile_90(waits)),
    }


def needs_section(config: Config, facts: Ledger, start: datetime, end: datetime) -> dict[str, Any]:
    """{needs: [{need, issued, called, no_show, avg/p90 wait}], everyone: {called, waits},
    interpreter: {requests, met_on_time, met_on_time_pct, wait_minutes}}."""
    calls = [call for call in facts.calls if start <= call.at < end]
    closed = [finish for finish in facts.finishes if start <= finish.at < end]
    issued = [issue for issue in facts.issues if start <= issue.at < end]
    rows = []
    for need in NEEDS:
        its_calls = [call for call in calls if call.need == need]
        rows.append(
            {
                "need": need,
                "issued": sum(1 for issue in issued if issue.need == need),
                **_waits(its_calls),
                "no_show": sum(1 for f in closed if f.need == need and f.outcome == "no_show"),
            }
        )
    limit = config.needs.interpreter_wait_minutes * 60
    requests = {issue.ticket_id for issue in issued if issue.need == Need.INTERPRETER}
    met = {
        call.ticket_id
        for call in facts.calls
        if call.ticket_id in requests and call.skill is not None and call.wait_seconds <= limit
    }
    return {
        "needs": rows,
        "everyone": {
            **_waits(calls),
            "no_show": sum(1 for finish in closed if finish.outcome == "no_show"),
        },
        "interpreter": {
            "requests": len(requests),
            "met_on_time": len(met),
            "met_on_time_pct": percent(len(met), len(requests)),
            "wait_minutes": config.needs.interpreter_wait_minutes,
        },
    }
