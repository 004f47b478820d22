"""Backups: verified online copies of the database, kept for `backup.keep_days`, and restores.

A backup is SQLite's online copy of the live database (safe while servers write), made
self-contained (no -wal file beside it) and then verified on its own like `audit verify`
verifies the station: the hash chain, the tickets table against the log, and every day-close
anchor up to the copy's last row. Only a copy that verifies gets its final name,
`satupintu-YYYYMMDDTHHMMSSZ.db` (UTC); one that does not is kept as `….db.failed` for a
person to look at. So "the last good backup" is simply the newest file with the final name.

A restore never stops anything: it refuses while any process holds the database open (stop
the server first), refuses a copy that would not verify as the station's database (against
the whole anchors file, so a copy older than a closed day is refused: it would lose rows the
audit trail has anchored), brings the copy to the current schema, and keeps the database it
replaces beside it as `<database>.replaced-<UTC time>`. When it replaces a database, or the
station ships to central, the restore is declared: the event `station.restored` (the copy's
head, the replaced log's head) is the first row after the copy's log, so `audit verify`
explains it and central takes the log continuing from there, keeping the rows it held from the
replaced log as superseded rather than seeing a fork.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlite_utils import Database

from shared.application import audit
from shared.application.station import Station
from shared.domain.chain import GENESIS
from shared.domain.config import Config
from shared.domain.errors import Unavailable
from shared.domain.events import StationRestored
from shared.domain.i18n import text
from shared.store import anchors
from shared.store.store import Reader, Store, private

NAME = re.compile(r"^satupintu-(\d{8}T\d{6}Z)\.db(\.failed)?$")
STAMP = "%Y%m%dT%H%M%SZ"
FAILED = ".failed"
PARTIAL = ".partial"
STALE_PARTIAL_SECONDS = 3600


class BackupError(Exception):
    """A backup or restore that did not happen; str() is the one line for the operator."""


@dataclass(frozen=True)
class Copy:
    """A backup file in the backup directory: when it was made and whether it verified."""

    path: Path
    made_at: datetime
    good: bool


@dataclass(frozen=True)
class Checked:
    """A database file checked on its own: the audit verdict and its last row."""

    verdict: audit.Verdict
    head: anchors.Anchor | None


def copy_path(directory: Path, made_at: datetime) -> Path:
    """Where the automatic backup made at `made_at` goes."""
    return directory / f"satupintu-{made_at.astimezone(UTC).strftime(STAMP)}.db"


def copies(directory: Path) -> list[Copy]:
    """The backups in a directory, oldest first (failed ones too); none if it does not exist."""
    found = []
    with suppress(FileNotFoundError):
        for path in directory.iterdir():
            match = NAME.match(path.name)
            if match:
                made_at = datetime.strptime(match.group(1), STAMP).replace(tzinfo=UTC)
                found.append(Copy(path, made_at, good=match.group(2) is None))
    return sorted(found, key=lambda copy: (copy.made_at, copy.good))


def latest(directory: Path, *, good: bool = True) -> Copy | None:
    """The newest good backup (or, with good=False, the newest failed one)."""
    matching = [copy for copy in copies(directory) if copy.good is good]
    return matching[-1] if matching else None


def last_moment(config: Config, now: datetime) -> datetime:
    """The latest moment a backup was due by: a day's close or the nightly `backup.at`."""
    zone = config.zone
    local = now.astimezone(zone)
    moments = [
        datetime.combine(day, at, tzinfo=zone)
        for day in (local.date() - timedelta(days=1), local.date())
        for at in (config.day_starts_at, config.backup.at)
    ]
    return max(moment for moment in moments if moment <= local)


def due(config: Config, now: datetime) -> bool:
    """Whether no good backup has been made since the latest moment one was due."""
    newest = latest(config.backup_directory)
    return newest is None or newest.made_at < last_moment(config, now)


