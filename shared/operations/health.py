"""Health: a small registry of checks that say, in plain words, what needs a person.

Each check looks at one part of the station and returns a `Result`: a one-line summary and
the `Notice`s it raises. A notice is a catalogue text and its advice, with language-neutral
params, and a level: `problem` (needs a person now: `GET /healthz` answers 503) or
`warning` (soon). The dashboard, `GET /healthz` and `satupintu doctor` all show these same
words, so a notice added here (or by a new check) appears everywhere at once.

A check joins the registry with `@check("name")` in its own module of the core; the module
must be imported where the app is built (`satupintu.app`). Checks here must stay cheap (no
device is touched: printers are judged by their last jobs) and must not put an address, a
path, a name of a person or a secret into a notice: `/healthz` is for anyone on the hall's
Wi-Fi. `Monitor` reuses a report for a few seconds so repeated requests cost nothing.
"""

from __future__ import annotations

import logging
import math
import os
import shutil
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Literal

from shared.application import audit
from shared.application.printing import is_loopback, kiosk_names, loopback_qr_base
from shared.application.station import Station
from shared.domain.clock import utc_text
from shared.domain.config import Config, Power
from shared.domain.errors import Unavailable
from shared.domain.i18n import LANGUAGES, text
from shared.domain.power import PowerState, Supply
from shared.operations import backups
from shared.store import receipts
from shared.store.eventlog import last_row

logger = logging.getLogger(__name__)

Level = Literal["ok", "warning", "problem"]
LEVELS: tuple[Level, ...] = ("ok", "warning", "problem")

DISK_PROBLEM_PERCENT = 5
DISK_WARNING_PERCENT = 10
BACKUP_STALE_HOURS = 26  # a nightly backup plus a margin
SPEECH_COMMAND = "espeak-ng"  # what the board's voice (shared/operations/speech.py) runs
CENTRAL_SILENT_MINUTES = 10  # central may be away this long before anyone is told
MAX_AGE_SECONDS = 5.0


@dataclass(frozen=True)
class Message:
    """A catalogue text with its params; a param may itself be a Message (say, "main printer")."""

    key: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def text(self, language: str) -> str:
        values = {
            name: value.text(language) if isinstance(value, Message) else value
            for name, value in self.params.items()
        }
        return text(self.key, language, **values)

    def json(self) -> dict[str, str]:
        return {language: self.text(language) for language in LANGUAGES}


@dataclass(frozen=True)
class Notice:
    """Something a person should see to: what is wrong and what to do about it."""

    check: str
    level: Literal["warning", "problem"]
    message: Message
    advice: Message

    def json(self) -> dict[str, Any]:
        return {
            "check": self.check,
            "level": self.level,
            "code": self.message.key.rsplit(".", 1)[-1],
            "text": self.message.json(),
            "advice": self.advice.json(),
        }


@dataclass(frozen=True)
class Result:
    """One check's answer: a summary of what it saw and the notices it raises."""

    name: str
    summary: Message
    notices: tuple[Notice, ...] = ()

    @property
    def level(self) -> Level:
        return max((notice.level for notice in self.notices), key=LEVELS.index, default="ok")


@dataclass(frozen=True)
class Report:
    """Every check's result at one moment."""

    checked_at: datetime
    results: tuple[Result, ...]

    @property
    def level(self) -> Level:
        return max((result.level for result in self.results), key=LEVELS.index, default="ok")

    @property
    def notices(self) -> list[Notice]:
        everything = [notice for result in self.results for notice in result.notices]
        return sorted(everything, key=lambda notice: -LEVELS.index(notice.level))

    def json(self) -> dict[str, Any]:
        return {
            "status": self.level,
            "checked_at": utc_text(self.checked_at),
            "checks": [
                {"name": result.name, "status": result.level, "summary": result.summary.json()}
                for result in self.results
            ],
            "notices": [notice.json() for notice in self.notices],
        }


CheckFunction = Callable[[Station], Result]
CHECKS: dict[str, CheckFunction] = {}


def check(name: str) -> Callable[[CheckFunction], CheckFunction]:
    """Register a check under `name` (its results and notices are labelled with it)."""

    def register(function: CheckFunction) -> CheckFunction:
        CHECKS[name] = function
        return function

    return register


def run(station: Station, names: tuple[str, ...] | None = None) -> Report:
    """Run the registered checks (or the named ones); a check that crashes is a problem too."""
    results = []
    for name, function in CHECKS.items():
        if names is not None and name not in names:
            continue
        try:
            results.append(function(station))
        except Exception:
            logger.exception("health check %s failed", name)
            message = Message("ui.health.check_failed", {"check": name})
            advice = Message("ui.health.check_failed_advice")
            results.append(Result(name, message, (Notice(name, "problem", message, advice),)))
    return Report(station.now(), tuple(results))


