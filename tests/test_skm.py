"""The SKM by PermenPANRB 14/2017, against worked examples computed by hand: each element's NRR,
the weighted NRR, the index x 25 and its grade, sample adequacy by the Krejcie-Morgan table at
its boundaries, periods, the optional profile, and what counts as a finding."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest

from shared.application.reporting import skm_report
from shared.domain import skm
from shared.domain.errors import InvalidRequest
from shared.domain.skm import ELEMENTS, SkmPeriod


def answers(*scores: int) -> dict[str, int]:
    """One respondent's nine answers, U1 to U9."""
    return dict(zip(ELEMENTS, scores, strict=True))


# Four respondents, worked by hand:
#   U1 4 4 3 3 -> 14/4 = 3.50     U6 4 3 3 3 -> 13/4 = 3.25
#   U2 3 3 3 2 -> 11/4 = 2.75     U7 4 4 4 3 -> 15/4 = 3.75
#   U3 3 2 2 2 ->  9/4 = 2.25     U8 2 2 2 1 ->  7/4 = 1.75
#   U4 4 4 4 4 -> 16/4 = 4.00     U9 3 3 3 3 -> 12/4 = 3.00
#   U5 3 3 3 3 -> 12/4 = 3.00
# Sum of NRR 27.25; weighted (1/9 each) 27.25/9 = 3.02777...; x 25 = 75.694... -> 75.69 (C).
# With the regulation's rounded weight 0.111: 27.25 x 0.111 x 25 = 75.62 (still C).
FOUR = [
    answers(4, 3, 3, 4, 3, 4, 4, 2, 3),
    answers(4, 3, 2, 4, 3, 3, 4, 2, 3),
    answers(3, 3, 2, 4, 3, 3, 4, 2, 3),
    answers(3, 2, 2, 4, 3, 3, 3, 1, 3),
]


def test_each_elements_nrr_is_its_mean_score() -> None:
    result = skm.result(FOUR)
    assert result is not None
    assert result.respondents == 4
    assert [result.nrr[e] for e in ELEMENTS] == [
        Fraction(14, 4), Fraction(11, 4), Fraction(9, 4), Fraction(16, 4), Fraction(12, 4),
        Fraction(13, 4), Fraction(15, 4), Fraction(7, 4), Fraction(12, 4),
    ]  # fmt: skip


def test_the_index_is_the_weighted_sum_times_25_rounded_only_at_the_end() -> None:
    result = skm.result(FOUR)
    assert result is not None
    assert result.weighted["waktu"] == Fraction(9, 4) / 9
    assert result.exact == Fraction(2725, 36)  # 27.25 / 9 x 25 = 75.6944...
    assert result.index == Decimal("75.69")
    assert result.grade == ("C", "Kurang Baik")


def test_the_section_holds_the_numbers_the_pdf_and_the_xlsx_show() -> None:
    section = skm_report.section(FOUR, population=4, period=SkmPeriod.parse("2026-Q2"))
    rows = {row["code"]: row for row in section["elements"]}
    assert (rows["U3"]["nrr"], rows["U3"]["weighted_nrr"], rows["U3"]["converted"]) == (
        2.25, 0.25, 56.25,
    )  # fmt: skip
    assert (rows["U1"]["nrr"], rows["U1"]["weighted_nrr"]) == (3.5, 0.389)  # 3.5/9 = 0.3888...
    assert section["weighted_total"] == 3.0278
    assert (section["index"], section["grade"], section["performance"]) == (
        75.69,
        "C",
        "Kurang Baik",
    )
    assert section["weakest"] == ["pengaduan", "waktu", "prosedur"]
    # Graded C or D on their own (below 76.61): U2 68.75, U3 56.25, U5 75.00, U8 43.75 and
    # U9 75.00 (a mean of 3, "good" on the form, converts to C in the regulation's table).
    assert section["findings"] == ["prosedur", "waktu", "produk", "pengaduan", "sarana"]


@pytest.mark.parametrize(
    ("value", "grade"),
    [("100.00", "A"), ("88.31", "A"), ("88.30", "B"), ("76.61", "B"), ("76.60", "C"),
     ("65.00", "C"), ("64.99", "D"), ("25.00", "D")],
)  # fmt: skip
def test_grades_follow_the_regulations_interval_table(value: str, grade: str) -> None:
    assert skm.grade(Decimal(value))[0] == grade


def test_all_fours_is_exactly_100_and_all_ones_exactly_25() -> None:
    top = skm.result([answers(*[4] * 9)])
    bottom = skm.result([answers(*[1] * 9)])
    assert top is not None and bottom is not None
    assert (top.index, top.grade) == (Decimal("100.00"), ("A", "Sangat Baik"))
    assert (bottom.index, bottom.grade) == (Decimal("25.00"), ("D", "Tidak Baik"))


