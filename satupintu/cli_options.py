"""What every `satupintu` command shares: the --config option, loading it, a refusal as one
line, and this machine's address on the hall's network."""

from __future__ import annotations

import socket
from collections.abc import Callable
from typing import Any

import click

from shared.domain.config import Config, ConfigError, load_config
from shared.domain.errors import SatuPintuError
from shared.domain.i18n import text

DEFAULT_PORT = 8000


def config_option(command: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--config",
        "config_file",
        metavar="PATH",
        default=None,
        help="Config file (default: $SATUPINTU_CONFIG or ./config.yaml).",
    )(command)


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
