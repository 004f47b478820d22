"""Backups that verify themselves, are kept for keep_days, and restores that refuse to lose
anything: a held database, a copy that does not verify, a copy older than the audit trail."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from satupintu.app import open_station
from satupintu.cli import main
from shared.application import audit, ticket_issue
from shared.application.audit import close_days
from shared.application.station import Station
from shared.domain.clock import ManualClock
from shared.operations import backups
from shared.store.schema import migration_names
from tests.helpers import BASE_CONFIG, MORNING, make_config

FIXTURE = sorted((Path(__file__).parent / "fixtures" / "upgrade").glob("*.db"))[0]


def tickets_in(database: Path) -> list[str]:
    with sqlite3.connect(database) as conn:
        return [row[0] for row in conn.execute("SELECT number FROM tickets ORDER BY id")]


def issue(station: Station, count: int) -> None:
    for _ in range(count):
        ticket_issue.issue_ticket(station, "lapor")


def test_a_backup_is_verified_self_contained_and_named_by_its_time(station: Station) -> None:
    issue(station, 3)
    made = backups.make_backup(station)
    assert made.path.parent == station.config.backup_directory
    assert made.path.name == "satupintu-20260520T010000Z.db"
    assert sorted(p.name for p in made.path.parent.iterdir()) == [made.path.name]  # no -wal
    checked = backups.check_file(made.path, [])
    assert checked.verdict.ok
    assert tickets_in(made.path) == ["A-001", "A-002", "A-003"]
    assert backups.latest(station.config.backup_directory) == made


def test_a_backup_never_overwrites_the_live_database(station: Station) -> None:
    issue(station, 1)
    live = station.config.database_path
    before = tickets_in(live)
    for target in (live, Path(f"{live}-wal")):
        with pytest.raises(backups.BackupError, match="cannot overwrite the live database"):
            backups.make_backup(station, target)
    assert tickets_in(live) == before
    assert not Path(f"{live}.partial").exists()


def test_a_backup_never_overwrites_the_anchors_file(station: Station) -> None:
    """The anchors file is the audit trail's witness outside the database: a backup onto it
    would replace the witness with something the database itself says."""
    issue(station, 1)
    witness = station.config.anchor_path
    witness.write_text("3 abcdef0123456789 2026-05-19\n", encoding="utf-8")
    with pytest.raises(backups.BackupError, match="cannot overwrite the audit anchors file"):
        backups.make_backup(station, witness)
    assert witness.read_text(encoding="utf-8") == "3 abcdef0123456789 2026-05-19\n"
    assert not witness.with_name(witness.name + backups.PARTIAL).exists()


@pytest.fixture
def open_umask() -> Iterator[None]:
    """A umask that lets everyone read new files (as a hand-started server often has)."""
    before = os.umask(0o022)
    yield
    os.umask(before)


def mode(path: Path) -> str:
    return oct(path.stat().st_mode & 0o777)


def test_the_database_its_wal_backups_and_restores_are_private(
    tmp_path: Path, clock: ManualClock, open_umask: None
) -> None:
    """Session tokens and the whole log are in these files: the server's user alone reads them."""
    config = make_config(tmp_path)
    the_station = open_station(config, clock=clock)
    issue(the_station, 2)
    live = config.database_path
    parts = [live, Path(f"{live}-wal"), Path(f"{live}-shm")]
    assert {part.name: mode(part) for part in parts} == {part.name: "0o600" for part in parts}
    made = backups.make_backup(the_station)
    assert mode(made.path) == "0o600"
    the_station.store.close()
    live.chmod(0o644)  # a database made by an earlier release
    restored = backups.restore(config, made.path, clock.now())
    assert mode(live) == "0o600"
    assert restored.kept_aside is not None
    open_station(config, clock=clock).store.close()
    assert mode(live) == "0o600"


def test_an_older_database_is_made_private_when_opened(
    tmp_path: Path, clock: ManualClock, open_umask: None
) -> None:
    config = make_config(tmp_path)
    open_station(config, clock=clock).store.close()
    config.database_path.chmod(0o644)
    open_station(config, clock=clock).store.close()
    assert mode(config.database_path) == "0o600"


