"""What the log keeps of credentials: a digest of each user's password hash, each session and
each enrolled device's credential as stored (never a secret itself), so that `audit verify`
and every session or device lookup can tell a row the log explains from one written behind
its back. Rows that predate this are explained by one `audit.baseline` event.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from shared.domain.events import AuditBaseline

if TYPE_CHECKING:
    from shared.store.store import Reader


def _fingerprint(*parts: object) -> str:
    return hashlib.sha256("\x1f".join(str(part) for part in parts).encode()).hexdigest()


def password_print(username: str, password_hash: str) -> str:
    return _fingerprint("password", username, password_hash)


def session_print(token_hash: str, username: str, expires_at: str) -> str:
    return _fingerprint("session", token_hash, username, expires_at)


def device_print(device: int, kind: str, target: str, credential_hash: str) -> str:
    return _fingerprint("device", device, kind, target, credential_hash)


# Looked up once per request: the partial expression indexes of m011 answer each in one probe.
_KNOWN = (
    "SELECT 1 AS x FROM events WHERE name = '{name}' AND json_extract(data, '$.{key}') = :p "
    "UNION ALL SELECT 1 FROM events AS e, json_each(e.data, '$.{list}') AS j "
    "WHERE e.name = 'audit.baseline' AND j.value = :p LIMIT 1"
)
KNOWN_SESSION = _KNOWN.format(name="user.login", key="session", list="sessions")
KNOWN_DEVICE = _KNOWN.format(name="device.enrolled", key="credential", list="devices")


def session_known(db: Reader, token_hash: str, username: str, expires_at: str) -> bool:
    """Whether the log records this session as created (at login, or in the baseline)."""
    return db.one(KNOWN_SESSION, {"p": session_print(token_hash, username, expires_at)}) is not None


def device_known(db: Reader, device: int, kind: str, target: str, credential_hash: str) -> bool:
    """Whether the log records this device credential as enrolled (or in the baseline)."""
    found = db.one(KNOWN_DEVICE, {"p": device_print(device, kind, target, credential_hash)})
    return found is not None


def baseline(db: Reader) -> AuditBaseline | None:
    """The digests of every password, open session and live device credential stored now;
    None when there is none (a new database)."""
    users = {
        row["username"]: password_print(row["username"], row["password_hash"])
        for row in db.all("SELECT username, password_hash FROM users ORDER BY username")
    }
    sessions = [
        session_print(row["token_hash"], row["username"], row["expires_at"])
        for row in db.all(
            "SELECT token_hash, username, expires_at FROM sessions WHERE revoked_at IS NULL"
        )
    ]
    devices = [
        device_print(row["id"], row["kind"], row["target"], row["credential_hash"])
        for row in db.all(
            "SELECT id, kind, target, credential_hash FROM devices "
            "WHERE credential_hash IS NOT NULL AND revoked_at IS NULL"
        )
    ]
    if not (users or sessions or devices):
        return None
    return AuditBaseline(users=users, sessions=sessions, devices=devices)
