"""How a report's tables read to people, in the report's language, from the catalogue: each
column's heading, and the values that are words (groups, kinds of out-of-turn calls, survey
scopes and forms, yes and no, service and counter ids, the audit's problem).

The XLSX downloads of the station and of central use this; the CSV tables keep plain column
names and values, for programs.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from shared.application.reporting.export import ELEMENTS
from shared.domain.i18n import text

# Columns whose values are ids of words: the catalogue key each value fills in.
WORDS = {
    "group": "ui.report.group.{}",
    "kind": "ui.admin.kind.{}",
    "need": "ui.report.need.{}",
    "scope": "ui.admin.scope.{}",
    "form": "ui.report.form.{}",
    "measure": "ui.skm.measure.{}",
    "element": "ui.ikm.element.{}",
    "category": "ui.skm.profile.{}",
}


def heading(column: str, language: str) -> str:
    """A column's heading: an IKM element by its name, any other from `ui.report.column.`."""
    if column in ELEMENTS:
        return text(f"ui.ikm.element.{column}", language)
    return text(f"ui.report.column.{column}", language)


@dataclass(frozen=True)
class Wording:
    """The words of one report's values: its language, and its services' and counters' names."""

    language: str
    services: Mapping[str, str] = field(default_factory=dict)
    counters: Mapping[str, str] = field(default_factory=dict)
    problem_params: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, report: Mapping[str, Any]) -> Wording:
        return cls(
            language=report["language"],
            services={row["id"]: row["name"] for row in report["services"]},
            counters={row["id"]: row["name"] for row in report["counters"]},
            problem_params=report["audit"]["problem_params"],
        )

    def value(self, column: str, value: Any) -> Any:
        """A value as people read it; numbers, dates and free text stay as they are."""
        if isinstance(value, bool):
            return text("ui.report.yes" if value else "ui.report.no", self.language)
        if not isinstance(value, str):
            return value
        if column in WORDS:
            return text(WORDS[column].format(value), self.language)
        if column == "service":
            return self.services.get(value, value)
        if column == "counter":
            return self.counters.get(value, value)
        if column == "problem":
            return text(value, self.language, **self.problem_params)
        return value

    def rows(self, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[list[Any]]:
        for row in rows:
            yield [self.value(column, value) for column, value in zip(columns, row, strict=True)]