def test_a_copy_that_does_not_verify_is_kept_as_failed(station: Station) -> None:
    issue(station, 2)
    with sqlite3.connect(station.config.database_path) as conn:
        conn.execute("UPDATE tickets SET status = 'done' WHERE number = 'A-001'")
    with pytest.raises(backups.BackupError, match="does not verify"):
        backups.make_backup(station)
    [failed] = backups.copies(station.config.backup_directory)
    assert not failed.good and failed.path.name.endswith(".db.failed")
    assert backups.latest(station.config.backup_directory) is None


def test_old_copies_go_but_never_the_newest_good_one(tmp_path: Path) -> None:
    now = datetime(2026, 5, 20, tzinfo=UTC)
    for days in (40, 30, 20, 2, 1):
        backups.copy_path(tmp_path, now - timedelta(days=days)).write_bytes(b"")
    for days in (25, 3):
        Path(f"{backups.copy_path(tmp_path, now - timedelta(days=days))}.failed").write_bytes(b"")
    (tmp_path / "before-upgrade-20260101T000000Z.db").write_bytes(b"")
    killed = Path(f"{backups.copy_path(tmp_path, now - timedelta(days=5))}.partial")
    killed.write_bytes(b"")
    os.utime(killed, (now.timestamp() - 7200, now.timestamp() - 7200))
    in_progress = Path(f"{backups.copy_path(tmp_path, now)}.partial")
    in_progress.write_bytes(b"")
    os.utime(in_progress, (now.timestamp(), now.timestamp()))
    deleted = backups.prune(tmp_path, 14, now)
    assert len(deleted) == 5
    assert killed in deleted and in_progress.exists()
    left = [(copy.made_at, copy.good) for copy in backups.copies(tmp_path)]
    assert left == [
        (now - timedelta(days=3), False),
        (now - timedelta(days=2), True),
        (now - timedelta(days=1), True),
    ]
    assert (tmp_path / "before-upgrade-20260101T000000Z.db").exists()
    only_old = tmp_path / "only-old"
    only_old.mkdir()
    backups.copy_path(only_old, now - timedelta(days=90)).write_bytes(b"")
    assert backups.prune(only_old, 14, now) == []


def test_a_backup_is_due_after_each_day_close_and_each_night(tmp_path: Path) -> None:
    config = make_config(tmp_path, day_starts_at="05:00", backup={"at": "02:00"})
    zone = config.zone

    def local(day: int, hour: int, minute: int = 0) -> datetime:
        return datetime(2026, 5, day, hour, minute, tzinfo=zone)

    assert backups.due(config, local(20, 9))
    config.backup_directory.mkdir(parents=True)
    backups.copy_path(config.backup_directory, local(20, 5, 1)).write_bytes(b"")
    assert not backups.due(config, local(20, 23))
    assert not backups.due(config, local(21, 1, 59))
    assert backups.due(config, local(21, 2, 0))
    backups.copy_path(config.backup_directory, local(21, 2, 3)).write_bytes(b"")
    assert not backups.due(config, local(21, 4, 59))
    assert backups.due(config, local(21, 5, 0))


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(BASE_CONFIG, allow_unicode=True), encoding="utf-8")
    return path


def test_the_backup_command_makes_verifies_and_skips_when_not_due(config_file: Path) -> None:
    runner = CliRunner()
    made = runner.invoke(main, ["backup", "--config", str(config_file)])
    assert made.exit_code == 0, made.output
    assert "(verified)" in made.output
    again = runner.invoke(main, ["backup", "--if-due", "--config", str(config_file)])
    assert again.output == "No backup due.\n"
    named = config_file.parent / "usb" / "spkt.db"
    explicit = runner.invoke(main, ["backup", str(named), "--config", str(config_file)])
    assert explicit.exit_code == 0 and named.exists()


