"""The SKM's own rows: the respondent profile's counts per quarter and the follow-up register."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from shared.domain.clock import utc_text
from shared.store.store import Reader, Transaction

FOLLOWUP_COLUMNS = ("period", "element", "action", "owner", "due", "done", "evidence")


def count_profile(tx: Transaction, quarter: str, profile: Mapping[str, str]) -> None:
    """One more respondent in each category given, in the quarter's counts (nothing else)."""
    for question, category in profile.items():
        tx.execute(
            "INSERT INTO survey_profiles (quarter, question, category, answers) "
            "VALUES (?, ?, ?, 1) ON CONFLICT (quarter, question, category) "
            "DO UPDATE SET answers = answers + 1",
            [quarter, question, category],
        )


def profile_counts(db: Reader, quarters: Iterable[str]) -> dict[str, dict[str, int]]:
    """Per question, per category: the respondents of these quarters who gave it."""
    found: dict[str, dict[str, int]] = {}
    for quarter in quarters:
        for row in db.all(
            "SELECT question, category, answers FROM survey_profiles WHERE quarter = ?",
            [quarter],
        ):
            counts = found.setdefault(row["question"], {})
            counts[row["category"]] = counts.get(row["category"], 0) + row["answers"]
    return found


def answers_between(db: Reader, start: datetime, end: datetime) -> list[str]:
    """The survey answers (JSON text) given in [start, end)."""
    return [
        row["answers"]
        for row in db.all(
            "SELECT answers FROM surveys WHERE answered_at >= ? AND answered_at < ?",
            [utc_text(start), utc_text(end)],
        )
    ]


def followups(db: Reader, periods: Iterable[str] | None = None) -> list[dict[str, Any]]:
    """The register's entries (of some periods, else all), oldest first."""
    rows = db.all("SELECT * FROM followups ORDER BY due, id")
    wanted = None if periods is None else set(periods)
    return [row for row in rows if wanted is None or row["period"] in wanted]


def followup(db: Reader, followup_id: int) -> dict[str, Any] | None:
    return db.one("SELECT * FROM followups WHERE id = ?", [followup_id])


def save_followup(tx: Transaction, followup_id: int | None, values: Mapping[str, Any]) -> int:
    """Add an entry (no id) or change one; its id."""
    now = utc_text(tx.now)
    if followup_id is None:
        cursor = tx.execute(
            "INSERT INTO followups (period, element, action, owner, due, done, evidence, "
            "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [*(values[column] for column in FOLLOWUP_COLUMNS), now, now],
        )
        assert cursor.lastrowid is not None
        return cursor.lastrowid
    tx.execute(
        "UPDATE followups SET period = ?, element = ?, action = ?, owner = ?, due = ?, done = ?, "
        "evidence = ?, updated_at = ? WHERE id = ?",
        [*(values[column] for column in FOLLOWUP_COLUMNS), now, followup_id],
    )
    return followup_id
