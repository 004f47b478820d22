"""What the station's commands and central's share: the config option, where a server
listens, and its log lines on the console."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import click

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
