"""A small client of NUT's network protocol (upsd, by default on port 3493): read a UPS's variables.

The protocol is a few text lines over TCP: `USERNAME`/`PASSWORD` when upsd wants a login,
`LIST VAR <ups>` answered by `BEGIN LIST VAR <ups>`, one `VAR <ups> <name> "<value>"` line per
variable and `END LIST VAR <ups>`, then `LOGOUT`; a refusal is `ERR <reason>`. The NUT
project's own Python client (PyNUTClient) is GPL-3.0, which this MIT-licensed project cannot
take in, so these few lines are spoken here.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator

from shared.domain.config import Power

TIMEOUT_SECONDS = 3.0
MAX_LINE = 4096  # bytes: a longer line is not NUT talking
MAX_VARIABLES = 1000


class NutError(Exception):
    """upsd could not be asked, or refused (str(): its reason, such as UNKNOWN-UPS)."""


def quoted(text: str) -> str:
    """An argument as upsd parses it: in double quotes, with `"` and `\\` escaped."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def unquoted(text: str) -> str:
    """A quoted value of upsd's answer, its escapes undone."""
    if len(text) < 2 or text[0] != '"' or text[-1] != '"':
        raise NutError(f"not a quoted value: {text[:40]!r}")
    found, escaped = [], False
    for char in text[1:-1]:
        if escaped or char != "\\":
            found.append(char)
            escaped = False
        else:
            escaped = True
    return "".join(found)


class _Lines:
    """One connection to upsd: commands out, answer lines in."""

    def __init__(self, connection: socket.socket) -> None:
        self.connection = connection
        self.reader = connection.makefile("rb")

    def ask(self, command: str) -> None:
        self.connection.sendall(command.encode("utf-8") + b"\n")

    def answer(self) -> str:
        line = self.reader.readline(MAX_LINE)
        if not line.endswith(b"\n"):
            raise NutError("upsd closed the connection" if not line else "answer line too long")
        text = line.decode("utf-8", "replace").rstrip("\r\n")
        if text.startswith("ERR "):
            raise NutError(text.removeprefix("ERR ").strip())
        return text

    def expect_ok(self, command: str) -> None:
        self.ask(command)
        answer = self.answer()
        if not answer.startswith("OK"):
            raise NutError(f"unexpected answer to {command.split()[0]}: {answer[:60]!r}")

    def variables(self, ups: str) -> Iterator[tuple[str, str]]:
        self.ask(f"LIST VAR {ups}")
        if (first := self.answer()) != f"BEGIN LIST VAR {ups}":
            raise NutError(f"unexpected answer to LIST VAR: {first[:60]!r}")
        prefix = f"VAR {ups} "
        for _ in range(MAX_VARIABLES):
            line = self.answer()
            if line == f"END LIST VAR {ups}":
                return
            if not line.startswith(prefix):
                raise NutError(f"unexpected line in LIST VAR: {line[:60]!r}")
            name, _, value = line.removeprefix(prefix).partition(" ")
            yield name, unquoted(value)
        raise NutError(f"more than {MAX_VARIABLES} variables")


def read_variables(power: Power, timeout: float = TIMEOUT_SECONDS) -> dict[str, str]:
    """Every variable of the configured UPS (`power.ups`), such as {"ups.status": "OB DISCHRG"}.

    Raises NutError when upsd cannot be reached in `timeout` seconds or refuses.
    """
    try:
        with socket.create_connection((power.host, power.port), timeout) as connection:
            lines = _Lines(connection)
            if power.user is not None:
                lines.expect_ok(f"USERNAME {quoted(power.user)}")
            if power.password is not None:
                lines.expect_ok(f"PASSWORD {quoted(power.password)}")
            found = dict(lines.variables(power.name))
            lines.ask("LOGOUT")
            return found
    except OSError as error:
        raise NutError(f"cannot reach upsd at {power.host}:{power.port} ({error})") from None
