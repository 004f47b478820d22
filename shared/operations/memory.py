"""Memory settings for the long-running server, each backed by a measurement (bench/load.py).

- Argon2 password checks allocate 19 MiB each. glibc normally raises its mmap threshold after
  the first such buffer is freed, so later ones come from heaps that never shrink: ten
  officers logging in at once left the server 190 MB larger for good. Pinning the threshold
  at 1 MiB makes every large buffer a private mapping that is unmapped on free.
- Python's full garbage collection scans every object; with 1,000 connections it paused the
  whole server for 110-160 ms, several times a minute (the p99 of a call reaching the boards
  was 300 ms). Freezing what start-up built (about 100,000 objects that live for ever) and
  asking for full collections ten times less often keeps the rare pause near 60 ms.
- glibc keeps the pages of the memory a process freed, unless asked to give them back: once
  the server has started, and after each read of the reads worker (a report's or a PDF's
  working memory), they are given back. The worker after a report, its Excel export and the
  SKM PDF: RSS 89 -> 86 MiB; the idle server 0.5 MiB (bench.memory).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import gc
from typing import Any

M_MMAP_THRESHOLD = -3  # from glibc's malloc.h
LARGE_BUFFER_BYTES = 1024 * 1024
FULL_COLLECTION_EVERY = 100  # middle-generation collections per full one (Python's default: 10)


def return_large_buffers_to_the_system() -> bool:
    """Pin glibc's mmap threshold; False where the C library is not glibc (nothing to do)."""
    mallopt = _glibc("mallopt")
    if mallopt is None:
        return False
    return bool(mallopt(M_MMAP_THRESHOLD, LARGE_BUFFER_BYTES))


def return_free_memory_to_the_system() -> bool:
    """Give the pages of freed memory back (glibc's malloc_trim); False where there were none
    or the C library is not glibc."""
    malloc_trim = _glibc("malloc_trim")
    if malloc_trim is None:
        return False
    return bool(malloc_trim(0))


@functools.cache
def _libc() -> ctypes.CDLL | None:
    """The C library, found once (finding it runs ldconfig)."""
    name = ctypes.util.find_library("c")
    return None if name is None else ctypes.CDLL(name)


def _glibc(function: str) -> Any:
    """A function of glibc's malloc, or None where the C library has none of that name."""
    return getattr(_libc(), function, None)


def settle_garbage_collector() -> None:
    """Call once start-up is done: exempt its objects from collection, and collect the oldest
    generation ten times less often (young garbage is still collected as usual)."""
    gc.collect()
    gc.freeze()
    young, middle, _ = gc.get_threshold()
    gc.set_threshold(young, middle, FULL_COLLECTION_EVERY)
