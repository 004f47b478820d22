"""python-escpos's profiles are parsed once into the user's own cache (a folder per
installation), and a cache left half-written by a killed process never stops the next start."""

from __future__ import annotations

import os
import subprocess
import sys
from importlib.util import find_spec
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
    assert Path(parsed[0]).parent == folder  # a folder for this installation's profiles
    assert start(tmp_path) == parsed  # the second start reads the same profiles back
    [cached] = Path(parsed[0]).glob("*.pickle")
    assert folder.stat().st_mode & 0o077 == 0  # only its user may plant a pickle there
    cached.write_bytes(cached.read_bytes()[:100])  # a process killed while writing it
    assert start(tmp_path)[0] == parsed[0]
    assert cached.stat().st_size > 100


def test_a_folder_others_may_write_is_not_trusted(tmp_path: Path) -> None:
    folder = tmp_path / "satupintu" / "escpos"
    folder.mkdir(parents=True)
    folder.chmod(0o777)
    used, entries = start(tmp_path)
    assert not Path(used).is_relative_to(folder) and entries > 0
    assert not list(folder.rglob("*.pickle"))


def test_processes_sharing_the_cache_never_read_it_half_written(tmp_path: Path) -> None:
    """Servers of another installation (whose capabilities file is newer, which makes
    python-escpos rewrite a pickle) start beside this one's, all of them children that inherit
    the cache folder: none reads a pickle while another writes it, and this installation's
    pickle is never rewritten."""
    folder = tmp_path / "satupintu" / "escpos"
    [ours] = Path(start(tmp_path)[0]).glob("*.pickle")
    written = ours.stat().st_mtime_ns
    newer = tmp_path / "capabilities.json"
    newer.write_bytes(Path(find_spec("escpos").origin).with_name("capabilities.json").read_bytes())
    os.utime(newer, (2**33, 2**33))  # always newer than the pickle: every import rewrites it
    env = {
        **os.environ,
        "XDG_CACHE_HOME": str(tmp_path),
        "ESCPOS_CAPABILITIES_PICKLE_DIR": str(folder),
    }
    writer = {**env, "ESCPOS_CAPABILITIES_FILE": str(newer)}
    children = [
        subprocess.Popen(
            [sys.executable, "-c", PROBE],
            env=writer if n % 2 else env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for n in range(16)
    ]
    failures = [child.stderr.read() for child in children if child.wait() != 0]
    assert failures == []
    assert ours.stat().st_mtime_ns == written  # the other installation's pickle is its own
