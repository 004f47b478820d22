"""Anchors: the log's head written at each day's close (and by hand) must stay in the log."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest

from shared.application import audit, housekeeping, ticket_issue
from shared.application.audit import close_days
from shared.application.station import Station
from shared.domain.chain import GENESIS, row_hash
from shared.domain.clock import ManualClock
from shared.store import anchors
from tests.helpers import MORNING
from tests.test_audit_chain import chain


def test_an_anchor_still_in_the_log_passes() -> None:
    rows = chain(5)
    assert audit.verify(rows, [anchors.Anchor(5, rows[4]["hash"], "2026-05-20")]).ok


def test_rows_cut_after_an_anchor_are_named() -> None:
    rows = chain(5)
    anchor = anchors.Anchor(5, rows[4]["hash"], "2026-05-20")
    verdict = audit.verify(rows[:3], [anchor])
    assert (verdict.ok, verdict.broken_id, verdict.problem) == (False, 4, "ui.audit.truncated")
    assert verdict.params == {"row": 4, "last": 3, "anchor": 5, "label": "2026-05-20"}


def test_a_log_rewritten_from_scratch_no_longer_matches_its_anchor() -> None:
    anchor = anchors.Anchor(3, chain(5)[2]["hash"], "2026-05-20")
    rewritten = chain(5)
    for row in rewritten:  # a whole new, internally consistent chain
        row["actor"] = "forger"
    previous = GENESIS
    for row in rewritten:
        row["prev_hash"] = previous
        row["hash"] = previous = row_hash(row)
    verdict = audit.verify(rewritten, [anchor])
    assert (verdict.ok, verdict.broken_id, verdict.problem) == (False, 3, "ui.audit.anchor_differs")


def test_a_witness_is_read_as_a_report_prints_it() -> None:
    rows = chain(3)
    witness = anchors.parse_witness(f"3:{rows[2]['hash'][:16]}")
    assert (witness.id, witness.label) == (3, "witness")
    assert audit.verify(rows, [witness]).ok
    for wrong in ("3", "x:abcdef0123456789", "3:abc", "3:ABCDEF0123456789"):
        with pytest.raises(ValueError, match="ROW:HASH"):
            anchors.parse_witness(wrong)


def test_each_closed_day_gets_one_anchor_at_its_last_row(
    station: Station, clock: ManualClock, tmp_path: Path
) -> None:
    path = station.config.anchor_path
    assert path == tmp_path / "satupintu.db.anchors"
    ticket_issue.issue_ticket(station, "lapor")
    assert close_days(station) == []  # the day is not over
    clock.set(MORNING + timedelta(days=1))
    (first,) = close_days(station)
    with station.store.read() as db:
        last = db.one("SELECT id, hash FROM events ORDER BY id DESC LIMIT 1")
    assert (first.label, first.id, first.hash) == ("2026-05-20", last["id"], last["hash"])
    assert close_days(station) == []  # written once
    clock.set(MORNING + timedelta(days=3))  # two more days pass; only the first saw new rows
    housekeeping.expire_past_days(station)
    clock.set(MORNING + timedelta(days=4))
    assert [anchor.label for anchor in close_days(station)] == ["2026-05-23"]
    labels = [anchor.label for anchor in anchors.read_anchors(path).anchors]
    assert labels == ["2026-05-20", "2026-05-23"]
    assert audit.check_station(station).ok


def test_a_torn_last_line_is_reported_and_the_next_anchor_still_lands(
    station: Station, clock: ManualClock
) -> None:
    """A power cut mid-append leaves half a line: the audit names it, never trusts it, and
    the next day's anchor is written on a line of its own."""
    path = station.config.anchor_path
    ticket_issue.issue_ticket(station, "lapor")
    clock.set(MORNING + timedelta(days=1))
    close_days(station)
    with path.open("a", encoding="utf-8") as handle:
        handle.write('{"day": "2026-05-21", "id": 9')  # torn: no end, no newline
    verdict = audit.check_station(station)
    assert verdict.ok
    assert [(flagged.line, flagged.problem) for flagged in verdict.flagged] == [
        (2, "ui.audit.anchor_unreadable")
    ]
    ticket_issue.issue_ticket(station, "lapor")
    clock.set(MORNING + timedelta(days=2))
    assert [anchor.label for anchor in close_days(station)] == ["2026-05-21"]
    read = anchors.read_anchors(path)
    assert [anchor.label for anchor in read.anchors] == ["2026-05-20", "2026-05-21"]
    assert [flagged.line for flagged in read.flagged] == [2]


