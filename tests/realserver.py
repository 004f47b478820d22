"""Run `satupintu serve` as a real process on a free port, for tests and benchmarks."""

from __future__ import annotations

import copy
import itertools
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import requests
import socketio
import yaml

from shared.domain.config import DATABASE_ENV
from tests.helpers import BASE_CONFIG

SATUPINTU = str(Path(sys.executable).with_name("satupintu"))
PASSWORD = "rahasia-123"


# Ports for the servers and daemons the tests start: below Linux's ephemeral range (32768-60999,
# where bind(0) and outgoing connections take theirs), in a block of their own for each
# pytest-xdist worker, taken in turn from a random start. So neither the other worker nor a
# connection made meanwhile takes the port a starting server is about to listen on.
FIRST_PORT = 20000
PORT_BLOCK = 3000
_WORKER = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0) % 4
_next_ports = itertools.count(random.randrange(PORT_BLOCK))


def free_port() -> int:
    """A port on 127.0.0.1 where nothing listens (nor lingers), for a server to be started."""
    for _ in range(PORT_BLOCK):
        port = FIRST_PORT + _WORKER * PORT_BLOCK + next(_next_ports) % PORT_BLOCK
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port left for a test server")


def satupintu(
    *args: str, config: Path, stdin: str = "", env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run a satupintu command against a config (with `env` added to the environment);
    raises with its output if it fails."""
    return subprocess.run(
        [SATUPINTU, *args, "--config", str(config)],
        input=stdin,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
        env={**os.environ, **env} if env else None,
    )


@contextmanager
def server_environment(env: dict[str, str]) -> Iterator[None]:
    """This process's environment as a server started with `env` sees it, for a while."""
    saved = dict(os.environ)
    os.environ.update(env)
    os.environ.pop(DATABASE_ENV, None)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


class ServerProcess:
    """A satupintu server at 127.0.0.1 with its own config and database under `folder`."""

    def __init__(
        self,
        folder: Path,
        *,
        env: dict[str, str] | None = None,
        host: str = "127.0.0.1",
        **config_overrides: Any,
    ) -> None:
        self.folder = folder
        self.env = env or {}
        self.host = host  # where it listens (0.0.0.0: also at the machine's network address)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        data = copy.deepcopy(BASE_CONFIG)
        data.update(config_overrides)
        self.config_path = folder / "config.yaml"
        self.config_path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        self.process: subprocess.Popen[bytes] | None = None
        self.log_path = folder / "server.log"

    def add_user(self, name: str, role: str = "officer", units: str | None = None) -> None:
        """A user; an officer without `units` acts everywhere but at a private service's
        counter (Propam's), which needs its unit."""
        # What `satupintu user add` does, in this process: a command's start-up costs a second of
        # CPU, and most server tests add three users (the command's own tests run it for real).
        # With the server's environment: a shifted clock logs the user at the hall's time, as
        # the server will see it (not a day before, which it would hold as a clock not believed).
        from satupintu.opening import open_station
        from shared.application.users import add_user
        from shared.domain.config import load_config

        with server_environment(self.env):
            station = open_station(load_config(str(self.config_path)))
        try:
            add_user(station, name, role, PASSWORD, "cli", units)
        finally:
            station.store.close()

    def command(self) -> list[str]:
        """What runs the server."""
        return [
            SATUPINTU,
            "serve",
            "--host",
            self.host,
            "--port",
            str(self.port),
            "--config",
            str(self.config_path),
        ]

    def start(self, timeout: float = 20.0, stderr: int = subprocess.STDOUT) -> None:
        """Start serving; its output goes to `log_path` (its errors too, unless `stderr`)."""
        env = {**os.environ, "PYTHONUNBUFFERED": "1", **self.env}
        env.pop(DATABASE_ENV, None)
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                self.command(),
                stdout=log,
                stderr=stderr,
                env=env,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited: {self.log_path.read_text()}")
            try:
                requests.get(f"{self.url}/api/services", timeout=1)
                return
            except (requests.ConnectionError, requests.Timeout):
                time.sleep(0.1)
        raise RuntimeError(f"server did not start: {self.log_path.read_text()}")

    def kill(self) -> None:
        """SIGKILL the whole process group: no chance to flush or clean up anything."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()

    def restart(self) -> None:
        self.stop()
        self.start()

    def session(self, name: str | None = None) -> requests.Session:
        """An HTTP session, logged in as `name` if given."""
        http = requests.Session()
        if name:
            response = http.post(
                f"{self.url}/api/login", json={"username": name, "password": PASSWORD}, timeout=10
            )
            response.raise_for_status()
        return http

    def socket(
        self,
        http: requests.Session | None = None,
        headers: dict[str, str] | None = None,
        transport: str = "websocket",
        auth: dict[str, Any] | None = None,
    ) -> Listener:
        """A real Socket.IO client (websocket by default), carrying the session cookie if given
        and `auth` (`{"batch": True}`: board events in `board.events` frames, as the console)."""
        all_headers = dict(headers or {})
        if http is not None:
            all_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in http.cookies.items())
        return Listener(self.url, all_headers, transport, auth)


class Listener:
    """A Socket.IO client that records every event it receives. The client library hands each
    message to a thread of its own, so two that arrive together may be recorded in either order."""

    def __init__(
        self,
        url: str,
        headers: dict[str, str],
        transport: str,
        auth: dict[str, Any] | None = None,
    ) -> None:
        self.events: list[tuple[str, Any]] = []
        self._lock = threading.Lock()
        self.client = socketio.Client(reconnection=False)
        self.client.on("*", self._record)
        self.client.connect(
            url, headers=headers, transports=[transport], wait_timeout=10, auth=auth
        )

    def _record(self, name: str, data: Any = None) -> None:
        with self._lock:
            self.events.append((name, data))

    def received(self, name: str) -> list[Any]:
        with self._lock:
            return [data for event, data in self.events if event == name]

    def wait_for(
        self,
        name: str,
        until: Callable[[Any], bool] = lambda data: True,
        timeout: float = 10.0,
        *,
        after: int = 0,
    ) -> Any:
        """The first `name` payload satisfying `until` (of those after the first `after`),
        waiting up to `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for data in self.received(name)[after:]:
                if until(data):
                    return data
            time.sleep(0.02)
        raise AssertionError(f"no {name} event matched within {timeout} s: {self.events[-5:]}")

    def call(self, event: str, data: Any, timeout: float = 10.0) -> Any:
        return self.client.call(event, data, timeout=timeout)

    def close(self) -> None:
        self.client.disconnect()