def make_backup(station: Station, target: Path | None = None) -> Copy:
    """Copy the live database, verify the copy, and give it its final name.

    Without `target` the copy goes to `backup.directory` under its timestamped name. A copy
    that does not verify is kept as `<name>.failed` and BackupError says why.
    """
    made_at = station.now()
    target = target or copy_path(station.config.backup_directory, made_at)
    live = station.config.database_path.resolve()
    if target.resolve() in {Path(f"{live}{suffix}") for suffix in ("", "-wal", "-shm")}:
        raise BackupError("backup failed: the backup cannot overwrite the live database")
    if target.resolve() == station.config.anchor_path.resolve():
        raise BackupError(
            "backup failed: the backup cannot overwrite the audit anchors file "
            f"({station.config.anchor_path}), the trail's witness outside the database"
        )
    partial = target.with_name(target.name + PARTIAL)
    try:
        station.store.backup(partial)
        _self_contained(partial)
        checked = check_file(partial, anchors.read_anchors(station.config.anchor_path).anchors)
    except (OSError, ValueError, sqlite3.Error) as error:
        partial.unlink(missing_ok=True)
        raise BackupError(f"backup failed: {error}") from None
    if not checked.verdict.ok:
        failed = target.with_name(target.name + FAILED)
        os.replace(partial, failed)
        raise BackupError(
            f"the copy does not verify ({_problem(checked.verdict)}); kept as {failed}"
        )
    os.replace(partial, target)
    _sync_directory(target.parent)
    return Copy(target, made_at, good=True)


def prune(directory: Path, keep_days: int, now: datetime) -> list[Path]:
    """Delete backups older than `keep_days` (never the newest good one), older failures, and
    copies left half-made an hour ago or more (a backup that was killed).

    Returns the files deleted.
    """
    everything = copies(directory)
    newest_good = latest(directory)
    failed = [copy for copy in everything if not copy.good]
    cutoff = now - timedelta(days=keep_days)
    doomed = [
        copy.path
        for copy in everything
        if (copy.made_at < cutoff and copy != newest_good) or (copy in failed[:-1])
    ]
    abandoned = now.timestamp() - STALE_PARTIAL_SECONDS
    doomed += [
        path for path in directory.glob(f"satupintu-*{PARTIAL}") if path.stat().st_mtime < abandoned
    ]
    for path in doomed:
        path.unlink(missing_ok=True)
    return doomed


def check_file(
    path: Path, trusted: Iterable[anchors.Anchor], *, every_anchor: bool = False
) -> Checked:
    """Verify a database file on its own, read-only, as `audit verify` verifies the station.

    A backup may rightly end before anchors written after it was made, so only the anchors up
    to its last row count, unless `every_anchor` (a restore: the copy must carry every
    anchored row, or the restored station would not verify).
    """
    with _read_only(path) as db:
        head = anchors.head(db)
        last = head.id if head else 0
        chosen = [anchor for anchor in trusted if every_anchor or anchor.id <= last]
        return Checked(audit.check(db, chosen), head)


@dataclass(frozen=True)
class Restored:
    """A finished restore: what the database now holds and where the old one was kept."""

    head: anchors.Anchor | None
    rows: int
    kept_aside: Path | None
    declared: StationRestored | None = None


def restore(config: Config, source: Path, now: datetime) -> Restored:
    """Replace the station's database with a verified backup, keeping the old one aside."""
    database = config.database_path
    holders = processes_holding(database)
    if holders:
        who = ", ".join(f"{pid} ({command})" for pid, command in holders)
        raise BackupError(
            f"the database is in use by process {who}: stop the server first "
            "(systemctl stop satupintu), then restore"
        )
    if not _is_station_database(source):
        raise BackupError(f"{source} is not a Satu Pintu database")
    work = database.with_name(database.name + ".restoring")
    _remove_database(work)
    try:
        private(work)
        shutil.copyfile(source, work)
        Store(work).close()  # brings an older copy to the current schema
        _self_contained(work)
        checked = check_file(
            work, anchors.read_anchors(config.anchor_path).anchors, every_anchor=True
        )
    except (OSError, sqlite3.Error, Unavailable) as error:
        _remove_database(work)
        raise BackupError(f"cannot restore {source}: {error}") from None
    except BaseException:
        _remove_database(work)
        raise
    if not checked.verdict.ok:
        _remove_database(work)
        raise BackupError(
            f"{source} does not verify, nothing was changed: {_problem(checked.verdict)}"
        )
    replaced = _head_of(database)
    declared = None
    if database.exists() or config.central is not None:
        declared = _declare(work, checked.head, replaced, source, now)
    kept = _keep_aside(database, now)
    if kept is not None:
        _same_owner(kept, work)
    os.replace(work, database)
    _sync_directory(database.parent)
    return Restored(checked.head, checked.verdict.rows, kept, declared)


