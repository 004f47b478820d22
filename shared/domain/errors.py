"""Errors every surface understands: a stable code, an HTTP status and catalogue text."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time
from typing import Any, ClassVar


@dataclass(frozen=True)
class Refused:
    """A lifecycle table's entry for a move it refuses from a status: the message that says why."""

    message: str


class SatuPintuError(Exception):
    """A refused request: it changes nothing and says why in one code and one message."""

    code: ClassVar[str] = "invalid_request"
    status: ClassVar[int] = 400

    def __init__(self, message_key: str, **params: Any) -> None:
        super().__init__(message_key)
        self.message_key = message_key
        self.params = params
        self.details: dict[str, Any] = {}  # extra fields of the error object, e.g. "current"

    def __reduce__(self) -> tuple[Any, ...]:
        """Errors cross to the server from its reads worker whole (key, params and details)."""
        return (_rebuilt, (type(self), self.message_key, self.params, self.details))


def _rebuilt(
    kind: type[SatuPintuError], key: str, params: dict[str, Any], details: dict[str, Any]
) -> SatuPintuError:
    error = SatuPintuError.__new__(kind)
    SatuPintuError.__init__(error, key, **params)
    error.details = details
    return error


class InvalidRequest(SatuPintuError):
    code = "invalid_request"
    status = 400


class UnknownService(SatuPintuError):
    code = "unknown_service"
    status = 400


class Unauthorized(SatuPintuError):
    code = "unauthorized"
    status = 401


class Forbidden(SatuPintuError):
    code = "forbidden"
    status = 403


class NotFound(SatuPintuError):
    code = "not_found"
    status = 404


class QueueEmpty(SatuPintuError):
    code = "queue_empty"
    status = 404


class ServiceClosed(SatuPintuError):
    code = "service_closed"
    status = 409


class Conflict(SatuPintuError):
    code = "conflict"
    status = 409


class ServiceSuspended(Conflict):
    """A service is suspended: none of its tickets is called until it resumes."""

    code = "service_suspended"


class NumberNotInStatus(NotFound, Conflict):
    """A ticket number that exists but is not in the status an officer's action needs (not
    waiting, not a no-show). The contract answers it as `not_found`, since the number is not
    among those the action looks in; the ticket's lifecycle counts it, like any refused move,
    as a Conflict."""

    code = "not_found"
    status = 404


class StaleCurrent(Conflict):
    """The officer's screen shows another ticket at the counter than the one served there now
    (a second console or a double key press got there first). The error names the current one."""

    def __init__(self, counter: str, current: str | None) -> None:
        key = "error.stale_current" if current else "error.stale_current_none"
        super().__init__(key, counter=counter, current=current or "")
        self.details = {"current": current}


class PayloadTooLarge(SatuPintuError):
    code = "payload_too_large"
    status = 413


class RateLimited(SatuPintuError):
    code = "rate_limited"
    status = 429


class Unavailable(SatuPintuError):
    """The store cannot take the change right now (disk full, read-only, locked too long)."""

    code = "unavailable"
    status = 503


class SlotFull(SatuPintuError):
    code = "slot_full"
    status = 409


class TooEarly(SatuPintuError):
    """A booking checked in before its check-in opens; `opens_at` (local time) says when."""

    code = "too_early"
    status = 409

    def __init__(self, message_key: str, *, opens_at: str, **params: Any) -> None:
        opens = time.fromisoformat(opens_at[11:16])
        super().__init__(message_key, opens_at=opens, **params)
        self.details = {"opens_at": opens_at}


class BookingExpired(SatuPintuError):
    code = "booking_expired"
    status = 409


class NotCarried(SatuPintuError):
    """A paper ticket shown at the kiosk that has no place to take up (never carried over, its
    day passed, or checked in already); the message says which."""

    code = "not_carried"
    status = 409
