"""The stations a central server knows: registering one (with its key), finding the one a batch
comes from, and each station's state as the dashboard shows it.

A station's key is 32 random bytes (64 hex digits), shown once when it is registered; central
keeps only its SHA-256 (a key that random needs no slow hash) and compares digests in constant
time.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import datetime
from typing import Any

import psycopg

from central.store import CentralStore, Connection
from shared.domain.errors import Conflict, InvalidRequest, Unauthorized

STATION_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
MAX_NAME = 120


def key_digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def add_station(store: CentralStore, station_id: Any, name: Any, now: datetime) -> str:
    """Register a station; returns its key (shown once, never stored)."""
    if not isinstance(station_id, str) or not STATION_ID.match(station_id):
        raise InvalidRequest("error.central.station_id")
    if not isinstance(name, str) or not name.strip() or len(name) > MAX_NAME:
        raise InvalidRequest("error.central.station_name", limit=MAX_NAME)
    key = secrets.token_hex(32)  # hex: safe in YAML, a shell and an environment variable
    try:
        with store.transaction() as conn:
            conn.execute(
                "INSERT INTO stations (id, name, key_hash, created_at) VALUES (%s, %s, %s, %s)",
                [station_id, name.strip(), key_digest(key), now],
            )
    except psycopg.errors.UniqueViolation:
        raise Conflict("error.central.station_exists", station=station_id) from None
    return key


def authenticate(store: CentralStore, authorization: str | None) -> str:
    """The station a request with `Authorization: Bearer KEY` speaks for, found by its key's
    digest before anything of the request is read; Unauthorized otherwise."""
    scheme, _, key = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not key.strip():
        raise Unauthorized("error.central.bad_key")
    digest = key_digest(key.strip())
    with store.connection() as conn:
        found = conn.execute(
            "SELECT id, key_hash FROM stations WHERE key_hash = %s", [digest]
        ).fetchone()
    if found is None or not hmac.compare_digest(digest, found["key_hash"]):
        raise Unauthorized("error.central.bad_key")
    return found["id"]


def lock(conn: Connection, station_id: str) -> dict[str, Any]:
    """The station, locked for update: two batches of one station are taken one after the
    other."""
    found = conn.execute("SELECT * FROM stations WHERE id = %s FOR UPDATE", [station_id]).fetchone()
    assert found is not None  # stations are never removed
    return found


def latest_restore(conn: Connection, station_id: str) -> dict[str, Any] | None:
    """The station's latest declared restore (`restored_row`, `superseded_rows`,
    `declared_at`), or None."""
    return conn.execute(
        "SELECT restored_row, superseded_rows, declared_at FROM restores WHERE station = %s "
        "ORDER BY id DESC LIMIT 1",
        [station_id],
    ).fetchone()


def all_stations(conn: Connection) -> list[dict[str, Any]]:
    return conn.execute("SELECT * FROM stations ORDER BY id").fetchall()


def one_station(conn: Connection, station_id: str) -> dict[str, Any] | None:
    return conn.execute("SELECT * FROM stations WHERE id = %s", [station_id]).fetchone()
