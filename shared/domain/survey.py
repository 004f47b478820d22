"""The satisfaction survey (IKM, PermenPANRB 14/2017): its questions and what a valid answer is."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

from shared.domain.errors import InvalidRequest

# The regulation's nine elements, in its order; the short form asks one overall question.
FULL_FORM = (
    "persyaratan",
    "prosedur",
    "waktu",
    "biaya",
    "produk",
    "kompetensi",
    "perilaku",
    "pengaduan",
    "sarana",
)
SHORT_FORM = ("kepuasan",)
SCALE = range(1, 5)


def questions(form: Literal["short", "full"]) -> tuple[str, ...]:
    return FULL_FORM if form == "full" else SHORT_FORM


def validate_answers(form: Literal["short", "full"], answers: Any) -> dict[str, int]:
    """Exactly the form's questions, each scored 1 (not good) to 4 (very good)."""
    expected = questions(form)
    if not isinstance(answers, dict) or set(answers) != set(expected):
        raise InvalidRequest("error.survey_questions", questions=", ".join(expected))
    for key in expected:
        value = answers[key]
        if isinstance(value, bool) or not isinstance(value, int) or value not in SCALE:
            raise InvalidRequest("error.survey_scale", question=key)
    return {key: answers[key] for key in expected}


def validate_optional(
    given: object, choices: Mapping[str, Sequence[str]], questions_error: str, choice_error: str
) -> dict[str, str]:
    """Optional answers (the integrity questions, the respondent profile): known questions,
    each one of its choices; any may be left out (None or ""), and nothing else is accepted.
    `questions_error` and `choice_error` are the catalogue keys of the two refusals."""
    if given is None:
        return {}
    if not isinstance(given, dict) or not set(given) <= set(choices):
        raise InvalidRequest(questions_error, questions=", ".join(choices))
    clean = {}
    for question, answer in given.items():
        if answer is None or answer == "":
            continue
        if answer not in choices[question]:
            raise InvalidRequest(choice_error, question=question)
        clean[question] = answer
    return clean
