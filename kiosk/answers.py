"""What the kiosk's routes share: the answer for a ticket issued (with its print result, a fault
worded in the caller's language), and checking in at a kiosk (a booking, a carried ticket)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Response, jsonify, request

from shared.application.devices import may_issue
from shared.application.printing import PrintResult
from shared.application.ticket_printing import Issued
from shared.domain.errors import Forbidden
from shared.web.web import device, json_body, language, public_base, station


def print_json(result: PrintResult) -> dict[str, Any]:
    fault = result.fault
    return {
        "status": result.status,
        "error": fault.message(language()) if fault else None,
        "fault": fault.code if fault else None,
    }


def issued_json(issued: Issued) -> Response:
    return jsonify({"ticket": issued.ticket, "print": print_json(issued.print)})


def checked_in(check_in: Callable[..., Issued], typed: str) -> tuple[Response, int]:
    """Check in at a kiosk (`check_in`: a booking's or a carried ticket's use case) what the
    citizen brought (`typed`: a code, or a scanned link's token): 201 with a new ticket, 200
    when the same check-in is asked again."""
    issued = check_in(
        station(),
        typed,
        kiosk_id=check_in_kiosk(),
        public_base=public_base(),
        idempotency_key=request.headers.get("Idempotency-Key"),
    )
    return issued_json(issued), 201 if issued.created else 200


def check_in_kiosk() -> str | None:
    """The kiosk a check-in (a booking's, a carried ticket's) prints at: the one the body
    names when the station's own kiosk asks, else the asking device's; a phone is refused."""
    named = json_body().get("kiosk")
    asking = device()
    issuing = may_issue(station().config, asking, named if isinstance(named, str) else None, False)
    if issuing.phone:
        raise Forbidden("error.not_a_kiosk")
    return named if asking.own else issuing.kiosk
