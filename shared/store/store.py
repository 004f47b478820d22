"""SQLite through sqlite-utils: connections, one IMMEDIATE transaction per use case, the event log.

Every write runs inside `Store.write()`: BEGIN IMMEDIATE takes SQLite's write lock before the
first read, so a read-then-write (such as claiming the next ticket) is atomic across threads and
processes. Events recorded in the transaction get their `seq` and hash inside it and are handed
to the publisher only after COMMIT, in commit order. Writes that queue up behind one another
share a COMMIT (a group commit, `Batch`): each that joins others runs in a SAVEPOINT of its
own, so one that fails undoes only itself, and none returns before the COMMIT that makes it
durable.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from shared.domain import chain
from shared.domain.clock import parse_utc, utc_text
from shared.domain.errors import Unavailable
from shared.domain.events import Event, Recorded
from shared.store import opening
from shared.store.concurrency import blocking_call, let_others_run
from shared.store.queue_index import QueueIndex, Queues
from shared.store.schema import migrate, pending_migrations

Publisher = Callable[[Sequence[Recorded]], None]

BUSY_TIMEOUT_SECONDS = 10
SQLITE_MAX_INTEGER = 2**63 - 1  # larger ids in a URL cannot name a row: routes answer 404


# An event's `data` as logged: built once (`json.dumps` with options builds one every call).
DATA_JSON = json.JSONEncoder(sort_keys=True, ensure_ascii=False)

PRIVATE_MODE = 0o600  # session tokens and the log are in clear: the server's user alone


def private(path: Path) -> None:
    """Make a database file (and its -wal/-shm, which SQLite gives the file's own mode)
    readable by its owner alone: created so before SQLite first opens it, whatever the umask,
    and an older one's mode narrowed (when this user owns it)."""
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, PRIVATE_MODE))
    except OSError:
        return  # cannot be created here: connecting says why
    for suffix in ("", "-wal", "-shm"):
        part = Path(f"{path}{suffix}")
        with suppress(OSError):
            if part.stat().st_mode & 0o077:
                part.chmod(PRIVATE_MODE)


def connect(path: Path) -> sqlite3.Connection:
    """A connection in autocommit mode (we BEGIN ourselves), WAL, durable commits."""
    conn = sqlite3.connect(
        path, isolation_level=None, check_same_thread=False, timeout=BUSY_TIMEOUT_SECONDS
    )
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


def _one(db: Database, sql: str, params: Sequence[Any] | dict[str, Any]) -> dict[str, Any] | None:
    cursor = db.execute(sql, params)
    row = cursor.fetchone()
    if row is None:
        return None
    return dict(zip([column[0] for column in cursor.description], row, strict=True))


def _all(db: Database, sql: str, params: Sequence[Any] | dict[str, Any]) -> list[dict[str, Any]]:
    cursor = db.execute(sql, params)
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


