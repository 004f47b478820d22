"""Which device is asking: the station's own kiosks, survey and greeter tablets, and others.

Tickets come only from kiosks: the server's own machine (127.0.0.1 and ::1), a device
at an address listed under `kiosks[].addresses`, or a browser enrolled as a kiosk. Enrolling
is a one-time link (`satupintu enrol kiosk ID`); visiting it stores the device's credential in
an HttpOnly cookie, kept only as a hash here. A counter's survey tablet is enrolled the same
way, and so is a greeter's tablet (`satupintu enrol greeter ID`), which issues tickets on a
citizen's behalf. A credential lasts CREDENTIAL_DAYS after its last use (renewed at most
once a day, so a request costs no write); enrolling a device again, or `satupintu enrol
revoke`, ends the credentials it had at once. With `phone_tickets: true`, phones may take
ordinary tickets too, one open ticket each.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from typing import Any

from shared.application.clientaddress import in_networks, is_own_machine
from shared.application.station import Station
from shared.domain.clock import parse_utc, utc_text
from shared.domain.config import Config
from shared.domain.errors import Forbidden, InvalidRequest, NotFound
from shared.domain.events import DeviceEnrolled, DeviceRevoked
from shared.store.credentials import device_known, device_print
from shared.store.store import Transaction

ENROL_HOURS = 24
# An enrolled device's credential ends this long after its last use; a kiosk used daily keeps it.
CREDENTIAL_DAYS = 30
DEVICE_COOKIE = "satupintu_device"
PHONE_COOKIE = "satupintu_phone"


class Kind(StrEnum):
    KIOSK = "kiosk"
    SURVEY = "survey"
    GREETER = "greeter"


def digest(secret: str) -> str:
    """What is kept of a credential or a one-time code: its SHA-256 (they are random)."""
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class Device:
    """Who a request comes from, as far as the station can tell.

    `own` is the server's own machine, trusted as every kiosk and tablet; `kiosk`,
    `survey_counter` and `greeter` come from an enrolled credential (or a kiosk's listed
    address); `phone`
    is the (hashed) id of a phone that took a ticket before.
    """

    address: str
    own: bool = False
    kiosk: str | None = None
    survey_counter: str | None = None
    greeter: str | None = None
    phone: str | None = None
    renewed: bool = False

    @property
    def is_kiosk(self) -> bool:
        return self.own or self.kiosk is not None


def identify(station: Station, address: str, credential: str | None, phone: str | None) -> Device:
    """The device behind a request's address and cookies."""
    config = station.config
    if is_own_machine(address):
        return Device(address, own=True)
    kiosk = next(
        (kiosk.id for kiosk in config.kiosks if in_networks(address, kiosk.networks)),
        None,
    )
    survey_counter = None
    greeter = None
    renewed = False
    row = _live_credential(station, credential) if credential else None
    if row is not None:
        renewed = _renew(station, row)
        if row["kind"] == Kind.KIOSK and row["target"] in config.kiosk_by_id:
            kiosk = kiosk or row["target"]
        elif row["kind"] == Kind.SURVEY and row["target"] in config.counter_by_id:
            survey_counter = row["target"]
        elif row["kind"] == Kind.GREETER and row["target"] in config.greeter_by_id:
            greeter = row["target"]
    return Device(
        address,
        kiosk=kiosk,
        survey_counter=survey_counter,
        greeter=greeter,
        phone=digest(phone) if phone and not kiosk else None,
        renewed=renewed,
    )


def _live_credential(station: Station, credential: str) -> Any:
    """The device row of a credential that is neither revoked nor expired, else None."""
    credential_hash = digest(credential)
    with station.store.read() as db:
        row = db.one(
            "SELECT id, kind, target, expires_at FROM devices "
            "WHERE credential_hash = ? AND revoked_at IS NULL",
            [credential_hash],
        )
        if row is None or row["expires_at"] is None:
            return None
        if parse_utc(row["expires_at"]) <= station.now():
            return None
        if not device_known(db, row["id"], row["kind"], row["target"], credential_hash):
            return None  # written behind the log's back
    return row


def _renew(station: Station, row: Any) -> bool:
    """Slide a credential's end to CREDENTIAL_DAYS from now, at most once a day."""
    now = station.now()
    if parse_utc(row["expires_at"]) > now + timedelta(days=CREDENTIAL_DAYS - 1):
        return False
    with station.store.write("device", now, durable=False) as tx:
        tx.execute(
            "UPDATE devices SET expires_at = ? WHERE id = ? AND revoked_at IS NULL",
            [utc_text(now + timedelta(days=CREDENTIAL_DAYS)), row["id"]],
        )
    return True


@dataclass(frozen=True)
class Issuing:
    """Who a ticket request issues for: the kiosk that prints it, or a phone."""

    kiosk: str | None
    phone: bool


