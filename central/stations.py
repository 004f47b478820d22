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
from shared.errors import Conflict, InvalidRequest, Unauthorized

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


def authenticate(conn: Connection, station_id: Any, authorization: str | None) -> dict[str, Any]:
    """The station a request with `Authorization: Bearer KEY` may speak for, locked for update
    (so two batches of one station are taken one after the other); Unauthorized otherwise."""
    scheme, _, key = (authorization or "").partition(" ")
    found = None
    if isinstance(station_id, str) and STATION_ID.match(station_id):
        found = conn.execute(
            "SELECT * FROM stations WHERE id = %s FOR UPDATE", [station_id]
        ).fetchone()
    presented = key_digest(key.strip()) if scheme.lower() == "bearer" else ""
    expected = found["key_hash"] if found else key_digest(secrets.token_urlsafe(32))
    if not hmac.compare_digest(presented, expected) or found is None:
        raise Unauthorized("error.central.bad_key")
    return found


def all_stations(conn: Connection) -> list[dict[str, Any]]:
    return conn.execute("SELECT * FROM stations ORDER BY id").fetchall()


def one_station(conn: Connection, station_id: str) -> dict[str, Any] | None:
    return conn.execute("SELECT * FROM stations WHERE id = %s", [station_id]).fetchone()
