"""Telling the station's other server processes that tickets changed, through Redis.

With `message_queue` several `satupintu serve` processes share one database; Flask-SocketIO
carries their broadcasts to every board, but a phone is watched by the process it connected
to. So each commit that touches tickets is also published on a Redis channel, and every
other process refreshes its own phones at once (a called citizen hears it within a second,
not at the next periodic refresh). If Redis is down nothing is lost: the periodic refresh
still catches up.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from hashlib import sha256

from shared.domain.events import Recorded

logger = logging.getLogger(__name__)

Marker = Callable[[set[int], set[str], set[str]], None]
RETRY_SECONDS = 5.0


class TicketsChanged:
    """Publishes this process's ticket changes and hands other processes' to `mark`."""

    def __init__(self, url: str, database: str, mark: Marker) -> None:
        import redis

        self._redis = redis.Redis.from_url(url)
        self.channel = f"satupintu:tickets:{sha256(database.encode()).hexdigest()[:16]}"
        self.origin = f"{os.uname().nodename}:{os.getpid()}"
        self._mark = mark
        threading.Thread(target=self._listen, name="satupintu-tickets", daemon=True).start()

    def publish(
        self, batch: Sequence[Recorded], services: Iterable[str], at_once: Iterable[str]
    ) -> None:
        tickets = sorted({r.event.ticket_id for r in batch if r.event.ticket_id is not None})
        moved = sorted(services)
        if not tickets and not moved:
            return
        message = json.dumps(
            {
                "origin": self.origin,
                "tickets": tickets,
                "services": moved,
                "at_once": sorted(at_once),
            }
        )
        try:
            self._redis.publish(self.channel, message)
        except Exception:  # Redis down: the periodic refresh catches up
            logger.warning("could not tell the other processes that tickets changed")

    def _listen(self) -> None:
        while True:
            try:
                subscription = self._redis.pubsub(ignore_subscribe_messages=True)
                subscription.subscribe(self.channel)
                for message in subscription.listen():
                    self._received(message.get("data"))
            except Exception:
                logger.warning("lost the Redis channel %s; retrying", self.channel)
                time.sleep(RETRY_SECONDS)

    def _received(self, data: object) -> None:
        try:
            message = json.loads(data)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return
        if not isinstance(message, dict) or message.get("origin") == self.origin:
            return
        tickets = {item for item in message.get("tickets", []) if isinstance(item, int)}
        services = {item for item in message.get("services", []) if isinstance(item, str)}
        at_once = {item for item in message.get("at_once", []) if isinstance(item, str)}
        self._mark(tickets, services, at_once)
