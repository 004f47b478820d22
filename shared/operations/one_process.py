"""Background tasks only one of the station's server processes runs (shipping, sending SMS): a
lock file beside the database, taken over by another process when its holder stops."""

from __future__ import annotations

import fcntl
import os
import time

from shared.application.station import Station


def become_the_one(station: Station, task: str, retry_seconds: float) -> None:
    """Return once this process holds the `task`'s lock (kept until the process ends)."""
    database = station.config.database_path
    descriptor = os.open(
        database.with_name(f"{database.name}.{task}"), os.O_RDWR | os.O_CREAT, 0o600
    )
    while True:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            time.sleep(retry_seconds)  # another process runs it; take over if it stops
