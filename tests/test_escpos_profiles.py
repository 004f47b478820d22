"""python-escpos's profiles are parsed once into the user's own cache, and a cache left
half-written by a killed process never stops the next start."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.external

PROBE = "import satupintu, escpos.capabilities as c; print(c.pickle_dir, len(c.CAPABILITIES))"


def start(cache: Path) -> tuple[str, int]:
    env = {**os.environ, "XDG_CACHE_HOME": str(cache)}
    env.pop("ESCPOS_CAPABILITIES_PICKLE_DIR", None)
    done = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, check=True
    )
    folder, entries = done.stdout.split()
    return folder, int(entries)


def test_the_profiles_are_cached_in_the_users_folder_and_a_truncated_cache_is_rebuilt(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "satupintu" / "escpos"
    parsed = start(tmp_path)
    assert parsed[0] == str(folder)
    assert start(tmp_path) == parsed  # the second start reads the same profiles back
    [cached] = folder.glob("*.pickle")
    assert folder.stat().st_mode & 0o077 == 0  # only its user may plant a pickle there
    cached.write_bytes(cached.read_bytes()[:100])  # a process killed while writing it
    assert start(tmp_path)[0] == str(folder)
    assert cached.stat().st_size > 100


def test_a_folder_others_may_write_is_not_trusted(tmp_path: Path) -> None:
    folder = tmp_path / "satupintu" / "escpos"
    folder.mkdir(parents=True)
    folder.chmod(0o777)
    used, entries = start(tmp_path)
    assert used != str(folder) and entries > 0
    assert not list(folder.glob("*.pickle"))
