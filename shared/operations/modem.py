"""The hall's GSM modem asked directly, for `satupintu doctor` (config `sms:`).

`gammu -c <sms.gammu_config> identify` asks the modem itself (its maker and model; the IMEI
and the SIM's IMSI are not shown), and `gammu-smsd-monitor -c <config> -n 1` reads the running
daemon's status (messages sent, received and failed since it started, the network signal).
Both read the daemon's own config, so they ask the very modem the daemon drives. A modem held
by a running daemon may refuse `identify` (the port is busy): the daemon's status then says
the modem answers.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

from shared.domain.config import Sms

TIMEOUT_SECONDS = 30.0  # gammu tries the port a few times before it gives up


@dataclass(frozen=True)
class Identified:
    """What `gammu identify` said of the modem (None: it did not answer; `error` says why)."""

    manufacturer: str | None = None
    model: str | None = None
    error: str | None = None


@dataclass(frozen=True)
class DaemonStatus:
    """The running daemon's counters (`gammu-smsd-monitor`)."""

    sent: int
    received: int
    failed: int
    signal_percent: int


def _run(command: list[str]) -> tuple[int, str]:
    """A Gammu tool's exit status and output (stdout, then stderr); 127 when it cannot run."""
    try:
        done = subprocess.run(  # noqa: S603 (our command, no shell)
            command, capture_output=True, text=True, timeout=TIMEOUT_SECONDS
        )
    except FileNotFoundError:
        return 127, f"{command[0]} is not installed (apt-get install gammu gammu-smsd)"
    except (OSError, subprocess.TimeoutExpired) as error:
        return 124, f"{command[0]} did not answer ({type(error).__name__})"
    return done.returncode, f"{done.stdout}\n{done.stderr}"


def _fields(output: str, separator: str) -> dict[str, str]:
    found = {}
    for line in output.splitlines():
        name, sep, value = line.partition(separator)
        if sep:
            found[name.strip()] = value.strip()
    return found


def identify(config_file: Path, gammu: str = "gammu") -> Identified:
    """Ask the modem of a gammu-smsd config who it is."""
    status, output = _run([gammu, "-c", str(config_file), "identify"])
    fields = _fields(output, " : ")
    if status != 0 or "Manufacturer" not in fields:
        lines = [line.strip() for line in output.splitlines() if line.strip()]
        return Identified(error=(lines[-1] if lines else f"exit {status}")[:200])
    return Identified(fields.get("Manufacturer"), fields.get("Model"))


def daemon_status(config_file: Path, monitor: str = "gammu-smsd-monitor") -> DaemonStatus | None:
    """The running daemon's counters; None when it cannot be read (the daemon is not running,
    or runs as a user whose shared memory this one may not read)."""
    _, output = _run([monitor, "-c", str(config_file), "-n", "1", "-d", "0"])
    fields = _fields(output, ": ")
    try:
        return DaemonStatus(
            int(fields["Sent"]),
            int(fields["Received"]),
            int(fields["Failed"]),
            int(fields["NetworkSignal"]),
        )
    except (KeyError, ValueError):
        return None


def tools_of(sms: Sms) -> tuple[str, str]:
    """`gammu` and `gammu-smsd-monitor` beside the configured `gammu-smsd-inject`."""
    inject = Path(sms.inject_command)
    if inject.parent == Path():
        return "gammu", "gammu-smsd-monitor"
    return str(inject.parent / "gammu"), str(inject.parent / "gammu-smsd-monitor")
