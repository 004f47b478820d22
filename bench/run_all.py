"""Run every benchmark in turn (`make bench`); each prints its figures. `versus` runs the product
beside its floor (issue 26) and prints each figure with the floor's and the ratio."""

from __future__ import annotations

from bench import central, core, estimate, history, load, memory, versus

if __name__ == "__main__":
    for benchmark in (core, load, estimate, history, central, memory, versus):
        benchmark.main()
