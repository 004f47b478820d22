"""Passwords, the station's and central's alike: what a username and a new password may be, and
Argon2id hashes computed a few at a time."""

from __future__ import annotations

import re
import secrets
import threading
from typing import Any

from argon2 import PasswordHasher

from shared.domain.errors import InvalidRequest
from shared.domain.text import text_field
from shared.store.concurrency import blocking_call

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,31}$")
MIN_PASSWORD = 8
MAX_PASSWORD = 256
# Argon2id with OWASP's parameters (19 MiB, 2 passes): slow for an attacker, yet a login storm
# stays within memory because at most HASHING_AT_ONCE hashes are computed at the same time.
HASHER = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
HASHING_AT_ONCE = threading.BoundedSemaphore(2)


def hash_password(password: str) -> str:
    """The password's Argon2id hash (the station's and the central server's users alike)."""
    with HASHING_AT_ONCE:
        return blocking_call(HASHER.hash, password)


def verify_password(digest: str, password: str) -> None:
    """Raise VerificationError unless `password` matches."""
    with HASHING_AT_ONCE:
        blocking_call(HASHER.verify, digest, password)


# Verified against when the username is unknown, so both answers take as long.
DUMMY_HASH = HASHER.hash(secrets.token_urlsafe(16))


def check_password(password: Any) -> str:
    """A new password as given, or InvalidRequest when it is too short or too long."""
    if not isinstance(password, str) or not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise InvalidRequest("error.password_length", minimum=MIN_PASSWORD)
    return text_field(password, "password", MAX_PASSWORD)
