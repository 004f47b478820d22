"""The central server's users (`viewer` sees every station, `admin` also registers stations) and
their server-side sessions. Passwords are Argon2id hashes, exactly as at a station; an account
that fails to log in too often waits longer before each further try, as at a station."""

from __future__ import annotations

import hashlib
import math
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import psycopg
from argon2.exceptions import InvalidHashError, VerificationError

from central.store import CentralStore
from shared.errors import Conflict, InvalidRequest, RateLimited, Unauthorized
from shared.text import text_field
from shared.users import (
    DUMMY_HASH,
    FAILURES_KEPT,
    MAX_PASSWORD,
    USERNAME,
    Roles,
    backoff_seconds,
    check_password,
    hash_password,
    verify_password,
)

FAILED_NAMES_KEPT = 10_000  # failed login names central remembers at most


class Role(Roles):
    """Central's roles: viewers see every station, admins also manage stations and users."""

    VIEWER = 1
    ADMIN = 2


@dataclass(frozen=True)
class User:
    username: str
    role: Role

    def json(self) -> dict[str, Any]:
        return {"username": self.username, "role": self.role.label}


def add_user(store: CentralStore, username: Any, role: Any, password: Any, now: datetime) -> User:
    if not isinstance(username, str) or not USERNAME.match(username):
        raise InvalidRequest("error.username")
    parsed = Role.parse(role)
    digest = hash_password(check_password(password))
    try:
        with store.transaction() as conn:
            conn.execute(
                "INSERT INTO users (username, role, password_hash, created_at) "
                "VALUES (%s, %s, %s, %s)",
                [username, parsed.label, digest, now],
            )
    except psycopg.errors.UniqueViolation:
        raise Conflict("error.user_exists", username=username) from None
    return User(username, parsed)


def create_first_admin(store: CentralStore, now: datetime) -> str | None:
    """With no user at all, create `admin` with a random password and return it (once)."""
    with store.connection() as conn:
        if conn.execute("SELECT 1 AS found FROM users LIMIT 1").fetchone():
            return None
    password = secrets.token_urlsafe(12)
    try:
        add_user(store, "admin", "admin", password, now)
    except Conflict:
        return None  # another process created it first
    return password


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _throttled(store: CentralStore, username: str, now: datetime) -> None:
    with store.connection() as conn:
        row = conn.execute(
            "SELECT failures, last_failed_at FROM login_failures WHERE username = %s", [username]
        ).fetchone()
    if row is None:
        return
    ready = row["last_failed_at"] + timedelta(seconds=backoff_seconds(row["failures"]))
    if now < ready:
        seconds = math.ceil((ready - now).total_seconds())
        error = RateLimited("error.login_backoff", seconds=seconds)
        error.details = {"retry_after": seconds}
        raise error


def _failed(store: CentralStore, username: str, now: datetime) -> None:
    """Count a failed login of a name; names that last failed over FAILURES_KEPT ago, and all
    but the FAILED_NAMES_KEPT most recent, are forgotten, so made-up names cannot fill the
    table (a name forgotten early simply starts counting again)."""
    with store.transaction() as conn:
        conn.execute(
            "INSERT INTO login_failures (username, failures, last_failed_at) "
            "VALUES (%s, 1, %s) ON CONFLICT (username) DO UPDATE SET "
            "failures = login_failures.failures + 1, last_failed_at = %s",
            [username, now, now],
        )
        conn.execute(
            "DELETE FROM login_failures WHERE last_failed_at < %s OR username IN ("
            "SELECT username FROM login_failures ORDER BY last_failed_at DESC, username "
            "OFFSET %s)",
            [now - FAILURES_KEPT, FAILED_NAMES_KEPT],
        )


def log_in(
    store: CentralStore, username: Any, password: Any, now: datetime, hours: int
) -> tuple[User, str]:
    """Check a password and open a session; returns the user and the session's token."""
    username = text_field(username, "username", 64)
    password = text_field(password, "password", MAX_PASSWORD * 4)
    if not username or not password:
        raise InvalidRequest("error.login_fields")
    _throttled(store, username, now)
    with store.connection() as conn:
        row = conn.execute(
            "SELECT username, role, password_hash, disabled FROM users WHERE username = %s",
            [username],
        ).fetchone()
    try:
        verify_password(row["password_hash"] if row else DUMMY_HASH, password[:MAX_PASSWORD])
    except (VerificationError, InvalidHashError):
        row = None
    if row is None or row["disabled"]:
        if USERNAME.match(username):
            _failed(store, username, now)
        raise Unauthorized("error.bad_login")
    token = secrets.token_urlsafe(32)
    with store.transaction() as conn:
        conn.execute("DELETE FROM login_failures WHERE username = %s", [username])
        conn.execute(
            "INSERT INTO sessions (token_hash, username, created_at, expires_at) "
            "VALUES (%s, %s, %s, %s)",
            [_token_hash(token), username, now, now + timedelta(hours=hours)],
        )
    return User(row["username"], Role.parse(row["role"])), token


def session_user(store: CentralStore, token: str | None, now: datetime) -> User | None:
    if not token:
        return None
    with store.connection() as conn:
        row = conn.execute(
            "SELECT u.username, u.role, s.expires_at FROM sessions s "
            "JOIN users u ON u.username = s.username "
            "WHERE s.token_hash = %s AND s.revoked_at IS NULL AND NOT u.disabled",
            [_token_hash(token)],
        ).fetchone()
    if row is None or row["expires_at"] <= now:
        return None
    return User(row["username"], Role.parse(row["role"]))


def log_out(store: CentralStore, token: str | None, now: datetime) -> None:
    if not token:
        return
    with store.transaction() as conn:
        conn.execute(
            "UPDATE sessions SET revoked_at = %s WHERE token_hash = %s AND revoked_at IS NULL",
            [now, _token_hash(token)],
        )
