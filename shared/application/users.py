"""The station's users and roles, managed by its admins, and its store of sessions and failed
logins for `shared.application.sessions` (passwords only as Argon2 hashes, sessions revocable)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from enum import IntEnum
from typing import Any, Self

from shared.application.passwords import USERNAME, check_password, hash_password
from shared.application.sessions import FAILURES_KEPT, Account
from shared.application.station import Station
from shared.domain.clock import parse_utc, utc_text
from shared.domain.config import Config
from shared.domain.errors import Conflict, InvalidRequest, NotFound
from shared.domain.events import UserChanged, UserLoggedIn
from shared.store.credentials import password_print, session_known, session_print
from shared.store.store import Reader, Transaction


class Roles(IntEnum):
    """A server's roles in increasing power: each may do everything the ones before it may."""

    def may(self, needed: Roles) -> bool:
        """Whether this role may do what needs `needed`."""
        return self >= needed

    @classmethod
    def parse(cls, value: Any) -> Self:
        try:
            return cls[str(value).upper()]
        except KeyError:
            roles = ", ".join(role.label for role in cls)
            raise InvalidRequest("error.role", roles=roles) from None

    @property
    def label(self) -> str:
        return self.name.lower()


class Role(Roles):
    """The station's roles: officer, supervisor and admin in increasing power, and Propam apart.

    Propam (the police's internal affairs) oversees the others: it sees only its own page (the
    integrity survey and its alarms) and acts nowhere else, and no other role, admin included,
    sees that page; an admin only creates Propam's accounts. Below every other role, Propam
    passes no `role >= OFFICER` check.
    """

    PROPAM = 0
    OFFICER = 1
    SUPERVISOR = 2
    ADMIN = 3

    def may(self, needed: Roles) -> bool:
        if Role.PROPAM in (self, needed):
            return self == needed
        return self >= needed


@dataclass(frozen=True)
class User:
    """Someone logged in. `units` limits an officer to counters of those units (None: all)."""

    username: str
    role: Role
    units: tuple[str, ...] | None = None

    def json(self) -> dict[str, Any]:
        return {"username": self.username, "role": self.role.label, "units": self.units}

    def may_act_at(self, config: Config, counter_id: str) -> bool:
        """Whether this user may see and act at a counter: every service it calls is in their
        units. Without units, a supervisor may everywhere and an officer everywhere but at a
        private service's counter (Propam, women and children), whose unit must be theirs."""
        if not self.role.may(Role.OFFICER):
            return False  # Propam oversees the counters and acts at none
        counter = config.counter_by_id.get(counter_id)
        if counter is None:
            return True
        services = [config.service_by_id[s] for s in counter.services]
        if self.units is None:
            return self.role >= Role.SUPERVISOR or not any(s.private for s in services)
        return all(service.unit in self.units for service in services)

    def may_suspend(self, config: Config, service_id: str) -> bool:
        """Whether this user may suspend or resume a service: one of their units; without
        units, a supervisor any and an officer any but a private one (as at the counters)."""
        if not self.role.may(Role.OFFICER):
            return False
        service = config.service_by_id.get(service_id)
        if service is None:
            return True
        if self.units is None:
            return self.role >= Role.SUPERVISOR or not service.private
        return service.unit in self.units


def parse_units(config: Config, value: Any) -> tuple[str, ...] | None:
    """Units as given (a list, or "SPKT,Lantas"); none or empty means every unit."""
    if value is None or value == "" or value == []:
        return None
    parts = value.split(",") if isinstance(value, str) else value
    if not isinstance(parts, list) or not all(isinstance(part, str) for part in parts):
        raise InvalidRequest("error.units")
    units = tuple(sorted({part.strip() for part in parts if part.strip()}))
    known = {service.unit for service in config.services}
    unknown = [unit for unit in units if unit not in known]
    if unknown:
        raise InvalidRequest(
            "error.unknown_unit", unit=unknown[0][:40], units=", ".join(sorted(known))
        )
    return units or None


def _stored_units(text: str | None) -> tuple[str, ...] | None:
    return tuple(text.split(",")) if text else None


