"""Sending SMS through gammu-smsd: a background task of `satupintu serve` (config `sms:`).

Every POLL_SECONDS one round (and every ALERT_EVERY rounds first the supervisors' alerts,
`shared.operations.queue_alerts`):

1. the messages due are put in the outbox table (`shared.application.sms.plan_messages`: each
   kind once per ticket);
2. the outcome of each message handed to the daemon is read from its sent and error folders:
   sent, or failed — handed again later while `sms.retries` allows, else failed for good;
3. replies in the daemon's inbox are answered (`shared.application.sms_replies.answer_reply`:
   the answer joins the outbox) and removed;
4. the outbox's pending messages are handed to the daemon (`gammu-smsd-inject`), unless the
   day's budget (`sms.daily_budget`) or the number's (`sms.per_number_per_day`) is spent
   (and "almost your turn" is dropped when the ticket was called meanwhile, a booking's
   message when the booking is no longer open);
5. once a day, the spool's files of earlier days (they name numbers) are removed.

Each final outcome is logged as `sms.recorded` (the ticket's number, the kind, the status and
the attempts; never the mobile number), like a print's `print.recorded`. A daemon that is
stopped leaves messages in its outbox: nothing is lost, they go when it runs again, and the
health check says meanwhile that it is not sending. One process sends: with several
`satupintu serve` processes on one database, the one holding `<database>.sms` does.
"""

from __future__ import annotations

import logging
import time
from datetime import date

from shared.application import sms, sms_replies
from shared.application.station import Station
from shared.domain.errors import Unavailable
from shared.domain.events import SmsRecorded
from shared.domain.sms import MessageKind
from shared.operations.one_process import become_the_one
from shared.operations.queue_alerts import USER_RECIPIENT, alert_supervisors
from shared.operations.smsd import HandOverFailed, Smsd, smsd_for
from shared.store import sms_store
from shared.store.sms_store import Outgoing
from shared.store.store import Reader

logger = logging.getLogger(__name__)

POLL_SECONDS = 2.0
ALERT_EVERY = 15  # rounds: the supervisors' alerts are looked at every 30 s
LOCK_RETRY_SECONDS = 20.0


