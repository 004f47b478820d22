"""Blocking calls in gevent's thread pool: what they raise comes back to the caller unprinted."""

from __future__ import annotations

from typing import Any

import gevent
import pytest

from shared.store import concurrency


def test_a_pooled_call_that_raises_is_handed_back_without_the_pool_reporting_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """gevent's pool prints a task's exception before waking the caller; when that print
    fails (the server's output on a full disk), the caller never wakes."""
    hub = gevent.get_hub()
    reported: list[Any] = []
    monkeypatch.setattr(hub, "handle_error", lambda *args: reported.append(args))
    monkeypatch.setattr(hub, "print_exception", lambda *args: reported.append(args))
    monkeypatch.setattr(concurrency, "gevent_active", lambda: True)
    with pytest.raises(ZeroDivisionError):
        concurrency.blocking_call(divmod, 1, 0)
    assert reported == []
    assert concurrency.blocking_call(divmod, 7, 2) == (3, 1)
