"""The central server's users (`viewer` sees every station, `admin` also registers stations) and
their store of sessions and failed logins for `shared.application.sessions`: the station's login,
with Argon2id hashes and the same throttle, over central's PostgreSQL database."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import psycopg

from central.store import CentralStore
from shared.application.passwords import USERNAME, check_password, hash_password
from shared.application.sessions import FAILURES_KEPT, Account
from shared.application.users import Roles
from shared.domain.clock import Clock
from shared.domain.errors import Conflict, InvalidRequest

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


@dataclass(frozen=True)
class CentralSessions:
    """Central's users, sessions and failed logins in PostgreSQL (a
    `shared.application.sessions.SessionStore`)."""

    store: CentralStore
    clock: Clock

    def now(self) -> datetime:
        return self.clock.now()

    def find_user(self, username: str) -> Account[User] | None:
        with self.store.connection() as conn:
            row = conn.execute(
                "SELECT username, role, password_hash, disabled FROM users WHERE username = %s",
                [username],
            ).fetchone()
        if row is None:
            return None
        user = User(row["username"], Role.parse(row["role"]))
        return Account(user, row["password_hash"], row["disabled"])

    def failed_logins(self, username: str) -> tuple[int, datetime] | None:
        with self.store.connection() as conn:
            row = conn.execute(
                "SELECT failures, last_failed_at FROM login_failures WHERE username = %s",
                [username],
            ).fetchone()
        return None if row is None else (row["failures"], row["last_failed_at"])

    def record_failed_login(self, username: str) -> None:
        """Count a failed login of a name; names that last failed over FAILURES_KEPT ago, and
        all but the FAILED_NAMES_KEPT most recent, are forgotten, so made-up names cannot fill
        the table (a name forgotten early simply starts counting again)."""
        now = self.now()
        with self.store.transaction() as conn:
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

    def create_session(
        self, username: str, token_hash: str, created_at: datetime, expires_at: datetime
    ) -> None:
        with self.store.transaction() as conn:
            conn.execute("DELETE FROM login_failures WHERE username = %s", [username])
            conn.execute(
                "INSERT INTO sessions (token_hash, username, created_at, expires_at) "
                "VALUES (%s, %s, %s, %s)",
                [token_hash, username, created_at, expires_at],
            )

    def lookup_session(self, token_hash: str) -> tuple[User, datetime] | None:
        with self.store.connection() as conn:
            row = conn.execute(
                "SELECT u.username, u.role, s.expires_at FROM sessions s "
                "JOIN users u ON u.username = s.username "
                "WHERE s.token_hash = %s AND s.revoked_at IS NULL AND NOT u.disabled",
                [token_hash],
            ).fetchone()
        if row is None:
            return None
        return User(row["username"], Role.parse(row["role"])), row["expires_at"]

    def end_session(self, token_hash: str) -> None:
        with self.store.transaction() as conn:
            conn.execute(
                "UPDATE sessions SET revoked_at = %s WHERE token_hash = %s AND revoked_at IS NULL",
                [self.now(), token_hash],
            )
