"""Calls that may block inside C code, kept from stalling a gevent server.

`satupintu serve` runs on gevent (one OS thread, a greenlet per connection: see the figures
in docs/developer.md). A greenlet stuck in C (a USB write, an Argon2 hash) would stall every
connection, so such calls run in a real OS thread of gevent's pool while the greenlet waits.
Without gevent (tests, `satupintu` commands) they simply run in the caller's thread.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any, TypeVar

Result = TypeVar("Result")


def gevent_active() -> bool:
    """Whether this process was monkey-patched by gevent (as `satupintu serve` is)."""
    monkey = sys.modules.get("gevent.monkey")
    return bool(monkey and monkey.is_module_patched("threading"))


def blocking_call(function: Callable[..., Result], *args: Any) -> Result:
    """Run `function(*args)`, in an OS thread when serving on gevent."""
    if gevent_active():
        import gevent

        return in_thread_pool(gevent.get_hub().threadpool, function, *args)
    return function(*args)


def in_thread_pool(pool: Any, function: Callable[..., Result], *args: Any) -> Result:
    """`function(*args)` in a thread of gevent's `pool`; what it raises is raised here."""
    succeeded, outcome = pool.apply(_outcome, (function, args))
    if succeeded:
        return outcome
    raise outcome


def _outcome(function: Callable[..., Any], args: tuple[Any, ...]) -> tuple[bool, Any]:
    """Run in a pool thread: never raises, returns (True, result) or (False, exception)."""
    try:
        return True, function(*args)
    except BaseException as error:  # the pool must never see it: see the module docstring
        return False, error


def let_others_run() -> None:
    """On gevent, give every other ready greenlet its turn now (elsewhere: nothing to do)."""
    if gevent_active():
        import gevent

        gevent.sleep(0)
