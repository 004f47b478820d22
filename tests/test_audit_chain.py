"""The hash chain over the event log catches edited, removed and inserted rows."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from shared.application import audit
from shared.domain.chain import GENESIS, HASHED_COLUMNS, row_hash, row_hashes


def chain(count: int) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    previous = GENESIS
    for index in range(1, count + 1):
        row = {
            "id": index,
            "seq": index,
            "at": f"2026-05-20T01:00:{index:02d}.000000Z",
            "name": "ticket.issued",
            "actor": "kiosk",
            "counter": None,
            "service": "lapor",
            "ticket_id": index,
            "data": f'{{"number": "A-{index:03d}"}}',
            "prev_hash": previous,
        }
        row["hash"] = row_hash(row)
        previous = row["hash"]
        rows.append(row)
    return rows


def test_an_untouched_chain_verifies() -> None:
    verdict = audit.verify(chain(5))
    assert verdict.ok and verdict.rows == 5


def test_an_edited_row_is_named() -> None:
    rows = chain(5)
    rows[2]["actor"] = "someone-else"
    verdict = audit.verify(rows)
    assert (verdict.ok, verdict.broken_id) == (False, 3)


def test_a_deleted_row_is_named_by_the_row_after_it() -> None:
    rows = chain(5)
    del rows[1]
    verdict = audit.verify(rows)
    assert (verdict.ok, verdict.broken_id) == (False, 3)


def test_a_row_inserted_with_a_fresh_hash_breaks_the_link() -> None:
    rows = chain(5)
    forged = dict(rows[2], actor="forger")
    forged["hash"] = row_hash(forged)
    rows[2] = forged
    verdict = audit.verify(rows)
    assert (verdict.ok, verdict.broken_id) == (False, 4)


TEXTS = st.text(st.characters(codec="utf-8"), max_size=12)
NULLABLE_TEXTS = st.none() | TEXTS
NULLABLE_INTEGERS = st.none() | st.integers(1, 2**53)
ROWS = st.fixed_dictionaries(
    {
        "id": st.integers(1, 2**53),
        "seq": NULLABLE_INTEGERS,
        "at": st.just("2026-05-20T01:00:00.000000Z"),
        "name": TEXTS,
        "actor": TEXTS,
        "counter": NULLABLE_TEXTS,
        "service": NULLABLE_TEXTS,
        "ticket_id": NULLABLE_INTEGERS,
        "data": TEXTS,
        "prev_hash": st.text("0123456789abcdef", min_size=64, max_size=64),
    }
)


@settings(max_examples=300, deadline=None)
@given(st.lists(ROWS, max_size=6))
def test_hashes_built_column_by_column_are_each_rows_own(rows: list[dict[str, Any]]) -> None:
    """Central checks a batch with `row_hashes`: any text (quotes, control characters, emoji)
    must hash exactly as the station's `row_hash` did, or a good batch would be refused."""
    columns = [[row[name] for row in rows] for name in (*HASHED_COLUMNS, "prev_hash")]
    assert row_hashes(*columns) == tuple(map(row_hash, rows))
