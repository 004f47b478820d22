"""A real gammu-smsd with Gammu's dummy phone in a temporary folder, for the SMS tests.

The dummy phone "sends" what the daemon takes from its outbox (the daemon moves each file to
its sent folder, where `sent_messages` reads number and text back); `receive` drops a message
into the dummy phone's inbox folder, which the daemon then writes to its own inbox as a
received SMS. See ../shared/FIELD-NOTES.md.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from itertools import count
from pathlib import Path

SMSD_CONFIG = """[gammu]
connection = none
model = dummy
device = {root}/phone/

[smsd]
service = files
inboxpath = {root}/inbox/
outboxpath = {root}/outbox/
sentsmspath = {root}/sent/
errorsmspath = {root}/error/
checksecurity = 0
checkbattery = 0
checksignal = 0
commtimeout = 1
receivefrequency = 1
loopsleep = 1
logfile = {root}/smsd.log
"""


@dataclass(frozen=True)
class Sent:
    number: str
    text: str


class Smsd:
    """A gammu-smsd daemon over the dummy phone, in `root`."""

    def __init__(self, root: Path) -> None:
        self.root = root
        for folder in ("phone/sms/1", "inbox", "outbox", "sent", "error"):
            (root / folder).mkdir(parents=True, exist_ok=True)
        self.config = root / "smsdrc"
        self.config.write_text(SMSD_CONFIG.format(root=root), encoding="utf-8")
        self.pid_file = root / "smsd.pid"
        self._received = count(1)

    def start(self) -> None:
        subprocess.run(
            ["gammu-smsd", "-c", str(self.config), "-d", "-p", str(self.pid_file)],
            check=True,
            timeout=10,
        )
        wait_until(self.pid_file.exists, "gammu-smsd wrote no pid file")

    def stop(self) -> None:
        try:
            pid = int(self.pid_file.read_text().strip())
        except (OSError, ValueError):
            return
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        wait_until(lambda: not _alive(pid), "gammu-smsd did not stop")

    def sent_messages(self) -> list[Sent]:
        """What the dummy phone sent, in the order the daemon sent it."""
        found = []
        for path in sorted((self.root / "sent").iterdir(), key=lambda p: p.stat().st_mtime_ns):
            found.append(_backup_message(path.read_text(encoding="utf-8", errors="replace")))
        return found

    def outbox(self) -> list[str]:
        return sorted(path.name for path in (self.root / "outbox").iterdir())

    def all_read(self) -> bool:
        """Every message the phone received was taken by the daemon and read by the server."""
        phone = list((self.root / "phone" / "sms" / "1").iterdir())
        return not phone and not list((self.root / "inbox").iterdir())

    def receive(self, sender: str, text: str) -> None:
        """A citizen's SMS arrives at the modem."""
        body = text.encode("utf-16-be").hex().upper()
        (self.root / "phone" / "sms" / "1" / str(next(self._received))).write_text(
            "[SMSBackup000]\n"
            'SMSC = "+6281100000"\n'
            "State = UnRead\n"
            f'Number = "{sender}"\n'
            "Coding = Default_No_Compression\n"
            "Folder = 1\n"
            f"Length = {len(text)}\n"
            f"Text00 = {body}\n"
            "PDU = Deliver\n"
            "DateTime = 20261206T100000\n",
            encoding="utf-8",
        )


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _backup_message(content: str) -> Sent:
    """The number and text of a Gammu backup file's first message."""
    block = content.split("[SMSBackup000]")[1]
    fields: dict[str, str] = {}
    for line in block.splitlines():
        key, sep, value = line.partition(" = ")
        if sep and key not in fields:
            fields[key.strip()] = value.strip()
    hex_text = "".join(value for key, value in sorted(fields.items()) if key.startswith("Text"))
    return Sent(fields["Number"].strip('"'), bytes.fromhex(hex_text).decode("utf-16-be"))


def wait_until(ready: Callable[[], object], failure: str, timeout: float = 30.0) -> None:
    """Wait for something the daemon or the server does in the background."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if ready():
            return
        time.sleep(0.1)
    raise AssertionError(failure)
