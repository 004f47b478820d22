"""A throw-away PostgreSQL on a unix socket in a temporary folder, for tests, the benchmark and
`make central`.

Debian's PostgreSQL refuses to run as root, so when we are root it runs as the `postgres`
user (`runuser -u postgres --`) on a folder that user owns. Nothing listens on the network.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import psycopg

SUPERUSER = "satupintu"
DEBIAN_BIN = Path("/usr/lib/postgresql")  # Debian keeps the server programs off the PATH


def _tool(name: str) -> str:
    """A PostgreSQL server program (initdb, pg_ctl), from the PATH or Debian's newest."""
    installed = sorted(DEBIAN_BIN.glob(f"*/bin/{name}"), key=lambda path: int(path.parts[-3]))
    found = shutil.which(name) or (str(installed[-1]) if installed else None)
    if found is None:
        raise RuntimeError(f"{name} not found: apt-get install postgresql")
    return found


class ScratchPostgres:
    """One PostgreSQL server, started in a fresh folder and removed when stopped.

    Tests and demos run it without fsync (their data are thrown away); `durable=True` keeps
    PostgreSQL's own defaults, as a real server has them, for the benchmark.
    """

    def __init__(self, port: int = 5432, *, durable: bool = False) -> None:
        self.port = port
        self.durable = durable
        self.folder = Path(tempfile.mkdtemp(prefix="satupintu-pg-"))
        self.data = self.folder / "data"
        self._as_root = os.geteuid() == 0
        self.started = False

    def _run(self, *command: str) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if self._as_root else []
        subprocess.run(  # noqa: S603 (our own PostgreSQL programs and arguments)
            [*prefix, *command], check=True, capture_output=True, text=True, timeout=120
        )

    def start(self) -> ScratchPostgres:
        self.folder.chmod(0o755)  # the postgres user must reach its socket and data
        if self._as_root:
            shutil.chown(self.folder, "postgres", "postgres")
        self._run(_tool("initdb"), "-D", str(self.data), "-A", "trust", "-U", SUPERUSER,
                  "--no-sync", "-E", "UTF8", "--locale=C.UTF-8")  # fmt: skip
        options = f"-p {self.port} -k {self.folder} -c listen_addresses='' -c max_connections=200"
        if not self.durable:
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        self._run(_tool("pg_ctl"), "-D", str(self.data), "-w", "-l",
                  str(self.folder / "server.log"), "-o", options, "start")  # fmt: skip
        self.started = True
        return self

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{SUPERUSER}@/{database}?host={self.folder}&port={self.port}"

    def create_database(self, name: str) -> str:
        """A new empty database; returns its URL."""
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')  # a name we made up, never user input
        return self.url(name)

    def stop(self) -> None:
        if self.started:
            self._run(_tool("pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")
            self.started = False
        shutil.rmtree(self.folder, ignore_errors=True)
