"""Central's receipt, kept at the station: the newest row the central server confirmed holding,
that row's hash, and when central last answered.

The audit checks that the log still holds that row with that hash (`audit.receipt_holds`): a log
rewritten after it was shipped no longer does, even with every hash recomputed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from shared.clock import parse_utc, utc_text
from shared.store import Reader, Transaction


@dataclass(frozen=True)
class Receipt:
    row: int  # 0: central holds nothing yet
    hash: str
    last_contact: datetime


def latest(db: Reader) -> Receipt | None:
    """Central's latest receipt, or None before central first answered."""
    found = db.one("SELECT confirmed_row, hash, last_contact FROM central_link WHERE id = 1")
    if found is None:
        return None
    return Receipt(found["confirmed_row"], found["hash"], parse_utc(found["last_contact"]))


def save(tx: Transaction, row: int, digest: str) -> None:
    """Keep central's answer as the receipt; central answered now (`tx.now`)."""
    tx.execute(
        "INSERT INTO central_link (id, confirmed_row, hash, last_contact) VALUES (1, ?, ?, ?) "
        "ON CONFLICT (id) DO UPDATE SET confirmed_row = excluded.confirmed_row, "
        "hash = excluded.hash, last_contact = excluded.last_contact",
        [row, digest, utc_text(tx.now)],
    )