def test_a_far_future_or_hashless_anchor_is_flagged_never_trusted(
    station: Station, clock: ManualClock
) -> None:
    """Such lines would make every check fail ("the log was cut short") or pass ("any hash
    starts with nothing"): they are set aside and reported."""
    path = station.config.anchor_path
    ticket_issue.issue_ticket(station, "lapor")
    path.write_text(
        '{"day": "2999-01-01", "id": 999999, "hash": "' + "a" * 64 + '"}\n'
        '{"day": "2026-05-20", "id": 1, "hash": ""}\n',
        encoding="utf-8",
    )
    verdict = audit.check_station(station)
    assert verdict.ok
    assert [flagged.problem for flagged in verdict.flagged] == [
        "ui.audit.anchor_future",
        "ui.audit.anchor_bad_hash",
    ]


def test_housekeeping_survives_a_damaged_anchors_file(station: Station, clock: ManualClock) -> None:
    station.config.anchor_path.write_bytes(b"\xff\xfe not json at all")
    ticket_issue.issue_ticket(station, "lapor")
    clock.set(MORNING + timedelta(days=1))
    assert [anchor.label for anchor in close_days(station)] == ["2026-05-20"]


def test_the_quick_check_starts_from_the_last_verified_row(
    station: Station, clock: ManualClock
) -> None:
    """A report's check verifies what is new; a rewrite of old rows still shows through the
    anchors, which it looks up one by one."""
    ticket_issue.issue_ticket(station, "lapor")
    clock.set(MORNING + timedelta(days=1))
    close_days(station)
    first = audit.check_recent(station)
    assert first.ok
    ticket_issue.issue_ticket(station, "lapor")
    second = audit.check_recent(station)
    assert second.ok
    assert second.rows > first.rows
    with station.store.read() as db:
        assert db.one("SELECT row FROM audit_progress")["row"] == second.rows
    path = station.config.anchor_path
    (anchor,) = anchors.read_anchors(path).anchors
    path.write_text(path.read_text().replace(anchor.hash, "b" * 64), encoding="utf-8")
    rewritten = audit.check_recent(station)
    assert (rewritten.ok, rewritten.problem) == (False, "ui.audit.anchor_differs")


def test_the_quick_check_still_counts_tickets_deleted_before_the_last_verified_row(
    station: Station, clock: ManualClock
) -> None:
    """The quick check counts only the new rows of the log, on top of the counts it kept with
    its progress; the tickets table is still held to the whole log's count."""
    first = ticket_issue.issue_ticket(station, "lapor").ticket
    assert audit.check_recent(station).ok
    ticket_issue.issue_ticket(station, "surat")
    assert audit.check_recent(station).ok
    with station.store.read() as db:
        kept = db.one("SELECT row, issued, answered FROM audit_progress")
    assert (kept["issued"], kept["answered"]) == (2, 0)
    ticket_issue.issue_ticket(station, "lapor")
    with sqlite3.connect(station.config.database_path) as attacker:
        attacker.execute("DELETE FROM tickets WHERE token = ?", [first["token"]])
    attacker.close()

    verdict = audit.check_recent(station)

    assert (verdict.ok, verdict.problem) == (False, "ui.audit.tickets_count")
