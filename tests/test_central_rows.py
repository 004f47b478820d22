"""Central's check of a batch at once (`central.rows.at_once`) never takes what the check field
by field (`central.ingest`) refuses, and takes the same rows: batches of chained rows with one
field changed to anything JSON can carry, the chain's hashes made again or left as they were."""

from __future__ import annotations

import contextlib
import itertools
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from central.ingest import _by_field
from central.rows import Rows, at_once
from shared.domain.chain import GENESIS, row_hash
from shared.domain.errors import InvalidRequest
from shared.domain.wire import ROW_FIELDS, stored_row

NAMES = ("ticket.issued", "ticket.called", "counter.state")
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats() | st.text(max_size=30),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=5,
)
EDGES = [
    *(-1, 0, 1, 2**63 - 1, 2**63, True, False, 1.0, None, [], {}),
    *("", "a\x00b", "x" * 100, "x" * 101, "x" * 200, "x" * 201, "\ud800", "{}", "[]", "{", "1"),
    *("2026-12-07T01:00:00.000000Z", "2026-13-01T00:00:00.000000Z", "2026-12-07T01:00:00Z"),
    *("0" * 64, "f" * 64, "A" * 64, "g" * 64, "0" * 63),
]
MICROS = st.integers(0, 999999)
TEXTS = st.text(  # what a station may write: any UTF-8 but NUL, which PostgreSQL cannot store
    st.characters(codec="utf-8", exclude_categories=("Cs",), exclude_characters="\x00")
    | st.sampled_from("\t\n\\"),
    max_size=40,
)


def chained(
    rows: list[dict[str, Any]], first: int, previous: str | None = None
) -> list[dict[str, Any]]:
    """The rows numbered from `first`, each hashed over the one before it (the first over
    `previous`, by default the genesis hash or, after row 1, some other row's)."""
    previous = previous or (GENESIS if first == 1 else "ab" * 32)
    for offset, row in enumerate(rows):
        row.update(row=first + offset, prev_hash=previous)
        row["hash"] = previous = row_hash(stored_row(row))
    return rows


@st.composite
def batches(draw: st.DrawFn) -> list[dict[str, Any]]:
    count = draw(st.integers(1, 6))
    rows = [
        {
            "row": 0,
            "seq": draw(st.none() | st.integers(1, 10**6)),
            "at": f"2026-12-07T0{index}:{draw(st.integers(10, 59))}:00.{draw(MICROS):06d}Z",
            "name": draw(st.sampled_from(NAMES)),
            "actor": draw(TEXTS.filter(bool)),
            "counter": draw(st.none() | TEXTS),
            "service": draw(st.none() | TEXTS),
            "ticket_id": draw(st.none() | st.integers(1, 10**9)),
            "data": json.dumps(draw(st.dictionaries(TEXTS, JSON_VALUES, max_size=3))),
            "prev_hash": "",
            "hash": "",
        }
        for index in range(count)
    ]
    return chained(rows, draw(st.integers(1, 2**40)))


GOOD = [
    dict.fromkeys(ROW_FIELDS, None)
    | {"at": f"2026-12-07T01:00:0{n}.000000Z", "name": "ticket.issued", "actor": "kiosk"}
    | {"seq": n + 1, "service": "lapor", "ticket_id": 3, "data": '{"number": "A-001"}'}
    for n in range(3)
]


def by_field(values: list[Any]) -> Rows | None:
    try:
        return Rows.of(_by_field(values))
    except InvalidRequest:
        return None


@settings(max_examples=50, deadline=None)
@given(batches())
def test_a_good_batch_is_taken_at_once_as_field_by_field(values: list[dict[str, Any]]) -> None:
    taken = at_once(values)
    assert taken is not None
    assert taken == by_field(values)


@settings(max_examples=200, deadline=None)
@given(batches(), st.data())
def test_a_changed_field_is_never_taken_at_once_when_field_by_field_refuses_it(
    values: list[dict[str, Any]], data: st.DataObject
) -> None:
    index = data.draw(st.integers(0, len(values) - 1))
    field = data.draw(st.sampled_from(ROW_FIELDS))
    values[index][field] = data.draw(st.sampled_from(EDGES) | JSON_VALUES | TEXTS)
    mode = data.draw(st.sampled_from((None, rehash, rechain)))
    if mode is not None and field != "hash":
        mode(values)
    taken = at_once(values)
    if taken is not None:
        assert taken == by_field(values)


@pytest.mark.parametrize("field", ROW_FIELDS)
def test_no_edge_value_is_taken_at_once_when_field_by_field_refuses_it(field: str) -> None:
    modes = (None, rehash, rechain)
    for edge, first, where, mode in itertools.product(EDGES, (1, 7), (0, -1), modes):
        values = chained([dict(row) for row in GOOD], first)
        values[where][field] = edge
        if mode is not None and field != "hash":
            mode(values)
        taken = at_once(values)
        if taken is not None:
            assert taken == by_field(values), (field, edge)


def rechain(values: list[dict[str, Any]]) -> None:
    """The rows numbered and chained again from the first, where the canonical form can hold
    them: a change that only the field checks can find."""
    with contextlib.suppress(TypeError, ValueError, KeyError):
        chained(values, values[0]["row"], values[0]["prev_hash"])


def rehash(values: list[dict[str, Any]]) -> None:
    """Each row's hash made again over its own content, the links between rows left as they
    are: a broken link with good hashes."""
    for row in values:
        with contextlib.suppress(TypeError, ValueError, KeyError):
            row["hash"] = row_hash(stored_row(row))