class Monitor:
    """The station's latest report, run again when it is older than `max_age` seconds."""

    def __init__(self, station: Station, max_age: float = MAX_AGE_SECONDS) -> None:
        self.station = station
        self.max_age = max_age
        self._lock = threading.Lock()
        self._report: Report | None = None
        self._taken = 0.0

    def report(self) -> Report:
        with self._lock:
            if self._report is None or time.monotonic() - self._taken > self.max_age:
                self._report = run(self.station)
                self._taken = time.monotonic()
            return self._report


def make_notice(
    name: str, level: Literal["warning", "problem"], key: str, advice: str, **params: Any
) -> Notice:
    """A notice whose text and advice share the same params."""
    return Notice(name, level, Message(key, params), Message(advice, params))


def noticed(
    name: str, level: Literal["warning", "problem"], key: str, advice: str, **params: Any
) -> Result:
    """A check's result that is one notice (its message and the notice)."""
    notice = make_notice(name, level, key, advice, **params)
    return Result(name, notice.message, (notice,))


# ---- the checks ---------------------------------------------------------------------------------

# What SQLite says when a write cannot happen, and the words a person needs for it.
_STORAGE_FAULTS = (
    ("full", "ui.health.database_full", "ui.health.database_full_advice"),
    ("readonly", "ui.health.database_read_only", "ui.health.database_read_only_advice"),
    ("locked", "ui.health.database_locked", "ui.health.database_locked_advice"),
)


@check("database")
def database(station: Station) -> Result:
    """The database takes a write: one row rewritten in a transaction of its own."""
    now = station.now()
    try:
        with station.store.write("health", now, durable=False) as tx:
            tx.execute(
                "INSERT INTO health_probe (id, checked_at) VALUES (1, ?) "
                "ON CONFLICT (id) DO UPDATE SET checked_at = excluded.checked_at",
                [utc_text(now)],
            )
    except Unavailable as error:
        key, advice = storage_fault(station.config.database_path, error)
        return noticed("database", "problem", key, advice)
    return Result("database", Message("ui.health.database_ok"))


def storage_fault(database: Path, error: Unavailable) -> tuple[str, str]:
    """The catalogue keys (text, advice) for a database that cannot take a write."""
    detail = str(error.params.get("detail", "")).replace(" ", "").lower()
    if read_only(database.parent):
        detail = "readonly"
    elif free_percent(database.parent) == 0:
        detail = "full"
    return next(
        ((key, advice) for word, key, advice in _STORAGE_FAULTS if word in detail),
        ("ui.health.database_failed", "ui.health.database_failed_advice"),
    )


def read_only(folder: Path) -> bool:
    """Whether the filesystem holding a folder is mounted read-only."""
    try:
        return bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
    except OSError:
        return False


def _existing(path: Path) -> Path:
    """The path, or its nearest folder that exists (a backup folder not made yet)."""
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def free_percent(path: Path) -> int:
    """The share of the filesystem holding `path` that is still free, rounded down."""
    usage = shutil.disk_usage(_existing(path))
    return math.floor(usage.free * 100 / usage.total) if usage.total else 0


@check("disk")
def disk(station: Station) -> Result:
    """Free space where the database lives, and where the backups go if that is elsewhere."""
    return disk_space(station.config)


def disk_space(config: Config) -> Result:
    """The disk check for a config (also when its database cannot be opened)."""
    percent = free_percent(config.database_path.parent)
    notices = []
    places = [("ui.health.disk_low", percent)]
    backup_dir = config.backup_directory
    if _device(backup_dir) != _device(config.database_path.parent):
        places.append(("ui.health.backup_disk_low", free_percent(backup_dir)))
    for key, free in places:
        if free < DISK_WARNING_PERCENT:
            level: Literal["warning", "problem"] = (
                "problem" if free < DISK_PROBLEM_PERCENT else "warning"
            )
            notices.append(
                make_notice("disk", level, key, "ui.health.disk_low_advice", percent=free)
            )
    return Result("disk", Message("ui.health.disk_ok", {"percent": percent}), tuple(notices))


def _device(path: Path) -> int:
    return _existing(path).stat().st_dev


