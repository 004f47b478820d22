"""What the station's commands and central's share: the --config option and loading it, where
a server listens, its log lines on the console, a refusal as one line, and this machine's
address on the hall's network."""

from __future__ import annotations

import logging
import socket
from collections.abc import Callable
from typing import Any

import click

from shared.domain.config import Config, ConfigError, load_config
from shared.domain.errors import SatuPintuError
from shared.domain.i18n import text

DEFAULT_PORT = 8000
Command = Callable[..., Any]


def config_file_option(help_text: str) -> Callable[[Command], Command]:
    """`--config PATH` (as `config_file`; None when not given)."""
    return click.option("--config", "config_file", metavar="PATH", default=None, help=help_text)


def listen_options(default_port: int) -> Callable[[Command], Command]:
    """`--host` (this machine only by default) and `--port`, for a command that serves HTTP."""

    def add(command: Command) -> Command:
        command = click.option(
            "--port", default=default_port, show_default=True, type=int, help="Port to listen on."
        )(command)
        return click.option(
            "--host", default="127.0.0.1", show_default=True, help="Address to listen on."
        )(command)

    return add


def log_to_console() -> None:
    """The server's log lines, with their time and source, on standard error."""
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )


config_option = config_file_option("Config file (default: $SATUPINTU_CONFIG or ./config.yaml).")


def config_from(config_file: str | None) -> Config:
    """Load the config or stop with its one-line fault."""
    try:
        return load_config(config_file)
    except ConfigError as error:
        raise click.ClickException(f"bad config: {error}") from None


def refused(error: SatuPintuError) -> click.ClickException:
    """A refused command as one line (in English: operators read logs in English)."""
    detail = f" ({error.params['detail']})" if "detail" in error.params else ""
    return click.ClickException(text(error.message_key, "en", **error.params) + detail)


def lan_address() -> str | None:
    """This machine's address on its main network (a UDP "connect" sends nothing)."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("192.0.2.1", 9))  # TEST-NET-1: never routed anywhere
            address = probe.getsockname()[0]
    except OSError:
        return None
    return None if address.startswith("127.") else address
