"""Real faults for health tests: a tiny filesystem to fill or make read-only, printers that
refuse, never read, or report their paper out over real TCP."""

from __future__ import annotations

import os
import socket
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import pytest

PAPER_STATUS_QUERY = b"\x10\x04\x04"  # DLE EOT 4
PAPER_OUT = b"\x72"  # bits 5-6: paper end


@contextmanager
def tiny_filesystem(folder: Path, size: str = "4m") -> Iterator[Path]:
    """A tmpfs of `size` mounted on `folder` (root only), unmounted afterwards."""
    if os.geteuid() != 0:
        pytest.skip("mounting a tiny filesystem needs root (CI runs as root)")
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)], check=True)
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=True)


def fill(folder: Path) -> Path:
    """Write a file until the filesystem holding `folder` is full; returns the file."""
    filler = folder / "filler"
    for block in (65536, 512):  # then the last few blocks
        with suppress(OSError), filler.open("ab", buffering=0) as handle:
            while True:
                handle.write(b"\0" * block)
    return filler


def remount_read_only(folder: Path) -> None:
    subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)


def refused_port() -> int:
    """A port on 127.0.0.1 where nothing listens: connecting is refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class FakePrinter:
    """A TCP listener on 127.0.0.1 playing a printer: it reads and answers the paper status
    query with `answer`, or (`reads=False`) accepts connections and never reads a byte."""

    def __init__(self, answer: bytes | None = None, reads: bool = True) -> None:
        self.answer = answer
        self.reads = reads
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.received = bytearray()
        self._connections: list[socket.socket] = []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                connection, _ = self.server.accept()
            except OSError:
                return
            self._connections.append(connection)
            if self.reads:
                threading.Thread(target=self._read, args=(connection,), daemon=True).start()

    def _read(self, connection: socket.socket) -> None:
        with suppress(OSError):
            while data := connection.recv(65536):
                self.received += data
                if self.answer is not None and PAPER_STATUS_QUERY in data:
                    connection.sendall(self.answer)

    def __enter__(self) -> FakePrinter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.server.close()
        for connection in self._connections:
            connection.close()