@check("printers")
def printers(station: Station) -> Result:
    """Each printer as its last jobs left it (out of paper, failing, printed without saying so,
    low on paper), and a preview printer, which prints no paper at all."""
    notices = []
    watched = 0
    for printer in station.printers.health():
        if printer["type"] == "none":
            continue
        watched += 1
        name = printer_label(station.config, printer["kiosks"])
        fault = _printer_fault(printer)
        if fault is not None:
            level, key, advice = fault
            notices.append(make_notice("printers", level, key, advice, printer=name))
        if printer["type"] == "preview":
            notices.append(
                make_notice(
                    "printers",
                    "warning",
                    "ui.health.preview_printer",
                    "ui.health.preview_printer_advice",
                    printer=name,
                )
            )
    return Result("printers", Message("ui.health.printers_ok", {"count": watched}), tuple(notices))


def _printer_fault(
    printer: dict[str, Any],
) -> tuple[Literal["warning", "problem"], str, str] | None:
    """The worst thing a printer's health says: a notice level, its text and its advice."""
    if printer["paper"] == "out":
        return "problem", "ui.health.paper_out", "ui.health.paper_out_advice"
    if printer["status"] == "failed":
        return "problem", "ui.health.printer_failing", "ui.health.printer_failing_advice"
    if printer["status"] == "unconfirmed":
        return "problem", "ui.health.printer_unconfirmed", "ui.health.printer_unconfirmed_advice"
    if printer["paper"] == "low":
        return "warning", "ui.health.paper_low", "ui.health.paper_low_advice"
    return None


@check("public_url")
def public_url(station: Station) -> Result:
    """Where citizens' phones open the tickets' QR codes."""
    return public_url_result(station.config, station.printers.health())


def public_url_result(config: Config, printer_health: list[dict[str, Any]]) -> Result:
    """`public_url` as phones need it, once for the station: a warning when it leads to the
    server's own machine, or when it is unset while tickets with QR codes are printed (the
    more telling one when the last QR codes led to the server itself)."""
    url = config.public_url
    if url is not None:
        if is_loopback(url):
            return noticed(
                "public_url",
                "warning",
                "ui.health.public_url_loopback",
                "ui.health.qr_loopback_advice",
                base=url,
            )
        return Result("public_url", Message("ui.health.public_url_set", {"url": url}))
    loopback = loopback_qr_base(printer_health)
    if loopback is not None:
        return noticed(
            "public_url",
            "warning",
            "ui.health.qr_loopback",
            "ui.health.qr_loopback_advice",
            base=loopback,
        )
    kiosks = (None, *(kiosk.id for kiosk in config.kiosks))
    if all(config.printer_for(kiosk).type == "none" for kiosk in kiosks):
        return Result("public_url", Message("ui.health.public_url_unneeded"))
    return noticed(
        "public_url", "warning", "ui.health.public_url_unset", "ui.health.public_url_unset_advice"
    )


def printer_label(config: Config, kiosk_ids: Iterable[str]) -> str | Message:
    """How the hall knows a printer: by the kiosks it prints for, else as the main printer."""
    return kiosk_names(config, kiosk_ids) or Message("ui.health.main_printer")


@check("speech")
def speech(station: Station) -> Result:
    """The board's voice: espeak-ng can be found by the server."""
    if shutil.which(SPEECH_COMMAND) is None:
        return noticed("speech", "problem", "ui.health.speech_missing", "ui.health.speech_advice")
    return Result("speech", Message("ui.health.speech_ok"))


@check("backup")
def backup(station: Station) -> Result:
    """The newest good backup is recent, and the last attempt did not fail."""
    config = station.config
    now = station.now()
    good = backups.latest(config.backup_directory)
    failed = backups.latest(config.backup_directory, good=False)
    notices = []
    if failed is not None and (good is None or failed.made_at > good.made_at):
        notices.append(
            make_notice("backup", "problem", "ui.health.backup_failed", "ui.health.backup_advice")
        )
    if good is None:
        summary = Message("ui.health.backup_none")
        if _first_event_before(station, now - timedelta(hours=BACKUP_STALE_HOURS)):
            notices.append(
                make_notice("backup", "warning", "ui.health.backup_none", "ui.health.backup_advice")
            )
        return Result("backup", summary, tuple(notices))
    local = good.made_at.astimezone(config.zone)
    summary = Message("ui.health.backup_last", {"at": local.strftime("%Y-%m-%d %H:%M %Z")})
    age = now - good.made_at
    if age > timedelta(hours=BACKUP_STALE_HOURS):
        notices.append(
            make_notice(
                "backup",
                "warning",
                "ui.health.backup_old",
                "ui.health.backup_advice",
                days=max(1, age.days),
            )
        )
    return Result("backup", summary, tuple(notices))


