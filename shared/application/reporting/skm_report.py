"""The SKM section of a report (PermenPANRB 14/2017): the one set of numbers that the JSON,
the XLSX sheet, the PDF, the start page and the board all show.

Population: the tickets served (done) in the period. Respondents: the nine-element answers
given in it; one-question (short form) answers are counted apart and never in the index.
Findings: the elements whose own converted value (NRR x 25) grades C or D, and always the
weakest element; each finding is followed up when an entry of the register for it is done.
Speed: the days from the period's end to the entry's done date.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from typing import Any

from shared.application.reporting.ledger import Answer, Finish
from shared.application.reporting.numbers import percent
from shared.domain import skm
from shared.domain.skm import CODES, ELEMENTS, SCALE_FACTOR, SkmPeriod, round_half_up
from shared.domain.survey import FULL_FORM

WEAK_BELOW = Decimal("76.61")  # an element whose converted NRR grades C or D


def nine_element(answers: Mapping[str, int]) -> bool:
    return set(answers) == set(FULL_FORM)


def _number(value: Fraction, places: int) -> float:
    return float(round_half_up(value, places))


def findings(result: skm.Result | None) -> list[str]:
    """The elements to follow up: those graded C or D on their own, and the weakest one."""
    if result is None:
        return []
    weak = [e for e in ELEMENTS if round_half_up(result.nrr[e] * SCALE_FACTOR, 2) < WEAK_BELOW]
    lowest = result.weakest(1)[0]
    return [e for e in ELEMENTS if e in weak or e == lowest]


def section(
    answer_sets: Iterable[Mapping[str, int]],
    population: int,
    period: SkmPeriod | None,
    profile: Mapping[str, Mapping[str, int]] | None = None,
    register: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The SKM of a period's answers against its served population (see the module)."""
    answers = list(answer_sets)
    full = [dict(a) for a in answers if nine_element(a)]
    result = skm.result(full)
    required = skm.required_sample(population)
    respondents = len(full)
    body: dict[str, Any] = {
        "period": period.label if period else None,
        "kind": period.kind if period else None,
        "population": population,
        "respondents": respondents,
        "short_form_answers": len(answers) - respondents,
        "required_sample": required,
        "adequate": respondents >= required and respondents > 0,
        "shortfall": max(0, required - respondents),
        "elements": [],
        "weighted_total": None,
        "index": None,
        "grade": None,
        "performance": None,
        "weakest": [],
        "findings": [],
        "profile": _profile(profile, respondents) if profile is not None else None,
        "followups": None
        if register is None
        else follow_up_figures(register, period, findings(result)),
    }
    if result is None:
        return body
    weighted = result.weighted
    letter, words = result.grade
    body.update(
        elements=[
            {
                "code": CODES[element],
                "element": element,
                "nrr": _number(result.nrr[element], 2),
                "weighted_nrr": _number(weighted[element], 3),
                "converted": _number(result.nrr[element] * SCALE_FACTOR, 2),
            }
            for element in ELEMENTS
        ],
        weighted_total=_number(sum(weighted.values(), Fraction(0)), 4),
        index=float(result.index),
        grade=letter,
        performance=words,
        weakest=result.weakest(3),
        findings=findings(result),
    )
    return body


def _profile(counts: Mapping[str, Mapping[str, int]], respondents: int) -> dict[str, Any]:
    """Per profile question, the respondents per category (in the form's order) and those who
    left it out (never below zero: a short-form respondent may give a profile too)."""
    found = {}
    for question, categories in skm.PROFILE.items():
        given = counts.get(question, {})
        rows = {category: given.get(category, 0) for category in categories}
        found[question] = {
            "categories": rows,
            "not_given": max(0, respondents - sum(rows.values())),
        }
    return found


def follow_up_figures(
    register: list[dict[str, Any]], period: SkmPeriod | None, to_follow: list[str]
) -> dict[str, Any]:
    """The period's register entries, the share of its findings followed up and how fast."""
    done = {entry["element"] for entry in register if entry["done"]}
    followed = sum(1 for element in to_follow if element in done)
    days = [
        max(0, (date.fromisoformat(entry["done"]) - period.last).days)
        for entry in register
        if entry["done"] and period
    ]
    return {
        "entries": register,
        "findings": len(to_follow),
        "followed_up": followed,
        "followed_up_pct": percent(followed, len(to_follow)),
        "average_days": _number(Fraction(sum(days), len(days)), 1) if days else None,
        "longest_days": max(days, default=None),
    }


def from_ledger(
    answers: Iterable[Answer],
    finishes: Iterable[Finish],
    start: datetime,
    end: datetime,
    period: SkmPeriod | None,
    profile: Mapping[str, Mapping[str, int]] | None = None,
    register: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The SKM of [start, end) from a report's facts."""
    served = sum(1 for f in finishes if f.outcome == "done" and start <= f.at < end)
    given = (a.answers for a in answers if start <= a.at < end)
    return section(given, served, period, profile, register)


def result_of(answer_sets: Iterable[Mapping[str, int]]) -> skm.Result | None:
    """The SKM result of some answer sets (only the nine-element ones count)."""
    return skm.result([dict(a) for a in answer_sets if nine_element(a)])


def from_rows(answers_json: Iterable[str]) -> skm.Result | None:
    """The SKM result of stored answers (JSON text), for the start page and the board."""
    return result_of(json.loads(text) for text in answers_json)


QUARTERS_BACK = 4  # the published result is at most a year old


def latest(
    results_of: Callable[[SkmPeriod], skm.Result | None], today: date
) -> dict[str, Any] | None:
    """The latest SKM result a station publishes (start page, board): the most recent closed
    quarter before `today`'s with nine-element answers, within the last year (`results_of`
    gives a quarter's result), with its index, grade, period and respondents; None without."""
    period = SkmPeriod.containing("quarter", today)
    for _ in range(QUARTERS_BACK):
        period = period.previous()
        result = results_of(period)
        if result is not None:
            letter, words = result.grade
            return {
                "period": period.label,
                "first": period.first.isoformat(),
                "last": period.last.isoformat(),
                "index": float(result.index),
                "grade": letter,
                "performance": words,
                "respondents": result.respondents,
            }
    return None
