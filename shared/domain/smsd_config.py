"""gammu-smsd's config file as far as Satu Pintu needs it: the `files` service's four folders.

The daemon is configured by its own INI file (`[gammu]` for the modem, `[smsd]` for the
daemon); the station reads the spool folders from it, so the two can never disagree.
"""

from __future__ import annotations

import configparser
from dataclasses import dataclass
from pathlib import Path

FOLDER_KEYS = ("inboxpath", "outboxpath", "sentsmspath", "errorsmspath")


class SmsdConfigError(Exception):
    """A gammu-smsd config the station cannot use; str() says why in one line."""


@dataclass(frozen=True)
class SmsdFolders:
    """The daemon's spool: it reads `outbox`, moves what it sent to `sent` (or what failed to
    `error`) and writes received messages to `inbox`."""

    config: Path
    inbox: Path
    outbox: Path
    sent: Path
    error: Path


def read_smsd_config(path: Path) -> SmsdFolders:
    """The spool folders of a gammu-smsd config that uses the `files` service."""
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    try:
        found = parser.read(path, encoding="utf-8")
    except (configparser.Error, UnicodeDecodeError) as error:
        raise SmsdConfigError(f"{path} is not a gammu-smsd config ({error})") from None
    if not found:
        raise SmsdConfigError(f"no such file {str(path)!r}")
    if not parser.has_section("smsd"):
        raise SmsdConfigError(f"{path} has no [smsd] section")
    smsd = parser["smsd"]
    if smsd.get("service", "").strip().lower() != "files":
        raise SmsdConfigError(f"{path} must use the files service ([smsd] service = files)")
    folders = {}
    for key in FOLDER_KEYS:
        value = smsd.get(key, "").strip()
        if not value:
            raise SmsdConfigError(f"{path} must set {key} in [smsd]")
        if not Path(value).is_absolute():
            raise SmsdConfigError(f"{path}: {key} must be an absolute path (the daemon's own)")
        folders[key] = Path(value)
    return SmsdFolders(
        config=path,
        inbox=folders["inboxpath"],
        outbox=folders["outboxpath"],
        sent=folders["sentsmspath"],
        error=folders["errorsmspath"],
    )
