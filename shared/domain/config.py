"""Load config.yaml into frozen, validated models; a bad file fails with one line naming the key."""

from __future__ import annotations

import ipaddress
import json
import os
import re
from datetime import time
from functools import cached_property
from itertools import pairwise
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    ValidationError,
    field_validator,
    model_validator,
)

from shared.domain.chain import MAX_ROW_DATA_CHARS
from shared.domain.smsd_config import SmsdConfigError, read_smsd_config
from shared.domain.yamltext import safe_load

DEFAULT_CONFIG = Path("config.yaml")
CONFIG_ENV = "SATUPINTU_CONFIG"
DATABASE_ENV = "SATUPINTU_DB"
CENTRAL_KEY_ENV = "SATUPINTU_CENTRAL_KEY"

_ID = r"^[a-z0-9][a-z0-9_-]{0,39}$"
_HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class ConfigError(Exception):
    """A config file that cannot be used; str() is the one line shown to the operator."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _local_text(value: Any) -> Any:
    """Accept "text" as the same words in every language, or {id: ..., en: ...}."""
    if isinstance(value, str):
        return {"id": value, "en": value}
    if isinstance(value, dict) and "id" in value and "en" not in value:
        return {**value, "en": value["id"]}
    return value


def _clock_time(value: Any) -> Any:
    """Parse "HH:MM" (YAML may hand us minutes since midnight for unquoted 08:00)."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 24 * 60:
        return time(value // 60, value % 60)
    if isinstance(value, str) and _HHMM.match(value):
        hours, minutes = value.split(":")
        return time(int(hours), int(minutes))
    if isinstance(value, time):
        return value
    raise ValueError(f'must be a time of day as "HH:MM", not {value!r}')


class LocalText(_Model):
    """Words shown to people, in Bahasa Indonesia and English."""

    id: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def get(self, language: str) -> str:
        return self.en if language == "en" else self.id

    def json(self) -> dict[str, str]:
        """Both languages, as pages and answers carry them."""
        return {"id": self.id, "en": self.en}


def _hhmm(value: time) -> str:
    return value.strftime("%H:%M")


def _time_zone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValueError(
            f"unknown time zone {value!r} (use a name such as Asia/Makassar)"
        ) from error
    return value


Text = Annotated[LocalText, BeforeValidator(_local_text)]


def _at_most(limit: int) -> AfterValidator:
    """Words no longer than `limit` characters in either language: what the screens fit."""

    def check(value: LocalText) -> LocalText:
        for text in (value.id, value.en):
            if len(text) > limit:
                raise ValueError(f"may have at most {limit} characters, not {len(text)}: {text!r}")
        return value

    return AfterValidator(check)


# The longest names the screens fit (the wall board with six such counters, both orientations).
STATION_NAME_MAX = 50
BOARD_NAME_MAX = 20
COUNTER_NAME_MAX = 60
SERVICE_NAME_MAX = 70
# The Standar Pelayanan (PermenPANRB 15/2014) as citizens read it: one item or step per line on
# the kiosk and the phone, the pledge in a paragraph, the paper's short line in a few lines.
REQUIREMENT_MAX = 160
REQUIREMENTS_MAX = 15
STEP_MAX = 200
STEPS_MAX = 15
STANDARD_TERM_MAX = 160
STANDARD_NOTE_MAX = 400
PAPER_REQUIREMENTS_MAX = 160
MAKLUMAT_MAX = 800
CHANNEL_NAME_MAX = 60
CHANNEL_CONTACT_MAX = 200
CHANNEL_SHORT_MAX = 40
CHANNELS_MAX = 8


# In JSON (`model_dump(mode="json")`) times are written as config.yaml writes them, so the
# models parse their own JSON back unchanged (the settings a station ships to central).
ClockTime = Annotated[time, BeforeValidator(_clock_time), PlainSerializer(_hhmm, when_used="json")]
TimeZoneName = Annotated[str, AfterValidator(_time_zone)]
Identifier = Annotated[str, Field(pattern=_ID)]


def _network(value: Any) -> Any:
    """An address or network such as "192.168.1.0/24" or "10.0.0.5"."""
    try:
        return str(ipaddress.ip_network(str(value), strict=False))
    except ValueError as error:
        raise ValueError(
            f"must be an IP address or network such as 192.168.1.0/24, not {value!r}"
        ) from error


Network = Annotated[str, BeforeValidator(_network)]


class PreviewPrinter(_Model):
    type: Literal["preview"]
    directory: str = "var/prints"
    keep_days: int = Field(14, ge=1, le=3650)
    timeout: float = Field(3.0, gt=0, le=60)
    width_chars: int = Field(42, ge=24, le=64)


class NonePrinter(_Model):
    type: Literal["none"]


class NetworkPrinter(_Model):
    type: Literal["network"]
    host: str = Field(min_length=1)
    port: int = Field(9100, ge=1, le=65535)
    timeout: float = Field(3.0, gt=0, le=60)
    profile: str | None = None
    width_chars: int = Field(42, ge=24, le=64)


class UsbPrinter(_Model):
    type: Literal["usb"]
    vendor_id: int
    product_id: int
    timeout: float = Field(3.0, gt=0, le=60)
    profile: str | None = None
    width_chars: int = Field(42, ge=24, le=64)

    @field_validator("vendor_id", "product_id", mode="before")
    @classmethod
    def _hex(cls, value: Any) -> Any:
        if isinstance(value, str):
            try:
                return int(value, 16 if value.lower().startswith("0x") else 10)
            except ValueError as error:
                raise ValueError(f"must be a number such as 0x04b8, not {value!r}") from error
        return value


class SerialPrinter(_Model):
    type: Literal["serial"]
    device: str = Field(min_length=1)
    baudrate: int = Field(9600, gt=0)
    timeout: float = Field(3.0, gt=0, le=60)
    profile: str | None = None
    width_chars: int = Field(42, ge=24, le=64)


class FilePrinter(_Model):
    type: Literal["file"]
    path: str = Field(min_length=1)
    timeout: float = Field(3.0, gt=0, le=60)
    profile: str | None = None
    width_chars: int = Field(42, ge=24, le=64)


PrinterConfig = Annotated[
    PreviewPrinter | NonePrinter | NetworkPrinter | UsbPrinter | SerialPrinter | FilePrinter,
    Field(discriminator="type"),
]


# The image types a station logo may be, with the content type it is served as.
LOGO_TYPES = {
    ".png": "image/png",
    ".svg": "image/svg+xml",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".webp": "image/webp",
}


class StationIdentity(_Model):
    name: str = Field(min_length=1, max_length=STATION_NAME_MAX)
    logo: str | None = None
    running_text: Text | None = None
    # The Maklumat Pelayanan: the hall's public pledge, on the start page and the board.
    maklumat: Annotated[Text, _at_most(MAKLUMAT_MAX)] | None = None

    @field_validator("logo")
    @classmethod
    def _logo_type(cls, value: str | None) -> str | None:
        if value is not None and Path(value).suffix.lower() not in LOGO_TYPES:
            raise ValueError(f"must be an image file ({', '.join(LOGO_TYPES)}), not {value!r}")
        return value


class OpeningHours(_Model):
    open: ClockTime
    close: ClockTime
    days: tuple[Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"], ...] = WEEKDAYS


# The pictograms a service's kiosk button may carry (kiosk/templates/kiosk/icons/services/).
ICONS = (
    "report",
    "document",
    "accident",
    "vehicle",
    "licence",
    "crime",
    "family",
    "shield",
    "complaint",
    "information",
)


def _hours_range(value: Any) -> Any:
    """Parse "HH:MM-HH:MM" into (start, end) times of one day."""
    if isinstance(value, tuple) and len(value) == 2 and all(isinstance(t, time) for t in value):
        return value
    if isinstance(value, str) and value.count("-") == 1:
        start, end = (part.strip() for part in value.split("-"))
        if _HHMM.match(start) and _HHMM.match(end):
            first, last = _clock_time(start), _clock_time(end)
            if first < last:
                return (first, last)
            raise ValueError(f"{value!r} must end after it starts")
    raise ValueError(f'must be a range of times as "HH:MM-HH:MM", not {value!r}')


HoursRange = Annotated[
    tuple[time, time],
    BeforeValidator(_hours_range),
    PlainSerializer(lambda hours: f"{_hhmm(hours[0])}-{_hhmm(hours[1])}", when_used="json"),
]


class Booking(_Model):
    """A service citizens may book ahead: its bookable hours cut into slots of `per_slot` places,
    up to `days_ahead` days ahead; check-in opens `early_minutes` before a slot and closes
    `late_minutes` after its start."""

    hours: tuple[HoursRange, ...] = Field(min_length=1)
    slot_minutes: int = Field(30, ge=5, le=240)
    per_slot: int = Field(4, ge=1, le=500)
    days_ahead: int = Field(14, ge=0, le=90)
    early_minutes: int = Field(30, ge=0, le=240)
    late_minutes: int = Field(15, ge=0, le=240)
    days: tuple[Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"], ...] = WEEKDAYS
    # Places of each slot only an officer may book (for a citizen at the counter); default:
    # one when a slot has more than one place.
    counter_places: int | None = Field(None, ge=0, le=500)
    # The share of a service day's places citizens may book themselves: the rest of the day
    # stays for walk-ins and the counter, so a flood of bookings cannot fill it.
    citizen_day_percent: int = Field(50, ge=0, le=100)

    @property
    def kept_for_counter(self) -> int:
        if self.counter_places is not None:
            return self.counter_places
        return 1 if self.per_slot > 1 else 0

    @model_validator(mode="after")
    def _counter_places_fit(self) -> Booking:
        if self.kept_for_counter > self.per_slot:
            raise ValueError("counter_places must not exceed per_slot")
        return self

    @field_validator("hours")
    @classmethod
    def _no_overlap(cls, value: tuple[tuple[time, time], ...]) -> tuple[tuple[time, time], ...]:
        ordered = sorted(value)
        for (_, end), (start, _) in pairwise(ordered):
            if start < end:
                raise ValueError("booking hours must not overlap")
        return tuple(ordered)


class ServiceStandard(_Model):
    """A service's Standar Pelayanan as the citizen reads it (PermenPANRB 15/2014): the
    documents to bring, the steps, the time to complete, the cost, the product and how
    complaints about it are handled. `requirements_short` is what the paper ticket prints of
    the requirements; without it the paper prints them joined, which must then fit as well."""

    requirements: tuple[Annotated[Text, _at_most(REQUIREMENT_MAX)], ...] = Field(
        min_length=1, max_length=REQUIREMENTS_MAX
    )
    procedure: tuple[Annotated[Text, _at_most(STEP_MAX)], ...] = Field(
        min_length=1, max_length=STEPS_MAX
    )
    time: Annotated[Text, _at_most(STANDARD_TERM_MAX)]
    cost: Annotated[Text, _at_most(STANDARD_TERM_MAX)]
    product: Annotated[Text, _at_most(STANDARD_TERM_MAX)]
    complaints: Annotated[Text, _at_most(STANDARD_NOTE_MAX)] | None = None
    requirements_short: Annotated[Text, _at_most(PAPER_REQUIREMENTS_MAX)] | None = None

    @model_validator(mode="after")
    def _paper_fits(self) -> ServiceStandard:
        if self.requirements_short is None:
            for language in ("id", "en"):
                if len(self.paper_requirements(language)) > PAPER_REQUIREMENTS_MAX:
                    raise ValueError(
                        f"the requirements together are longer than {PAPER_REQUIREMENTS_MAX} "
                        "characters, more than a ticket prints: give requirements_short"
                    )
        return self

    def paper_requirements(self, language: str) -> str:
        """The requirements as the paper ticket prints them, in one language."""
        if self.requirements_short is not None:
            return self.requirements_short.get(language)
        return "; ".join(item.get(language) for item in self.requirements)


class ComplaintChannel(_Model):
    """Where a citizen may complain (LAPOR!, Dumas Presisi, Propam, the Ombudsman): shown on the
    phone page, /standar and the board; `short` (e.g. "LAPOR! SMS 1708"), if given, is printed
    on the ticket."""

    name: Annotated[Text, _at_most(CHANNEL_NAME_MAX)]
    contact: Annotated[Text, _at_most(CHANNEL_CONTACT_MAX)]
    short: str | None = Field(None, min_length=1, max_length=CHANNEL_SHORT_MAX)


class Service(_Model):
    id: Identifier
    name: Annotated[Text, _at_most(SERVICE_NAME_MAX)]
    prefix: str = Field(pattern=r"^[A-Z]{1,2}$")
    unit: str = Field(min_length=1)
    private: bool = False
    standard_minutes: int | None = Field(15, ge=1, le=600)  # None: no standard time set
    min_minutes: int | None = Field(None, ge=1, le=600)
    fee: Text | None = None
    hours: OpeningHours | None = None
    daily_quota: int | None = Field(None, ge=1)
    icon: Literal[ICONS] | None = None  # type: ignore[valid-type]
    booking: Booking | None = None
    reference: Literal["none", "optional", "required"] = "none"
    carry_over: bool = False  # at the day's close its waiting are carried over, not expired
    standard: ServiceStandard | None = None


class Counter(_Model):
    id: Identifier
    name: Annotated[Text, _at_most(COUNTER_NAME_MAX)]
    services: tuple[str, ...] = Field(min_length=1)
    spoken: str | None = None


class Privacy(_Model):
    """How private services stay private: one shared number sequence and a neutral place."""

    prefix: str = Field("R", pattern=r"^[A-Z]{1,2}$")
    destination: Annotated[Text, _at_most(COUNTER_NAME_MAX)] = LocalText(
        id="Ruang Layanan Khusus", en="Private service room"
    )


class Phone(_Model):
    """The citizen's phone page: "almost your turn" needs at most `alert_ahead` people ahead and
    an estimate of at most `alert_minutes` (its upper bound)."""

    alert_ahead: int = Field(3, ge=0, le=50)
    alert_minutes: int = Field(15, ge=0, le=240)


# What a supervisor may hear of by SMS (the health notices of the same names).
SMS_ALERTS = ("long_wait", "unattended", "paper_out", "sms_budget")


class Sms(_Model):
    """SMS through the hall's own GSM modem, driven by gammu-smsd with its `files` service: the
    server hands messages to the daemon's outbox (`gammu-smsd-inject -c gammu_config`) and reads
    its sent, error and inbox folders (named in that file's `[smsd]` section)."""

    gammu_config: str = Field(min_length=1)
    pid_file: str | None = None  # the daemon's -p PIDFILE: tells whether it runs
    daily_budget: int = Field(200, ge=0, le=100_000)  # messages a service day, replies included
    per_number_per_day: int = Field(10, ge=1, le=100)
    retries: int = Field(2, ge=0, le=10)  # a message that failed is handed again this often
    inject_command: str = "gammu-smsd-inject"
    # The alerts supervisors may get by SMS (each once per occurrence; who: `user phone`).
    alerts: tuple[Literal[SMS_ALERTS], ...] = SMS_ALERTS  # type: ignore[valid-type]
    alert_wait_factor: float = Field(2.0, ge=1.0, le=10.0)  # long wait: N x standard_minutes
    booking_reminder_minutes: int = Field(60, ge=5, le=1440)  # a booking's reminder: this early


class Kiosk(_Model):
    id: Identifier
    name: str | None = None
    printer: PrinterConfig | None = None
    addresses: tuple[Network, ...] = ()  # devices at these addresses are this kiosk

    @cached_property
    def networks(self) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
        return tuple(ipaddress.ip_network(address) for address in self.addresses)


class Greeter(_Model):
    """A greeter's tablet: staff who issue tickets on a citizen's behalf, printed at `kiosk`'s
    printer (none: the station's default printer) or handed over by voice."""

    id: Identifier
    name: str | None = None
    kiosk: str | None = None


class Board(_Model):
    id: Identifier
    name: str | None = Field(None, min_length=1, max_length=BOARD_NAME_MAX)
    counters: tuple[str, ...] | None = None
    units: tuple[str, ...] | None = None


class Limits(_Model):
    tickets_per_minute: int = Field(30, ge=0)
    tickets_per_kiosk_per_minute: int = Field(60, ge=0)
    logins_per_minute: int = Field(10, ge=0)
    max_request_kb: int = Field(64, ge=1, le=10240)
    connections_per_address: int = Field(100, ge=0)
    socket_events_per_second: int = Field(10, ge=0)
    socket_connects_per_minute: int = Field(60, ge=0)
    socket_frames_per_second: int = Field(30, ge=0)
    socket_kb_per_second: int = Field(128, ge=0)
    request_seconds: int = Field(20, ge=1, le=300)
    public_reads_per_minute: int = Field(120, ge=0)
    bookings_per_day: int = Field(5, ge=0)
    bookings_per_minute: int = Field(10, ge=0)
    open_bookings_per_device: int = Field(3, ge=0)
    # Bookings one network (an IPv4 /24, an IPv6 /64) may make per day: a client that changes
    # its address (a new MAC, a new IPv6 address) stays in its network.
    bookings_per_network_per_day: int = Field(20, ge=0)
    # The share of a service's daily quota that phones (phone_tickets) may take.
    phone_quota_percent: int = Field(50, ge=0, le=100)


class CallPolicy(_Model):
    """How a counter chooses the next ticket; max_wait_minutes 0 means no starvation guard."""

    mode: Literal["priority_first", "interleave"] = "priority_first"
    interleave_every: int = Field(3, ge=1, le=100)
    max_wait_minutes: int = Field(0, ge=0)
    bookings: Literal["first", "interleave"] = "first"


class StepBack(_Model):
    """Tunda giliran: a waiting citizen lets `places` others go first, at most `times` times
    per ticket (0: not offered)."""

    places: int = Field(3, ge=1, le=20)
    times: int = Field(2, ge=0, le=10)


class Needs(_Model):
    """How the hall helps citizens who say a need at the kiosk or at booking (docs/technician.md,
    "Needs and skills")."""

    seat_area: Annotated[Text, _at_most(COUNTER_NAME_MAX)] | None = None  # where they may sit
    interpreter_lead_hours: int = Field(24, ge=0, le=720)  # an interpreter is booked this early
    notice_hours: int = Field(48, ge=1, le=720)  # the dashboard lists interpreter needs this far
    interpreter_wait_minutes: int = Field(30, ge=1, le=600)  # "met on time" in the reports
    skills: dict[str, tuple[Literal["bisindo"], ...]] = Field(default_factory=dict)  # by user


def _template_fields(value: str) -> str:
    try:
        value.format(number="A 1", counter="loket")
    except (KeyError, IndexError, ValueError) as error:
        raise ValueError("may only use the fields {number} and {counter}") from error
    return value


Template = Annotated[str, AfterValidator(_template_fields), Field(min_length=1, max_length=200)]


class LocalAnnouncement(_Model):
    """A third sentence in a local language (Uab Meto, Kupang Malay phrasing), after the
    Indonesian and English ones: its numbers are written in Indonesian words, and its voice
    pack's clips, named after those words, say them in the local language."""

    language: str = Field(pattern=r"^[a-z]{2,8}$")  # a tag of its own, such as "aoz"
    name: str = Field(min_length=1, max_length=40)  # how the voices page names it
    template: Template


class Announcement(_Model):
    template: Template = "Nomor antrean {number}, silakan menuju {counter}"
    english: bool = False
    english_template: Template = "Ticket number {number}, please proceed to {counter}"
    repeat: int = Field(2, ge=1, le=5)  # every call is spoken this many times
    local: LocalAnnouncement | None = None
    # Clips the hall recorded, per language ("id", "en" or `local.language`): a folder of WAV
    # files, relative to the config file (`shared.domain.voice_script`).
    voice_packs: dict[str, str] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _known_pack_languages(self) -> Announcement:
        spoken = {"id", "en", *([self.local.language] if self.local else [])}
        unknown = sorted(set(self.voice_packs) - spoken)
        if unknown:
            raise ValueError(
                f"voice_packs: {', '.join(unknown)} is not a language the call is spoken in "
                f"({', '.join(sorted(spoken))})"
            )
        return self


class Survey(_Model):
    """The satisfaction survey's form, and whether it also asks the optional integrity
    questions (`shared.domain.integrity`)."""

    form: Literal["short", "full"] = "short"
    integrity: bool = True


class KioskScreen(_Model):
    """How long the kiosk screen keeps things before it returns to the start, in seconds."""

    reset_seconds: int = Field(12, ge=3, le=300)
    failed_print_seconds: int = Field(60, ge=5, le=600)
    idle_seconds: int = Field(60, ge=10, le=600)


class Shift(_Model):
    """A duty shift: it runs from `starts_at` (local time) until the next shift starts."""

    name: Text
    starts_at: ClockTime


class Audit(_Model):
    """Where the audit trail's day-close anchors are kept (default: next to the database)."""

    anchor_file: str | None = None


class Backup(_Model):
    """Where the automatic backups go, how long they are kept, and the nightly time of day.

    A backup is also made at every service day's close (`day_starts_at`).
    """

    directory: str = "var/backups"
    keep_days: int = Field(14, ge=1, le=3650)
    at: ClockTime = time(2, 0)


class CentralShipping(_Model):
    """Where the station ships its event log: the central server, this station's id there and
    its key (SATUPINTU_CENTRAL_KEY overrides `key`, so the file need not hold it)."""

    url: str = Field(pattern=r"^https?://[^\s/]+(/.*)?$")
    station: Identifier
    key: str | None = Field(None, min_length=16, max_length=200)

    @property
    def bearer(self) -> str | None:
        """The key to send: SATUPINTU_CENTRAL_KEY if set, else `key`."""
        return os.environ.get(CENTRAL_KEY_ENV) or self.key


_UPS = re.compile(r"^([A-Za-z0-9_.-]+)@([A-Za-z0-9_.-]+)(?::(\d{1,5}))?$")
NUT_PORT = 3493  # upsd's port when `power.ups` names none


class Power(_Model):
    """The UPS the server watches through NUT (upsd): `ups` is `NAME@HOST[:PORT]` as `upsc`
    takes it. It is asked every `poll_seconds`; on battery with less than
    `close_below_minutes` of runtime left (or a low battery), the orderly close starts.
    `user`/`password` log in to upsd when it asks for them."""

    ups: str
    poll_seconds: int = Field(5, ge=1, le=300)
    close_below_minutes: int = Field(5, ge=0, le=240)
    user: str | None = Field(None, min_length=1, max_length=100, pattern=r"^\S+$")
    password: str | None = Field(None, min_length=1, max_length=200)

    @field_validator("ups")
    @classmethod
    def _ups_name(cls, value: str) -> str:
        found = _UPS.match(value)
        if found is None or not 1 <= int(found.group(3) or NUT_PORT) <= 65535:
            raise ValueError(
                f"must be NAME@HOST or NAME@HOST:PORT, such as hall@localhost, not {value!r}"
            )
        return value

    @property
    def name(self) -> str:
        return self._parts()[0]

    @property
    def host(self) -> str:
        return self._parts()[1]

    @property
    def port(self) -> int:
        return self._parts()[2]

    def _parts(self) -> tuple[str, str, int]:
        found = _UPS.match(self.ups)
        assert found is not None
        return found.group(1), found.group(2), int(found.group(3) or NUT_PORT)


class Config(_Model):
    station: StationIdentity
    public_url: str | None = Field(None, pattern=r"^https?://[^\s/]+(/.*)?$")
    timezone: TimeZoneName = "Asia/Makassar"
    language: Literal["id", "en"] = "id"
    day_starts_at: ClockTime = time(0, 0)
    database: str = "var/satupintu.db"
    printer: PrinterConfig = Field(default_factory=lambda: PreviewPrinter(type="preview"))
    services: tuple[Service, ...] = Field(min_length=1)
    counters: tuple[Counter, ...] = Field(min_length=1)
    kiosks: tuple[Kiosk, ...] = ()
    greeters: tuple[Greeter, ...] = ()
    boards: tuple[Board, ...] = ()
    limits: Limits = Limits()
    call_policy: CallPolicy = CallPolicy()
    no_show_requeue_minutes: int = Field(30, ge=0)
    no_show_after_recalls: int = Field(0, ge=0, le=20)
    step_back: StepBack = StepBack()
    needs: Needs = Needs()
    unattended_call_minutes: int = Field(10, ge=1, le=240)
    privacy: Privacy = Privacy()
    phone: Phone = Phone()
    announcement: Announcement = Announcement()
    survey: Survey = Survey()
    kiosk_screen: KioskScreen = KioskScreen()
    shifts: tuple[Shift, ...] = ()
    audit: Audit = Audit()
    backup: Backup = Backup()
    session_hours: int = Field(12, ge=1, le=168)
    message_queue: str | None = Field(None, pattern=r"^redis://")
    trusted_proxies: tuple[Network, ...] = ()
    phone_tickets: bool = False
    central: CentralShipping | None = None
    power: Power | None = None
    sms: Sms | None = None
    complaint_channels: tuple[ComplaintChannel, ...] = Field((), max_length=CHANNELS_MAX)
    base_dir: Path = Path()

    @cached_property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @cached_property
    def service_by_id(self) -> dict[str, Service]:
        return {service.id: service for service in self.services}

    @cached_property
    def private_services(self) -> frozenset[str]:
        return frozenset(service.id for service in self.services if service.private)

    def number_prefix(self, service: Service) -> str:
        """The letters of a service's numbers: private services share `privacy.prefix`."""
        return self.privacy.prefix if service.private else service.prefix

    def numbered_with(self, service: Service) -> tuple[str, ...]:
        """The services whose tickets share one daily number sequence with this one's."""
        return tuple(sorted(self.private_services)) if service.private else (service.id,)

    def serves_only_private(self, counter: Counter) -> bool:
        """A counter whose every service is private: the hall never hears its name."""
        return all(service in self.private_services for service in counter.services)

    @cached_property
    def private_rooms(self) -> dict[str, LocalText]:
        """Each private counter's neutral destination: `privacy.destination`, numbered in the
        order of `counters:` when there are several ("Ruang Layanan Khusus 1", "... 2")."""
        rooms = [counter.id for counter in self.counters if self.serves_only_private(counter)]
        if len(rooms) == 1:
            return {rooms[0]: self.privacy.destination}
        place = self.privacy.destination
        return {
            room: LocalText(id=f"{place.id} {number}", en=f"{place.en} {number}")
            for number, room in enumerate(rooms, start=1)
        }

    def shown_name(self, counter: Counter) -> LocalText:
        """How the hall sees a counter: its name, or its neutral private-service room."""
        return self.private_rooms.get(counter.id, counter.name)

    @cached_property
    def counter_by_id(self) -> dict[str, Counter]:
        return {counter.id: counter for counter in self.counters}

    @cached_property
    def kiosk_by_id(self) -> dict[str, Kiosk]:
        return {kiosk.id: kiosk for kiosk in self.kiosks}

    @cached_property
    def greeter_by_id(self) -> dict[str, Greeter]:
        return {greeter.id: greeter for greeter in self.greeters}

    @cached_property
    def board_by_id(self) -> dict[str, Board]:
        return {board.id: board for board in self.boards}

    @property
    def database_path(self) -> Path:
        """The SQLite file: SATUPINTU_DB if set, else `database:` relative to the config file."""
        override = os.environ.get(DATABASE_ENV)
        return Path(override) if override else self.base_dir / self.database

    @property
    def anchor_path(self) -> Path:
        """The audit anchors file: `audit.anchor_file`, else `<database>.anchors` beside it."""
        if self.audit.anchor_file:
            return self.resolve(self.audit.anchor_file)
        database = self.database_path
        return database.with_name(f"{database.name}.anchors")

    @property
    def backup_directory(self) -> Path:
        """Where automatic backups go (`backup.directory`, relative to the config file)."""
        return self.resolve(self.backup.directory)

    def resolve(self, path: str) -> Path:
        """A path from the config, relative to the config file's folder."""
        return self.base_dir / path

    @property
    def logo_path(self) -> Path | None:
        """The station's logo file (`station.logo`), or None for the built-in icon."""
        return self.resolve(self.station.logo) if self.station.logo else None

    def published_standard(self) -> dict[str, Any]:
        """What the station publishes to citizens as its Standar Pelayanan: the Maklumat, every
        service's standard (a private one's too: only /standar shows it) and the complaint
        channels, as JSON; the event that records its publication carries exactly this."""
        return {
            "maklumat": self.station.maklumat.json() if self.station.maklumat else None,
            "services": {
                service.id: service.standard.model_dump(mode="json") if service.standard else None
                for service in self.services
            },
            "complaint_channels": [
                channel.model_dump(mode="json") for channel in self.complaint_channels
            ],
        }

    def printer_for(self, kiosk_id: str | None) -> PrinterConfig:
        """The kiosk's own printer, else the station's default printer."""
        kiosk = self.kiosk_by_id.get(kiosk_id) if kiosk_id else None
        return kiosk.printer if kiosk and kiosk.printer else self.printer


def _check_references(config: Config) -> None:
    """Cross-references pydantic cannot see: unique ids and prefixes, known services and units."""
    for key, items in (
        ("services", config.services),
        ("counters", config.counters),
        ("kiosks", config.kiosks),
        ("greeters", config.greeters),
        ("boards", config.boards),
    ):
        seen: set[str] = set()
        for index, item in enumerate(items):
            if item.id in seen:
                raise ConfigError(f"{key}[{index}].id: duplicate id {item.id!r}")
            seen.add(item.id)
    for index, service in enumerate(config.services):
        if not service.private and service.prefix == config.privacy.prefix:
            raise ConfigError(
                f"services[{index}].prefix: {service.prefix!r} is privacy.prefix, which "
                "numbers the private services"
            )
        earlier = {other.prefix: other.id for other in config.services[:index]}
        if service.prefix in earlier:
            raise ConfigError(
                f"services[{index}].prefix: duplicate prefix {service.prefix!r} "
                f"(already used by service {earlier[service.prefix]!r})"
            )
    for index, counter in enumerate(config.counters):
        for position, service_id in enumerate(counter.services):
            if service_id not in config.service_by_id:
                raise ConfigError(
                    f"counters[{index}].services[{position}]: unknown service {service_id!r}"
                )
        _check_private_counter(config, index, counter)
    for index, greeter in enumerate(config.greeters):
        if greeter.kiosk is not None and greeter.kiosk not in config.kiosk_by_id:
            raise ConfigError(f"greeters[{index}].kiosk: unknown kiosk {greeter.kiosk!r}")
    units = {service.unit for service in config.services}
    for index, board in enumerate(config.boards):
        for position, counter_id in enumerate(board.counters or ()):
            if counter_id not in config.counter_by_id:
                raise ConfigError(
                    f"boards[{index}].counters[{position}]: unknown counter {counter_id!r}"
                )
        for position, unit in enumerate(board.units or ()):
            if unit not in units:
                raise ConfigError(f"boards[{index}].units[{position}]: unknown unit {unit!r}")
    for index, service in enumerate(config.services):
        if service.hours and service.hours.open == service.hours.close:
            raise ConfigError(f"services[{index}].hours: open and close are the same time")
    starts = [shift.starts_at for shift in config.shifts]
    if len(set(starts)) != len(starts):
        raise ConfigError("shifts: two shifts start at the same time")
    if config.logo_path is not None and not config.logo_path.is_file():
        raise ConfigError(f"station.logo: no such file {str(config.logo_path)!r}")
    _check_printer_profiles(config)
    _check_sms(config)
    _check_published_size(config)


def _check_published_size(config: Config) -> None:
    """The published standard is logged whole in one event, which central takes only up to
    `MAX_ROW_DATA_CHARS` characters: a longer standard must be said in fewer words."""
    size = len(json.dumps(config.published_standard(), ensure_ascii=False))
    if size > MAX_ROW_DATA_CHARS * 9 // 10:
        raise ConfigError(
            f"services[].standard: the standards, station.maklumat and complaint_channels "
            f"together are {size} characters, more than the {MAX_ROW_DATA_CHARS * 9 // 10} "
            "the audit trail keeps in one event: shorten them"
        )


def _check_private_counter(config: Config, index: int, counter: Counter) -> None:
    """A counter that serves a private service serves only private services: the hall would
    otherwise tell them apart by where their numbers are called."""
    private = [service for service in counter.services if service in config.private_services]
    public = [service for service in counter.services if service not in config.private_services]
    if private and public:
        raise ConfigError(
            f"counters[{index}].services: counter {counter.id!r} serves the private service "
            f"{private[0]!r} and the public service {public[0]!r}; a counter that serves a "
            "private service must serve only private services"
        )


def _check_printer_profiles(config: Config) -> None:
    """Every printer `profile` must be one python-escpos knows (e.g. TM-T88V, default)."""
    printers = [("printer", config.printer)] + [
        (f"kiosks[{index}].printer", kiosk.printer)
        for index, kiosk in enumerate(config.kiosks)
        if kiosk.printer
    ]
    for key, printer in printers:
        profile = getattr(printer, "profile", None)
        if profile is None:
            continue
        from escpos.capabilities import get_profile  # python-escpos only with a profile set

        try:
            get_profile(profile)
        except KeyError:
            raise ConfigError(
                f"{key}.profile: unknown printer profile {profile!r} (e.g. TM-T88V, default)"
            ) from None


def _check_sms(config: Config) -> None:
    """`sms.gammu_config` must be a gammu-smsd config with the `files` service and its folders."""
    if config.sms is None:
        return
    try:
        read_smsd_config(config.resolve(config.sms.gammu_config))
    except SmsdConfigError as error:
        raise ConfigError(f"sms.gammu_config: {error}") from None


def _location(loc: tuple[Any, ...]) -> str:
    """('services', 1, 'prefix') -> 'services[1].prefix', dropping pydantic's union tags."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        elif part in {"preview", "none", "network", "usb", "serial", "file"} or "[" in str(part):
            continue
        else:
            text += f".{part}" if text else str(part)
    return text or "(top level)"


def parse_config(data: Any, base_dir: Path = Path()) -> Config:
    """Validate already-parsed YAML; raise ConfigError with the first fault, naming its key."""
    if not isinstance(data, dict):
        raise ConfigError("(top level): must be a mapping of keys such as station:, services:")
    try:
        config = Config.model_validate({**data, "base_dir": base_dir})
    except ValidationError as error:
        first = error.errors()[0]
        message = first["msg"].removeprefix("Value error, ")
        if first["type"] == "extra_forbidden":
            message = "unknown key (check the spelling against docs/technician.md)"
        elif first["type"] == "missing":
            message = "required key is missing"
        elif first["type"] == "union_tag_invalid":
            message = "type must be one of usb, network, serial, file, preview, none"
        raise ConfigError(f"{_location(first['loc'])}: {message}") from None
    _check_references(config)
    return config


def config_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """--config, else SATUPINTU_CONFIG, else ./config.yaml."""
    return Path(explicit or os.environ.get(CONFIG_ENV) or DEFAULT_CONFIG)


def load_config(path: str | os.PathLike[str] | None = None) -> Config:
    """Read and validate a config file; every fault becomes a one-line ConfigError."""
    file = config_path(path)
    try:
        raw = file.read_text(encoding="utf-8")
    except OSError as error:
        raise ConfigError(f"{file}: cannot read ({error.strerror})") from None
    try:
        data = safe_load(raw)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        raise ConfigError(f"{file}: not valid YAML{where}") from None
    try:
        return parse_config(data, base_dir=file.resolve().parent)
    except ConfigError as error:
        raise ConfigError(f"{file}: {error}") from None
