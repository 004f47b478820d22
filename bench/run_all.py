"""Run every benchmark in turn (`make bench`)."""

from __future__ import annotations

from bench import core

if __name__ == "__main__":
    core.main()
