"""The central server's PostgreSQL connections: a small pool of autocommit connections, with an
explicit transaction for every change. psycopg 3 waits cooperatively under gevent, so a query
never stops the server's other requests."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from psycopg.rows import dict_row

from central import schema
from shared.domain.errors import Unavailable

Connection = psycopg.Connection[dict]
CONNECT_SECONDS = 10
STATEMENT_SECONDS = 120
POOL_SIZE = 8


class CentralStore:
    """The central database: `connection()` to read, `transaction()` to change."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._idle: list[Connection] = []
        self._lock = threading.Lock()
        with self.connection() as conn:
            if schema.pending(conn):
                schema.migrate(conn)

    def _connect(self) -> Connection:
        try:
            return psycopg.connect(
                self.url,
                autocommit=True,
                row_factory=dict_row,
                connect_timeout=CONNECT_SECONDS,
                options=f"-c statement_timeout={STATEMENT_SECONDS * 1000}",
                application_name="satupintu-central",
            )
        except psycopg.OperationalError as error:
            raise Unavailable("error.storage", detail=str(error).strip()) from error

    @contextmanager
    def connection(self) -> Iterator[Connection]:
        """Borrow a pooled connection (a broken one is replaced, not returned to the pool)."""
        with self._lock:
            conn = self._idle.pop() if self._idle else None
        if conn is None or conn.closed:
            conn = self._connect()
        try:
            yield conn
        except psycopg.OperationalError as error:
            conn.close()
            raise Unavailable("error.storage", detail=str(error).strip()) from error
        finally:
            if not conn.closed:
                if conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
                    conn.rollback()
                with self._lock:
                    if len(self._idle) < POOL_SIZE:
                        self._idle.append(conn)
                        conn = None  # type: ignore[assignment]
                if conn is not None:
                    conn.close()

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """One atomic change: everything inside commits together or not at all."""
        with self.connection() as conn, conn.transaction():
            yield conn

    def close(self) -> None:
        with self._lock:
            for conn in self._idle:
                conn.close()
            self._idle.clear()
