"""The `satupintu` console command. `serve` and `central serve` run on gevent, whose patches must
come first, and load the optional libraries Socket.IO imports only if they use them
(`satupintu.deferred`)."""

from __future__ import annotations

import sys


def main() -> None:
    if sys.argv[1:2] == ["serve"] or sys.argv[1:3] == ["central", "serve"]:
        prepare_to_serve()
    from satupintu.cli import main as cli

    cli()


def prepare_to_serve() -> None:
    """What a serving process does before it imports anything else."""
    from gevent import monkey

    monkey.patch_all()
    from satupintu.deferred import defer_optional_libraries

    defer_optional_libraries()
