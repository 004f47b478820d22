"""Heavy oversight reads (reports, the dashboard's figures, the audit check) in a process of
their own, so the loop that serves the hall never waits for them.

`satupintu serve` runs on one gevent loop: a report computed there would stop every kiosk,
console and board until it returned, and computed in a thread it would still share the
interpreter's lock with them. So the server hands these reads to one worker process (started
on first use, restarted if it dies) over a pipe, and waits for the answer cooperatively. The
worker opens the station's database read-mostly and computes with the server's own "now".
Tests and commands run the same calls in-process (`InlineReads`).
"""

from __future__ import annotations

import logging
import pickle
import struct
import subprocess
import sys
import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any, BinaryIO, Protocol

from satupintu.opening import open_station
from shared.application import audit, propam
from shared.application.reporting import evidence, reports, scorecard, scorecard_pdf
from shared.application.reporting.skm_pdf import skm_document
from shared.application.station import Station
from shared.domain.clock import ManualClock
from shared.domain.config import Config
from shared.domain.errors import SatuPintuError, Unavailable

logger = logging.getLogger(__name__)

FRAME = struct.Struct(">Q")


def _report(station: Station, first: str, last: str, language: str) -> dict[str, Any]:
    period = reports.Period.parse(first, last, None, station.today())
    return reports.build_report(reports.station_source(station), period, language)


def _dashboard(station: Station) -> dict[str, Any]:
    source = reports.station_source(station)
    return {"figures": reports.dashboard_figures(source), "shift": reports.handover(source)}


def _handover(station: Station, previous: bool) -> dict[str, Any]:
    return reports.handover(reports.station_source(station), previous)


def _audit(station: Station) -> audit.Verdict:
    return audit.check_recent(station)


CALLS: dict[str, Callable[..., Any]] = {
    "report": _report,
    "skm_pdf": skm_document,
    "scorecard": scorecard.of_station,
    "scorecard_pdf": scorecard_pdf.document,
    "evidence": evidence.bundle,
    "dashboard": _dashboard,
    "handover": _handover,
    "audit": _audit,
    "propam": propam.overview,
}


class Reads(Protocol):
    def run(self, call: str, now: datetime, *args: Any) -> Any:
        """The result of one of CALLS, computed as of `now` (the server's time)."""
        ...


class InlineReads:
    """The calls in this process, on the station itself (tests, commands)."""

    def __init__(self, station: Station) -> None:
        self.station = station

    def run(self, call: str, now: datetime, *args: Any) -> Any:
        return CALLS[call](self.station, *args)


def _write(stream: BinaryIO, value: Any) -> None:
    data = pickle.dumps(value)
    stream.write(FRAME.pack(len(data)) + data)
    stream.flush()


def _read(stream: BinaryIO) -> Any:
    header = stream.read(FRAME.size)
    if len(header) < FRAME.size:
        raise EOFError("the other side closed the pipe")
    (size,) = FRAME.unpack(header)
    return pickle.loads(stream.read(size))  # noqa: S301 (trusted: see the import)


class WorkerReads:
    """The calls in a worker process, one at a time; the caller's greenlet waits on the pipe."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self._lock = threading.Lock()
        self._process: subprocess.Popen[bytes] | None = None

    def run(self, call: str, now: datetime, *args: Any) -> Any:
        with self._lock:
            for attempt in range(2):
                try:
                    process = self._started()
                    assert process.stdin is not None
                    assert process.stdout is not None
                    _write(process.stdin, (call, now, args))
                    outcome, value = _read(process.stdout)
                    break
                except (EOFError, OSError, pickle.PickleError):
                    logger.warning("the reads worker stopped; starting it again")
                    self._stop()
                    if attempt:
                        raise Unavailable("error.storage", detail="the reads worker") from None
        if outcome == "error":
            raise value
        if outcome == "crash":
            raise RuntimeError(f"the reads worker failed: {value}")
        return value

    def start(self) -> None:
        """Start the worker now (the server does before it serves, so that the worker's
        start-up never competes with the hall's traffic)."""
        with self._lock:
            self._started()

    def _started(self) -> subprocess.Popen[bytes]:
        if self._process is None or self._process.poll() is not None:
            self._process = subprocess.Popen(
                [sys.executable, "-m", "satupintu.worker"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
            )
            assert self._process.stdin is not None
            _write(self._process.stdin, self.config)
        return self._process

    def _stop(self) -> None:
        if self._process is not None:
            self._process.kill()
            self._process.wait()
            self._process = None


def serve_reads(requests: BinaryIO, answers: BinaryIO) -> None:
    """The worker's loop: a config, then (call, now, args) requests until the pipe closes."""
    config: Config = _read(requests)
    clock = ManualClock(datetime.now().astimezone())
    station = open_station(config, clock=clock)
    while True:
        try:
            call, now, args = _read(requests)
        except EOFError:
            return
        clock.set(now)
        station.time.accept()  # the server's time is the one to use, jump or no jump
        try:
            answer: tuple[str, Any] = ("ok", CALLS[call](station, *args))
        except SatuPintuError as error:
            answer = ("error", error)
        except Exception as error:  # a bug: report it to the server, keep serving
            logger.exception("a %s read failed", call)
            answer = ("crash", repr(error))
        _write(answers, answer)


if __name__ == "__main__":
    serve_reads(sys.stdin.buffer, sys.stdout.buffer)
