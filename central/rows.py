"""A batch's rows checked all at once, column by column, and written to the copy in one piece.

`central.ingest` can check a batch field by field, row by row, naming the first fault it
finds; that costs about ten microseconds a row of Python calls, more than PostgreSQL spends
storing it. Nearly every batch is good, so its rows are first checked at once (`at_once`): the
fields taken out column by column, each column checked with a few calls over the whole batch
(types, ranges, lengths, patterns), every row's `data` decoded and every row's hash recomputed
from its canonical form built in one pass. That check is stricter than the field-by-field one,
never looser: a batch it does not take is checked again field by field, which refuses it
naming the fault (or takes it, when only the strictness of the check at once turned it away).

The checked rows (`Rows`) go to the copy as one `COPY` text, built column by column too.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import chain, repeat
from operator import itemgetter
from typing import Any

from shared.domain import wire
from shared.domain.chain import GENESIS, MAX_ROW_DATA_CHARS, row_hashes

MAX_ID = 2**63 - 1
# A row's fields in the log's own names (`id` for the wire's `row`), in the copy's column order.
NAMES = ("id", *wire.ROW_FIELDS[1:])
WIRE_VALUES = itemgetter(*wire.ROW_FIELDS)
LOG_VALUES = itemgetter(*NAMES)
TEXT_LIMITS = {
    "name": 100,
    "actor": 200,
    "counter": 200,
    "service": 200,
    "data": MAX_ROW_DATA_CHARS,
}
INTEGERS = frozenset({"id", "seq", "ticket_id"})
NULLABLE = frozenset({"seq", "counter", "service", "ticket_id"})
AT_TEXTS = re.compile(r"(?:[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}Z)*")
AT_LENGTH = len("2026-05-20T01:00:00.000000Z")
HEX_DIGITS = b"0123456789abcdef"
HASH_LENGTH = len(GENESIS)
DATA = json.JSONDecoder()
COPY_NULL = "\\N"


@dataclass(frozen=True)
class Rows:
    """A batch's checked rows, column by column (`NAMES`), in order of their row numbers."""

    columns: tuple[tuple[Any, ...], ...]

    @classmethod
    def of(cls, rows: Sequence[Mapping[str, Any]]) -> Rows:
        """Rows in the log's own form (`id` for `row`), checked field by field."""
        return cls(tuple(zip(*map(LOG_VALUES, rows), strict=True)) or ((),) * len(NAMES))

    def __len__(self) -> int:
        return len(self.columns[0])

    @property
    def ids(self) -> tuple[int, ...]:
        return self.columns[0]

    @property
    def hashes(self) -> tuple[str, ...]:
        return self.columns[-1]

    def row(self, index: int) -> dict[str, Any]:
        """One row in the log's own form."""
        return {name: column[index] for name, column in zip(NAMES, self.columns, strict=True)}

    def after(self, row: int) -> Rows:
        """The rows numbered after `row`."""
        start = max(0, row + 1 - self.ids[0]) if self.ids else 0
        return Rows(tuple(column[start:] for column in self.columns))

    def copy_text(self, station: str) -> str:
        """The rows as `COPY events (station, NAMES...) FROM STDIN` reads them: a line a row,
        tab-separated fields, `\\N` for null, backslash, tab, newline and CR escaped."""
        fields: list[Iterable[str]] = [repeat(_escaped([station])[0])]
        for name, column in zip(NAMES, self.columns, strict=True):
            integers, nullable = name in INTEGERS, name in NULLABLE
            fields.append(_copy_fields(column, integers=integers, nullable=nullable))
        lines = "\n".join(map("\t".join, zip(*fields, strict=False)))  # `repeat` has no end
        return f"{lines}\n" if lines else ""


def _copy_fields(column: Sequence[Any], *, integers: bool, nullable: bool) -> Iterable[str]:
    """A column's fields in COPY's text form."""
    if integers:
        return (
            [COPY_NULL if v is None else str(v) for v in column] if nullable else map(str, column)
        )
    if not nullable:
        return _escaped(column)
    plain = not _special("".join(filter(None, column)))
    return [COPY_NULL if v is None else v if plain else _escape(v) for v in column]


