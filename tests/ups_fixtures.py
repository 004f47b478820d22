"""A real NUT for tests: upsd and the dummy-ups driver on a free port in a temporary folder.

The driver reads the UPS's variables from a `.dev` file and re-reads it when its modification
time changes (it looks every two seconds, in whole seconds), so a test flips the hall's power
by rewriting that file (see FIELD-NOTES "UPS through NUT"). Both daemons run as root
(`-u root`) with their config and state in the folder (`NUT_CONFPATH`, `NUT_STATEPATH`);
`/lib/nut/upsd` is the real binary (Debian's `/usr/sbin/upsd` wrapper wants
/etc/nut/nut.conf).
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import suppress
from pathlib import Path

import pytest

from shared.domain.config import Power
from shared.operations.nut import NutError, read_variables
from tests.realserver import free_port

UPSD = Path("/lib/nut/upsd")
DUMMY_UPS = Path("/lib/nut/dummy-ups")
NAME = "hall"
USER = "satupintu"
PASSWORD = "rahasia-ups"
SEEN_WITHIN_SECONDS = 20.0  # the driver polls every 2 s; a busy CI machine gets room


class DummyUps:
    """One UPS, `hall`, served by a real upsd at 127.0.0.1:`port`."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.conf = folder / "conf"
        self.state = folder / "state"
        self.dev = folder / f"{NAME}.dev"
        self.port = free_port()
        self.spec = f"{NAME}@127.0.0.1:{self.port}"
        self.modified = 0  # the .dev file's last modification time, in whole seconds

    def power(self, **settings: object) -> dict[str, object]:
        """The `power:` config for this UPS (with its login), plus `settings`."""
        return {"ups": self.spec, "user": USER, "password": PASSWORD, **settings}

    def start(self) -> None:
        self.conf.mkdir(parents=True)
        self.state.mkdir(mode=0o700)
        self.set("OL")
        (self.conf / "ups.conf").write_text(
            f'[{NAME}]\n  driver = dummy-ups\n  port = {self.dev}\n  desc = "test UPS"\n'
        )
        (self.conf / "upsd.conf").write_text(f"LISTEN 127.0.0.1 {self.port}\n")
        users = self.conf / "upsd.users"
        users.write_text(f"[{USER}]\n  password = {PASSWORD}\n  upsmon secondary\n")
        users.chmod(0o640)
        (self.conf / "upsd.conf").chmod(0o640)
        env = {**os.environ, "NUT_CONFPATH": str(self.conf), "NUT_STATEPATH": str(self.state)}
        for command in ([str(DUMMY_UPS), "-a", NAME, "-u", "root"], [str(UPSD), "-u", "root"]):
            subprocess.run(command, env=env, check=True, capture_output=True, timeout=30)
        self.wait_for("OL")

    def set(self, status: str, *, runtime: int = 3600, charge: int = 100) -> None:
        """What the UPS reports next: `ups.status` flags, runtime (s) and charge (%)."""
        new = self.dev.with_suffix(".new")
        new.write_text(
            f"ups.status: {status}\nbattery.charge: {charge}\nbattery.runtime: {runtime}\n"
        )
        # The driver re-reads the file when its modification time (in whole seconds) changes:
        # two writes within one second would look like one.
        self.modified = max(int(time.time()), self.modified + 1)
        os.utime(new, (self.modified, self.modified))
        new.replace(self.dev)  # the driver never reads half a file

    def wait_for(self, status: str) -> None:
        """Until upsd reports `status` (the driver has read the file)."""
        power = Power(ups=self.spec, user=USER, password=PASSWORD)
        deadline = time.monotonic() + SEEN_WITHIN_SECONDS
        seen = None
        while time.monotonic() < deadline:
            with suppress(NutError):
                seen = read_variables(power).get("ups.status")
                if seen == status:
                    return
            time.sleep(0.2)
        raise AssertionError(f"upsd still reports {seen!r}, not {status!r}")

    def stop(self) -> None:
        for pid_file in self.state.glob("*.pid"):
            with suppress(ValueError, ProcessLookupError, FileNotFoundError):
                os.kill(int(pid_file.read_text().strip()), signal.SIGTERM)
            # Stopped once: never a signal to whatever gets the number next.
            pid_file.unlink(missing_ok=True)


@pytest.fixture
def ups(tmp_path: Path) -> Iterator[DummyUps]:
    """A real upsd with the dummy UPS `hall` on mains (`OL`)."""
    if not (UPSD.exists() and DUMMY_UPS.exists()):
        pytest.fail("power tests need NUT: apt-get install nut-server nut-client")
    the_ups = DummyUps(tmp_path / "nut")
    the_ups.start()
    yield the_ups
    the_ups.stop()