class SmsSender:
    """One station's SMS rounds (see the module's docstring)."""

    def __init__(self, station: Station, smsd: Smsd) -> None:
        self.station = station
        self.smsd = smsd
        self.config = sms.sms_config(station.config)
        self.forgotten: date | None = None
        self.rounds = 0

    def step(self) -> None:
        self.rounds += 1
        if self.rounds % ALERT_EVERY == 1:
            alert_supervisors(self.station)
        sms.plan_messages(self.station)
        self.settle()
        self.read_replies()
        self.hand_pending()
        self.forget_old_spool()

    def _record(self, message: Outgoing, status: str, attempts: int, *, final: bool) -> None:
        with self.station.store.write("sms", self.station.now()) as tx:
            row_status = status if final else "pending"
            sms_store.mark(tx, message.id, row_status, final=final)
            tx.record(
                SmsRecorded(
                    ticket_id=message.ticket_id,
                    number=message.ticket_number,
                    kind=message.kind,
                    status=status,
                    attempts=attempts,
                )
            )

    def settle(self) -> None:
        """Read the daemon's verdict on every message handed to it."""
        with self.station.store.read() as db:
            handed = sms_store.with_status(db, "handed")
        if not handed:
            return
        outcomes = self.smsd.outcomes()
        for message in handed:
            outcome = outcomes.get(message.spool_digest or "")
            if outcome == "sent":
                self._record(message, "sent", message.attempts, final=True)
            elif outcome == "error":
                self._failed(message, message.attempts)

    def _failed(self, message: Outgoing, attempts: int) -> None:
        if attempts > self.config.retries:
            self._record(message, "failed", attempts, final=True)
        else:
            self._record(message, "retrying", attempts, final=False)

    def hand_pending(self) -> None:
        """Hand the waiting messages to the daemon, within the day's and each number's budget."""
        today = self.station.today()
        with self.station.store.read() as db:
            pending = sms_store.with_status(db, "pending")
        for message in pending:
            with self.station.store.read() as db:
                number = _citizen_number(db, message)
                spent = sms_store.spent_on(db, today)
                spent_here = sms_store.spent_on_number(db, number, today) if number else 0
                staff = _staff_number(db, message.recipient) if message.recipient else None
            if message.recipient:  # a supervisor's alert: the day's budget alone limits it
                if staff is None:
                    self._record(message, "no_number", message.attempts, final=True)
                elif spent >= self.config.daily_budget:
                    self._record(message, "over_budget", message.attempts, final=True)
                else:
                    self._hand(message, staff)
            elif number is None:
                self._record(message, "no_number", message.attempts, final=True)
            elif message.kind == MessageKind.ALMOST and message.ticket_status != "waiting":
                self._record(message, "stale", message.attempts, final=True)  # called already
            elif message.booking_id is not None and message.booking_status != "booked":
                self._record(message, "stale", message.attempts, final=True)  # cancelled, …
            elif spent >= self.config.daily_budget or spent_here >= self.config.per_number_per_day:
                self._record(message, "over_budget", message.attempts, final=True)
            else:
                self._hand(message, number)

    def _hand(self, message: Outgoing, number: str) -> None:
        try:
            digest = self.smsd.hand_over(number, message.text)
        except HandOverFailed as error:
            logger.warning("SMS %s for %s not handed to the daemon: %s", message.kind,
                        message.ticket_number, error)  # fmt: skip
            with self.station.store.write("sms", self.station.now(), durable=False) as tx:
                sms_store.attempt_failed(tx, message.id)
            self._failed(message, message.attempts + 1)
            return
        with self.station.store.write("sms", self.station.now(), durable=False) as tx:
            sms_store.mark_handed(tx, message.id, digest)

    def read_replies(self) -> None:
        """Answer what citizens sent; a reply is removed once answered (or ignored)."""
        for received in self.smsd.received():
            try:
                sms_replies.answer_reply(
                    self.station, received.sender, received.text, received.path.name
                )
            except Unavailable:
                return  # the database is busy: the reply stays for the next round
            self.smsd.remove(received)

    def forget_old_spool(self) -> None:
        """At each new service day, remove the spool's files of earlier days."""
        today = self.station.today()
        if self.forgotten == today:
            return
        start, _ = self.station.day_bounds(today)
        self.smsd.forget_before(start)
        self.forgotten = today

    def run_forever(self) -> None:
        while True:
            try:
                self.step()
            except Exception:
                logger.exception("an SMS round failed; retrying in %s s", POLL_SECONDS)
            time.sleep(POLL_SECONDS)


def _citizen_number(db: Reader, message: Outgoing) -> str | None:
    """The number a citizen's message goes to: its ticket's, else its booking's."""
    if message.ticket_id is not None:
        registered = sms_store.of_ticket(db, message.ticket_id)
        return registered.number if registered else None
    if message.booking_id is not None:
        booked = sms_store.of_booking(db, message.booking_id)
        return booked[0] if booked else None
    return None


def _staff_number(db: Reader, recipient: str) -> str | None:
    """An alert's number: a supervisor's (`user:NAME`, looked up now: a number removed since
    gets nothing)."""
    username = recipient.removeprefix(USER_RECIPIENT)
    return sms_store.phone_of_user(db, username)


def send_forever(station: Station) -> None:
    """The task `satupintu serve` starts when config.yaml has `sms:` (one process sends)."""
    smsd = smsd_for(station.config)
    assert smsd is not None
    become_the_one(station, "sms", LOCK_RETRY_SECONDS)
    logger.info("sending SMS through gammu-smsd (%s)", smsd.folders.config)
    SmsSender(station, smsd).run_forever()
