"""The satisfaction index (IKM) as PermenPANRB 14/2017 computes it, with exact fractions.

For each element the mean score (NRR) of the respondents, on the 1-4 scale; each mean
weighted exactly 1/9 (the regulation's "0.111" is a rounded 1/9); their sum times 25 is the
IKM, rounded half up to two decimals only at the very end. The short form is one element with
weight 1. Grades (mutu pelayanan): see `shared.domain.skm`, where the SKM by the book lives.

Answers are grouped by the form they were given in, so a change of `survey.form` never mixes
nine-element answers with one-question ones.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from fractions import Fraction
from typing import Any

from shared.application.reporting.ledger import Answer
from shared.domain import skm
from shared.domain.config import Config
from shared.domain.skm import SCALE_FACTOR, round_half_up
from shared.domain.survey import FULL_FORM, SHORT_FORM

FORMS = {"full": FULL_FORM, "short": SHORT_FORM}


def grade(value: Decimal) -> str:
    """The service quality grade of an IKM value already rounded to two decimals."""
    return skm.grade(value)[0]


@dataclass(frozen=True)
class Index:
    """The IKM of some answers given in one form."""

    form: str
    respondents: int
    element_means: Mapping[str, Fraction]
    exact: Fraction
    value: Decimal
    grade: str


def form_of(answers: Mapping[str, int]) -> str | None:
    """Which form a set of answers was given in (None if it matches neither)."""
    keys = set(answers)
    return next((form for form, elements in FORMS.items() if keys == set(elements)), None)


def index(form: str, answer_sets: Sequence[Mapping[str, int]]) -> Index | None:
    """The IKM of answer sets all given in `form`; None without any answer."""
    if not answer_sets:
        return None
    elements = FORMS[form]
    respondents = len(answer_sets)
    means = {
        element: Fraction(sum(answers[element] for answers in answer_sets), respondents)
        for element in elements
    }
    weight = Fraction(1, len(elements))
    exact = sum((means[element] * weight for element in elements), Fraction(0)) * SCALE_FACTOR
    value = round_half_up(exact, 2)
    return Index(form, respondents, means, exact, value, grade(value))


def rows(key: str, name: str, answer_sets: Iterable[Mapping[str, int]]) -> list[dict[str, Any]]:
    """One report row per form present among the answers of a group."""
    by_form: dict[str, list[Mapping[str, int]]] = {}
    for answers in answer_sets:
        form = form_of(answers)
        if form is not None:
            by_form.setdefault(form, []).append(answers)
    found = []
    for form in FORMS:
        result = index(form, by_form.get(form, []))
        if result is not None:
            found.append(
                {
                    "id": key,
                    "name": name,
                    "form": form,
                    "respondents": result.respondents,
                    "elements": {
                        element: float(round_half_up(mean, 2))
                        for element, mean in result.element_means.items()
                    },
                    "ikm": float(result.value),
                    "grade": result.grade,
                }
            )
    return found


def summary(
    config: Config,
    answers: Iterable[Answer],
    start: datetime,
    end: datetime,
    language: str | None = None,
) -> dict[str, Any]:
    """The IKM of [start, end): for the whole period, per unit and per counter (counters named
    in `language`, default the station's)."""
    chosen = [answer for answer in answers if start <= answer.at < end]
    units: dict[str, list[Mapping[str, int]]] = {}
    counters: dict[str, list[Mapping[str, int]]] = {}
    for answer in chosen:
        service = config.service_by_id.get(answer.service)
        units.setdefault(service.unit if service else "-", []).append(answer.answers)
        if answer.counter:
            counters.setdefault(answer.counter, []).append(answer.answers)
    language = language or config.language
    counter_names = {counter.id: counter.name.get(language) for counter in config.counters}
    return {
        "form": config.survey.form,
        "period": rows("all", config.station.name, (answer.answers for answer in chosen)),
        "units": [row for unit in sorted(units) for row in rows(unit, unit, units[unit])],
        "counters": [
            row
            for counter in sorted(counters)
            for row in rows(counter, counter_names.get(counter, counter), counters[counter])
        ],
    }