@pytest.mark.external
def test_restore_refuses_while_a_process_holds_the_database(station: Station) -> None:
    issue(station, 1)
    copy = backups.make_backup(station).path
    database = station.config.database_path
    holder = subprocess.Popen(  # another server, say
        [sys.executable, "-c", "import sqlite3, sys, time\n"
         "c = sqlite3.connect(sys.argv[1]); c.execute('SELECT 1 FROM events').fetchall()\n"
         "print('open', flush=True); time.sleep(60)", str(database)],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "open\n"
        with pytest.raises(backups.BackupError, match=f"in use by process {holder.pid}"):
            backups.restore(station.config, copy, MORNING)
    finally:
        holder.kill()
        holder.wait()


def _closed_station(station: Station) -> Station:
    station.store.close()
    return station


def test_restore_refuses_what_is_not_a_good_copy_and_changes_nothing(
    station: Station, tmp_path: Path
) -> None:
    issue(station, 2)
    copy = backups.make_backup(station).path
    _closed_station(station)
    database = station.config.database_path
    before = database.read_bytes()
    junk = tmp_path / "junk.db"
    junk.write_text("not a database")
    with pytest.raises(backups.BackupError, match="not a Satu Pintu database"):
        backups.restore(station.config, junk, MORNING)
    tampered = tmp_path / "tampered.db"
    shutil.copyfile(copy, tampered)
    with sqlite3.connect(tampered) as conn:
        conn.execute("DELETE FROM tickets WHERE number = 'A-002'")
    with pytest.raises(backups.BackupError, match="does not verify, nothing was changed"):
        backups.restore(station.config, tampered, MORNING)
    assert database.read_bytes() == before
    assert sorted(p.name for p in database.parent.iterdir() if "restoring" in p.name) == []


def test_restore_refuses_a_copy_older_than_a_closed_day(
    station: Station, clock: ManualClock
) -> None:
    issue(station, 1)
    old = backups.make_backup(station).path
    issue(station, 2)
    clock.advance(days=1)
    assert close_days(station)
    _closed_station(station)
    with pytest.raises(backups.BackupError, match="does not verify"):
        backups.restore(station.config, old, clock.now())


def test_restore_puts_the_copy_back_and_keeps_the_replaced_database(
    station: Station, clock: ManualClock
) -> None:
    issue(station, 2)
    copy = backups.make_backup(station).path
    issue(station, 1)  # made after the backup: only in the database that gets replaced
    _closed_station(station)
    database = station.config.database_path
    restored = backups.restore(station.config, copy, clock.now())
    assert tickets_in(database) == ["A-001", "A-002"]
    assert restored.kept_aside is not None
    assert tickets_in(restored.kept_aside) == ["A-001", "A-002", "A-003"]
    reopened = open_station(station.config, clock=clock)
    try:
        assert audit.check_station(reopened).ok
        ticket_issue.issue_ticket(reopened, "lapor")
    finally:
        reopened.store.close()
    assert tickets_in(database)[-1] == "A-003"


@pytest.mark.slow
def test_restore_brings_an_earlier_release_copy_to_todays_schema(tmp_path: Path) -> None:
    from tests.admin_fixtures import oversight_config

    config = oversight_config(tmp_path)
    shutil.copyfile(f"{FIXTURE}.anchors", config.anchor_path)
    restored = backups.restore(config, FIXTURE, datetime.now(UTC))
    assert restored.kept_aside is None  # there was no database yet
    with sqlite3.connect(config.database_path) as conn:
        applied = [
            row[0] for row in conn.execute("SELECT name FROM _sqlite_migrations ORDER BY id")
        ]
    assert applied == migration_names()
    station = open_station(config, clock=ManualClock(MORNING))
    try:
        assert audit.check_station(station).ok
    finally:
        station.store.close()


@pytest.mark.slow
def test_the_restore_command_says_what_it_did(config_file: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(main, ["backup", "--config", str(config_file)]).exit_code == 0
    [copy] = backups.copies(config_file.parent / "var" / "backups")
    result = runner.invoke(main, ["restore", str(copy.path), "--config", str(config_file)])
    assert result.exit_code == 0, result.output
    assert "0 events verified" in result.output
    assert "The database it replaced is kept as" in result.output