def add_user(
    station: Station, username: Any, role: Any, password: Any, actor: str, units: Any = None
) -> User:
    """Create a user; the password is kept only as a slow salted hash."""
    if not isinstance(username, str) or not USERNAME.match(username):
        raise InvalidRequest("error.username")
    parsed = Role.parse(role)
    limited = parse_units(station.config, units)
    password = check_password(password)
    digest = hash_password(password)
    with station.store.write(actor, station.now()) as tx:
        if tx.one("SELECT 1 AS x FROM users WHERE username = ?", [username]):
            raise Conflict("error.user_exists", username=username)
        tx.execute(
            "INSERT INTO users (username, role, password_hash, created_at, units) "
            "VALUES (?, ?, ?, ?, ?)",
            [username, parsed.label, digest, utc_text(tx.now), _units_text(limited)],
        )
        tx.record(
            UserChanged(
                username=username,
                role=parsed.label,
                change="added",
                units=limited,
                password=password_print(username, digest),
            )
        )
    return User(username, parsed, limited)


def _units_text(units: tuple[str, ...] | None) -> str | None:
    return ",".join(units) if units else None


@dataclass(frozen=True)
class Stored:
    """A user as the users table holds them (for the audit's check against the log)."""

    username: str
    role: str
    disabled: bool
    units: tuple[str, ...]


def stored(db: Reader) -> list[Stored]:
    rows = db.all("SELECT username, role, disabled, units FROM users ORDER BY username")
    return [
        Stored(
            row["username"], row["role"], bool(row["disabled"]), _stored_units(row["units"]) or ()
        )
        for row in rows
    ]


def has_users(station: Station) -> bool:
    with station.store.read() as db:
        return db.one("SELECT 1 AS x FROM users LIMIT 1") is not None


def create_first_admin(station: Station) -> str | None:
    """With no user at all, create `admin` with a random password and return it (once)."""
    if has_users(station):
        return None
    password = secrets.token_urlsafe(12)
    try:
        add_user(station, "admin", "admin", password, "system")
    except Conflict:
        return None  # another process created it first
    return password


@dataclass(frozen=True)
class StationSessions:
    """The station's users, sessions and failed logins in its SQLite database (a
    `shared.application.sessions.SessionStore`); a login is recorded in the log, with a digest of
    its session, and a session the log does not know is refused."""

    station: Station

    def now(self) -> datetime:
        return self.station.now()

    def find_user(self, username: str) -> Account[User] | None:
        with self.station.store.read() as db:
            row = db.one(
                "SELECT username, role, password_hash, disabled, units FROM users "
                "WHERE username = ?",
                [username],
            )
        if row is None:
            return None
        return Account(_user(row), row["password_hash"], bool(row["disabled"]))

    def failed_logins(self, username: str) -> tuple[int, datetime] | None:
        with self.station.store.read() as db:
            row = db.one(
                "SELECT failures, last_failed_at FROM login_failures WHERE username = ?",
                [username],
            )
        return None if row is None else (row["failures"], parse_utc(row["last_failed_at"]))

    def record_failed_login(self, username: str) -> None:
        with self.station.store.write("system", self.now(), durable=False) as tx:
            tx.execute(
                "DELETE FROM login_failures WHERE last_failed_at < ?",
                [utc_text(tx.now - FAILURES_KEPT)],
            )
            tx.execute(
                "INSERT INTO login_failures (username, failures, last_failed_at) VALUES (?, 1, ?) "
                "ON CONFLICT (username) DO UPDATE SET failures = failures + 1, "
                "last_failed_at = excluded.last_failed_at",
                [username, utc_text(tx.now)],
            )

    def create_session(
        self, username: str, token_hash: str, created_at: datetime, expires_at: datetime
    ) -> None:
        expires = utc_text(expires_at)
        with self.station.store.write(username, created_at) as tx:
            tx.execute("DELETE FROM login_failures WHERE username = ?", [username])
            tx.execute(
                "INSERT INTO sessions (token_hash, username, created_at, expires_at) "
                "VALUES (?, ?, ?, ?)",
                [token_hash, username, utc_text(created_at), expires],
            )
            session = session_print(token_hash, username, expires)
            tx.record(UserLoggedIn(username=username, session=session))

    def lookup_session(self, token_hash: str) -> tuple[User, datetime] | None:
        with self.station.store.read() as db:
            row = db.one(
                "SELECT u.username, u.role, u.units, s.expires_at FROM sessions s "
                "JOIN users u ON u.username = s.username "
                "WHERE s.token_hash = ? AND s.revoked_at IS NULL AND u.disabled = 0",
                [token_hash],
            )
            if row is None or not session_known(db, token_hash, row["username"], row["expires_at"]):
                return None  # none, or written behind the log's back
        return _user(row), parse_utc(row["expires_at"])

    def end_session(self, token_hash: str) -> None:
        with self.station.store.write("system", self.now()) as tx:
            tx.execute(
                "UPDATE sessions SET revoked_at = ? WHERE token_hash = ? AND revoked_at IS NULL",
                [utc_text(tx.now), token_hash],
            )


