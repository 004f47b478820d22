"""Phones watching their ticket: `ticket.update` at once to the tickets an event is about, then
new queue positions in the services the events moved: at most every POSITION_REFRESH_SECONDS to
the phones near their turn (at most FAR_AHEAD people ahead, or `phone.alert_ahead` if more), at
most every FAR_SECONDS to those further back, for whom a place a few seconds old tells the same
(the hall's Wi-Fi carries a fraction of the frames); a suspension or a resume reaches them all
at once.

Each watched ticket is read once, when its phone begins watching, and again only when an event
names it (every change of a ticket records one); new positions are computed from those tickets
and the queues in memory (`store.queue_index`), and a phone gets a frame only when its view
changed."""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Iterable, Sequence
from typing import Any

from shared.application import ticket_reads
from shared.application.station import Station
from shared.application.views import Places
from shared.domain.config import Config
from shared.domain.estimates import linked_services
from shared.domain.events import (
    CounterStateChanged,
    Event,
    Recorded,
    ServiceResumed,
    ServiceSuspended,
    TicketCalled,
    TicketCancelled,
    TicketCarriedOver,
    TicketDone,
    TicketExpired,
    TicketIssued,
    TicketNoShow,
    TicketPrioritized,
    TicketRequeued,
    TicketReturned,
    TicketSteppedBack,
    TicketTransferred,
)
from shared.domain.ticket import Ticket
from shared.web.socket_server import IDLE_SECONDS, Connections, socketio, ticket_room

logger = logging.getLogger(__name__)

POSITION_REFRESH_SECONDS = 0.5
FAR_AHEAD = 10
FAR_SECONDS = 5.0
PHONES_AT_ONCE = 25  # phones refreshed between two chances for other work to run (views
# and frames: about 3 ms of work, so a call waits for no more than that)


def services_moved(event: Event, config: Config) -> set[str]:
    """Services whose waiting tickets' positions or wait estimates this event may change:
    the ones it names, and those sharing counters with them (their estimates interlock)."""
    match event:
        case TicketIssued(priority=True) | TicketCalled() | TicketRequeued() | TicketExpired():
            named = {event.service}
        case TicketIssued(carried=True):
            named = {event.service}  # a "Lanjutan" ticket takes its place at the front
        case TicketReturned() | TicketPrioritized() | TicketCancelled() | TicketSteppedBack():
            named = {event.service}  # a place in the queue taken, moved ahead, back or given up
        case ServiceSuspended() | ServiceResumed():
            named = {event.service}  # its phones say so, and its estimates change
        case TicketCarriedOver():
            named = {event.service}  # left today's queue for its next open day
        case TicketDone() | TicketNoShow():
            named = {event.service}  # the number now served changes (after done, the estimate)
        case TicketTransferred():
            named = {event.service, event.from_service}
        case CounterStateChanged() if event.counter in config.counter_by_id:
            named = set(config.counter_by_id[event.counter].services)
        case _:
            return set()
    return linked_services(config, named)


