"""Heavy oversight reads (reports, the dashboard's figures, the audit check) in a process of
their own, so the loop that serves the hall never waits for them.

`satupintu serve` runs on one gevent loop: a report computed there would stop every kiosk,
console and board until it returned, and computed in a thread it would still share the
interpreter's lock with them. So the server hands these reads to one worker process (started
on first use, restarted if it dies) over a pipe, and waits for the answer cooperatively. The
worker opens the station's database read-mostly and computes with the server's own "now".
Tests and commands run the same calls in-process (`InlineReads`).

`satupintu serve` forks its worker early (`WorkerReads.fork`), once the common libraries are
imported and before anything else happens, so both processes share those pages; the report
library is imported by the worker alone. A worker that died is replaced by a fresh interpreter
(`python -m satupintu.worker`): forking a server that is already serving would hand the child
its sockets and greenlets. Either way the worker calls itself `satupintu-reads` in `ps`.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import logging
import os
import pickle
import signal
import socket
import subprocess
import sys
import threading
from datetime import datetime
from typing import TYPE_CHECKING, Any, BinaryIO, Protocol

from shared.domain.clock import ManualClock
from shared.domain.config import Config
from shared.domain.errors import SatuPintuError, Unavailable
from shared.operations.memory import return_free_memory_to_the_system
from shared.operations.pipes import read_value, write_value

if TYPE_CHECKING:
    from shared.application.station import Station

logger = logging.getLogger(__name__)

PROCESS_NAME = b"satupintu-reads"  # at most 15 bytes: the kernel's limit for a thread's name
PR_SET_NAME = 15  # from linux/prctl.h


class Reads(Protocol):
    def run(self, call: str, now: datetime, *args: Any) -> Any:
        """The result of one of `satupintu.reads.CALLS`, computed as of `now` (the server's
        time)."""
        ...


class InlineReads:
    """The calls in this process, on the station itself (tests, commands)."""

    def __init__(self, station: Station) -> None:
        self.station = station

    def run(self, call: str, now: datetime, *args: Any) -> Any:
        from satupintu.reads import CALLS

        return CALLS[call](self.station, *args)


class WorkerReads:
    """The calls in a worker process, one at a time; the caller's greenlet waits on the pipe."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self._lock = threading.Lock()
        self._process: subprocess.Popen[bytes] | ForkedWorker | None = None
        self._fresh = False  # the worker still waits for its config

    def run(self, call: str, now: datetime, *args: Any) -> Any:
        with self._lock:
            for attempt in range(2):
                try:
                    process = self._started()
                    assert process.stdin is not None
                    assert process.stdout is not None
                    write_value(process.stdin, (call, now, args))
                    outcome, value = read_value(process.stdout)
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

    def fork(self) -> None:
        """Fork the worker from this process now: call it before the app opens the database
        and before any greenlet runs. It opens the station once `start` hands it the config."""
        with self._lock:
            self._process = ForkedWorker()
            self._fresh = True

    def _started(self) -> subprocess.Popen[bytes] | ForkedWorker:
        if self._process is None or self._process.poll() is not None:
            self._process = subprocess.Popen(
                [sys.executable, "-m", "satupintu.worker"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
            )
            self._fresh = True
        if self._fresh:
            assert self._process.stdin is not None
            write_value(self._process.stdin, self.config)
            self._fresh = False
        return self._process

    def _stop(self) -> None:
        if self._process is not None:
            self._process.kill()
            self._process.wait()
            self._process = None


class ForkedWorker:
    """The worker as a fork of this process, with the part of `Popen` that WorkerReads uses."""

    def __init__(self) -> None:
        ours, theirs = socket.socketpair()
        gc.freeze()  # the collector would otherwise write to (so copy) every shared page
        pid = os.fork()
        if pid == 0:
            ours.close()
            _run_forked(theirs)
        theirs.close()
        self.pid = pid
        self.stdin = self.stdout = ours.makefile("rwb")
        self._socket = ours
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def kill(self) -> None:
        if self.poll() is None:
            os.kill(self.pid, signal.SIGKILL)

    def wait(self) -> int:
        if self.returncode is None:
            _, status = os.waitpid(self.pid, 0)
            self.returncode = os.waitstatus_to_exitcode(status)
        with contextlib.suppress(OSError):  # what a dead worker left unread cannot be flushed
            self.stdin.close()
        self._socket.close()
        return self.returncode


def _run_forked(connection: socket.socket) -> None:
    """In the forked child: serve reads until the server closes the pipe, then end at once
    (never returning into the server's code)."""
    code = 0
    try:
        name_process()
        stream = connection.makefile("rwb")
        serve_reads(stream, stream)
    except BaseException:
        logger.exception("the reads worker stopped")
        code = 1
    finally:
        os._exit(code)


def name_process() -> None:
    """Call this process `satupintu-reads` in ps and top (Linux; elsewhere nothing happens)."""
    prctl = getattr(ctypes.CDLL(None), "prctl", None)
    if prctl is not None:
        prctl(PR_SET_NAME, PROCESS_NAME, 0, 0, 0)


def serve_reads(requests: BinaryIO, answers: BinaryIO) -> None:
    """The worker's loop: a config, then (call, now, args) requests until the pipe closes."""
    from satupintu.opening import open_station
    from satupintu.reads import CALLS

    config: Config = read_value(requests)
    clock = ManualClock(datetime.now().astimezone())
    station = open_station(config, clock=clock)
    while True:
        try:
            call, now, args = read_value(requests)
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
        write_value(answers, answer)
        return_free_memory_to_the_system()  # a report's working memory


if __name__ == "__main__":
    name_process()
    serve_reads(sys.stdin.buffer, sys.stdout.buffer)