# ---- sample adequacy (Krejcie and Morgan) ----------------------------------------------------


@pytest.mark.parametrize(
    ("population", "sample"),
    [(10, 10), (100, 80), (500, 217), (1000, 278), (10000, 370), (100000, 384)],
)
def test_the_required_sample_is_the_published_tables(population: int, sample: int) -> None:
    assert skm.required_sample(population) == sample


def test_every_row_of_the_table_is_met_and_the_formula_gives_it_within_rounding() -> None:
    for population, sample in skm.TABLE:
        assert skm.required_sample(population) == sample, population
        assert abs(skm.krejcie_morgan(population) - sample) <= 2, population


def test_between_rows_the_formula_decides_and_the_sample_never_falls_as_n_grows() -> None:
    assert skm.krejcie_morgan(100) == Fraction(96025, 1207750) * 1000  # 79.5..., table 80
    assert skm.required_sample(101) == 80  # 80.3
    assert skm.required_sample(501) == 218  # 217.8
    assert skm.required_sample(100001) == 384  # never below the table's row at or below
    samples = [skm.required_sample(n) for n in range(1, 3001)]
    assert samples == sorted(samples)
    assert skm.required_sample(0) == 0
    assert skm.required_sample(3) == 3


@pytest.mark.parametrize(
    ("population", "respondents", "adequate", "shortfall"),
    [(100, 80, True, 0), (100, 79, False, 1), (500, 217, True, 0), (500, 216, False, 1),
     (1000, 278, True, 0), (1000, 277, False, 1), (0, 0, False, 0)],
)  # fmt: skip
def test_adequacy_is_judged_at_the_tables_boundaries(
    population: int, respondents: int, adequate: bool, shortfall: int
) -> None:
    section = skm_report.section([answers(*[3] * 9)] * respondents, population, None)
    assert (section["adequate"], section["shortfall"]) == (adequate, shortfall)


def test_short_form_answers_are_counted_apart_and_never_in_the_index() -> None:
    section = skm_report.section(
        [{"kepuasan": 1}, {"kepuasan": 1}, answers(*[4] * 9)], population=3, period=None
    )
    assert (section["respondents"], section["short_form_answers"]) == (1, 2)
    assert section["index"] == 100.0


def test_no_answers_says_so_without_an_index() -> None:
    section = skm_report.section([], population=120, period=None)
    assert (section["index"], section["grade"], section["elements"]) == (None, None, [])
    assert (section["required_sample"], section["shortfall"]) == (92, 92)


# ---- periods, profile, follow-ups ------------------------------------------------------------


def test_periods_are_quarters_half_years_and_years() -> None:
    q4 = SkmPeriod.parse("2026-q4")
    assert (q4.first, q4.last, q4.label, q4.quarters) == (
        date(2026, 10, 1), date(2026, 12, 31), "2026-Q4", ("2026-Q4",),
    )  # fmt: skip
    assert SkmPeriod.parse("2026-S1").last == date(2026, 6, 30)
    assert SkmPeriod.parse("2026").quarters == ("2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4")
    assert SkmPeriod.parse("2026-Q1").previous().label == "2025-Q4"
    assert SkmPeriod.matching(date(2026, 7, 1), date(2026, 12, 31)) == SkmPeriod.parse("2026-S2")
    assert SkmPeriod.matching(date(2026, 7, 2), date(2026, 12, 31)) is None


@pytest.mark.parametrize("label", ["2026-Q5", "2026-S3", "2026-X1", "26", "", "1999-Q1", "2026-Q"])
def test_a_bad_period_is_refused(label: str) -> None:
    with pytest.raises(InvalidRequest):
        SkmPeriod.parse(label)


def test_the_profile_takes_known_categories_and_may_be_left_out() -> None:
    assert skm.validate_profile(None) == {}
    assert skm.validate_profile({"age": "18_30", "sex": ""}) == {"age": "18_30"}
    for bad in ({"age": "tua"}, {"name": "Budi"}, ["age"], {"sex": 1}):
        with pytest.raises(InvalidRequest):
            skm.validate_profile(bad)


def test_follow_up_share_and_speed_count_only_done_findings() -> None:
    period = SkmPeriod.parse("2026-Q2")  # ends 30 June
    register = [
        {"element": "waktu", "done": "2026-07-15"},  # 15 days after
        {"element": "pengaduan", "done": None},
        {"element": "sarana", "done": "2026-07-05"},  # not a finding, still its speed counts
    ]
    figures = skm_report.follow_up_figures(register, period, ["prosedur", "waktu", "pengaduan"])
    assert (figures["findings"], figures["followed_up"], figures["followed_up_pct"]) == (3, 1, 33.3)
    assert (figures["average_days"], figures["longest_days"]) == (10.0, 15)