def _head_of(database: Path) -> anchors.Anchor | None:
    """The last row of the database a restore replaces (None: none, or it cannot be read)."""
    try:
        with _read_only(database) as db:
            return anchors.head(db)
    except sqlite3.Error:
        return None


def _declare(
    work: Path,
    head: anchors.Anchor | None,
    replaced: anchors.Anchor | None,
    source: Path,
    now: datetime,
) -> StationRestored:
    """Log the restore as the row after the copy's head (see the module's text)."""
    event = StationRestored(
        restored_row=head.id if head else 0,
        restored_hash=head.hash if head else GENESIS,
        replaced_row=replaced.id if replaced else None,
        replaced_hash=replaced.hash if replaced else None,
        source=str(source)[:200],
    )
    store = Store(work)
    try:
        with store.write("restore", now) as tx:
            tx.record(event)
    finally:
        store.close()
    _self_contained(work)
    return event


def processes_holding(database: Path) -> list[tuple[int, str]]:
    """Other processes with the database (or its -wal/-shm) open, from /proc: (pid, command)."""
    names = {str(database.resolve()) + suffix for suffix in ("", "-wal", "-shm")}
    found = []
    for process in Path("/proc").glob("[0-9]*"):
        if process.name == str(os.getpid()):
            continue
        try:
            links = {os.readlink(fd) for fd in (process / "fd").iterdir()}
            if links & names:
                command = (process / "cmdline").read_bytes().replace(b"\0", b" ").decode()
                found.append((int(process.name), command.strip()[:80]))
        except OSError:
            continue  # ended meanwhile, or not ours to look at
    return sorted(found)


def _problem(verdict: audit.Verdict) -> str:
    assert verdict.problem is not None
    return f"event row {verdict.broken_id}: {text(verdict.problem, 'en', **verdict.params)}"


@contextmanager
def _read_only(path: Path) -> Iterator[Reader]:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        conn.execute("BEGIN")
        yield Reader(Database(conn, execute_plugins=False))
    finally:
        conn.close()


def _is_station_database(path: Path) -> bool:
    """Whether a file is a SQLite database with the station's event log in it."""
    try:
        with _read_only(path) as db:
            return db.one("SELECT name FROM sqlite_master WHERE name = 'events'") is not None
    except sqlite3.Error:
        return False


def _self_contained(path: Path) -> None:
    """Fold any write-ahead log into the file itself, so the copy is one file to carry."""
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA journal_mode = DELETE").fetchone()
    finally:
        conn.close()


def _remove_database(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _keep_aside(database: Path, now: datetime) -> Path | None:
    """Move the database (with its -wal and -shm) to `<name>.replaced-<UTC time>`."""
    if not database.exists():
        return None
    kept = database.with_name(f"{database.name}.replaced-{now.astimezone(UTC).strftime(STAMP)}")
    for suffix in ("-wal", "-shm", ""):
        part = Path(f"{database}{suffix}")
        if part.exists():
            os.replace(part, f"{kept}{suffix}")
    return kept


def _same_owner(model: Path, path: Path) -> None:
    """Give the restored file the owner of the one it replaces (restores may run as root)."""
    status = model.stat()
    if os.geteuid() == 0:
        os.chown(path, status.st_uid, status.st_gid)


def _sync_directory(directory: Path) -> None:
    """Make a rename in the directory durable."""
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
