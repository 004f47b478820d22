"""Many stations' reports built at once, in a pool of processes, from one snapshot of the copy.

A cross-station report is one independent report per station (Python, on one core) plus the
comparison. The reports a request has to build (not kept, see `central.kept`) are spread over
`Builders`: one process per core, started on first use, each with its own PostgreSQL
connection. The request's snapshot is exported (`pg_export_snapshot()`) and every builder
reads in that very snapshot (`SET TRANSACTION SNAPSHOT`), so the reports are what one
consistent read would give. The caller waits on the pipes (cooperatively, under gevent); a
builder found stopped is started again. A builder's own loop is
`central.builder_process`.
"""

from __future__ import annotations

import logging
import os
import pickle
import subprocess
import sys
import threading
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from shared.domain.errors import Unavailable
from shared.operations.pipes import read_value, write_value

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    """One station's report to build: its period, language (None: the station's) and now."""

    station: str
    first: date
    last: date
    language: str | None
    now: datetime


class Builders:
    """A pool of report-building processes on one database."""

    def __init__(self, url: str, size: int | None = None) -> None:
        self.url = url
        self.size = size or os.cpu_count() or 1
        self._processes: list[subprocess.Popen[bytes] | None] = [None] * self.size
        self._lock = threading.Lock()

    def build(self, snapshot: str, jobs: list[Job]) -> list[dict[str, Any]]:
        """The reports of `jobs` (without their audit sections), in order, built in the
        exported `snapshot`."""
        with self._lock:  # one request's jobs at a time: each has every builder
            shares = [jobs[index :: self.size] for index in range(self.size)]
            answers: list[list[Any]] = [[] for _ in shares]
            errors: list[BaseException] = []

            def run(index: int) -> None:
                try:
                    answers[index] = self._run(index, snapshot, shares[index])
                except BaseException as error:  # handed to the caller
                    errors.append(error)

            threads = [
                threading.Thread(target=run, args=(index,))
                for index, share in enumerate(shares)
                if share
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        if errors:
            raise errors[0]
        built: list[dict[str, Any]] = [{}] * len(jobs)
        for index, found in enumerate(answers):
            built[index :: self.size] = found
        return built

    def _run(self, index: int, snapshot: str, share: list[Job]) -> list[Any]:
        """Builder `index`'s answers to its share; a builder found stopped is started again
        and given the share once more."""
        for attempt in range(2):
            process = self._started(index)
            assert process.stdin is not None
            assert process.stdout is not None
            try:
                outcomes = []
                for job in share:  # one at a time: written all first, both pipes could fill
                    write_value(process.stdin, (snapshot, job))
                    outcomes.append(read_value(process.stdout))
                break
            except (EOFError, OSError, pickle.PickleError):
                logger.warning("report builder %d stopped; starting it again", index)
                process.kill()
                process.wait()
                self._processes[index] = None
                if attempt:
                    raise Unavailable("error.storage", detail="a report builder stopped") from None
        reports = []
        for outcome, value in outcomes:
            if outcome == "error":
                raise value
            if outcome == "crash":
                raise RuntimeError(f"a report builder failed: {value}")
            reports.append(value)
        return reports

    def _started(self, index: int) -> subprocess.Popen[bytes]:
        process = self._processes[index]
        if process is None or process.poll() is not None:
            process = subprocess.Popen(
                [sys.executable, "-m", "central.builder_process"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
            )
            assert process.stdin is not None
            write_value(process.stdin, self.url)
            self._processes[index] = process
        return process

    def close(self) -> None:
        for index, process in enumerate(self._processes):
            if process is not None:
                process.kill()
                process.wait()
                self._processes[index] = None
