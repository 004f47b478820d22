"""The hash chain over the event log catches edited, removed and inserted rows."""

from __future__ import annotations

from typing import Any

from shared.application import audit
from shared.domain.chain import GENESIS, row_hash


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
