"""The community satisfaction survey (SKM) by PermenPANRB 14/2017: its nine elements, its
periods, the index and its grade, sample adequacy (Krejcie-Morgan) and the respondent profile.

The survey's nine-element form (`survey.form: full`) is the SKM; answers given in the
one-question short form stay in the IKM tables of the reports but never count here.

- NRR per element: the mean of the respondents' scores (1-4);
- weighted NRR: each NRR x 1/9 (the regulation's "0.111" is a rounded 1/9; exact here);
- index (IKM, unit-converted): Σ weighted NRR x 25, rounded half up to two decimals at the end;
- grade (mutu pelayanan, the regulation's interval table, converted values):
  A 88.31-100.00 Sangat Baik, B 76.61-88.30 Baik, C 65.00-76.60 Kurang Baik,
  D 25.00-64.99 Tidak Baik;
- required sample for a served population N (the Krejcie-Morgan table the regulation uses):
  s = X²NP(1-P) / (d²(N-1) + X²P(1-P)) with X² = 3.841, P = 0.5, d = 0.05. The printed table
  is that formula rounded to the nearest whole number (500 → 217.47 → 217; rounding up would
  disagree with 46 of its 91 rows), except at 100 000, where it prints 384 for 382.6. So the
  required sample is the formula rounded half up, and never less than the printed row at or
  below N: exactly the table at each of its rows, and between them rising with N.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction

from shared.domain.errors import InvalidRequest
from shared.domain.survey import FULL_FORM, validate_optional

# The regulation's elements U1..U9, in its order, by the survey's question keys.
ELEMENTS = FULL_FORM
CODES = {element: f"U{number}" for number, element in enumerate(ELEMENTS, start=1)}
WEIGHT = Fraction(1, len(ELEMENTS))
SCALE_FACTOR = 25

# (lowest converted index, grade, its performance in the regulation's words)
GRADES = (
    (Decimal("88.31"), "A", "Sangat Baik"),
    (Decimal("76.61"), "B", "Baik"),
    (Decimal("65.00"), "C", "Kurang Baik"),
    (Decimal("25.00"), "D", "Tidak Baik"),
)

CHI_SQUARE = Fraction(3841, 1000)
PROPORTION = Fraction(1, 2)
ACCURACY = Fraction(5, 100)

# Krejcie & Morgan (1970), Table 1: population N -> sample S.
TABLE = (
    (10, 10), (15, 14), (20, 19), (25, 24), (30, 28), (35, 32), (40, 36), (45, 40), (50, 44),
    (55, 48), (60, 52), (65, 56), (70, 59), (75, 63), (80, 66), (85, 70), (90, 73), (95, 76),
    (100, 80), (110, 86), (120, 92), (130, 97), (140, 103), (150, 108), (160, 113), (170, 118),
    (180, 123), (190, 127), (200, 132), (210, 136), (220, 140), (230, 144), (240, 148),
    (250, 152), (260, 155), (270, 159), (280, 162), (290, 165), (300, 169), (320, 175),
    (340, 181), (360, 186), (380, 191), (400, 196), (420, 201), (440, 205), (460, 210),
    (480, 214), (500, 217), (550, 226), (600, 234), (650, 242), (700, 248), (750, 254),
    (800, 260), (850, 265), (900, 269), (950, 274), (1000, 278), (1100, 285), (1200, 291),
    (1300, 297), (1400, 302), (1500, 306), (1600, 310), (1700, 313), (1800, 317), (1900, 320),
    (2000, 322), (2200, 327), (2400, 331), (2600, 335), (2800, 338), (3000, 341), (3500, 346),
    (4000, 351), (4500, 354), (5000, 357), (6000, 361), (7000, 364), (8000, 367), (9000, 368),
    (10000, 370), (15000, 375), (20000, 377), (30000, 379), (40000, 380), (50000, 381),
    (75000, 382), (100000, 384), (1000000, 384),
)  # fmt: skip
TABLE_POPULATIONS = tuple(population for population, _ in TABLE)

MONTHS = {"quarter": 3, "semester": 6, "year": 12}  # an SKM period's kinds and lengths

# The respondent profile the regulation's form asks: optional, by category only.
PROFILE = {
    "age": ("u18", "18_30", "31_40", "41_50", "51_60", "over_60"),
    "sex": ("male", "female"),
    "education": ("sd", "smp", "sma", "d1_d3", "s1", "s2_up"),
    "occupation": ("pns", "tni_polri", "swasta", "wirausaha", "pelajar", "lainnya"),
}


def round_half_up(value: Fraction, places: int) -> Decimal:
    """An exact fraction rounded half up to `places` decimals (no float on the way)."""
    scale = 10**places
    return Decimal(math.floor(value * scale + Fraction(1, 2))) / scale


def grade(value: Decimal) -> tuple[str, str]:
    """The grade and performance words of an index already rounded to two decimals."""
    for lowest, letter, words in GRADES:
        if value >= lowest:
            return letter, words
    return GRADES[-1][1], GRADES[-1][2]


def krejcie_morgan(population: int) -> Fraction:
    """The Krejcie-Morgan formula's sample for a population, exact (not rounded)."""
    spread = CHI_SQUARE * PROPORTION * (1 - PROPORTION)
    return spread * population / (ACCURACY**2 * (population - 1) + spread)


