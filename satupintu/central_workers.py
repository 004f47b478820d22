"""`central serve --workers N`: the central server as N processes sharing one listening socket.

Each worker is a whole central server (its own gevent loop, app and pool of PostgreSQL
connections): checking a batch (decoding it, checking every field and recomputing every hash)
and building a report are Python on one core, so one process would make eight shipping
stations wait on one core while the others idle. Every state the workers share is in
PostgreSQL (a station's copy is locked row by row for each batch; sessions, kept reports), so
any worker can take any request; the kernel hands each new connection to a worker that is
waiting for one.

The first process opens the socket, forks the workers and keeps them running: one that dies
is started again. Stopping it (SIGTERM, SIGINT) stops them all. The workers are forked before
any of them connects to PostgreSQL, so no connection is ever shared between processes.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import sys
from collections.abc import Callable
from types import FrameType
from typing import Any

from satupintu.server import HallServer, raise_open_file_limit
from shared.application.clientaddress import TrustedProxies
from shared.domain.config import Limits
from shared.operations.memory import settle_garbage_collector

logger = logging.getLogger(__name__)

BACKLOG = 1024


def listening_socket(host: str, port: int) -> socket.socket:
    """The socket every worker accepts connections on."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listener = socket.socket(family, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((host, port))
    listener.listen(BACKLOG)
    return listener


def _serve(
    listener: socket.socket,
    make_app: Callable[[], Any],
    limits: Limits,
    proxies: TrustedProxies,
) -> None:
    """One worker: its own app (and database connections) on the shared socket, until stopped.
    What start-up built is exempt from garbage collection: a batch's thousands of objects made
    full collections scan it all again and again, a third of the worker's time."""
    app = make_app()
    settle_garbage_collector()
    server = HallServer(listener, app, limits=limits, proxies=proxies)  # type: ignore[arg-type]
    server.serve_forever()


def serve_workers(
    make_app: Callable[[], Any],
    host: str,
    port: int,
    workers: int,
    *,
    limits: Limits,
    proxies: TrustedProxies,
) -> None:
    """Serve on `host:port` with `workers` processes (one: this process serves alone)."""
    raise_open_file_limit()
    listener = listening_socket(host, port)
    if workers <= 1:
        _serve(listener, make_app, limits, proxies)
        return
    running: dict[int, int] = {}  # pid → worker number
    stopping = False

    def start(number: int) -> None:
        pid = os.fork()
        if pid == 0:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            try:
                _serve(listener, make_app, limits, proxies)
            finally:
                os._exit(1)
        running[pid] = number

    def stop(signum: int, _frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True
        for pid in list(running):
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                running.pop(pid, None)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for number in range(workers):
        start(number)
    logger.info("serving on %s:%d with %d workers", host, port, workers)
    while running:
        try:
            pid, status = os.waitpid(-1, 0)
        except ChildProcessError:
            break
        except InterruptedError:
            continue
        number = running.pop(pid, None)
        if number is not None and not stopping:
            logger.warning("central worker %d (pid %d) ended (%d); starting it again",
                           number, pid, status)  # fmt: skip
            start(number)
    sys.exit(0)
