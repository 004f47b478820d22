"""Run every benchmark in turn (`make bench`); each prints its figures."""

from __future__ import annotations

from bench import central, core, estimate, history, load, memory

if __name__ == "__main__":
    for benchmark in (core, load, estimate, history, central, memory):
        benchmark.main()