def may_issue(config: Config, device: Device, named_kiosk: str | None, priority: bool) -> Issuing:
    """Whether this device may take a ticket, and as which kiosk; Forbidden if not.

    The server's own machine may name any kiosk; an identified kiosk issues as itself (naming
    another is refused); a phone, when `phone_tickets` allows it, takes ordinary tickets only.
    """
    if device.own:
        return Issuing(named_kiosk, phone=False)
    if device.kiosk is not None:
        if named_kiosk is not None and named_kiosk != device.kiosk:
            raise Forbidden("error.other_kiosk", kiosk=named_kiosk[:40])
        return Issuing(device.kiosk, phone=False)
    if not config.phone_tickets:
        raise Forbidden("error.not_a_kiosk")
    if priority or named_kiosk is not None:
        raise Forbidden("error.phone_not_priority")
    return Issuing(None, phone=True)


def may_answer_survey(device: Device, counter_id: str) -> None:
    """Only a counter's enrolled survey tablet (or the server itself) sees and answers it."""
    if not device.own and device.survey_counter != counter_id:
        raise Forbidden("error.not_the_survey_tablet")


def may_greet(device: Device, greeter_id: str) -> None:
    """Only a greeter's enrolled tablet (or the server itself) issues as that greeter."""
    if not device.own and device.greeter != greeter_id:
        raise Forbidden("error.not_the_greeter_tablet")


def new_phone_id() -> str:
    return secrets.token_urlsafe(24)


# ---- enrolment --------------------------------------------------------------------------------


def _check_target(config: Config, kind: Kind, target: str) -> None:
    """A kiosk, a counter (its survey tablet) or a greeter the configuration knows."""
    known = {
        Kind.KIOSK: config.kiosk_by_id,
        Kind.SURVEY: config.counter_by_id,
        Kind.GREETER: config.greeter_by_id,
    }[kind]
    if target not in known:
        raise NotFound("error.unknown_device_target", target=target[:40])


def invite(station: Station, kind: Kind, target: str, actor: str) -> str:
    """A one-time enrolment code for a kiosk, a survey or a greeter tablet (valid ENROL_HOURS)."""
    _check_target(station.config, kind, target)
    code = secrets.token_urlsafe(18)
    with station.store.write(actor, station.now()) as tx:
        tx.execute(
            "INSERT INTO devices (kind, target, enrol_hash, enrol_expires_at, created_at) "
            "VALUES (?, ?, ?, ?, ?)",
            [
                kind.value,
                target,
                digest(code),
                utc_text(tx.now + timedelta(hours=ENROL_HOURS)),
                utc_text(tx.now),
            ],
        )
    return code


@dataclass(frozen=True)
class Invitation:
    kind: Kind
    target: str


def invitation(station: Station, code: str) -> Invitation:
    """What a one-time code enrols, if it is still good (NotFound otherwise)."""
    with station.store.read() as db:
        row = db.one(
            "SELECT kind, target, enrol_expires_at FROM devices WHERE enrol_hash = ?",
            [digest(code)],
        )
    if row is None or parse_utc(row["enrol_expires_at"]) < station.now():
        raise NotFound("error.enrol_code")
    return Invitation(Kind(row["kind"]), row["target"])


def enrol(station: Station, code: Any) -> tuple[Invitation, str]:
    """Use a one-time code: the device becomes what it names; returns the new credential."""
    if not isinstance(code, str) or not code:
        raise InvalidRequest("error.enrol_code")
    credential = secrets.token_urlsafe(32)
    with station.store.write("device", station.now()) as tx:
        row = tx.one(
            "SELECT id, kind, target, enrol_expires_at FROM devices WHERE enrol_hash = ?",
            [digest(code)],
        )
        if row is None or parse_utc(row["enrol_expires_at"]) < tx.now:
            raise NotFound("error.enrol_code")
        _revoke_all(tx, row["kind"], row["target"])
        tx.execute(
            "UPDATE devices SET enrol_hash = NULL, credential_hash = ?, enrolled_at = ?, "
            "expires_at = ? WHERE id = ?",
            [
                digest(credential),
                utc_text(tx.now),
                utc_text(tx.now + timedelta(days=CREDENTIAL_DAYS)),
                row["id"],
            ],
        )
        tx.record(
            DeviceEnrolled(
                kind=row["kind"],
                target=row["target"],
                device=row["id"],
                credential=device_print(row["id"], row["kind"], row["target"], digest(credential)),
            )
        )
    return Invitation(Kind(row["kind"]), row["target"]), credential


def _revoke_all(tx: Transaction, kind: str, target: str) -> int:
    """End every credential a kiosk or tablet holds, each an event; how many there were."""
    rows = tx.all(
        "SELECT id FROM devices WHERE kind = ? AND target = ? "
        "AND credential_hash IS NOT NULL AND revoked_at IS NULL",
        [kind, target],
    )
    for row in rows:
        tx.execute("UPDATE devices SET revoked_at = ? WHERE id = ?", [utc_text(tx.now), row["id"]])
        tx.record(DeviceRevoked(kind=kind, target=target, device=row["id"]))
    return len(rows)


def revoke(station: Station, kind: Kind, target: str, actor: str) -> int:
    """End a kiosk's or a tablet's credentials (and unused links) at once; how many."""
    _check_target(station.config, kind, target)
    with station.store.write(actor, station.now()) as tx:
        tx.execute(
            "UPDATE devices SET enrol_hash = NULL, revoked_at = ? "
            "WHERE kind = ? AND target = ? AND enrol_hash IS NOT NULL",
            [utc_text(tx.now), kind.value, target],
        )
        return _revoke_all(tx, kind.value, target)
