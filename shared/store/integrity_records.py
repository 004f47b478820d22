"""The integrity survey's counts (`shared.domain.integrity`): per hour, counter and officer, how
many citizens answered each question "yes" or "no". Nothing else is kept of an answer."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from shared.domain.clock import utc_text
from shared.store.store import Reader, Transaction


def count_answers(
    tx: Transaction, hour: datetime, counter: str, officer: str, answers: Mapping[str, str]
) -> None:
    """One more answer to each question answered, in its hour's, counter's and officer's
    counts."""
    for question, answer in answers.items():
        tx.execute(
            "INSERT INTO integrity_counts (hour, counter, officer, question, answer, answers) "
            "VALUES (?, ?, ?, ?, ?, 1) "
            "ON CONFLICT (hour, counter, officer, question, answer) "
            "DO UPDATE SET answers = answers + 1",
            [utc_text(hour), counter, officer, question, answer],
        )


def counts_between(db: Reader, start: datetime, end: datetime) -> list[dict[str, Any]]:
    """The counts of the hours in [start, end), oldest first."""
    return db.all(
        "SELECT hour, counter, officer, question, answer, answers FROM integrity_counts "
        "WHERE hour >= ? AND hour < ? ORDER BY hour, counter, officer, question, answer",
        [utc_text(start), utc_text(end)],
    )
