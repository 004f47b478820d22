"""Write an upgrade fixture: a busy morning's database made by the code on sys.path.

The committed fixtures in tests/fixtures/upgrade/ were each made by a release's own code, so
tests/test_upgrade.py can check that today's code migrates that release's database and keeps
its audit trail and its figures. Make one for a release (here `main`) with:

    git archive main | tar -x -C /tmp/release
    PYTHONPATH=/tmp/release .venv/bin/python tests/upgrade_fixture.py tests/fixtures/upgrade/NAME

It writes NAME.db (and NAME.db.anchors, the day-close anchors) and NAME.json: the schema's
migrations, the log's head and the figures the release reported for that day.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

from satupintu.app import open_station
from shared.application import audit, housekeeping, services
from shared.application.audit import close_days
from shared.application.reporting.reports import Period, build_report, station_source
from shared.application.users import add_user
from shared.domain.clock import ManualClock
from tests.admin_fixtures import OFFICERS, busy_day, oversight_config
from tests.helpers import MORNING

HOURS = 3  # 09:00 to 12:00 in Kupang


def write_fixture(stem: Path) -> None:
    with tempfile.TemporaryDirectory() as folder:
        config = oversight_config(Path(folder))
        clock = ManualClock(MORNING)
        station = open_station(config, clock=clock)
        services.ensure_counters(station)
        for name in (*OFFICERS.values(), "sari"):
            add_user(
                station,
                name,
                "supervisor" if name == "sari" else "officer",
                "rahasia-123",
                "fixture",
            )
        busy_day(station, clock, MORNING, MORNING + timedelta(hours=HOURS))
        day = station.today()
        clock.set(station.day_bounds(day)[1] + timedelta(minutes=5))
        housekeeping.expire_past_days(station)
        close_days(station)
        report = build_report(station_source(station), Period(day, day))
        verdict = audit.check_station(station)
        assert verdict.ok and verdict.head is not None, verdict
        station.store.close()
        with sqlite3.connect(config.database_path) as conn:
            migrations = [
                row[0] for row in conn.execute("SELECT name FROM _sqlite_migrations ORDER BY id")
            ]
        stem.parent.mkdir(parents=True, exist_ok=True)
        target = stem.with_suffix(".db")
        target.unlink(missing_ok=True)
        conn = sqlite3.connect(config.database_path)
        conn.execute("VACUUM INTO ?", [str(target)])
        conn.close()
        shutil.copyfile(config.anchor_path, f"{target}.anchors")
    expected = {
        "day": day.isoformat(),
        "migrations": migrations,
        "events": verdict.rows,
        "head": f"{verdict.head.id}:{verdict.head.hash}",
        "totals": report["totals"],
        "services": report["services"],
        "counters": report["counters"],
        "satisfaction": report["satisfaction"],
    }
    stem.with_suffix(".json").write_text(
        json.dumps(expected, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )


if __name__ == "__main__":
    write_fixture(Path(sys.argv[1]))
