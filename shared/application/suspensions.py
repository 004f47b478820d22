"""Suspending and resuming a service, and the suspensions in force, as the screens show them.

The rule is `shared.domain.suspension`; the state is folded from the log every time it is asked
(each service's latest suspension event, a lookup through an index), so it is never stored twice
and every server process sees the same. A suspension is one write transaction: the store
publishes its event after COMMIT, so boards, kiosks, consoles and phones hear of it at once; the
waiting citizens with a number for SMS hear of it by SMS (`sms_notices`).
"""

from __future__ import annotations

from typing import Any

from shared.application.sms_notices import tell_resumed, tell_suspended
from shared.application.station import Station
from shared.application.users import User
from shared.domain import suspension
from shared.domain.errors import Forbidden, UnknownService
from shared.domain.suspension import Suspension
from shared.store import eventlog


def suspensions_now(station: Station) -> dict[str, Suspension]:
    with station.store.read() as db:
        return eventlog.suspensions_in_force(db)


def public_json(station: Station, found: Suspension, *, for_staff: bool = False) -> dict[str, Any]:
    """A suspension as a screen shows it; the hall never learns a private service's reason."""
    shown = found.json(station.local)
    if not for_staff and found.service in station.private_services:
        shown["reason"] = None
    return shown


def _checked(station: Station, service_id: Any, user: User) -> str:
    config = station.config
    if not isinstance(service_id, str) or service_id not in config.service_by_id:
        raise UnknownService("error.unknown_service", service=str(service_id)[:40])
    if not user.may_suspend(config, service_id):
        raise Forbidden("error.forbidden_service_unit", service=_name(station, service_id))
    return service_id


def _name(station: Station, service_id: str) -> str:
    return station.config.service_by_id[service_id].name.get(station.config.language)


def suspend(station: Station, service_id: Any, reason: Any, until: Any, user: User) -> Suspension:
    """Suspend a service (or change the reason or expected time of its suspension)."""
    service = _checked(station, service_id, user)
    why = suspension.checked_reason(reason)
    with station.store.write(user.username, station.now()) as tx:
        expected = suspension.checked_until(until, tx.now, station.config.zone)
        before = eventlog.suspensions_in_force(tx).get(service)
        found, event = suspension.suspend(
            before, service, why, expected, tx.now, name=_name(station, service)
        )
        tx.record(event)
        tell_suspended(station, tx, found)
    return found


def resume(station: Station, service_id: Any, user: User) -> None:
    """Resume a suspended service (Conflict when it is not suspended)."""
    service = _checked(station, service_id, user)
    with station.store.write(user.username, station.now()) as tx:
        ended = eventlog.suspensions_in_force(tx).get(service)
        event = suspension.resume(ended, service, name=_name(station, service))
        tx.record(event)
        if ended is not None:
            tell_resumed(station, tx, ended)