def _user(row: dict[str, Any]) -> User:
    return User(row["username"], Role.parse(row["role"]), _stored_units(row["units"]))


# ---- managing users (admin role) ---------------------------------------------------------------


def list_users(station: Station) -> list[dict[str, Any]]:
    """Every user with role, whether disabled, and when they last logged in (UTC text)."""
    with station.store.read() as db:
        return db.all(
            "SELECT u.username, u.role, u.disabled, u.created_at, u.units, "
            "(SELECT MAX(created_at) FROM sessions s WHERE s.username = u.username) "
            "AS last_login FROM users u ORDER BY u.username"
        )


def require_user(tx: Transaction, username: Any) -> dict[str, Any]:
    """The user's row, or 404 naming the unknown username."""
    row = (
        tx.one("SELECT * FROM users WHERE username = ?", [username])
        if isinstance(username, str)
        else None
    )
    if row is None:
        raise NotFound("error.unknown_user", username=str(username)[:40])
    return row


def _keep_an_admin(tx: Transaction, username: str) -> None:
    """Refuse a change that would leave no enabled admin (nobody could manage users then)."""
    others = tx.one(
        "SELECT COUNT(*) AS n FROM users WHERE role = 'admin' AND disabled = 0 AND username != ?",
        [username],
    )
    if others is None or others["n"] == 0:
        raise Conflict("error.last_admin")


def _end_sessions(tx: Transaction, username: str) -> None:
    tx.execute(
        "UPDATE sessions SET revoked_at = ? WHERE username = ? AND revoked_at IS NULL",
        [utc_text(tx.now), username],
    )


def set_disabled(station: Station, username: Any, disabled: bool, actor: str) -> None:
    """Disable a user (ending every session at once) or enable them again."""
    with station.store.write(actor, station.now()) as tx:
        row = require_user(tx, username)
        if bool(row["disabled"]) == disabled:
            return
        if disabled and row["role"] == Role.ADMIN.label:
            _keep_an_admin(tx, row["username"])
        tx.execute(
            "UPDATE users SET disabled = ? WHERE username = ?", [int(disabled), row["username"]]
        )
        if disabled:
            _end_sessions(tx, row["username"])
        change = "disabled" if disabled else "enabled"
        tx.record(UserChanged(username=row["username"], role=row["role"], change=change))


def reset_password(station: Station, username: Any, password: Any, actor: str) -> None:
    """Give a user a new password; their open sessions end."""
    digest = hash_password(check_password(password))
    with station.store.write(actor, station.now()) as tx:
        row = require_user(tx, username)
        tx.execute(
            "UPDATE users SET password_hash = ? WHERE username = ?", [digest, row["username"]]
        )
        _end_sessions(tx, row["username"])
        tx.record(
            UserChanged(
                username=row["username"],
                role=row["role"],
                change="password",
                password=password_print(row["username"], digest),
            )
        )


def set_units(station: Station, username: Any, units: Any, actor: str) -> None:
    """Limit a user to some units' counters (none: every counter), from their next action."""
    limited = parse_units(station.config, units)
    with station.store.write(actor, station.now()) as tx:
        row = require_user(tx, username)
        if _stored_units(row["units"]) != limited:
            tx.execute(
                "UPDATE users SET units = ? WHERE username = ?",
                [_units_text(limited), row["username"]],
            )
            tx.record(
                UserChanged(
                    username=row["username"], role=row["role"], change="units", units=limited
                )
            )


def change_role(station: Station, username: Any, role: Any, actor: str) -> User:
    """Give a user another role; it applies to their very next request."""
    parsed = Role.parse(role)
    with station.store.write(actor, station.now()) as tx:
        row = require_user(tx, username)
        if row["role"] == Role.ADMIN.label and parsed != Role.ADMIN and not row["disabled"]:
            _keep_an_admin(tx, row["username"])
        if row["role"] != parsed.label:
            tx.execute(
                "UPDATE users SET role = ? WHERE username = ?", [parsed.label, row["username"]]
            )
            tx.record(UserChanged(username=row["username"], role=parsed.label, change="role"))
    return User(row["username"], parsed)
