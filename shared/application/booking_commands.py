"""What is done with a booking, each as a command parsed once from an HTTP request: book a place
(a citizen, or an officer at the counter for one), cancel it, add a mobile number for SMS, check
in at the kiosk, and print its slip (an officer).

A bad field is refused here, before anything is read or written, also what only the
configuration can judge (a service that takes no bookings, a kiosk's name, whether the station
sends SMS). The handler (`shared.application.bookings.act`) finds the booking the command names,
opens the write and runs the command's step. A booking nobody came for is closed as missed by
the housekeeping every write starts with (`housekeeping.begin`), not by a command.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, ClassVar

from shared.application.citizen_commands import Asked, SmsRequest
from shared.application.services import service_of
from shared.application.ticket_issue import (
    checked_idempotency_key,
    checked_kiosk,
    checked_reference,
    kiosk_actor,
)
from shared.domain.config import Booking, Config, Service
from shared.domain.errors import InvalidRequest
from shared.domain.needs import Need, parse_need
from shared.domain.slots import normal_code

MAX_CODE = 200  # a typed code, or the booking link a scanner types
MAX_STARTS_AT = 40


def bookable(config: Config, service_id: Any) -> tuple[Service, Booking]:
    """A service that takes bookings, and its booking rules."""
    service = service_of(config, service_id)
    if service.booking is None:
        raise InvalidRequest("error.booking_not_offered", service=service.name.get(config.language))
    return service, service.booking


def slot_start(config: Config, value: Any) -> datetime:
    """A slot start as sent: ISO 8601, with its offset or in the station's time zone."""
    if not isinstance(value, str) or len(value) > MAX_STARTS_AT:
        raise InvalidRequest("error.field_type", field="starts_at", expected="YYYY-MM-DDTHH:MM")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise InvalidRequest(
            "error.field_type", field="starts_at", expected="YYYY-MM-DDTHH:MM"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=config.zone)
    return moment.astimezone(UTC)


@dataclass(frozen=True, kw_only=True)
class BookingCommand:
    """An action on a booking; `action` names it, and each command parses its own request."""

    action: ClassVar[str]
    # What the answer shows: "booking", "ticket" (T), "print" (the print's outcome), "sms".
    shows: ClassVar[tuple[str, ...]] = ("booking",)

    def actor(self, by: str) -> str:
        """Who the log says acted: `by` (the citizen, or the officer logged in)."""
        return by


@dataclass(frozen=True, kw_only=True)
class Book(BookingCommand):
    """Book a place in a slot of a service that takes bookings."""

    action = "book"
    service: str
    starts_at: datetime
    reference: str | None
    need: Need | None = None  # how the citizen must be called or helped (`shared.domain.needs`)

    @classmethod
    def parse(cls, asked: Asked, config: Config) -> BookingCommand:
        service, _ = bookable(config, asked.body.get("service"))
        starts_at = slot_start(config, asked.body.get("starts_at"))
        reference = checked_reference(None, asked.body.get("reference"))
        need = parse_need(asked.body.get("need"))
        return cls(service=service.id, starts_at=starts_at, reference=reference, need=need)


@dataclass(frozen=True, kw_only=True)
class NamedBooking(BookingCommand):
    """A command on one booking, named by its code (typed or printed) or its token (its link):
    the code is looked for first."""

    code: str | None = None
    token: str | None = None

    @classmethod
    def parse(cls, asked: Asked, config: Config) -> BookingCommand:
        return cls(token=asked.named)


@dataclass(frozen=True, kw_only=True)
class CancelBooking(NamedBooking):
    """The holder of the booking gives it up: its place in the slot is free again."""

    action = "cancel"


@dataclass(frozen=True, kw_only=True)
class AddBookingSms(SmsRequest, NamedBooking):
    """The booking's holder adds a mobile number: its ticket gets the SMS after check-in."""

    action = "sms"
    shows = ("sms",)


@dataclass(frozen=True, kw_only=True)
class CheckIn(NamedBooking):
    """The citizen has come: at `kiosk`, the booking (its code typed, or its link scanned) gets
    its ticket, printed like any other."""

    action = "check_in"
    shows = ("ticket", "print")
    kiosk: str | None
    idempotency_key: str | None

    @classmethod
    def parse(cls, asked: Asked, config: Config) -> BookingCommand:
        typed = asked.named
        if not isinstance(typed, str) or not typed.strip() or len(typed) > MAX_CODE:
            raise InvalidRequest("error.field_required", field="code")
        kiosk = checked_kiosk(config, asked.kiosk)
        checked_idempotency_key(asked.idempotency_key)
        text = typed.strip().rstrip("/")
        return cls(
            code=normal_code(text),
            token=text.rsplit("/b/", 1)[1] if "/b/" in text else text,
            kiosk=kiosk,
            idempotency_key=asked.idempotency_key,
        )

    def actor(self, by: str) -> str:
        return kiosk_actor(self.kiosk)


@dataclass(frozen=True, kw_only=True)
class PrintSlip(NamedBooking):
    """An officer prints the slip of an open booking (made at the counter) on the station's
    printer."""

    action = "print"
    shows = ("print",)

    @classmethod
    def parse(cls, asked: Asked, config: Config) -> BookingCommand:
        if not isinstance(asked.named, str) or not asked.named.strip():
            raise InvalidRequest("error.field_type", field="code", expected="text")
        return cls(code=normal_code(asked.named))


COMMANDS: dict[str, type[BookingCommand]] = {
    kind.action: kind for kind in (Book, CancelBooking, AddBookingSms, CheckIn, PrintSlip)
}
