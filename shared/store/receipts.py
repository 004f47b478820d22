"""Central's receipt, kept at the station: the newest row the central server confirmed holding,
that row's hash, and when central last answered; and how the latest attempt to ship ended.

The audit checks that the log still holds that row with that hash (`audit.receipt_holds`): a log
rewritten after it was shipped no longer does, even with every hash recomputed.

The latest attempt tells a batch central refused (its status, code and reason: the station's
fault to fix, say a wrong key or settings central does not take) from central being out of
reach (the network's); the dashboard, `/healthz` and `satupintu central status` show which.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from shared.domain.clock import parse_utc, utc_text
from shared.store.store import Reader, Transaction

Outcome = Literal["accepted", "refused", "unreachable"]
REASON_CHARS = 300  # of central's reason (or the network's), kept and shown


@dataclass(frozen=True)
class Receipt:
    row: int  # 0: central holds nothing yet
    hash: str
    last_contact: datetime


@dataclass(frozen=True)
class Attempt:
    """How the latest attempt to ship ended; `status` and `code` only when central refused."""

    outcome: Outcome
    at: datetime
    status: int | None = None
    code: str | None = None
    reason: str | None = None


def answer_text(status: int | None, code: str | None) -> str:
    """Central's refusal in short, as shown: "400 invalid_request", "404"."""
    return " ".join(str(part) for part in (status, code) if part)


def latest(db: Reader) -> Receipt | None:
    """Central's latest receipt, or None before central first answered."""
    found = db.one("SELECT confirmed_row, hash, last_contact FROM central_link WHERE id = 1")
    if found is None:
        return None
    return Receipt(found["confirmed_row"], found["hash"], parse_utc(found["last_contact"]))


def save(tx: Transaction, row: int, digest: str) -> None:
    """Keep central's answer as the receipt; central answered now (`tx.now`) and accepted."""
    tx.execute(
        "INSERT INTO central_link (id, confirmed_row, hash, last_contact) VALUES (1, ?, ?, ?) "
        "ON CONFLICT (id) DO UPDATE SET confirmed_row = excluded.confirmed_row, "
        "hash = excluded.hash, last_contact = excluded.last_contact",
        [row, digest, utc_text(tx.now)],
    )
    record(tx, "accepted")


def record(
    tx: Transaction,
    outcome: Outcome,
    *,
    status: int | None = None,
    code: str | None = None,
    reason: str | None = None,
) -> None:
    """Keep how the latest attempt ended, now (`tx.now`), in place of the one before."""
    tx.execute(
        "INSERT INTO central_attempt (id, outcome, status, code, reason, at) "
        "VALUES (1, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET outcome = excluded.outcome, "
        "status = excluded.status, code = excluded.code, reason = excluded.reason, "
        "at = excluded.at",
        [outcome, status, code, reason[:REASON_CHARS] if reason else None, utc_text(tx.now)],
    )


def last_attempt(db: Reader) -> Attempt | None:
    """How the latest attempt to ship ended, or None before the first."""
    found = db.one("SELECT outcome, status, code, reason, at FROM central_attempt WHERE id = 1")
    if found is None:
        return None
    return Attempt(
        found["outcome"], parse_utc(found["at"]), found["status"], found["code"], found["reason"]
    )
