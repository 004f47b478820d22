"""The `satupintu` console command. `serve` and `central serve` run on gevent, whose patches must
come first."""

from __future__ import annotations

import sys


def main() -> None:
    if sys.argv[1:2] == ["serve"] or sys.argv[1:3] == ["central", "serve"]:
        from gevent import monkey

        monkey.patch_all()
    from satupintu.cli import main as cli

    cli()
