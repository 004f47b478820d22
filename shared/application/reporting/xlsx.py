"""Spreadsheets (XLSX) that open right in Excel or LibreOffice set to any locale, Indonesian too.

Numbers are written as numbers and dates and times as dates (never as text), so the reader's
own locale shows them: "12,5" and "20/05/2026" in Indonesian Excel, "12.5" and "5/20/2026" in
American. Times in reports are local ISO text ("2026-05-20T09:14:03+08:00"): they become
Excel date-times of that wall-clock time (Excel has no time zones). Text never becomes a
formula (the cell is stored as text whatever it starts with) and loses the characters that
reorder how text is shown, as in the CSV downloads.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from shared.application.reporting.export import BIDI_CONTROLS, to_sheets
from shared.application.reporting.wording import Wording, heading
from shared.domain.i18n import text

# Excel's built-in formats 14 and 22 are the reader's own short date (and time) format.
DATE_FORMAT = "mm-dd-yy"
DATETIME_FORMAT = "m/d/yy h:mm"
ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ISO_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:\d{2}|Z)?$")
TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
MAX_WIDTH = 60
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Sheet:
    """One worksheet: a title (at most 31 characters), a header row and data rows."""

    title: str
    header: Sequence[str]
    rows: Iterable[Sequence[Any]]


def typed(value: Any) -> Any:
    """A value as the cell should hold it: ISO text as a date or a naive local date-time."""
    if isinstance(value, str):
        if ISO_DAY.match(value):
            return date.fromisoformat(value)
        if ISO_MOMENT.match(value):
            return datetime.fromisoformat(value).replace(tzinfo=None)
        return value.translate(BIDI_CONTROLS)
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    return value


def _fill(cell: Cell, value: Any) -> None:
    value = typed(value)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"  # never a formula, whatever the text starts with
    elif isinstance(value, datetime):
        cell.number_format = DATETIME_FORMAT
    elif isinstance(value, date):
        cell.number_format = DATE_FORMAT


def workbook(sheets: Iterable[Sheet]) -> bytes:
    """The sheets as an XLSX file: a bold, frozen header row and columns wide enough."""
    book = Workbook()
    book.remove(book.active)
    for sheet in sheets:
        page = book.create_sheet(TITLE_FORBIDDEN.sub("-", sheet.title)[:31])
        widths = [len(str(name)) for name in sheet.header]
        page.append(list(sheet.header))
        for cell in page[1]:
            cell.font = Font(bold=True)
        for index, row in enumerate(sheet.rows, start=2):
            for column, value in enumerate(row, start=1):
                _fill(page.cell(row=index, column=column), value)
                if column <= len(widths):
                    widths[column - 1] = max(widths[column - 1], len(str(value or "")))
        page.freeze_panes = "A2"
        for column, width in enumerate(widths, start=1):
            page.column_dimensions[get_column_letter(column)].width = min(MAX_WIDTH, width + 2)
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def report_workbook(report: dict[str, Any]) -> bytes:
    """A station's report as XLSX: one sheet per table of the CSV downloads, its name, headings
    and worded values in the report's language (`shared.application.reporting.wording`)."""
    language = report["language"]
    wording = Wording.of(report)
    return workbook(
        Sheet(
            text(f"ui.admin.table.{name}", language),
            [heading(column, language) for column in columns],
            wording.rows(columns, rows),
        )
        for name, columns, rows in to_sheets(report)
    )