@check("central")
def central(station: Station) -> Result:
    """The log reaches the central server (config `central:`): a warning at once when central
    refuses it (with central's reason), and when rows wait and central has been out of reach
    for CENTRAL_SILENT_MINUTES; the hall works on regardless."""
    link = station.config.central
    if link is None:
        return Result("central", Message("ui.health.central_off"))
    now = station.now()
    with station.store.read() as db:
        head = last_row(db)
        receipt = receipts.latest(db)
        attempt = receipts.last_attempt(db)
    waiting = (head["id"] if head else 0) - (receipt.row if receipt else 0)
    silent_since = now - timedelta(minutes=CENTRAL_SILENT_MINUTES)
    params = {"n": waiting, "url": link.url}
    if attempt is not None and attempt.outcome == "refused" and attempt.code == "chain_conflict":
        return noticed(
            "central",
            "warning",
            "ui.health.central_fork",
            "ui.health.central_fork_advice",
            reason=attempt.reason or "",
            **params,
        )
    if attempt is not None and attempt.outcome == "refused":
        return noticed(
            "central",
            "warning",
            "ui.health.central_refused",
            "ui.health.central_refused_advice",
            answer=receipts.answer_text(attempt.status, attempt.code),
            reason=attempt.reason or "",
            **params,
        )
    unreachable = attempt is not None and attempt.outcome == "unreachable"
    meanwhile = Message(
        "ui.health.central_trying" if unreachable else "ui.health.central_ok", params
    )
    if waiting <= 0:
        return Result("central", meanwhile)
    if receipt is None:
        if not _first_event_before(station, silent_since):
            return Result("central", meanwhile)
        return noticed(
            "central", "warning", "ui.health.central_never", "ui.health.central_advice", **params
        )
    if receipt.last_contact > silent_since:
        return Result("central", meanwhile)
    since = receipt.last_contact.astimezone(station.config.zone).strftime("%Y-%m-%d %H:%M")
    return noticed(
        "central",
        "warning",
        "ui.health.central_behind",
        "ui.health.central_advice",
        since=since,
        **params,
    )


@check("clock")
def clock(station: Station) -> Result:
    """The wall clock agrees with the station's trusted time (it did not jump)."""
    jump = station.time.jump
    if jump is None:
        return Result("clock", Message("ui.health.clock_ok"))
    key, advice = (
        ("ui.health.clock_unconfirmed", "ui.health.clock_unconfirmed_advice")
        if jump.at_start
        else ("ui.health.clock_jumped", "ui.health.clock_jumped_advice")
    )
    return noticed(
        "clock",
        "warning",
        key,
        advice,
        minutes=round(abs(jump.off_by.total_seconds()) / 60),
    )


def _first_event_before(station: Station, instant: datetime) -> bool:
    """Whether the station has been keeping its log since before `instant`."""
    with station.store.read() as db:
        first = db.one("SELECT at FROM events ORDER BY id LIMIT 1")
    return first is not None and first["at"] < utc_text(instant)


@check("audit")
def audit_trail(station: Station) -> Result:
    """The audit trail holds (the reports' incremental check: what was logged since the last
    verified row): a broken one is a problem for a person now, as `satupintu doctor` says."""
    verdict = audit.check_recent(station)
    if verdict.ok:
        return Result(
            "audit", Message("ui.health.audit_ok", {"row": verdict.head.id if verdict.head else 0})
        )
    notice = audit_broken(verdict)
    return Result("audit", notice.message, (notice,))


def audit_broken(verdict: audit.Verdict) -> Notice:
    """What a broken audit trail is, for a person: where it broke, why, and what to do."""
    return make_notice(
        "audit",
        "problem",
        "ui.doctor.audit_broken",
        "ui.doctor.audit_broken_advice",
        row=verdict.broken_id,
        problem=Message(verdict.problem or "", verdict.params),
    )


@check("power")
def power(station: Station) -> Result:
    """The UPS as the server last asked it (config `power:`): on mains, on battery (a warning:
    the hall works on) or unreachable (a problem: a power cut would go unseen)."""
    return power_result(station.config.power, station.power)


def power_result(power: Power | None, state: PowerState) -> Result:
    """The power check for a UPS's state (also `satupintu doctor`'s, which asks the UPS)."""
    if power is None:
        return Result("power", Message("ui.health.ups_off"))
    if state.supply is Supply.UNKNOWN:
        notice = make_notice(
            "power", "problem", "ui.health.ups_unreachable", "ui.health.ups_unreachable_advice"
        )
        return Result("power", notice.message, (notice,))
    if state.on_battery:
        minutes = state.runtime_minutes
        key = "ui.health.ups_battery" if minutes is not None else "ui.health.ups_battery_unknown"
        notice = make_notice(
            "power",
            "warning",
            key,
            "ui.health.ups_battery_advice",
            minutes=minutes if minutes is not None else "-",
        )
        return Result("power", notice.message, (notice,))
    return Result("power", Message("ui.health.ups_mains"))
