"""The `satupintu` console command. `serve` runs on gevent, whose patches must come first."""

from __future__ import annotations

import sys


def main() -> None:
    if sys.argv[1:2] == ["serve"]:
        from gevent import monkey

        monkey.patch_all()
    from satupintu.cli import main as cli

    cli()