def _special(text: str) -> bool:
    """Whether the text holds a character COPY's text form escapes."""
    return "\\" in text or "\t" in text or "\n" in text or "\r" in text


def _escape(text: str) -> str:
    """The text as COPY's text form writes it."""
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _escaped(texts: Sequence[str]) -> Sequence[str]:
    """Texts escaped for COPY's text form, all at once (no text holds a NUL: both checks
    refuse one, so it can join them)."""
    joined = "\x00".join(texts)
    return _escape(joined).split("\x00") if _special(joined) else texts


def at_once(values: list[Any]) -> Rows | None:
    """The batch's rows (`rows` as sent), if every one is certainly good; None when something
    may be wrong (then the rows are checked field by field)."""
    if not values:
        return Rows.of([])
    if set(map(type, values)) != {dict} or set(map(len, values)) != {len(NAMES)}:
        return None
    try:
        columns = tuple(zip(*map(WIRE_VALUES, values), strict=True))  # one missing: KeyError
        good = _good(columns)
    except (KeyError, ValueError, RecursionError):  # UnicodeEncodeError, JSONDecodeError…
        return None
    return Rows(columns) if good else None


def _numbers(column: Iterable[Any], minimum: int, *, nullable: bool = True) -> bool:
    """Integers (not booleans) from `minimum` to MAX_ID, or nulls where `nullable`."""
    present = [value for value in column if value is not None] if nullable else list(column)
    return (
        set(map(type, present)) <= {int}
        and min(present, default=minimum) >= minimum
        and max(present, default=minimum) <= MAX_ID
    )


def _texts(column: Sequence[Any], limit: int, *, nullable: bool = False) -> bool:
    """Texts of at most `limit` characters, or nulls where `nullable`."""
    present = [value for value in column if value is not None] if nullable else column
    return set(map(type, present)) <= {str} and max(map(len, present), default=0) <= limit


def _good(columns: tuple[tuple[Any, ...], ...]) -> bool:
    """Every field of every row as the field-by-field check takes it, or stricter; the rows
    chained to each other and every hash the one their content gives. Raises ValueError
    (a text not UTF-8, a `data` or time not parsed) or RecursionError (`data` nested too deep)
    for some rows it does not take."""
    ids, seqs, ats, names, actors, counters, services, tickets, datas, prevs, hashes = columns
    first, chained = ids[0], prevs + hashes
    if not (
        set(map(type, ids)) == {int}
        and first >= 1
        and ids == tuple(range(first, first + len(ids)))
        and ids[-1] <= MAX_ID
        and _numbers(seqs, 1)
        and _numbers(tickets, 0)
        and set(map(type, ats)) == {str}
        and set(map(len, ats)) == {AT_LENGTH}
        and AT_TEXTS.fullmatch("".join(ats))
        and _texts(names, TEXT_LIMITS["name"])
        and _texts(actors, TEXT_LIMITS["actor"])
        and _texts(counters, TEXT_LIMITS["counter"], nullable=True)
        and _texts(services, TEXT_LIMITS["service"], nullable=True)
        and _texts(datas, TEXT_LIMITS["data"])
        and set(map(type, chained)) == {str}
        and set(map(len, chained)) == {HASH_LENGTH}
        and not "".join(chained).encode("ascii").translate(None, HEX_DIGITS)
        and prevs[1:] == hashes[:-1]
        and (first != 1 or prevs[0] == GENESIS)
    ):
        return False
    texts = chain(names, actors, filter(None, counters), filter(None, services), datas)
    if "\x00" in "".join(texts):
        return False
    for _ in map(datetime.fromisoformat, ats):  # a date that does not exist: ValueError
        pass
    found, ends = zip(*map(DATA.raw_decode, datas), strict=True)  # not JSON: ValueError
    if set(map(type, found)) != {dict} or ends != tuple(map(len, datas)):
        return False
    return row_hashes(*columns[:-1]) == hashes
