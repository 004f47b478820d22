"""tell_first_password: how `satupintu serve` and `satupintu central serve` hand the first
admin's password to the person installing them."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click


def tell_first_password(path: Path, password: str) -> None:
    """Show the first admin's password once: on the terminal, or, when the output goes to a
    log (systemd keeps it in the journal), in the file `path` that only the server's user
    (and root) can read."""
    if sys.stdout.isatty():
        click.echo(
            f"Created the first user 'admin' with password: {password}\n"
            "It is shown only this once: log in and keep it safe."
        )
        return
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(f"admin\n{password}\n")
    click.echo(
        f"Created the first user 'admin'; its password is in {path} (readable only by this "
        "server's user and root): log in, change it, and delete that file."
    )
