"""The calls' audio rendered before they are made, so a call is never spoken late.

The next numbers and each counter's sentence are known before anyone calls them: once a board
has asked for a call's audio (it plays sound), every change to the queue has the sentences of
the next calls (`board_view.upcoming_calls`) rendered into the speech cache, a moment after the
change and at the lowest CPU priority, so that neither the change's own frame on the boards
nor the call's answer waits for espeak-ng. A call's audio is then served from the cache; one
that was not foreseen (a number called out of turn) is rendered when asked for, as before.
"""

from __future__ import annotations

import logging
import threading
import time

from shared.application import board_view
from shared.application.station import Station
from shared.operations.speech import Speech, call_audio

logger = logging.getLogger(__name__)

NEXT_PER_STREAM = 2  # waiting numbers rendered ahead per service's priority and regular stream
SETTLE_SECONDS = 1.0  # after a change: the boards draw it and fetch its audio first


class SpeechAhead:
    """Renders the next calls' audio in a background thread after each change (one at a time;
    the thread ends when nothing changed since its last round)."""

    def __init__(self, station: Station, speech: Speech) -> None:
        self.station = station
        self.speech = speech.in_background()
        self.wanted = False  # set by the first board that asks for a call's audio
        self._lock = threading.Lock()
        self._changed = False
        self._running = False

    @property
    def busy(self) -> bool:
        """Whether a change is still to be rendered (or is being rendered)."""
        with self._lock:
            return self._running

    def heard(self) -> None:
        """A board asked for a call's audio: from now on the next calls are rendered ahead."""
        if not self.wanted:
            self.wanted = True
            self.changed()

    def changed(self) -> None:
        """The queue or the counters changed (called after COMMIT; returns at once)."""
        if not self.wanted:
            return
        with self._lock:
            self._changed = True
            if self._running:
                return
            self._running = True
        threading.Thread(target=self._run, name="satupintu-speech-ahead", daemon=True).start()

    def render_next(self) -> int:
        """Render every upcoming call not cached yet; how many calls were looked at."""
        config = self.station.config
        upcoming = board_view.upcoming_calls(self.station, NEXT_PER_STREAM)
        for number, counter in upcoming:
            call_audio(self.speech, number, counter, config)
        return len(upcoming)

    def _run(self) -> None:
        while True:
            with self._lock:
                if not self._changed:
                    self._running = False
                    return
                self._changed = False
            time.sleep(SETTLE_SECONDS)
            try:
                self.render_next()
            except Exception:  # a voice missing or a full disk: the call renders when asked
                logger.exception("could not render the next calls' audio ahead")
