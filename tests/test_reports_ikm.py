"""The satisfaction index as PermenPANRB 14/2017 computes it: exact 1/9 weights, rounding last."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from satupintu.app import open_station
from shared.application import citizen_actions, desk_actions, services, ticket_issue
from shared.application.reporting import ikm, reports
from shared.domain.clock import ManualClock
from shared.domain.survey import FULL_FORM
from tests.admin_fixtures import oversight_config


def full(*scores: int) -> dict[str, int]:
    """One respondent's nine answers, in the regulation's element order."""
    return dict(zip(FULL_FORM, scores, strict=True))


def test_all_very_good_is_exactly_100_not_the_99_90_of_a_rounded_weight() -> None:
    result = ikm.index("full", [full(4, 4, 4, 4, 4, 4, 4, 4, 4)] * 3)
    assert result is not None
    assert (result.value, result.grade) == (Decimal("100.00"), "A")
    assert round(4 * 0.111 * 9 * 25, 2) == 99.9  # what a weight of 0.111 would have said


def test_element_means_are_weighted_exactly_one_ninth() -> None:
    # Three respondents scoring 90 points in all (27 answers): 90 / 27 x 25 = 83.333...
    answers = [full(4, 4, 4, 4, 4, 4, 3, 3, 3), full(4, 4, 3, 3, 3, 3, 3, 3, 3),
               full(4, 3, 3, 3, 3, 3, 3, 3, 3)]  # fmt: skip
    result = ikm.index("full", answers)
    assert result is not None
    assert result.exact == Fraction(250, 3)
    assert (result.value, result.grade) == (Decimal("83.33"), "B")
    assert result.element_means["prosedur"] == Fraction(11, 3)
    assert round(sum(float(m) * 0.111 for m in result.element_means.values()) * 25, 2) == 83.25


def test_rounding_happens_only_at_the_end() -> None:
    # Every element mean is 10/3; rounding it first to 3.33 would give 83.25 instead of 83.33.
    answers = [full(*[4] * 9), full(*[3] * 9), full(*[3] * 9)]
    result = ikm.index("full", answers)
    assert result is not None
    assert result.value == Decimal("83.33")
    assert round(3.33 * 25, 2) == 83.25


def test_the_short_form_is_one_element_with_weight_one() -> None:
    result = ikm.index("short", [{"kepuasan": 4}, {"kepuasan": 4}, {"kepuasan": 3}])
    assert result is not None
    assert (result.value, result.grade) == (Decimal("91.67"), "A")


def test_an_exact_half_rounds_up_into_the_higher_grade() -> None:
    # 2661 x 4 + 2339 x 3 = 17661 points over 5000: mean 3.5322, x 25 = 88.305 exactly.
    answers = [{"kepuasan": 4}] * 2661 + [{"kepuasan": 3}] * 2339
    result = ikm.index("short", answers)
    assert result is not None
    assert result.exact == Fraction(88305, 1000)
    assert (result.value, result.grade) == (Decimal("88.31"), "A")


@pytest.mark.parametrize(
    ("value", "grade"),
    [("100.00", "A"), ("88.31", "A"), ("88.30", "B"), ("76.61", "B"), ("76.60", "C"),
     ("65.00", "C"), ("64.99", "D"), ("25.00", "D")],
)  # fmt: skip
def test_grades_follow_the_regulations_bands(value: str, grade: str) -> None:
    assert ikm.grade(Decimal(value)) == grade


def test_answers_of_the_two_forms_are_never_mixed() -> None:
    rows = ikm.rows("all", "SPKT", [{"kepuasan": 2}, full(*[4] * 9)])
    assert [(row["form"], row["respondents"], row["ikm"]) for row in rows] == [
        ("full", 1, 100.0),
        ("short", 1, 50.0),
    ]


def test_a_full_form_day_reports_every_elements_mean(tmp_path: Path, clock: ManualClock) -> None:
    station = open_station(oversight_config(tmp_path, survey={"form": "full"}), clock=clock)
    services.ensure_counters(station)
    for scores in ((4, 4, 4, 4, 4, 4, 4, 4, 4), (3, 3, 3, 3, 3, 3, 3, 2, 3)):
        token = ticket_issue.issue_ticket(station, "lapor").ticket["token"]
        desk_actions.call_next(station, "loket-1", "budi")
        clock.advance(minutes=5)
        desk_actions.finish(station, "loket-1", "budi")
        citizen_actions.answer_survey(station, token, full(*scores))
    report = reports.build_report(
        reports.station_source(station), reports.Period(date(2026, 5, 20), date(2026, 5, 20))
    )
    period = report["satisfaction"]["period"][0]
    # (36 + 26) / 18 x 25 = 86.11 (B); complaint handling scored (4 + 2) / 2 = 3.00.
    assert (period["form"], period["respondents"], period["ikm"], period["grade"]) == (
        "full", 2, 86.11, "B",
    )  # fmt: skip
    assert period["elements"]["pengaduan"] == 3.0
    assert period["elements"]["persyaratan"] == 3.5
    station.store.close()
