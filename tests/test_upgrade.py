"""Upgrades keep the data: a database written by an earlier release migrates to today's schema
with its audit trail intact and the same figures in its report (tests/upgrade_fixture.py)."""

from __future__ import annotations

import json
import shutil
import sqlite3
from datetime import date
from pathlib import Path

import pytest

from satupintu.app import open_station
from shared.application import audit
from shared.application.reporting.reports import Period, build_report, station_source
from shared.store.schema import migration_names
from tests.admin_fixtures import oversight_config

FIXTURES = sorted((Path(__file__).parent / "fixtures" / "upgrade").glob("*.db"))


def _applied(database: Path) -> list[str]:
    with sqlite3.connect(database) as conn:
        return [row[0] for row in conn.execute("SELECT name FROM _sqlite_migrations ORDER BY id")]


def test_there_is_a_fixture_of_an_earlier_schema() -> None:
    current = migration_names()
    assert FIXTURES
    assert any(_applied(fixture) != current for fixture in FIXTURES)


@pytest.mark.parametrize("fixture", FIXTURES, ids=[path.stem for path in FIXTURES])
def test_an_earlier_release_database_migrates_and_keeps_its_trail_and_figures(
    fixture: Path, tmp_path: Path
) -> None:
    expected = json.loads(fixture.with_suffix(".json").read_text(encoding="utf-8"))
    config = oversight_config(tmp_path)
    shutil.copyfile(fixture, config.database_path)
    shutil.copyfile(f"{fixture}.anchors", config.anchor_path)
    assert _applied(config.database_path) == expected["migrations"]

    station = open_station(config)
    try:
        assert _applied(config.database_path) == migration_names()
        verdict = audit.check_station(station)
        assert verdict.ok, verdict
        # The release's log is kept row for row; the upgrade adds its credentials' baseline.
        assert verdict.rows == expected["events"] + 1
        head_id, head_hash = expected["head"].split(":")
        with sqlite3.connect(config.database_path) as conn:
            assert conn.execute("SELECT hash FROM events WHERE id = ?", [head_id]).fetchone() == (
                head_hash,
            )
            added = conn.execute("SELECT name FROM events WHERE id > ?", [head_id]).fetchall()
        assert added == [("audit.baseline",)]
        day = date.fromisoformat(expected["day"])
        report = build_report(station_source(station), Period(day, day))
    finally:
        station.store.close()
    assert report["audit"]["verified"] is True
    for table in ("totals", "services", "counters", "satisfaction"):
        assert _same_figures(report[table], expected[table]), table


def _same_figures(now: object, then: object) -> bool:
    """Today's report has every figure the release reported, with the same value (new figures
    may have been added since)."""
    if isinstance(then, dict):
        return isinstance(now, dict) and all(
            key in now and _same_figures(now[key], value) for key, value in then.items()
        )
    if isinstance(then, list):
        return (
            isinstance(now, list)
            and len(now) == len(then)
            and all(_same_figures(a, b) for a, b in zip(now, then, strict=True))
        )
    return now == then
