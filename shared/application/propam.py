"""What Propam sees, and nobody else: the integrity survey's answers per hour, counter and
officer, and the alarms (`shared.domain.integrity`) over a period.

The out-of-turn and quick-service alarms are read from the event log (through the reports'
ledger, so a call out of turn is the same fact here as in the fairness report); the "yes"
concentration from the integrity counts, which hold no citizen.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime, timedelta
from typing import Any

from shared.application.reporting import ledger
from shared.application.reporting.reports import Period, counter_services
from shared.application.station import Station
from shared.domain.clock import parse_utc
from shared.domain.integrity import (
    LOW_SCORE,
    OUT_OF_TURN_CALLS,
    OUT_OF_TURN_MINUTES,
    QUESTIONS,
    QUICK_LOW_TICKETS,
    QUICK_SHARE,
    YES_AT_COUNTER,
    YES_SHARE,
    OutOfTurn,
    Served,
    out_of_turn_alarms,
    quick_low_alarms,
    yes_counter_alarms,
)
from shared.store import integrity_records

# The alarms' thresholds, as the page words them.
RULES = {
    "calls": OUT_OF_TURN_CALLS,
    "minutes": OUT_OF_TURN_MINUTES,
    "tickets": QUICK_LOW_TICKETS,
    "quick": round(QUICK_SHARE * 100),
    "score": LOW_SCORE,
    "yes": YES_AT_COUNTER,
    "share": round(YES_SHARE * 100),
}
# A period Propam looks at when it names none: the last 30 service days, today included.
DEFAULT_DAYS = 30


def overview(station: Station, first: str | None, last: str | None) -> dict[str, Any]:
    """The period's alarms and integrity answers (`first`/`last`: YYYY-MM-DD; none: the last
    DEFAULT_DAYS days). Times are the station's local ones."""
    today = station.today()
    if first is None and last is None:
        first = (today - timedelta(days=DEFAULT_DAYS - 1)).isoformat()
        last = today.isoformat()
    period = Period.parse(first, last, None, today)
    start, _ = station.day_bounds(period.first)
    _, end = station.day_bounds(period.last)
    facts = ledger.replay(ledger.load(station, start, end), counter_services(station.config))
    with station.store.read() as db:
        counts = integrity_records.counts_between(db, start, end)
    yes_by_counter: Counter[str] = Counter()
    for row in counts:
        if row["answer"] == "yes":
            yes_by_counter[row["counter"]] += row["answers"]
    alarms = [
        *out_of_turn_alarms(_out_of_turn(facts, start, end)),
        *quick_low_alarms(_served(station, facts, start, end)),
        *yes_counter_alarms(yes_by_counter),
    ]
    local = station.local
    return {
        "from": period.first.isoformat(),
        "to": period.last.isoformat(),
        "questions": list(QUESTIONS),
        "rules": RULES,
        "alarms": [
            {
                "kind": alarm.kind,
                "officer": alarm.officer,
                "counter": alarm.counter,
                "count": alarm.count,
                "first": local(alarm.first).isoformat(timespec="seconds") if alarm.first else None,
                "last": local(alarm.last).isoformat(timespec="seconds") if alarm.last else None,
                "share": alarm.share,
            }
            for alarm in alarms
        ],
        "answers": _answer_rows(station, counts),
        "yes_by_counter": dict(sorted(yes_by_counter.items())),
    }


def _out_of_turn(facts: ledger.Ledger, start: datetime, end: datetime) -> list[OutOfTurn]:
    """Calls by number out of turn and priority given at a counter, in [start, end)."""
    return [
        OutOfTurn(call.at, call.officer, call.counter)
        for call in facts.calls
        if call.out_of_order and start <= call.at < end
    ] + [
        OutOfTurn(mark.at, mark.officer, mark.counter)
        for mark in facts.priority_marks
        if start <= mark.at < end
    ]


def _served(station: Station, facts: ledger.Ledger, start: datetime, end: datetime) -> list[Served]:
    """The services finished as done in [start, end), each with its citizen's scores."""
    scores = {answer.ticket_id: tuple(answer.answers.values()) for answer in facts.answers}
    services = station.config.service_by_id
    return [
        Served(
            finish.at,
            finish.officer,
            finish.counter,
            finish.service,
            finish.service_seconds,
            services[finish.service].min_minutes if finish.service in services else None,
            scores.get(finish.ticket_id, ()),
        )
        for finish in facts.finishes
        if finish.service_seconds is not None and start <= finish.at < end
    ]


def _answer_rows(station: Station, counts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per hour, counter and officer: per question, how many said yes and no."""
    rows: dict[tuple[str, str, str], dict[str, dict[str, int]]] = defaultdict(
        lambda: {question: {"yes": 0, "no": 0} for question in QUESTIONS}
    )
    for row in counts:
        key = (row["hour"], row["counter"], row["officer"])
        if row["question"] in QUESTIONS and row["answer"] in ("yes", "no"):
            rows[key][row["question"]][row["answer"]] += row["answers"]
    return [
        {
            "hour": station.local(parse_utc(hour)).isoformat(timespec="minutes"),
            "counter": counter,
            "officer": officer,
            "answers": answers,
            "yes": sum(answer["yes"] for answer in answers.values()),
        }
        for (hour, counter, officer), answers in rows.items()
    ]
