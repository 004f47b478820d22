"""The HTTP server `satupintu serve` runs: gevent's pywsgi, hardened for the hall's Wi-Fi.

- `TCP_NODELAY` on every accepted connection: pywsgi writes a response's headers and body in
  two sends, and without it Nagle's algorithm holds the body until the client's delayed ACK
  (about 40 ms on every kept-alive request).
- One deadline for a request's line, headers and body (`limits.request_seconds`): a client
  that sends half a request, a body a byte at a time, or leaves a kept-alive connection idle
  is closed. The body (at most `limits.max_request_kb`) is read in full before the
  application sees it, so the deadline never fires inside the application. After that a
  socket timeout (longer than Socket.IO's ping interval, so live connections stay open).
- At most `limits.connections_per_address` open connections per client address (a trusted
  reverse proxy carries everyone's and is not counted), and the process's file-descriptor
  limit raised to its hard limit, so idle connections cannot take the hall offline.
- The address the client reached the server at is put in the WSGI environment
  (`satupintu.local_address`), so links printed in QR codes never come from a `Host` header.
"""

from __future__ import annotations

import functools
import io
import logging
import resource
import socket
from collections import Counter
from collections.abc import Callable
from typing import Any

import gevent
from gevent import pywsgi

from shared.application.clientaddress import TrustedProxies
from shared.domain.config import Limits
from shared.web.web import LOCAL_ADDRESS

logger = logging.getLogger(__name__)

IDLE_SECONDS = 60.0  # Socket.IO pings every 25 s and gives 20 s more for the answer


class ReadBody(io.BytesIO):
    """A request body read in full before the application runs: nothing left to discard."""

    def _discard(self) -> None:
        """pywsgi's hook to skip an unread body (there is none)."""


class HallHandler(pywsgi.WSGIHandler):
    """One connection: a deadline for every request's headers and body, a timeout after."""

    server: HallServer

    def handle_one_request(self) -> Any:
        self.request_due = gevent.Timeout.start_new(
            self.server.request_seconds, TimeoutError("the request took too long to arrive")
        )
        try:
            return super().handle_one_request()
        finally:
            self.request_due.close()

    def read_request(self, raw_requestline: str) -> Any:
        try:
            return super().read_request(raw_requestline)
        finally:
            self.socket.settimeout(IDLE_SECONDS)

    def handle_one_response(self) -> None:
        if not self.body_arrived():
            self.close_connection = True
            return
        self.request_due.close()
        try:
            super().handle_one_response()
        finally:
            if self._connection_upgrade_requested():
                # A websocket that ended leaves its last frames unread: they are no request.
                self.close_connection = True

    def body_arrived(self) -> bool:
        """Read the body (up to one byte past the size limit) before the request's deadline."""
        if not (self.content_length or self.wsgi_input.chunked_input):
            return True  # no body (a websocket's socket stays in `wsgi.input`)
        try:
            body = self.wsgi_input.read(self.server.max_body + 1)
        except TimeoutError:
            logger.warning("closed a connection from %s: its request came too slowly", self.client)
            return False
        self.close_connection = self.close_connection or len(body) > self.server.max_body
        self.wsgi_input = self.environ["wsgi.input"] = ReadBody(body)
        return True

    @property
    def client(self) -> str:
        return str(self.client_address[0])

    def get_environ(self) -> dict[str, Any]:
        environ = super().get_environ()
        environ[LOCAL_ADDRESS] = self.local_address
        return environ

    @functools.cached_property
    def local_address(self) -> tuple[str, int]:
        """Where this connection reached the server (asked once per connection)."""
        return self.socket.getsockname()[:2]


class HallServer(pywsgi.WSGIServer):
    """pywsgi's server with TCP_NODELAY and a cap on connections per client address."""

    def __init__(
        self,
        listener: tuple[str, int],
        application: Callable[..., Any],
        *,
        limits: Limits,
        proxies: TrustedProxies,
    ) -> None:
        super().__init__(listener, application, handler_class=HallHandler, log=None)
        self.per_address = limits.connections_per_address
        self.request_seconds = float(limits.request_seconds)
        self.max_body = limits.max_request_kb * 1024
        self.proxies = proxies
        self.open: Counter[str] = Counter()

    def handle(self, sock: socket.socket, address: tuple[str, int]) -> None:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        client = address[0]
        counted = bool(self.per_address) and not self.proxies.trusts(client)
        if counted and self.open[client] >= self.per_address:
            logger.warning(
                "refused a connection from %s: %d already open", client, self.per_address
            )
            sock.close()
            return
        self.open[client] += int(counted)
        try:
            super().handle(sock, address)
        finally:
            self.open[client] -= int(counted)
            if self.open[client] <= 0:
                del self.open[client]


def raise_open_file_limit() -> int:
    """Raise this process's open-file limit to its hard limit; returns the limit now in force."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
        return hard
    return soft


def open_server(
    application: Callable[..., Any],
    host: str,
    port: int,
    *,
    limits: Limits,
    proxies: TrustedProxies,
) -> HallServer:
    """The server for one port (its `serve_forever()` serves until `stop()` or the process
    is stopped), with the process's open-file limit raised."""
    open_files = raise_open_file_limit()
    logger.info("serving on %s:%d (open files: %d)", host, port, open_files)
    return HallServer((host, port), application, limits=limits, proxies=proxies)


def serve_forever(
    application: Callable[..., Any],
    host: str,
    port: int,
    *,
    limits: Limits,
    proxies: TrustedProxies,
) -> None:
    """Serve HTTP and Socket.IO on one port until the process is stopped."""
    open_server(application, host, port, limits=limits, proxies=proxies).serve_forever()