class Reader:
    """A consistent read-only view (one deferred transaction) of the database.

    `queue` is the process's index of waiting tickets for this database file (none: each
    read loads the waiting tickets afresh).
    """

    def __init__(self, db: Database, queue: QueueIndex | None = None) -> None:
        self.db = db
        self.queue = queue
        self._queues: Queues | None = None

    def queues(self) -> Queues:
        """Every queue's waiting tickets as this snapshot sees them (see `queue_index`)."""
        if self._queues is None:
            self._queues = (self.queue or QueueIndex()).current(self, publish=True)
        return self._queues

    def one(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> dict[str, Any] | None:
        return _one(self.db, sql, params)

    def all(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[dict[str, Any]]:
        return _all(self.db, sql, params)

    def iterate(
        self, sql: str, params: Sequence[Any] | dict[str, Any] = ()
    ) -> Iterator[dict[str, Any]]:
        """Rows one at a time, for reads too large to hold in memory at once."""
        cursor = self.db.execute(sql, params)
        names = [column[0] for column in cursor.description]
        for row in cursor:
            yield dict(zip(names, row, strict=True))


class Transaction(Reader):
    """A write in progress: the sqlite-utils database plus the events recorded so far.

    `now` never goes back before the last logged event, so a clock stepped backwards (a bad
    NTP sync, a hand-set clock) cannot reorder the queue or make durations negative.
    """

    def __init__(
        self,
        db: Database,
        actor: str,
        now: datetime,
        queue: QueueIndex | None = None,
        carried: Queues | None = None,
    ) -> None:
        super().__init__(db, queue)
        self.seen: Queues | None = None
        self._carried = carried  # the queues the write before it in its batch left
        self._seen_at = -1  # the connection's total_changes when `seen` was read
        self._committed: list[Callable[[], None]] = []
        self.actor = actor
        self.recorded: list[Recorded] = []
        last = self.one(
            "SELECT id, hash, at, (SELECT COALESCE(MAX(seq), 0) FROM events) AS seq, "  # noqa: S608
            f"{opening.COLUMNS} FROM events ORDER BY id DESC LIMIT 1"
        )
        self._head = (last["id"], last["hash"], last["seq"]) if last else (0, chain.GENESIS, 0)
        self.now = max(now, parse_utc(last["at"])) if last else now
        self._opened = (last, db.conn.total_changes)

    def execute(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> sqlite3.Cursor:
        return self.db.execute(sql, params)

    def queues(self) -> Queues:
        """The queues with this transaction's own changes, not published while it may still
        roll back (`seen` keeps the latest, which the store publishes once committed); read
        again only after the transaction changed a row (an event it logs moves no ticket)."""
        if self.seen is None or self._seen_at != self.db.conn.total_changes:
            self.seen = (self.queue or QueueIndex()).current(self, publish=False)
            self._seen_at = self.db.conn.total_changes
        return self.seen

    def known_queues(self) -> Queues | None:
        """The queues as this transaction sees them now, if known without reading: those it
        saw last while it has changed no row since, or, while it has changed nothing at all,
        those the write before it in its batch left, or the process's published ones, when
        they are as of the newest change it began with."""
        if self.seen is not None and self._seen_at == self.db.conn.total_changes:
            return self.seen
        first = self.opened()
        if first is None:
            return None
        if self._carried is not None and self._carried.seq == first["queue_seq"]:
            return self._carried
        return self.queue.as_of(first["queue_seq"]) if self.queue is not None else None

    def follow(self, known: Queues, row: dict[str, Any]) -> None:
        """See the queues `known` with a waiting ticket this transaction has just inserted
        (`row`: its columns the queues hold), which its trigger logged as the next change
        (one above the newest: `queue_changes.seq` is a rowid), without reading them again."""
        self.seen = known.after(known.seq + 1, [row["id"]], [row])
        self._seen_at = self.db.conn.total_changes

    def opened(self) -> dict[str, Any] | None:
        """What the transaction read first (`opening.COLUMNS`), while it has changed no row
        since (None once it has, or with an empty log)."""
        first, changes = self._opened
        return first if self.db.conn.total_changes == changes else None

    def after_commit(self, action: Callable[[], None]) -> None:
        """Run `action` once this transaction committed (never if it rolls back)."""
        self._committed.append(action)

    def record(self, *events: Event) -> None:
        """Append events to the hash-chained log, in order, in one statement; board events
        take the next `seq`s."""
        last_id, prev_hash, last_seq = self._head
        at = utc_text(self.now)
        rows = []
        for event in events:
            data = event.data()
            last_id += 1
            last_seq += 1 if event.board else 0
            row = {
                "id": last_id,
                "seq": last_seq if event.board else None,
                "at": at,
                "name": event.name,
                "actor": self.actor,
                "counter": data.get("counter"),
                "service": data.get("service"),
                "ticket_id": event.ticket_id,
                "data": DATA_JSON.encode(data),
                "prev_hash": prev_hash,
            }
            row["hash"] = prev_hash = chain.row_hash(row)
            rows.append(row)
        seen_current = self._seen_at == self.db.conn.total_changes
        self.db.conn.executemany(
            "INSERT INTO events (id, seq, at, name, actor, counter, service, ticket_id, data, "
            "prev_hash, hash) VALUES (:id, :seq, :at, :name, :actor, :counter, :service, "
            ":ticket_id, :data, :prev_hash, :hash)",
            rows,
        )
        if seen_current:
            self._seen_at = self.db.conn.total_changes
        self._head = (last_id, prev_hash, last_seq)
        self.recorded.extend(
            Recorded(id=row["id"], seq=row["seq"], event=event)
            for row, event in zip(rows, events, strict=True)
        )


class Store:
    """The station's SQLite file, a small pool of connections for reads and the write path
    with its own connection."""

    def __init__(self, path: Path, publisher: Publisher | None = None) -> None:
        self.path = path
        self.publisher: Publisher = publisher or (lambda recorded: None)
        self._idle: list[Database] = []
        self._pool_lock = threading.Lock()
        self._write_lock = threading.Lock()
        self._writer: Database | None = None  # guarded by _write_lock
        self._batch: Batch | None = None  # guarded by _write_lock: writes awaiting a COMMIT
        self._queued = 0  # writes waiting for _write_lock (guarded by _queued_lock)
        self._queued_lock = threading.Lock()
        self.queue = QueueIndex()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise Unavailable("error.storage", detail=str(error)) from error
        private(path)
        with self._database() as db:
            if pending_migrations(db):
                _storage_errors(db.conn.execute, "BEGIN IMMEDIATE")
                to_log = migrate(db)
                tx = Transaction(db, "migration", datetime.now(UTC))
                for event in filter(None, (made(tx) for made in to_log)):
                    tx.record(event)
                db.conn.execute("COMMIT")

    @contextmanager
    def _database(self) -> Iterator[Database]:
        """Borrow a pooled connection; whatever it left open is rolled back on return."""
        with self._pool_lock:
            db = self._idle.pop() if self._idle else None
        if db is None:
            db = Database(_storage_errors(connect, self.path), execute_plugins=False)
        try:
            yield db
        finally:
            if db.conn.in_transaction:
                db.conn.execute("ROLLBACK")
            with self._pool_lock:
                self._idle.append(db)

    @contextmanager
    def read(self) -> Iterator[Reader]:
        """A consistent snapshot for queries that span several statements."""
        with self._database() as db:
            _storage_errors(db.conn.execute, "BEGIN")
            yield Reader(db, self.queue)

    @contextmanager
    def write(self, actor: str, now: datetime, *, durable: bool = True) -> Iterator[Transaction]:
        """One atomic change: BEGIN IMMEDIATE, the caller's work, COMMIT, then publish events.

        A process-wide lock orders commits and publications alike, so subscribers see events
        in `seq` order; SQLite's own lock serialises writers of other processes. Waiting for
        both is bounded by BUSY_TIMEOUT_SECONDS in all: writers queued behind a database
        another process keeps locked fail together, not one timeout after another. A storage
        fault (locked too long, disk full, read-only file) rolls the write back (every write
        sharing its transaction, if SQLite rolled that back) and becomes Unavailable.
        `durable=False` skips the fsync for bookkeeping that may be lost to a power cut (it
        becomes durable with the next durable commit).

        While other writes wait for the lock, a durable write leaves its transaction open for
        them and waits for the COMMIT that the last of them makes (see `Batch`): one fsync
        and one trip to the thread pool for several writes, each still whole or undone.
        """
        deadline = time.monotonic() + BUSY_TIMEOUT_SECONDS
        with self._queued_lock:
            self._queued += 1
        try:
            locked = self._write_lock.acquire(timeout=BUSY_TIMEOUT_SECONDS)
        finally:
            with self._queued_lock:
                self._queued -= 1
        if not locked:
            raise Unavailable("error.storage", detail="the database stayed busy")
        batch: Batch | None = None
        written = handed = False
        try:
            db = self._writing()
            batch = self._batch or self._open_batch(db, durable, deadline)
            joined = bool(batch.writes)
            try:
                tx = self._begun(db, batch, joined, actor, now)
                yield tx
                if joined:
                    _storage_errors(db.conn.execute, "RELEASE write")
                batch.add(tx)
                written = True
            except sqlite3.OperationalError as error:
                _undo(db, joined)
                raise Unavailable("error.storage", detail=str(error)) from error
            except BaseException:
                _undo(db, joined)
                raise
            finally:
                handed = batch.open_for_more(db) and self.queued_writes > 0
                if not handed:
                    self._settle(db, batch)
        finally:
            self._write_lock.release()
        if written and handed:
            self._committed(batch)
        if written and tx.recorded:
            let_others_run()  # the boards hear of the change before its writer answers

    @property
    def queued_writes(self) -> int:
        """Writes waiting for their turn, for which a write leaves its transaction open."""
        return self._queued

    def _open_batch(self, db: Database, durable: bool, deadline: float) -> Batch:
        """BEGIN IMMEDIATE, waiting for another process's lock until `deadline` at most."""
        if not durable:
            db.conn.execute("PRAGMA synchronous = NORMAL")
        try:
            # Waiting for another process's lock and the fsync at COMMIT happen
            # off the event loop, so other connections keep being served meanwhile.
            _storage_errors(_begin_immediate, db.conn, max(0.0, deadline - time.monotonic()))
        except Unavailable:
            if not durable:
                db.conn.execute("PRAGMA synchronous = FULL")
            raise
        self._batch = Batch(durable)
        return self._batch

    def _begun(
        self, db: Database, batch: Batch, joined: bool, actor: str, now: datetime
    ) -> Transaction:
        """A write's Transaction; one that `joined` the writes of others in its batch runs in
        a SAVEPOINT, to be undone alone (the first needs none: undone, it is all there is)."""
        if joined:
            _storage_errors(db.conn.execute, "SAVEPOINT write")
        return Transaction(db, actor, now, self.queue, batch.queues)

    def _settle(self, db: Database, batch: Batch) -> None:
        """End the open batch (holding `_write_lock`): COMMIT its writes (roll back when none
        succeeded), then publish each write's queues and events in order, and wake the
        writes waiting for it. A failed COMMIT fails every write in it."""
        self._batch = None
        try:
            try:
                if batch.writes and not db.conn.in_transaction:
                    # A storage fault (disk full, I/O error) made SQLite roll back the whole
                    # transaction: the writes before the failed one are gone too.
                    raise sqlite3.OperationalError("the transaction was rolled back")
                if batch.writes:
                    blocking_call(db.conn.execute, "COMMIT")
            except sqlite3.OperationalError as error:
                batch.failure = str(error)
                raise Unavailable("error.storage", detail=batch.failure) from error
            finally:
                if db.conn.in_transaction:
                    db.conn.execute("ROLLBACK")
                if not batch.durable:
                    db.conn.execute("PRAGMA synchronous = FULL")
            for tx in batch.writes:
                # What the write saw is committed now: exactly the data as of its `seq`
                # (a ticket moved after it has a later change, which reads then apply).
                if tx.seen is not None:
                    self.queue.publish(tx.seen)
                for action in tx._committed:
                    action()
            for tx in batch.writes:
                if tx.recorded:
                    self.publisher(tx.recorded)
        finally:
            batch.settled.set()

    def _committed(self, batch: Batch) -> None:
        """Wait (without the lock) until the batch this write left open is committed, and
        raise its failure. Should every write queued behind have given up, settle it here."""
        if not batch.settled.wait(BUSY_TIMEOUT_SECONDS):
            with self._write_lock:
                if self._batch is batch:
                    self._settle(self._writing(), batch)
        if batch.failure is not None:
            raise Unavailable("error.storage", detail=batch.failure)

    def backup(self, target: Path) -> None:
        """Copy the database to `target` with SQLite's online backup API.

        Safe while servers write: the copy is one consistent moment of the database, and
        `target` is a complete database file of its own (restore it by copying it back while
        no server runs).
        """
        if target.resolve() == self.path.resolve():
            raise ValueError("the backup cannot overwrite the live database")
        target.parent.mkdir(parents=True, exist_ok=True)
        private(target)
        copy = sqlite3.connect(target)
        try:
            with self._database() as db:
                db.conn.backup(copy)
        finally:
            copy.close()

    def _writing(self) -> Database:
        """The connection writes use: one, since `_write_lock` orders them, kept with a busy
        timeout of zero between writes (see `_begin_immediate`)."""
        if self._writer is None:
            db = Database(_storage_errors(connect, self.path), execute_plugins=False)
            db.conn.execute("PRAGMA busy_timeout = 0")
            # A SAVEPOINT keeps the pages it changes in a journal of its own: in memory, not
            # in a temporary file (three times the cost of the write's inserts).
            db.conn.execute("PRAGMA temp_store = MEMORY")
            self._writer = db
        return self._writer

    def close(self) -> None:
        """Close the idle connections (one a write is using is left to it)."""
        with self._pool_lock:
            for db in self._idle:
                db.conn.close()
            self._idle.clear()
        if self._write_lock.acquire(blocking=False):
            try:
                if self._writer is not None and self._batch is None:
                    self._writer.conn.close()
                    self._writer = None
            finally:
                self._write_lock.release()


class Batch:
    """Writes done in one open SQLite transaction and awaiting its COMMIT (a group commit).

    At most MOST writes share one, so the first of them waits for a bounded number of others.
    `queues`: what the last successful write left, for the next one to start from.
    """

    MOST = 16

    def __init__(self, durable: bool) -> None:
        self.durable = durable
        self.writes: list[Transaction] = []
        self.queues: Queues | None = None
        self.failure: str | None = None  # why its COMMIT failed
        self.settled = threading.Event()

    def add(self, tx: Transaction) -> None:
        self.writes.append(tx)
        if tx.seen is not None:  # as of its `seq`: the next write takes them if still current
            self.queues = tx.seen

    def open_for_more(self, db: Database) -> bool:
        """Whether another write may still join: a durable batch, not full, whose transaction
        SQLite has not rolled back."""
        return self.durable and len(self.writes) < self.MOST and db.conn.in_transaction


def _undo(db: Database, joined: bool) -> None:
    """Undo a failed write's changes: back to its SAVEPOINT if it `joined` others' writes
    (theirs stay), else the whole transaction (it held nothing else)."""
    if not db.conn.in_transaction:
        return  # SQLite already rolled everything back
    if not joined:
        db.conn.execute("ROLLBACK")
        return
    with suppress(sqlite3.OperationalError):
        db.conn.execute("ROLLBACK TO write")
        db.conn.execute("RELEASE write")


def _begin_immediate(conn: sqlite3.Connection, seconds: float) -> None:
    """BEGIN IMMEDIATE on the writing connection, whose busy timeout is zero: at once while
    nobody holds SQLite's write lock (nothing then blocks), else waiting at most `seconds` for
    another process's lock in an OS thread (`blocking_call`). Once it holds the lock, nothing
    the write does waits for another connection (WAL: readers never hold up a commit)."""
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as error:
        if error.sqlite_errorcode & 0xFF != sqlite3.SQLITE_BUSY:
            raise
        conn.execute(f"PRAGMA busy_timeout = {int(seconds * 1000)}")
        try:
            blocking_call(conn.execute, "BEGIN IMMEDIATE")
        finally:
            conn.execute("PRAGMA busy_timeout = 0")


def _storage_errors(action: Callable[..., Any], *args: Any) -> Any:
    """Run a SQLite call, turning storage faults (locked, full, read-only) into Unavailable."""
    try:
        return action(*args)
    except sqlite3.OperationalError as error:
        raise Unavailable("error.storage", detail=str(error)) from error
