"""The event log's hash chain: each row's hash covers its content and the previous row's hash."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64
HASHED_COLUMNS = ("id", "seq", "at", "name", "actor", "counter", "service", "ticket_id", "data")


def row_hash(row: Mapping[str, Any]) -> str:
    """SHA-256 over the previous hash and the row's columns, in a fixed canonical form."""
    content = json.dumps(
        [row["prev_hash"], *(row[column] for column in HASHED_COLUMNS)],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(content.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Verdict:
    """The result of checking the chain: ok, rows checked, and the first broken row if any."""

    ok: bool
    rows: int
    broken_id: int | None = None
    problem: str | None = None


def verify(rows: Iterable[Mapping[str, Any]]) -> Verdict:
    """Walk the log in id order; name the first row that was edited, removed or slipped in."""
    expected_prev = GENESIS
    expected_id = 1
    count = 0
    for row in rows:
        count += 1
        if row["id"] != expected_id:
            return Verdict(False, count, row["id"], f"row {expected_id} is missing")
        if row["prev_hash"] != expected_prev:
            return Verdict(False, count, row["id"], "does not follow the row before it")
        if row_hash(row) != row["hash"]:
            return Verdict(False, count, row["id"], "content does not match its hash")
        expected_prev = row["hash"]
        expected_id += 1
    return Verdict(True, count)
