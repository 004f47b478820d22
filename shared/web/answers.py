"""Citizens' and bookings' commands over HTTP, as every surface runs them: the request parsed
once into its command (`shared.application.citizen_commands`, `booking_commands`), the family's
one handler, and the answer: the JSON of what the command shows (the ticket, the print's outcome
worded in the caller's language, the booking, the masked SMS number; nothing: `{"ok": true}`),
201 when the request made something new."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, request

from shared.application import bookings, citizen_actions
from shared.application.booking_commands import BookingCommand
from shared.application.citizen_actions import Answer
from shared.application.citizen_commands import Asked, CitizenCommand
from shared.application.printing import PrintResult
from shared.application.ticket_printing import Issued
from shared.application.views import booking_view
from shared.store.repository import Booker
from shared.web.auth import current_user
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


def _asked(named: str, kiosk: str | None) -> Asked:
    return Asked(
        named,
        json_body(),
        language(),
        device(),
        kiosk,
        request.headers.get("Idempotency-Key"),
        staff=current_user() is not None,
    )


def _answered(answer: Answer, shows: tuple[str, ...]) -> tuple[Response, int]:
    body: dict[str, Any] = {}
    if "ticket" in shows:
        body["ticket"] = answer.view
    if "print" in shows and answer.print is not None:
        body["print"] = print_json(answer.print)
    if "booking" in shows and answer.booking is not None:
        body["booking"] = booking_view(station(), answer.booking)
    if "sms" in shows:
        body["sms"] = answer.sms
    return jsonify(body or {"ok": True}), 201 if answer.created else 200


def citizen_command(
    kind: type[CitizenCommand], named: str, *, kiosk: str | None = None
) -> tuple[Response, int]:
    """Run a citizen's command on what the path names (`kiosk`: where a check-in prints)."""
    command = kind.parse(_asked(named, kiosk), station().config)
    answer = citizen_actions.act(station(), command, public_base=public_base())
    return _answered(answer, command.shows)


def booking_command(
    kind: type[BookingCommand], named: str = "", *, kiosk: str | None = None,
    by: str = "citizen", booker: Booker | None = None,
) -> tuple[Response, int]:  # fmt: skip
    """Run a booking command on what the path names (`by`: the officer logged in, else the
    citizen, whose `booker` counts toward the booking limits)."""
    command = kind.parse(_asked(named, kiosk), station().config)
    answer = bookings.act(station(), command, by=by, booker=booker, public_base=public_base())
    return _answered(answer, command.shows)