class PhoneUpdates:
    """Sends `ticket.update` to phones whose ticket changed: at once to the phones of the
    tickets an event is about (a called citizen hears straight away), then, at most every
    POSITION_REFRESH_SECONDS, new queue positions in the services the events moved.
    """

    def __init__(self, station: Station, connections: Connections) -> None:
        self.station = station
        self.connections = connections
        self._changed = threading.Condition()
        self._tickets: set[int] = set()
        self._services: set[str] = set()
        self._everything = False
        self._running = False
        self._next_positions = 0.0
        self._last_sent: dict[str, dict[str, Any]] = {}
        self._known: dict[str, Ticket] = {}  # watched token -> its ticket as last read
        self._token_of: dict[int, str] = {}  # the id of each ticket in `_known` -> its token
        self._watched: set[str] = set()  # as of `_watch_changes` (`Connections.watch_changes`)
        self._watch_changes = -1
        self._far_heard: dict[str, float] = {}  # service -> when its far phones last heard
        self._far_held: set[str] = set()  # services whose far phones wait for their turn

    def mark(self, batch: Sequence[Recorded]) -> tuple[set[str], set[str]]:
        """Note a committed batch; returns the services whose positions it moved, and those
        whose every phone hears of it in the next refresh (`mark_changes`)."""
        moved: set[str] = set()
        at_once: set[str] = set()
        for recorded in batch:
            services = services_moved(recorded.event, self.station.config)
            moved |= services
            if isinstance(recorded.event, ServiceSuspended | ServiceResumed):
                at_once |= services  # every phone of a suspended service says so at once
        tickets = {r.event.ticket_id for r in batch if r.event.ticket_id is not None}
        self.mark_changes(tickets, moved, at_once)
        return moved, at_once

    def mark_changes(
        self, tickets: set[int], services: set[str], at_once: Iterable[str] = ()
    ) -> None:
        """Note changed tickets and moved services (also as told by another process); the far
        phones of the services `at_once` hear in the next refresh too."""
        with self._changed:
            self._tickets |= tickets
            self._services |= services
            for service in at_once:
                self._far_heard.pop(service, None)
            self._wake()

    def mark_everything(self) -> None:
        with self._changed:
            self._everything = True
            self._wake()

    def _wake(self) -> None:
        """Tell the worker there is work, starting it if it ended (caller holds the lock)."""
        if not self.connections.anyone_watching():
            self._tickets.clear()
            self._services.clear()
            self._everything = False
            self._far_held.clear()
            return
        self._changed.notify()
        if not self._running:
            self._running = True
            threading.Thread(target=self._run, name="satupintu-phones", daemon=True).start()

    def _take(self) -> tuple[set[int], set[str], bool] | None:
        """Wait for work; the tickets now, the positions only once their interval is over.

        None once there was nothing to do for IDLE_SECONDS: the worker ends.
        """
        with self._changed:
            idle_since = time.monotonic()
            while True:
                now = time.monotonic()
                far_due = self._far_due()
                if self._far_held and now >= far_due:
                    self._services |= self._far_held
                    self._far_held = set()
                positions_due = now >= self._next_positions
                has_positions = bool(self._services) or self._everything
                if self._tickets or (has_positions and positions_due):
                    break
                if not (has_positions or self._far_held) and now - idle_since >= IDLE_SECONDS:
                    self._running = False
                    return None
                wakes = [self._next_positions] if has_positions else []
                wakes += [far_due] if self._far_held else []
                timeout = min(wakes) - now if wakes else IDLE_SECONDS
                self._changed.wait(max(0.0, timeout))
            tickets, self._tickets = self._tickets, set()
            services: set[str] = set()
            everything = False
            if positions_due:
                services, self._services = self._services, set()
                everything, self._everything = self._everything, False
                if services or everything:
                    self._next_positions = time.monotonic() + POSITION_REFRESH_SECONDS
            return tickets, services, everything

    def _take_tickets(self) -> set[int]:
        """The tickets events named since the last look, without waiting."""
        with self._changed:
            tickets, self._tickets = self._tickets, set()
            return tickets

    def _run(self) -> None:
        while (work := self._take()) is not None:
            tickets, services, everything = work
            try:
                self._refresh(tickets, services, everything)
            except Exception:
                logger.exception("could not update watching phones")

    def _watching(self) -> set[str]:
        """The watched tokens, the tickets of those no longer watched forgotten; read again
        only when what is watched changed (a commit names tickets far more often)."""
        changes = self.connections.watch_changes
        if changes != self._watch_changes:
            self._watch_changes = changes
            self._watched = self.connections.watched_tokens()
            for gone in self._known.keys() - self._watched:
                del self._token_of[self._known.pop(gone).id]
            for gone in self._last_sent.keys() - self._watched:
                del self._last_sent[gone]
        return self._watched

    def _refresh(self, tickets: set[int], services: set[str], everything: bool) -> None:
        watched = self._watching()
        if not watched:
            return
        stale = watched if everything else watched - self._known.keys()  # new phones: read them
        self._send(self._reread(tickets, stale))
        if not (services or everything):
            return
        time.sleep(0)  # the frames of the tickets just named (a call) leave before the places
        moved = sorted(  # services change on transfer: as of the tickets just read
            token
            for token, ticket in self._known.items()
            if everything or ticket.service in services
        )
        known = ticket_reads.places_of(self.station, [self._known[token] for token in moved])
        held = self._hold_far({self._known[token].service for token in moved})
        near = max(FAR_AHEAD, self.station.config.phone.alert_ahead)
        moved = [
            token
            for token in moved
            if self._known[token].service not in held
            or known.ahead.get(self._known[token].id, 0) <= near
        ]
        time.sleep(0)  # one play of the wait estimate for every moved phone: a call may go first
        told: set[str] = set()  # phones whose ticket an event named meanwhile: already told
        for start in range(0, len(moved), PHONES_AT_ONCE):
            self._send(set(moved[start : start + PHONES_AT_ONCE]) - told, known)
            time.sleep(0)  # let calls and boards through between chunks
            called = self._take_tickets()
            if called:  # a citizen called meanwhile hears it before the others' new positions
                fresh = self._reread(called, set())
                self._send(fresh)
                told |= fresh
                with self._changed:  # tickets of phones that began watching since: next round
                    self._tickets |= called - self._token_of.keys()

    def _hold_far(self, services: set[str]) -> set[str]:
        """Of these services, those whose far phones heard their places less than FAR_SECONDS
        ago: their far phones wait (`_take` brings the services back when due); the others'
        far phones hear now."""
        now = time.monotonic()
        held = {
            each for each in services if now < self._far_heard.get(each, -math.inf) + FAR_SECONDS
        }
        self._far_heard.update((each, now) for each in services - held)
        if held:
            with self._changed:
                self._far_held |= held
        return held

    def _far_due(self) -> float:
        """When the first of the held services' far phones are due (one told at once since:
        now)."""
        heard = (self._far_heard.get(each, -math.inf) for each in self._far_held)
        return min(heard, default=math.inf) + FAR_SECONDS

    def _reread(self, tickets: set[int], also: set[str]) -> set[str]:
        """Read again the watched tickets named (and the tokens `also`); their tokens."""
        named = {self._token_of[each] for each in tickets if each in self._token_of}
        fresh = ticket_reads.tickets_of(self.station, named | also)
        self._known.update(fresh)
        self._token_of.update((ticket.id, token) for token, ticket in fresh.items())
        return {token for token in fresh if token in named or fresh[token].id in tickets}

    def _send(self, tokens: set[str], known: Places | None = None) -> None:
        """`ticket.update` to each of these phones whose ticket looks different than last sent
        (their places as `known`, else as they are now)."""
        chosen = [self._known[token] for token in tokens if token in self._known]
        for token, view in ticket_reads.views_of(self.station, chosen, known).items():
            if self._last_sent.get(token) != view:
                self._last_sent[token] = view
                socketio.emit("ticket.update", {"ticket": view}, to=ticket_room(token))
