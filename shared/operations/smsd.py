"""gammu-smsd's `files` spool, as the station uses it: hand a message over, learn its outcome,
read what citizens sent back, tell whether the daemon runs.

- Handing over is `gammu-smsd-inject -c <config> TEXT <number> -text <text>` (the daemon's own
  tool, so the outbox file is in the format the daemon reads); it answers with the name of the
  outbox file, which the daemon moves to the sent folder once the modem took the message, or
  to the error folder when it failed. The station keeps only a digest of that name (the name
  holds the number), and finds the outcome by the same digest.
- Received messages are `IN<date>_<time>_<serial>_<number>_<part>.txt` in the inbox, holding
  the text (8-bit, or UTF-16 with its byte-order mark); each is removed once read.
- The spool's sent and error files hold numbers too: they are removed at the day's close
  (`forget_before`).
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import subprocess
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Literal

from shared.domain.config import Config
from shared.domain.smsd_config import SmsdFolders, read_smsd_config

logger = logging.getLogger(__name__)

INJECT_TIMEOUT_SECONDS = 15.0
_WRITTEN = re.compile(r"Written message with ID (?P<path>\S+)")
_INBOX = re.compile(r"^IN\d{8}_\d{6}_\d+_(?P<sender>[^_]*)_\d+\.txt$")

Outcome = Literal["sent", "error"]


class HandOverFailed(Exception):
    """The message could not be put in the daemon's outbox; str() says why (no number)."""


@dataclass(frozen=True)
class Received:
    """A message from a citizen, as the daemon wrote it to its inbox."""

    path: Path
    sender: str
    text: str


def digest(name: str) -> str:
    """What the station keeps of a spool file's name (the name itself carries the number)."""
    return hashlib.sha256(name.encode()).hexdigest()[:32]


class Smsd:
    """The daemon's spool and pid file."""

    def __init__(self, folders: SmsdFolders, inject: str, pid_file: Path | None) -> None:
        self.folders = folders
        self.inject = inject
        self.pid_file = pid_file

    def hand_over(self, number: str, text: str) -> str:
        """Put one SMS in the outbox; the digest of its spool file's name."""
        command = [self.inject, "-c", str(self.folders.config), "TEXT", number, "-text", text]
        try:
            done = subprocess.run(  # noqa: S603 (our command, no shell)
                command, capture_output=True, text=True, timeout=INJECT_TIMEOUT_SECONDS
            )
        except (OSError, subprocess.TimeoutExpired) as error:
            raise HandOverFailed(f"{self.inject} did not run: {type(error).__name__}") from None
        found = _WRITTEN.search(done.stdout)
        if done.returncode != 0 or found is None:
            raise HandOverFailed(f"{self.inject} refused the message (exit {done.returncode})")
        return digest(Path(found["path"]).name)

    def outcomes(self) -> dict[str, Outcome]:
        """The digests of the files in the sent and error folders, with which it is."""
        found: dict[str, Outcome] = {}
        for folder, outcome in ((self.folders.sent, "sent"), (self.folders.error, "error")):
            for name in _names(folder):
                found[digest(name)] = outcome
        return found

    def waiting_in_outbox(self) -> int:
        """Messages the daemon has not taken from its outbox yet."""
        return len(_names(self.folders.outbox))

    def received(self) -> list[Received]:
        """What citizens sent, oldest first (a message's parts joined)."""
        messages = []
        for name in sorted(_names(self.folders.inbox)):
            matched = _INBOX.match(name)
            if matched is None:
                continue
            path = self.folders.inbox / name
            try:
                raw = path.read_bytes()
            except OSError:
                continue
            messages.append(Received(path, matched["sender"], _decode(raw)))
        return messages

    def remove(self, received: Received) -> None:
        """A received message, once read (its name and text may hold personal data)."""
        try:
            received.path.unlink()
        except OSError as error:
            logger.warning("could not remove a read SMS from the inbox: %s", error.strerror)

    def running(self) -> bool | None:
        """Whether the daemon of `sms.pid_file` runs (None: no pid file configured)."""
        if self.pid_file is None:
            return None
        try:
            pid = int(self.pid_file.read_text(encoding="ascii").strip())
            os.kill(pid, 0)
        except PermissionError:
            return True  # it runs, as another user (the daemon is often root's)
        except (OSError, ValueError):
            return False
        return True

    def forget_before(self, instant: datetime) -> int:
        """Remove the sent and error files (and unread replies) older than `instant`."""
        removed = 0
        limit = instant.timestamp()
        for folder in (self.folders.sent, self.folders.error, self.folders.inbox):
            for name in _names(folder):
                path = folder / name
                try:
                    if path.stat().st_mtime < limit:
                        path.unlink()
                        removed += 1
                except OSError:
                    continue
        return removed


def _names(folder: Path) -> list[str]:
    try:
        return [entry.name for entry in os.scandir(folder) if entry.is_file()]
    except OSError:
        return []


def _decode(raw: bytes) -> str:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16", errors="replace")
    return raw.decode("utf-8", errors="replace")


def smsd_for(config: Config) -> Smsd | None:
    """The daemon of config `sms:` (None: the station sends no SMS)."""
    if config.sms is None:
        return None
    folders = read_smsd_config(config.resolve(config.sms.gammu_config))
    pid_file = config.resolve(config.sms.pid_file) if config.sms.pid_file else None
    return Smsd(folders, config.sms.inject_command, pid_file)
