"""python-escpos's printer profiles, parsed once per installation rather than once per process.

At import python-escpos parses its capabilities file (about 0.1 s) and caches the result as a
pickle in ESCPOS_CAPABILITIES_PICKLE_DIR, by default a new temporary folder per process: every
start, `satupintu` command and worker paid the parse again and left a folder in /tmp. Here the
cache is the user's own (`~/.cache/satupintu/escpos`, which only that user may write: a pickle
is code), with a folder for each capabilities file (its path, size and time), so that a second
installation never rewrites the pickle another one reads: python-escpos rewrites it whenever
the file it was parsed from is newer. A pickle is written only where there is none, under a
lock, by the first start; one that cannot be read back (a process killed while writing it) is
thrown away then. Once it is written, python-escpos loads when something prints, not at every
start (its profiles take 5 MiB).
"""

from __future__ import annotations

import fcntl
import hashlib
import importlib
import os
import pickle
import platform
import stat
from importlib.util import find_spec
from pathlib import Path

PICKLE_DIR_ENV = "ESCPOS_CAPABILITIES_PICKLE_DIR"
CAPABILITIES_ENV = "ESCPOS_CAPABILITIES_FILE"


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


def _installation_folder(cache: Path) -> Path | None:
    """The folder in `cache` for the capabilities file python-escpos will parse."""
    spec = find_spec("escpos")
    if spec is None or spec.origin is None:
        return None
    source = os.environ.get(CAPABILITIES_ENV) or str(
        Path(spec.origin).with_name("capabilities.json")
    )
    try:
        info = os.stat(source)
    except OSError:
        return None
    key = hashlib.sha256(f"{source}\0{info.st_size}\0{info.st_mtime_ns}".encode()).hexdigest()
    folder = cache / key[:16]
    folder.mkdir(mode=0o700, exist_ok=True)
    return folder


def load_escpos_profiles() -> None:
    """Point python-escpos at this installation's cache, writing the cache if there is none
    (unless the caller chose a folder of its own)."""
    cache = _private_folder()
    chosen = os.environ.get(PICKLE_DIR_ENV)
    if cache is None or (chosen is not None and not Path(chosen).is_relative_to(cache)):
        return  # a folder inherited from a parent of this user is chosen again, for this install
    with (cache / "lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        folder = _installation_folder(cache)
        if folder is None:
            return
        os.environ[PICKLE_DIR_ENV] = str(folder)
        for cached in folder.glob("*.pickle"):
            try:
                with cached.open("rb") as handle:
                    pickle.load(handle)  # noqa: S301 (written by this user, in a folder only it writes)
            except Exception:  # truncated or corrupt: parse the profiles again
                cached.unlink(missing_ok=True)
        if not (folder / f"{platform.python_version()}.capabilities.pickle").exists():
            importlib.import_module("escpos.capabilities")  # parses and writes the cache
