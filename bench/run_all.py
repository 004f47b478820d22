"""Run every benchmark in turn (`make bench`); each prints its figures."""

from __future__ import annotations

from bench import core, estimate, history, load

if __name__ == "__main__":
    for benchmark in (core, load, estimate, history):
        benchmark.main()
