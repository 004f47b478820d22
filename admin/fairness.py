"""Fairness: calls that passed over someone who had waited longer, and each officer's habits.

A call is listed when the officer called a number out of turn (the "call this ticket" action,
logged with `out_of_order` and a reason), or when an eligible ticket that had been in its
queue longer was still waiting. Its `kind` says why the called ticket went first:

- `call`: the officer picked the number (out of turn, with the logged reason);
- `transfer`: it came from another service, keeping its original issue time;
- `requeue`: a no-show put back in the queue, keeping its original issue time;
- `priority`: a priority ticket (disability, elderly, pregnant or nursing) before regular ones;
- `policy`: anything else the call policy decided (e.g. the long-wait guard).
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

from admin.ledger import Call, Ledger, Source
from admin.numbers import minutes, percent

LONGEST_WAITS = 10
KINDS = ("call", "transfer", "requeue", "priority", "policy")


def kind_of(call: Call) -> str:
    if call.out_of_order:
        return "call"
    if call.joined_by == "transferred":
        return "transfer"
    if call.joined_by == "requeued":
        return "requeue"
    if call.priority and any(not passed.priority for passed in call.passed_over):
        return "priority"
    return "policy"


def review(source: Source, facts: Ledger, start: datetime, end: datetime) -> dict[str, Any]:
    """The fairness section of a report for [start, end)."""
    local = source.local
    calls = [call for call in facts.calls if start <= call.at < end]
    flagged = [call for call in calls if call.out_of_order or call.passed_over]
    listed = [
        {
            "at": local(call.at).isoformat(timespec="seconds"),
            "number": call.number,
            "service": call.service,
            "counter": call.counter,
            "officer": call.officer,
            "kind": kind_of(call),
            "reason": call.reason,
            "priority": call.priority,
            "passed_over": len(call.passed_over),
            "passed_numbers": [passed.number for passed in call.passed_over],
            "longest_passed_wait_minutes": minutes(
                max((call.at - p.waiting_since).total_seconds() for p in call.passed_over)
            )
            if call.passed_over
            else None,
        }
        for call in flagged
    ]
    by_kind = dict.fromkeys(KINDS, 0)
    by_kind.update(Counter(row["kind"] for row in listed))
    return {
        "calls": listed,
        "by_kind": by_kind,
        "officers": officer_rates(facts, calls, start, end),
        "longest_waits": [
            {
                "number": call.number,
                "service": call.service,
                "counter": call.counter,
                "officer": call.officer,
                "issued_at": local(call.issued_at).isoformat(timespec="seconds"),
                "called_at": local(call.at).isoformat(timespec="seconds"),
                "wait_minutes": minutes(call.wait_seconds),
            }
            for call in sorted(calls, key=lambda call: -call.wait_seconds)[:LONGEST_WAITS]
        ],
    }


def officer_rates(
    facts: Ledger, calls: list[Call], start: datetime, end: datetime
) -> list[dict[str, Any]]:
    """Per officer: calls, no-shows and recalls with their rates per call, and calls out of turn."""
    called = Counter(call.officer for call in calls)
    out_of_turn = Counter(call.officer for call in calls if call.out_of_order)
    no_shows = Counter(
        finish.officer
        for finish in facts.finishes
        if finish.outcome == "no_show" and start <= finish.at < end
    )
    recalls = Counter(recall.officer for recall in facts.recalls if start <= recall.at < end)
    officers = sorted(set(called) | set(no_shows) | set(recalls))
    return [
        {
            "officer": officer,
            "calls": called[officer],
            "no_shows": no_shows[officer],
            "no_show_rate_pct": percent(no_shows[officer], called[officer]),
            "recalls": recalls[officer],
            "recall_rate_pct": percent(recalls[officer], called[officer]),
            "out_of_turn": out_of_turn[officer],
        }
        for officer in officers
    ]
