"""What the holder of a ticket asks, each as a command parsed once from an HTTP request.

The token is the proof: cancel the ticket, let a few others go first (tunda giliran), ask for an
SMS, answer the survey (on the phone, or on the counter's survey tablet, which holds a handle
instead), print it again at the kiosk, or check a carried-over paper ticket in on its day.

A bad field is refused here, before anything is read or written, also what only the
configuration can judge (the survey's questions, a kiosk's name, whether the station sends SMS).
The handler (`shared.application.citizen_actions.act`) finds the ticket, opens the write and runs
the command's step.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from shared.application.devices import Device
from shared.application.sms import checked_language, sms_config
from shared.application.ticket_issue import checked_idempotency_key, checked_kiosk, kiosk_actor
from shared.domain.config import Config
from shared.domain.errors import Conflict, Forbidden, InvalidRequest
from shared.domain.integrity import validate_integrity
from shared.domain.skm import validate_profile
from shared.domain.sms import normalise_number
from shared.domain.survey import validate_answers

MAX_TOKEN = 200  # a scanned status link, or its token


@dataclass(frozen=True)
class Asked:
    """A request as a surface received it, before parsing: what its path names (a ticket's token
    or link, a booking's token or code, a counter), its JSON body, the caller's language (the
    default for SMS), the asking device, for a kiosk's check-in the kiosk it prints at and
    its Idempotency-Key, and whether a staff member's session sent it (`staff`)."""

    named: str
    body: dict[str, Any] = field(default_factory=dict)
    language: str = "id"
    device: Device | None = None
    kiosk: Any = None
    idempotency_key: str | None = None
    staff: bool = False


@dataclass(frozen=True, kw_only=True)
class SmsRequest:
    """A mobile number to send SMS to (canonical), and the messages' language: for a ticket, or
    for a booking until its check-in. A station that sends no SMS refuses first."""

    token: str
    phone: str
    language: str

    @classmethod
    def parse(cls, asked: Asked, config: Config) -> Any:
        sms_config(config)
        phone = normalise_number(asked.body.get("phone"))
        language = checked_language(asked.body.get("language"), asked.language)
        return cls(token=asked.named, phone=phone, language=language)


@dataclass(frozen=True, kw_only=True)
class CitizenCommand:
    """A citizen's action on the ticket its token names; `action` names it."""

    action: ClassVar[str]
    # What the answer shows: "ticket" (T), "print" (the print's outcome); nothing: {"ok": true}.
    shows: ClassVar[tuple[str, ...]] = ("ticket",)
    token: str

    @classmethod
    def parse(cls, asked: Asked, config: Config) -> CitizenCommand:
        return cls(token=asked.named)

    def actor(self) -> str:
        """Who the log says acted."""
        return "citizen"


@dataclass(frozen=True, kw_only=True)
class Cancel(CitizenCommand):
    """The citizen gives up their number: it leaves the queue for good."""

    action = "cancel"


@dataclass(frozen=True, kw_only=True)
class StepBack(CitizenCommand):
    """Tunda giliran from the phone: the citizen lets a few others go first."""

    action = "step_back"


@dataclass(frozen=True, kw_only=True)
class AddSmsNumber(SmsRequest, CitizenCommand):
    """The citizen asks for an SMS when their turn is near, in `language`."""

    action = "sms"


def _integrity(asked: Asked, config: Config) -> dict[str, str]:
    """A survey's integrity answers (`shared.domain.integrity`), where they are asked, and never
    from a staff member's session: a citizen answers them, nobody for them."""
    clean = validate_integrity(asked.body.get("integrity"))
    if clean and not config.survey.integrity:
        raise Conflict("error.integrity_off")
    if clean and asked.staff:
        raise Forbidden("error.integrity_staff")
    return clean


@dataclass(frozen=True, kw_only=True)
class AnswerSurvey(CitizenCommand):
    """The citizen's satisfaction answers, once the ticket is done; once per ticket; with the
    optional respondent profile (`shared.domain.skm.PROFILE`: kept only as counts) and integrity
    answers (kept only as counts of the service's hour, counter and officer)."""

    action = "survey"
    shows = ()
    answers: dict[str, int]
    profile: dict[str, str] = field(default_factory=dict)
    integrity: dict[str, str] = field(default_factory=dict)

    @classmethod
    def parse(cls, asked: Asked, config: Config) -> CitizenCommand:
        answers = validate_answers(config.survey.form, asked.body.get("answers"))
        profile = validate_profile(asked.body.get("profile"))
        integrity = _integrity(asked, config)
        return cls(token=asked.named, answers=answers, profile=profile, integrity=integrity)


@dataclass(frozen=True, kw_only=True)
class AnswerSurveyAtCounter(AnswerSurvey):
    """Answers given on a counter's survey tablet for the ticket just finished there: the tablet
    holds the handle it was shown with that ticket, never its token (`token` is empty)."""

    action = "survey_desk"
    counter: str
    handle: str | None

    @classmethod
    def parse(cls, asked: Asked, config: Config) -> CitizenCommand:
        answers = validate_answers(config.survey.form, asked.body.get("answers"))
        profile = validate_profile(asked.body.get("profile"))
        integrity = _integrity(asked, config)
        handle = asked.body.get("handle")
        return cls(
            token="",
            counter=asked.named,
            handle=handle if isinstance(handle, str) else None,
            answers=answers,
            profile=profile,
            integrity=integrity,
        )

    def actor(self) -> str:
        return f"survey-desk:{self.counter}"


@dataclass(frozen=True, kw_only=True)
class Reprint(CitizenCommand):
    """Print a waiting ticket again, on the printer of the kiosk that issued it."""

    action = "reprint"
    shows = ("ticket", "print")
    kiosk: str | None  # the asking kiosk, as its device is known (never from the body)
    own: bool  # asked from the server's own machine

    @classmethod
    def parse(cls, asked: Asked, config: Config) -> CitizenCommand:
        device = asked.device
        return cls(
            token=asked.named,
            kiosk=device.kiosk if device else None,
            own=device is not None and device.own,
        )

    def actor(self) -> str:
        return kiosk_actor(self.kiosk)


@dataclass(frozen=True, kw_only=True)
class CheckInCarried(CitizenCommand):
    """A carried-over paper ticket brought back on its day (its QR code scanned, or its token):
    a "Lanjutan" ticket at the front of its service's queue, printed at `kiosk`."""

    action = "check_in"
    shows = ("ticket", "print")
    kiosk: str | None
    idempotency_key: str | None

    @classmethod
    def parse(cls, asked: Asked, config: Config) -> CitizenCommand:
        typed = asked.named
        if not isinstance(typed, str) or not typed.strip() or len(typed) > MAX_TOKEN:
            raise InvalidRequest("error.field_required", field="code")
        text = typed.strip().rstrip("/")
        kiosk = checked_kiosk(config, asked.kiosk)
        checked_idempotency_key(asked.idempotency_key)
        return cls(
            token=text.rsplit("/t/", 1)[1] if "/t/" in text else text,
            kiosk=kiosk,
            idempotency_key=asked.idempotency_key,
        )

    def actor(self) -> str:
        return kiosk_actor(self.kiosk)


COMMANDS: dict[str, type[CitizenCommand]] = {
    kind.action: kind
    for kind in (
        Cancel,
        StepBack,
        AddSmsNumber,
        AnswerSurvey,
        AnswerSurveyAtCounter,
        Reprint,
        CheckInCarried,
    )
}
