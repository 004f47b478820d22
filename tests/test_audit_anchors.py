"""Anchors: the log's head written at each day's close (and by hand) must stay in the log."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from shared import audit, services
from shared.chain import GENESIS, row_hash
from shared.clock import ManualClock
from shared.station import Station
from tests.helpers import MORNING
from tests.test_audit_chain import chain


def test_an_anchor_still_in_the_log_passes() -> None:
    rows = chain(5)
    assert audit.verify(rows, [audit.Anchor(5, rows[4]["hash"], "2026-05-20")]).ok


def test_rows_cut_after_an_anchor_are_named() -> None:
    rows = chain(5)
    anchor = audit.Anchor(5, rows[4]["hash"], "2026-05-20")
    verdict = audit.verify(rows[:3], [anchor])
    assert (verdict.ok, verdict.broken_id, verdict.problem) == (False, 4, "ui.audit.truncated")
    assert verdict.params == {"row": 4, "last": 3, "anchor": 5, "label": "2026-05-20"}


def test_a_log_rewritten_from_scratch_no_longer_matches_its_anchor() -> None:
    anchor = audit.Anchor(3, chain(5)[2]["hash"], "2026-05-20")
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
    witness = audit.parse_witness(f"3:{rows[2]['hash'][:16]}")
    assert (witness.id, witness.label) == (3, "witness")
    assert audit.verify(rows, [witness]).ok
    for wrong in ("3", "x:abcdef0123456789", "3:abc", "3:ABCDEF0123456789"):
        with pytest.raises(ValueError, match="ROW:HASH"):
            audit.parse_witness(wrong)


def test_each_closed_day_gets_one_anchor_at_its_last_row(
    station: Station, clock: ManualClock, tmp_path: Path
) -> None:
    path = station.config.anchor_path
    assert path == tmp_path / "satupintu.db.anchors"
    services.issue_ticket(station, "lapor")
    assert audit.close_days(station) == []  # the day is not over
    clock.set(MORNING + timedelta(days=1))
    (first,) = audit.close_days(station)
    with station.store.read() as db:
        last = db.one("SELECT id, hash FROM events ORDER BY id DESC LIMIT 1")
    assert (first.label, first.id, first.hash) == ("2026-05-20", last["id"], last["hash"])
    assert audit.close_days(station) == []  # written once
    clock.set(MORNING + timedelta(days=3))  # two more days pass; only the first saw new rows
    services.expire_past_days(station)
    clock.set(MORNING + timedelta(days=4))
    assert [anchor.label for anchor in audit.close_days(station)] == ["2026-05-23"]
    assert [anchor.label for anchor in audit.read_anchors(path)] == ["2026-05-20", "2026-05-23"]
    assert audit.check_station(station).ok
