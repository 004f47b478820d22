"""python-escpos's printer profiles, parsed once per user rather than once per process.

At import python-escpos parses its capabilities file (about 0.1 s) and caches the result as a
pickle in ESCPOS_CAPABILITIES_PICKLE_DIR, by default a new temporary folder per process: every
start, `satupintu` command and worker paid the parse again and left a folder in /tmp. Here the
cache is the user's own (`~/.cache/satupintu/escpos`, which only that user may write: a pickle
is code), the first parse happens under a lock so that no process reads a half-written pickle,
and a cache that cannot be read back (a process killed while writing it) is thrown away. Once
the cache is written, python-escpos loads when something prints, not at every start (its
profiles take 5 MiB).
"""

from __future__ import annotations

import fcntl
import importlib
import os
import pickle
import platform
import stat
from pathlib import Path

PICKLE_DIR_ENV = "ESCPOS_CAPABILITIES_PICKLE_DIR"


def _private_folder() -> Path | None:
    """The user's cache folder for the profiles, or None where there is no safe one."""
    try:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
        folder = base / "satupintu" / "escpos"
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = folder.stat()
    except (OSError, RuntimeError, KeyError):
        return None  # no home, or it is read-only: python-escpos's own temporary folder
    if info.st_uid != os.getuid() or info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return None
    return folder


def load_escpos_profiles() -> None:
    """Import python-escpos's profiles from the user's cache (unless the caller chose a folder)."""
    if PICKLE_DIR_ENV in os.environ or (folder := _private_folder()) is None:
        return
    os.environ[PICKLE_DIR_ENV] = str(folder)
    with (folder / "lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        for cached in folder.glob("*.pickle"):
            try:
                with cached.open("rb") as handle:
                    pickle.load(handle)  # noqa: S301 (written by this user, in a folder only it writes)
            except Exception:  # truncated or corrupt: parse the profiles again
                cached.unlink(missing_ok=True)
        if not (folder / f"{platform.python_version()}.capabilities.pickle").exists():
            importlib.import_module("escpos.capabilities")  # parses and writes the cache
