"""Fairness: calls that passed over someone who had waited longer, services far shorter than
plausible, and each officer's habits.

A call is listed when the officer called a number out of turn (the "call this ticket" action,
logged with `out_of_order` and a reason), or when an eligible ticket that had been in its
queue longer was still waiting. Its `kind` says why the called ticket went first:

- `call`: the officer picked the number (out of turn, with the logged reason);
- `sent_to_front`: an officer transferred it to the front of this queue (with a reason);
- `returned`: its counter sent it back to the front before serving it (the officer left);
- `transfer`: it came from another service, keeping its original issue time;
- `requeue`: a no-show put back in the queue, keeping its original issue time;
- `priority_mark`: an officer gave it priority at a counter (with a reason);
- `priority`: a priority ticket from the kiosk (disability, elderly, pregnant or nursing);
- `booking`: a booked ticket whose slot had begun, called before walk-ins who came earlier;
- `skill`: a need's ticket (an interpreter) called first by an officer with the skill it asks
  (`bisindo`), the routing of `needs.route`;
- `left_for_skill`: everyone passed over waits for a skill this counter's officer lacks, left
  for an open counter that has it;
- `carried`: a "Lanjutan" ticket (a carried-over citizen checked in on their next open day),
  which keeps the place it had: called before those who came that day;
- `policy`: anything else the call policy decided (e.g. the long-wait guard).

A citizen who let others go first (tunda giliran) is not passed over by their calls.

`too_quick` lists tickets served in less than their service's `min_minutes`: a service that
short is rarely a service (a number closed as done to clear the queue). With no service's
`min_minutes` set (`minimums_set` false) nothing is checked, and each officer's `too_quick` is
None (not checked), never a reassuring 0.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

from shared.application.reporting.ledger import Call, Finish, Ledger, Source
from shared.application.reporting.numbers import minutes, percent
from shared.domain.config import Config
from shared.domain.needs import skill_for

LONGEST_WAITS = 10
KINDS = (
    "call",
    "sent_to_front",
    "returned",
    "transfer",
    "requeue",
    "priority_mark",
    "priority",
    "skill",
    "left_for_skill",
    "booking",
    "carried",
    "policy",
)
JOINED_KINDS = {
    "sent_to_front": "sent_to_front",
    "returned": "returned",
    "transferred": "transfer",
    "requeued": "requeue",
}


def kind_of(call: Call) -> str:
    if call.out_of_order:
        return "call"
    if call.joined_by in JOINED_KINDS:
        return JOINED_KINDS[call.joined_by]
    if call.priority and any(not passed.priority for passed in call.passed_over):
        return "priority_mark" if call.marked else "priority"
    if call.skill is not None:
        return "skill"
    if call.passed_over and all(skill_for(passed.need) for passed in call.passed_over):
        return "left_for_skill"
    if call.booked and any(not passed.booked for passed in call.passed_over):
        return "booking"
    if call.carried and any(not passed.carried for passed in call.passed_over):
        return "carried"
    return "policy"


def too_quick(config: Config, facts: Ledger, start: datetime, end: datetime) -> list[Finish]:
    """Tickets served in [start, end) in less than their service's `min_minutes`."""
    least = {service.id: service.min_minutes for service in config.services if service.min_minutes}
    return [
        finish
        for finish in facts.finishes
        if start <= finish.at < end
        and finish.service in least
        and finish.service_seconds is not None
        and finish.service_seconds < least[finish.service] * 60
    ]


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
            "reason": call.marked if kind_of(call) == "priority_mark" else call.reason,
            "priority": call.priority,
            "need": call.need,
            "skill": call.skill,
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
    quick = too_quick(source.config, facts, start, end)
    checked = any(service.min_minutes for service in source.config.services)
    return {
        "calls": listed,
        "by_kind": by_kind,
        "minimums_set": checked,
        "too_quick": [
            {
                "at": local(finish.at).isoformat(timespec="seconds"),
                "number": finish.number,
                "service": finish.service,
                "counter": finish.counter,
                "officer": finish.officer,
                "service_minutes": minutes(finish.service_seconds),
                "min_minutes": source.config.service_by_id[finish.service].min_minutes,
            }
            for finish in quick
        ],
        "officers": officer_rates(facts, calls, quick if checked else None, start, end),
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
    facts: Ledger, calls: list[Call], quick: list[Finish] | None, start: datetime, end: datetime
) -> list[dict[str, Any]]:
    """Per officer: calls, no-shows and recalls with their rates per call, calls out of turn,
    priority given at the counter and services too quick to be plausible (None: not checked,
    no minimum set)."""
    called = Counter(call.officer for call in calls)
    marked = Counter(mark.officer for mark in facts.priority_marks if start <= mark.at < end)
    hasty = Counter(finish.officer for finish in quick or ())
    out_of_turn = Counter(call.officer for call in calls if call.out_of_order)
    no_shows = Counter(
        finish.officer
        for finish in facts.finishes
        if finish.outcome == "no_show" and start <= finish.at < end
    )
    recalls = Counter(recall.officer for recall in facts.recalls if start <= recall.at < end)
    officers = sorted(set(called) | set(no_shows) | set(recalls) | set(marked))
    return [
        {
            "officer": officer,
            "calls": called[officer],
            "no_shows": no_shows[officer],
            "no_show_rate_pct": percent(no_shows[officer], called[officer]),
            "recalls": recalls[officer],
            "recall_rate_pct": percent(recalls[officer], called[officer]),
            "out_of_turn": out_of_turn[officer],
            "priority_marks": marked[officer],
            "too_quick": hasty[officer] if quick is not None else None,
        }
        for officer in officers
    ]
