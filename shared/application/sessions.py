"""Logging in, sessions and the throttle of failed logins, one rule for the station and central:
each keeps its users and sessions in its own database behind a `SessionStore`.

A password is checked against its Argon2id hash (an unknown name against a dummy hash, so both
answers take as long). An account that failed too often waits longer before each further try
(`backoff_seconds`), whoever tries and from wherever. A session is a random token in an
HttpOnly cookie; the server keeps only its SHA-256 hash, and can revoke it.
"""

from __future__ import annotations

import hashlib
import math
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Generic, Protocol, TypeVar

from argon2.exceptions import InvalidHashError, VerificationError

from shared.application.passwords import DUMMY_HASH, MAX_PASSWORD, USERNAME, verify_password
from shared.domain.errors import InvalidRequest, RateLimited, Unauthorized
from shared.domain.text import text_field

U = TypeVar("U")
# Failed logins of one account slow it down: after FREE_FAILURES, each further try must wait
# twice as long as the one before (from 1 s up to MAX_BACKOFF_SECONDS) after the last failure.
FREE_FAILURES = 5
MAX_BACKOFF_SECONDS = 15 * 60
# Failed logins are forgotten a day after the last one (the throttle needs no more).
FAILURES_KEPT = timedelta(days=1)


@dataclass(frozen=True)
class Account(Generic[U]):
    """A user as their server stores them, with what a login checks."""

    user: U
    password_hash: str
    disabled: bool


class SessionStore(Protocol[U]):
    """Where a server keeps its users, sessions and failed logins (the station's SQLite
    database, central's PostgreSQL one)."""

    def now(self) -> datetime: ...

    def find_user(self, username: str) -> Account[U] | None: ...

    def failed_logins(self, username: str) -> tuple[int, datetime] | None:
        """How many logins of this account failed in a row, and when the last one did."""
        ...

    def record_failed_login(self, username: str) -> None: ...

    def create_session(
        self, username: str, token_hash: str, created_at: datetime, expires_at: datetime
    ) -> None:
        """Open a session and forget the account's failed logins."""
        ...

    def lookup_session(self, token_hash: str) -> tuple[U, datetime] | None:
        """The enabled user of a session not revoked, and when it expires."""
        ...

    def end_session(self, token_hash: str) -> None: ...


def backoff_seconds(failures: int) -> int:
    """How long an account waits after its latest failed login, given how many failed."""
    if failures < FREE_FAILURES:
        return 0
    return min(MAX_BACKOFF_SECONDS, 2 ** (failures - FREE_FAILURES))


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _throttled(store: SessionStore[Any], username: str) -> None:
    """Refuse a login try too soon after this account's last failures (RateLimited)."""
    failed = store.failed_logins(username)
    if failed is None:
        return
    failures, last_failed_at = failed
    ready = last_failed_at + timedelta(seconds=backoff_seconds(failures))
    now = store.now()
    if now < ready:
        seconds = math.ceil((ready - now).total_seconds())
        error = RateLimited("error.login_backoff", seconds=seconds)
        error.details = {"retry_after": seconds}
        raise error


def log_in(store: SessionStore[U], username: Any, password: Any, hours: int) -> tuple[U, str]:
    """Check a password and open a new session of `hours`; returns the user and its token."""
    username = text_field(username, "username", 64)
    password = text_field(password, "password", MAX_PASSWORD * 4)
    if not username or not password:
        raise InvalidRequest("error.login_fields")
    _throttled(store, username)
    account = store.find_user(username)
    try:
        verify_password(account.password_hash if account else DUMMY_HASH, password[:MAX_PASSWORD])
    except (VerificationError, InvalidHashError):
        account = None
    if account is None or account.disabled:
        if USERNAME.match(username):
            store.record_failed_login(username)
        raise Unauthorized("error.bad_login")
    token = secrets.token_urlsafe(32)
    now = store.now()
    store.create_session(username, token_hash(token), now, now + timedelta(hours=hours))
    return account.user, token


def session_user(store: SessionStore[U], token: str | None) -> U | None:
    """The user behind a session token, if the session is live and the user still enabled."""
    if not token:
        return None
    found = store.lookup_session(token_hash(token))
    if found is None or found[1] <= store.now():
        return None
    return found[0]


def log_out(store: SessionStore[Any], token: str | None) -> None:
    """Revoke the session on the server, so the cookie is worthless even if kept."""
    if token:
        store.end_session(token_hash(token))
