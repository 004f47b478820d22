"""A report as CSV (one table at a time) or as the tables of a spreadsheet, each a plain header
row and data rows.

The tables hold the very numbers of the JSON report (and of the pages): nothing is computed
here, only laid out.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from typing import Any

from shared.domain.survey import FULL_FORM, SHORT_FORM

FIGURES = (
    "issued",
    "called",
    "served",
    "no_show",
    "transferred",
    "expired",
    "cancelled",
    "carried_over",
    "carried_in",
    "carry_lapsed",
    "stepped_back",
    "recalls",
    "avg_wait_minutes",
    "p90_wait_minutes",
    "avg_service_minutes",
    "within_standard",
    "within_standard_pct",
)
ELEMENTS = (*FULL_FORM, *SHORT_FORM)


def _summary(report: dict[str, Any]) -> Iterator[list[Any]]:
    yield ["group", "id", "name", "standard_minutes", *FIGURES]
    yield ["total", "all", report["station"], None, *(report["totals"][f] for f in FIGURES)]
    for group in ("services", "counters", "officers"):
        for row in report[group]:
            standard = row.get("standard_minutes")
            yield [group[:-1], row["id"], row["name"], standard, *(row[f] for f in FIGURES)]


def _hourly(report: dict[str, Any]) -> Iterator[list[Any]]:
    yield ["hour", "issued", "called", "served"]
    for row in report["hourly"]:
        yield [f"{row['hour']:02d}:00", row["issued"], row["called"], row["served"]]


def _fairness(report: dict[str, Any]) -> Iterator[list[Any]]:
    columns = ["at", "number", "service", "counter", "officer", "kind", "reason", "priority",
               "passed_over", "longest_passed_wait_minutes"]  # fmt: skip
    yield [*columns, "passed_numbers"]
    for row in report["fairness"]["calls"]:
        yield [*(row[c] for c in columns), " ".join(row["passed_numbers"])]


def _officers(report: dict[str, Any]) -> Iterator[list[Any]]:
    columns = ["officer", "calls", "no_shows", "no_show_rate_pct", "recalls", "recall_rate_pct",
               "out_of_turn", "priority_marks", "too_quick"]  # fmt: skip
    yield columns
    for row in report["fairness"]["officers"]:
        yield [row[c] for c in columns]


def _longest(report: dict[str, Any]) -> Iterator[list[Any]]:
    columns = ["number", "service", "counter", "officer", "issued_at", "called_at", "wait_minutes"]
    yield columns
    for row in report["fairness"]["longest_waits"]:
        yield [row[c] for c in columns]


def _needs(report: dict[str, Any]) -> Iterator[list[Any]]:
    """Each need's figures, then everyone's ("all"), then the interpreter requests met on time:
    kinds only, never who."""
    needs = report["needs"]
    columns = ["need", "issued", "called", "no_show", "avg_wait_minutes", "p90_wait_minutes"]
    yield columns
    for row in needs["needs"]:
        yield [row[c] for c in columns]
    everyone = needs["everyone"]
    yield ["all", None, *(everyone[c] for c in columns[2:])]
    interpreter = needs["interpreter"]
    yield ["interpreter_met_on_time", interpreter["requests"], interpreter["met_on_time"],
           None, None, None]  # fmt: skip


def _bookings(report: dict[str, Any]) -> Iterator[list[Any]]:
    columns = ["id", "name", "made", "cancelled", "checked_in", "missed", "avg_arrival_minutes",
               "on_time", "on_time_pct"]  # fmt: skip
    yield columns
    for row in report["bookings"]:
        yield [row[c] for c in columns]


def _satisfaction(report: dict[str, Any]) -> Iterator[list[Any]]:
    yield ["scope", "id", "name", "form", "respondents", "ikm", "grade", *ELEMENTS]
    survey = report["satisfaction"]
    for scope in ("period", "units", "counters"):
        for row in survey[scope]:
            means = [row["elements"].get(element) for element in ELEMENTS]
            yield [scope, row["id"], row["name"], row["form"], row["respondents"], row["ikm"],
                   row["grade"], *means]  # fmt: skip


def _skm(report: dict[str, Any]) -> Iterator[list[Any]]:
    """The SKM section, one measure a row: the sample, each element's NRR and weighted NRR,
    the index and grade, and the respondent profile's counts (`question_category`)."""
    skm = report["skm"]
    yield ["measure", "element", "category", "value"]
    for measure in ("population", "respondents", "short_form_answers", "required_sample"):
        yield [measure, None, None, skm[measure]]
    yield ["adequate", None, None, skm["adequate"]]
    for row in skm["elements"]:
        yield ["nrr", row["element"], None, row["nrr"]]
        yield ["weighted_nrr", row["element"], None, row["weighted_nrr"]]
    for measure in ("weighted_total", "index", "grade"):
        yield [measure, None, None, skm[measure]]
    for question, counts in (skm["profile"] or {}).items():
        for category, count in counts["categories"].items():
            yield ["profile", None, f"{question}_{category}", count]
        yield ["profile", None, f"{question}_not_given", counts["not_given"]]


def _audit(report: dict[str, Any]) -> Iterator[list[Any]]:
    audit = report["audit"]
    head = audit["head"] or {}
    anchor = audit["day_anchor"] or {}
    yield ["verified", "rows", "broken_row", "problem", "head_row", "head_hash", "day_anchor_row",
           "day_anchor_hash"]  # fmt: skip
    yield [audit["verified"], audit["rows"], audit["broken_row"], audit["problem"],
           head.get("row"), head.get("hash"), anchor.get("row"), anchor.get("hash")]  # fmt: skip


TABLES: dict[str, Callable[[dict[str, Any]], Iterator[list[Any]]]] = {
    "summary": _summary,
    "hourly": _hourly,
    "fairness": _fairness,
    "officers": _officers,
    "longest": _longest,
    "bookings": _bookings,
    "needs": _needs,
    "satisfaction": _satisfaction,
    "skm": _skm,
    "audit": _audit,
}


# A cell starting with one of these is run as a formula by spreadsheets (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Characters that reorder how text is shown (bidirectional controls): a reason could hide
# what it says behind them.
BIDI_CONTROLS = dict.fromkeys(
    map(ord, "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
)


def safe_cell(value: Any) -> Any:
    """A value as a spreadsheet may show it: text never starts a formula, numbers stay numbers."""
    if value is None:
        return ""
    if not isinstance(value, str):
        return value
    text = value.translate(BIDI_CONTROLS)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def to_csv(report: dict[str, Any], table: str = "summary") -> str:
    """One table of the report as CSV text (empty cells for figures that do not apply)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in TABLES[table](report):
        writer.writerow([safe_cell(value) for value in row])
    return buffer.getvalue()


def to_sheets(report: dict[str, Any]) -> Iterator[tuple[str, list[Any], Iterator[list[Any]]]]:
    """Every table of the report as (name, header, rows), for spreadsheets (`xlsx`)."""
    for name, table in TABLES.items():
        lines = table(report)
        yield name, next(lines), lines