def required_sample(population: int) -> int:
    """The answers a served population needs (see the module's docstring)."""
    if population <= 0:
        return 0
    formula = math.floor(krejcie_morgan(population) + Fraction(1, 2))
    row = bisect_right(TABLE_POPULATIONS, population) - 1
    return max(formula, TABLE[row][1]) if row >= 0 else formula


@dataclass(frozen=True)
class Result:
    """The SKM of one period's nine-element answers."""

    respondents: int
    nrr: dict[str, Fraction]  # per element, the mean score

    @property
    def weighted(self) -> dict[str, Fraction]:
        return {element: mean * WEIGHT for element, mean in self.nrr.items()}

    @property
    def exact(self) -> Fraction:
        return sum(self.weighted.values(), Fraction(0)) * SCALE_FACTOR

    @property
    def index(self) -> Decimal:
        return round_half_up(self.exact, 2)

    @property
    def grade(self) -> tuple[str, str]:
        return grade(self.index)

    def weakest(self, count: int = 3) -> list[str]:
        """The elements with the lowest NRR, lowest first (ties in the regulation's order)."""
        order = sorted(ELEMENTS, key=lambda element: (self.nrr[element], ELEMENTS.index(element)))
        return order[:count]


def result(answer_sets: list[dict[str, int]]) -> Result | None:
    """The SKM of nine-element answer sets; None without any."""
    if not answer_sets:
        return None
    count = len(answer_sets)
    nrr = {
        element: Fraction(sum(answers[element] for answers in answer_sets), count)
        for element in ELEMENTS
    }
    return Result(count, nrr)


# ---- periods -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SkmPeriod:
    """A quarter (2026-Q4), a semester (2026-S2) or a year (2026) of service days."""

    kind: str
    year: int
    part: int  # quarter 1-4, semester 1-2, 1 for a year

    @classmethod
    def parse(cls, label: str) -> SkmPeriod:
        text = (label or "").strip().upper()
        try:
            if len(text) == 4:
                return cls("year", int(text), 1)
            year, part = text.split("-")
            kind = {"Q": "quarter", "S": "semester"}[part[0]]
            period = cls(kind, int(year), int(part[1:]))
        except (ValueError, KeyError, IndexError):
            raise InvalidRequest("error.skm_period") from None
        parts = 4 if kind == "quarter" else 2
        if not 1 <= period.part <= parts or not 2000 <= period.year <= 9998:
            raise InvalidRequest("error.skm_period")
        return period

    @classmethod
    def containing(cls, kind: str, day: date) -> SkmPeriod:
        """The quarter, semester or year (`kind`) a day falls in."""
        return cls(kind, day.year, (day.month - 1) // MONTHS[kind] + 1)

    @classmethod
    def matching(cls, first: date, last: date) -> SkmPeriod | None:
        """The quarter, semester or year that is exactly [first, last], if any."""
        for kind in MONTHS:
            period = cls.containing(kind, first)
            if (period.first, period.last) == (first, last):
                return period
        return None

    @property
    def months(self) -> int:
        return MONTHS[self.kind]

    @property
    def first(self) -> date:
        return date(self.year, (self.part - 1) * self.months + 1, 1)

    @property
    def last(self) -> date:
        month = self.part * self.months
        following = date(self.year + 1, 1, 1) if month == 12 else date(self.year, month + 1, 1)
        return date.fromordinal(following.toordinal() - 1)

    @property
    def label(self) -> str:
        if self.kind == "year":
            return str(self.year)
        return f"{self.year}-{'Q' if self.kind == 'quarter' else 'S'}{self.part}"

    @property
    def quarters(self) -> tuple[str, ...]:
        """The quarters it is made of, as labels (the respondent profile is kept per quarter)."""
        first = (self.part - 1) * self.months // 3 + 1
        return tuple(f"{self.year}-Q{q}" for q in range(first, first + self.months // 3))

    def previous(self) -> SkmPeriod:
        if self.part > 1:
            return SkmPeriod(self.kind, self.year, self.part - 1)
        return SkmPeriod(self.kind, self.year - 1, 12 // self.months)


def validate_profile(profile: object) -> dict[str, str]:
    """The optional respondent profile: known questions, each one of its categories; any
    question may be left out, and nothing else is accepted."""
    return validate_optional(profile, PROFILE, "error.skm_profile", "error.skm_profile_value")
