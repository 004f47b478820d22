"""The wall boards' frames ("board.batch" room): a call leaves at once, kiosk tickets wait a
moment for company.

A commit that only issued tickets (`ticket.issued`, `queue.waiting`) changes nothing a board
shows but its waiting counts, so its events are held up to HOLD_SECONDS and leave in one
`board.events` frame with those of the commits after it: at 50 tickets a second a board gets
a few frames a second instead of fifty. Any other commit (a call, a ticket done, a counter's
state) leaves at once, after the events held before it, in the same frame: the events still
arrive in `seq` order, and a call never waits.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

HOLD_SECONDS = 0.25  # at most this long between a kiosk's ticket and the boards' waiting counts
WAITING_COUNTS = frozenset({"ticket.issued", "queue.waiting"})  # events that may wait

Events = list[list[Any]]  # [[name, payload], ...] in `seq` order


class BoardBatches:
    """Collects the boards' events and hands them to `emit` as frames (see the module)."""

    def __init__(self, emit: Callable[[Events], None]) -> None:
        self._emit = emit
        self._lock = threading.Lock()  # held while emitting: frames leave in `seq` order
        self._held: Events = []
        self._running = False

    def add(self, events: Sequence[list[Any]]) -> None:
        """One commit's board events: held if they only count waiting tickets, else sent at
        once with those held before them."""
        if not events:
            return
        with self._lock:
            self._held.extend(events)
            if any(name not in WAITING_COUNTS for name, _ in events):
                self._send()
            elif not self._running:
                self._running = True
                threading.Thread(target=self._run, name="satupintu-boards", daemon=True).start()

    def _send(self) -> None:
        """The held events as one frame (the caller holds the lock)."""
        held, self._held = self._held, []
        if held:
            self._emit(held)

    def _run(self) -> None:
        """Every HOLD_SECONDS, what is held; ends once a period held nothing."""
        while True:
            time.sleep(HOLD_SECONDS)
            with self._lock:
                if not self._held:
                    self._running = False
                    return
                self._send()
