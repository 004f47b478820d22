"""Memory settings for the long-running server, each backed by a measurement (bench/load.py).

- Argon2 password checks allocate 19 MiB each. glibc normally raises its mmap threshold after
  the first such buffer is freed, so later ones come from heaps that never shrink: ten
  officers logging in at once left the server 190 MB larger for good. Pinning the threshold
  at 1 MiB makes every large buffer a private mapping that is unmapped on free.
- Python's full garbage collection scans every object; with 1,000 connections it paused the
  whole server for 110-160 ms, several times a minute (the p99 of a call reaching the boards
  was 300 ms). Freezing what start-up built (about 100,000 objects that live for ever) and
  asking for full collections ten times less often keeps the rare pause near 60 ms.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc

M_MMAP_THRESHOLD = -3  # from glibc's malloc.h
LARGE_BUFFER_BYTES = 1024 * 1024
FULL_COLLECTION_EVERY = 100  # middle-generation collections per full one (Python's default: 10)


def return_large_buffers_to_the_system() -> bool:
    """Pin glibc's mmap threshold; False where the C library is not glibc (nothing to do)."""
    name = ctypes.util.find_library("c")
    if name is None:
        return False
    libc = ctypes.CDLL(name)
    mallopt = getattr(libc, "mallopt", None)
    if mallopt is None:
        return False
    return bool(mallopt(M_MMAP_THRESHOLD, LARGE_BUFFER_BYTES))


def settle_garbage_collector() -> None:
    """Call once start-up is done: exempt its objects from collection, and collect the oldest
    generation ten times less often (young garbage is still collected as usual)."""
    gc.collect()
    gc.freeze()
    young, middle, _ = gc.get_threshold()
    gc.set_threshold(young, middle, FULL_COLLECTION_EVERY)
