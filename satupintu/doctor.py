"""`satupintu doctor`: every check of a station from its own command line, with what to do.

It runs the health checks that the dashboard and `GET /healthz` run (database, disk, backups,
printers as the print log left them, `public_url`), so both say the same of the station, and
goes further where only the machine itself can: the config file, the audit trail, each
printer asked directly (the server only judges printers by their last jobs), espeak-ng
speaking Indonesian, `public_url` answering, the time zone and the clock's synchronisation,
the UPS (config `power:`) asked directly, the GSM modem asked with `gammu identify` and the
SMS daemon's status (config `sms:`). Each result is a line; each failure is followed by
what to do. Exit status 1 when something needs a person now.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
import wave
from collections.abc import Callable, Iterator
from contextlib import suppress
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import Any

import shared.operations.queue_alerts
import shared.operations.sms_health  # noqa: F401
from printer.devices import DEVICE_ERRORS, ask_status, fault_of, open_device
from printer.naming import printer_name
from satupintu.opening import open_station
from shared.application import audit, ticket_printing
from shared.application.printing import PrintFault
from shared.application.station import Station
from shared.domain.config import (
    Config,
    ConfigError,
    PreviewPrinter,
    PrinterConfig,
    config_path,
    load_config,
)
from shared.domain.errors import SatuPintuError, Unavailable
from shared.domain.power import NO_UPS, UNREACHABLE, read_status
from shared.operations import health, modem
from shared.operations.health import Message, Notice, Result, make_notice
from shared.operations.nut import NutError, read_variables

PUBLIC_URL_TIMEOUT_SECONDS = 3
SPEECH_SAMPLE = "Nomor antrian A satu, silakan menuju loket satu"


def _failed(check: str, notice: Notice) -> Result:
    return Result(check, notice.message, (notice,))


def diagnose(config_file: str | None) -> Iterator[Result]:
    """Every check, in the order a person would look; stops after a config that cannot load."""
    try:
        config = load_config(config_file)
    except ConfigError as error:
        yield _failed(
            "config",
            make_notice(
                "config",
                "problem",
                "ui.doctor.config_bad",
                "ui.doctor.config_bad_advice",
                error=str(error),
            ),
        )
        return
    yield Result(
        "config", Message("ui.doctor.config_ok", {"path": config_path(config_file).resolve()})
    )
    try:
        station = open_station(config)
    except SatuPintuError as error:
        key, advice = "ui.doctor.database_unopened", "ui.doctor.database_unopened_advice"
        if isinstance(error, Unavailable):
            found = health.storage_fault(config.database_path, error)
            key, advice = (key, advice) if found[0] == "ui.health.database_failed" else found
        detail = error.params.get("detail", error.message_key)
        yield _failed(
            "database",
            make_notice(
                "database", "problem", key, advice, path=config.database_path, error=detail
            ),
        )
        yield health.disk_space(config)
        printer_health: list[dict[str, Any]] = []
    else:
        yield from _station_checks(station)
        printer_health = station.printers.health()
        station.store.close()
    yield from _printers(config)
    yield _speech(config)
    yield _public_url(config, printer_health)
    yield _clock(config)
    yield _power(config)
    yield from _modem(config)


def _station_checks(station: Station) -> Iterator[Result]:
    """The dashboard's own checks (printers judged by the log, as the server does at start;
    the link to central when the station ships)."""
    ticket_printing.restore_printer_health(station)
    shipping = ("central",) if station.config.central is not None else ()
    texting = ("sms", "queue") if station.config.sms is not None else ()
    report = health.run(station, ("database", "disk", "printers", "backup", *shipping, *texting))
    for result in report.results:
        if result.name == "database" and not result.notices:
            yield Result(
                "database",
                Message("ui.doctor.database_ok", {"path": station.config.database_path}),
            )
        else:
            yield result
    verdict = audit.check_station(station)
    if verdict.ok:
        yield Result("audit", Message("ui.doctor.audit_ok", {"rows": verdict.rows}))
    else:
        yield _failed("audit", health.audit_broken(verdict))


def _physical_printers(config: Config) -> dict[str, tuple[PrinterConfig, list[str]]]:
    """Each distinct printer of the config with the kiosks that print there."""
    found: dict[str, tuple[PrinterConfig, list[str]]] = {}
    for kiosk in (None, *(kiosk.id for kiosk in config.kiosks)):
        printer = config.printer_for(kiosk)
        entry = found.setdefault(printer_name(printer, config.resolve), (printer, []))
        if kiosk is not None:
            entry[1].append(kiosk)
    return found


def _fault_words(fault: PrintFault) -> Message:
    """A printer fault as words in either language (the catalogue's `error.print.*`)."""
    return Message(
        f"error.print.{fault.code}",
        {"printer": fault.printer, "seconds": fault.seconds or 0, "detail": fault.detail or ""},
    )


def _printers(config: Config) -> Iterator[Result]:
    """Ask every printer directly: a result for each (a printer of type none is skipped)."""
    for device, (printer, kiosks) in _physical_printers(config).items():
        if printer.type == "none":
            continue
        params = {"printer": health.printer_label(config, kiosks), "device": device}
        if isinstance(printer, PreviewPrinter):
            if _writable(config.resolve(printer.directory)):
                yield Result("printers", Message("ui.doctor.printer_preview", params))
            else:
                yield _failed(
                    "printers",
                    make_notice(
                        "printers",
                        "problem",
                        "ui.doctor.preview_unwritable",
                        "ui.doctor.preview_unwritable_advice",
                        **params,
                    ),
                )
            continue
        try:
            connection = open_device(printer, config.resolve)
        except DEVICE_ERRORS as error:
            yield _failed(
                "printers",
                make_notice(
                    "printers",
                    "problem",
                    "ui.doctor.printer_unreachable",
                    "ui.doctor.printer_unreachable_advice",
                    error=_fault_words(fault_of(error, device, printer.timeout)),
                    **params,
                ),
            )
            continue
        try:
            status = ask_status(connection, time.monotonic() + printer.timeout)
            paper = status.paper if status else "unknown"
        finally:
            with suppress(*DEVICE_ERRORS):
                connection.close()
        if status is not None and not status.answered:
            yield _failed(
                "printers",
                make_notice(
                    "printers",
                    "problem",
                    "ui.doctor.printer_silent",
                    "ui.doctor.printer_silent_advice",
                    **params,
                ),
            )
            continue
        summary = Message(
            "ui.doctor.printer_ok", {**params, "paper": Message(f"ui.admin.paper.{paper}")}
        )
        notices: tuple[Notice, ...] = ()
        if paper == "out":
            notices = (
                make_notice(
                    "printers",
                    "problem",
                    "ui.health.paper_out",
                    "ui.health.paper_out_advice",
                    **params,
                ),
            )
        elif paper == "low":
            notices = (
                make_notice(
                    "printers",
                    "warning",
                    "ui.health.paper_low",
                    "ui.health.paper_low_advice",
                    **params,
                ),
            )
        yield Result("printers", summary, notices)


def _writable(folder: Path) -> bool:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            return True
    except OSError:
        return False


def _speech(config: Config) -> Result:
    """espeak-ng is there and speaks an Indonesian sentence into a sound file."""
    command = shutil.which(health.SPEECH_COMMAND)
    if command is None:
        return _failed(
            "speech",
            make_notice("speech", "problem", "ui.health.speech_missing", "ui.health.speech_advice"),
        )
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "sample.wav"
        try:
            subprocess.run(  # noqa: S603 (fixed command, text on stdin)
                [command, "-v", "id", "-w", str(target)],
                input=SPEECH_SAMPLE,
                text=True,
                capture_output=True,
                check=True,
                timeout=10,
            )
            with wave.open(str(target), "rb") as clip:
                seconds = clip.getnframes() / clip.getframerate()
        except (OSError, subprocess.SubprocessError, wave.Error) as error:
            return _failed(
                "speech",
                make_notice(
                    "speech",
                    "problem",
                    "ui.doctor.speech_failed",
                    "ui.health.speech_advice",
                    error=str(error)[:200],
                ),
            )
    return Result("speech", Message("ui.doctor.speech_ok", {"seconds": f"{seconds:.1f}"}))


def _public_url(config: Config, printer_health: list[dict[str, Any]]) -> Result:
    """`public_url` as the dashboard judges it; when that is fine, it must also answer as a
    Satu Pintu server (its /healthz)."""
    result = health.public_url_result(config, printer_health)
    if result.notices or config.public_url is None:
        return result
    try:
        answer = json.loads(_get(config.public_url.rstrip("/") + "/healthz"))
        if not isinstance(answer, dict) or "checks" not in answer:
            raise ValueError("the answer is not from Satu Pintu")
    except (OSError, ValueError) as error:
        return _failed(
            "public_url",
            make_notice(
                "public_url",
                "problem",
                "ui.doctor.public_url_unreachable",
                "ui.doctor.public_url_unreachable_advice",
                url=config.public_url,
                error=str(getattr(error, "reason", error))[:200],
            ),
        )
    return Result("public_url", Message("ui.doctor.public_url_ok", {"url": config.public_url}))


def _get(url: str) -> bytes:
    """The body of a GET, whatever its status (/healthz answers 503 with its report)."""
    try:
        with urllib.request.urlopen(url, timeout=PUBLIC_URL_TIMEOUT_SECONDS) as reply:  # noqa: S310
            return reply.read()
    except urllib.error.HTTPError as error:
        return error.read()


def _clock(config: Config) -> Result:
    """The station's time zone and local time, and whether the system clock is synchronised."""
    local = datetime.now(config.zone).strftime("%Y-%m-%d %H:%M %Z")
    summary = Message("ui.doctor.time_ok", {"zone": config.timezone, "local": local})
    synchronised = _synchronised()
    if synchronised is True:
        return Result("clock", summary)
    if synchronised is False:
        notice = make_notice(
            "clock", "problem", "ui.doctor.clock_unsynced", "ui.doctor.clock_advice"
        )
    else:
        notice = make_notice(
            "clock", "warning", "ui.doctor.clock_unknown", "ui.doctor.clock_advice"
        )
    return Result("clock", summary, (notice,))


def _power(config: Config) -> Result:
    """The UPS asked directly (config `power:`), as the server's health check judges it."""
    if config.power is None:
        return health.power_result(None, NO_UPS)
    try:
        state = read_status(read_variables(config.power))
    except NutError:
        state = UNREACHABLE
    return health.power_result(config.power, state)


def _modem(config: Config) -> Iterator[Result]:
    """The GSM modem asked with `gammu identify`, and the running daemon's status (config
    `sms:`; whether the daemon runs at all is the `sms` check's word)."""
    if config.sms is None:
        return
    smsd_config = config.resolve(config.sms.gammu_config)
    gammu, monitor = modem.tools_of(config.sms)
    found = modem.identify(smsd_config, gammu)
    running = modem.daemon_status(smsd_config, monitor)
    if found.error is None:
        yield Result(
            "sms",
            Message("ui.doctor.modem_ok", {"maker": found.manufacturer, "model": found.model}),
        )
    elif running is None:
        yield _failed(
            "sms",
            make_notice(
                "sms", "warning", "ui.doctor.modem_silent", "ui.doctor.modem_silent_advice",
                error=found.error, config=str(smsd_config),
            ),
        )  # fmt: skip
    if running is not None:
        yield Result("sms", Message("ui.doctor.smsd_status", asdict(running)))


def _synchronised() -> bool | None:
    """systemd's word on clock synchronisation (NTP); None when it cannot be asked."""
    try:
        answer = subprocess.run(
            ["timedatectl", "show", "--property=NTPSynchronized", "--value"],  # noqa: S607
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return True if Path("/run/systemd/timesync/synchronized").exists() else None
    return {"yes": True, "no": False}.get(answer)


def report(results: list[Result], language: str, echo: Callable[[str], None]) -> int:
    """Print each result and each notice's advice; 1 if any problem, else 0."""
    for result in results:
        level = Message(f"ui.doctor.level.{result.level}").text(language)
        echo(f"{level:<10} {result.summary.text(language)}")
        for notice in result.notices:
            if notice.message != result.summary:
                echo(f"{'':<10} {notice.message.text(language)}")
            echo(f"{'':<10} → {notice.advice.text(language)}")
    problems = sum(result.level == "problem" for result in results)
    warnings = sum(result.level == "warning" for result in results)
    echo(Message("ui.doctor.total", {"problems": problems, "warnings": warnings}).text(language))
    return 1 if problems else 0
