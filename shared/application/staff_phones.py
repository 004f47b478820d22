"""Staff's mobile numbers, and which supervisors get the alerts by SMS (config `sms:`).

A number is personal data, as a citizen's: it is kept apart from the users (`user_phones`),
shown only masked (`0812•••7890`), and its change is logged as `user.changed` with
`change: "phone"` and never the number. A supervisor (or an admin) with a number may choose
the alerts by SMS (`shared.operations.queue_alerts`); an officer may not.
"""

from __future__ import annotations

from typing import Any

from shared.application.station import Station
from shared.application.users import Role, require_user
from shared.domain.errors import Conflict, InvalidRequest
from shared.domain.events import UserChanged
from shared.domain.sms import mask, normalise_number
from shared.store import sms_store
from shared.store.store import Reader

KEEP = object()  # `phone` not given: the user's number stays as it is


def set_phone(station: Station, username: Any, phone: Any, sms_alerts: Any, actor: str) -> None:
    """Give a user a mobile number (None or "": none any more; KEEP: the one they have) and
    say whether they get the alerts by SMS (a supervisor's or an admin's choice, with a
    number)."""
    if not isinstance(sms_alerts, bool):
        raise InvalidRequest("error.field_type", field="sms_alerts", expected="true | false")
    given = None if phone is None or phone == "" or phone is KEEP else normalise_number(phone)
    with station.store.write(actor, station.now()) as tx:
        row = require_user(tx, username)
        number = sms_store.phone_of_user(tx, row["username"]) if phone is KEEP else given
        if sms_alerts and number is None:
            raise InvalidRequest("error.sms.alerts_need_number", user=row["username"])
        if sms_alerts and Role.parse(row["role"]) < Role.SUPERVISOR:
            raise Conflict("error.sms.alerts_supervisors", user=row["username"])
        sms_store.set_user_phone(tx, row["username"], number, sms_alerts)
        tx.record(UserChanged(username=row["username"], role=row["role"], change="phone"))


def masked_phones(db: Reader) -> dict[str, dict[str, Any]]:
    """What the users page shows: {username: {"phone": 0812•••7890, "sms_alerts": bool}}."""
    return {
        name: {"phone": mask(found.number), "sms_alerts": found.sms_alerts}
        for name, found in sms_store.user_phones(db).items()
    }


def phones_shown(station: Station) -> dict[str, dict[str, Any]]:
    with station.store.read() as db:
        return masked_phones(db)
