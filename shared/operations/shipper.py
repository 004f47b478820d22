"""Shipping the event log to the central server: a background task of `satupintu serve`.

Every row of the log goes to central in order, in batches of `wire.BATCH_ROWS`, within a second
or two of its commit: the shipper polls the log's head (one indexed read) every POLL_SECONDS.
When there is nothing new it still says where the head is at least every HEARTBEAT_SECONDS, so
central can show how far behind the station is. Central's answer, `{"confirmed_row", "hash"}`,
is kept as the receipt (`shared.store.receipts`), and the audit checks the log against it.

When central cannot be reached (or answers with a fault), or refuses a batch, the shipper
waits 1, 2, 4 … up to MAX_BACKOFF_SECONDS and tries again; the log itself is the queue, so
nothing is lost, and the hall never waits: on gevent every HTTP call is cooperative with a
bounded timeout, and no request handler calls central. A batch central refuses as a fork
(`chain_conflict`) means this log no longer continues what central holds: the shipper then
finds the first row that differs (a few one-row batches, halving the range each time) so
central can show where the fork starts, keeps heartbeating, and retries the log only every
FORK_RETRY_SECONDS. How each attempt ended (accepted, refused with central's reason, or
unreachable) is kept in the database (`receipts.record`) for the dashboard, `/healthz` and
`satupintu central status`.

A restore (`shared.operations.backups`) logs `station.restored` as the row after the copy's log; a
batch always starts with that row and says `restored_row` (the copy's last row), so central takes
the log continuing from there as a declared restore rather than refusing it as a fork. Until
central holds that row, a receipt for rows of the replaced log is not kept (the restored log
no longer holds them), so the audit does not break meanwhile.

One process ships: with several `satupintu serve` processes on one database, the one holding
the lock file `<database>.shipping` does.
"""

from __future__ import annotations

import json
import logging
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from itertools import islice
from typing import Any

from shared.application.station import Station
from shared.domain import wire
from shared.domain.config import CentralShipping
from shared.domain.events import StationRestored
from shared.operations.one_process import become_the_one
from shared.store import eventlog, receipts
from shared.store.store import Reader

logger = logging.getLogger(__name__)

POLL_SECONDS = 1.0
HEARTBEAT_SECONDS = 20.0  # well inside wire.HEARTBEAT_SECONDS
MAX_BACKOFF_SECONDS = 60.0
FORK_RETRY_SECONDS = 300.0
HTTP_TIMEOUT_SECONDS = 10.0
EVENTS_PATH = "/api/central/events"
FORK_REASON = "central holds a different log: it keeps this station flagged as a fork"


class Unreachable(Exception):
    """Central could not be reached, or did not answer in time, or answered with a 5xx."""


@dataclass(frozen=True)
class Answer:
    status: int
    body: dict[str, Any]

    @property
    def code(self) -> str | None:
        error = self.body.get("error")
        return error.get("code") if isinstance(error, dict) else None

    @property
    def reason(self) -> str:
        """Central's message for a refusal (its whole answer when it has none)."""
        error = self.body.get("error")
        message = error.get("message") if isinstance(error, dict) else None
        return message if isinstance(message, str) else json.dumps(self.body, ensure_ascii=False)


Post = Callable[[dict[str, Any]], Answer]


def http_post(link: CentralShipping, timeout: float = HTTP_TIMEOUT_SECONDS) -> Post:
    """A poster of batches to `link`'s central server with the station's key as bearer token."""
    url = link.url.rstrip("/") + EVENTS_PATH

    def post(body: dict[str, Any]) -> Answer:
        request = urllib.request.Request(  # noqa: S310 (the configured http(s) URL)
            url,
            data=json.dumps(body, ensure_ascii=False).encode("utf-8"),
            headers={
                "Authorization": f"Bearer {link.bearer or ''}",
                "Content-Type": "application/json",
                "Accept-Language": "en",
            },
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as reply:  # noqa: S310
                return Answer(reply.status, _json(reply.read()))
        except urllib.error.HTTPError as error:
            if error.code >= 500:
                raise Unreachable(f"central answered {error.code}") from None
            return Answer(error.code, _json(error.read()))
        except (OSError, ValueError) as error:  # refused, reset, timed out, bad answer
            raise Unreachable(str(error)) from None

    return post


def _json(data: bytes) -> dict[str, Any]:
    try:
        found = json.loads(data or b"{}")
    except ValueError:
        raise Unreachable("central's answer is not JSON") from None
    if not isinstance(found, dict):
        raise Unreachable("central's answer is not a JSON object")
    return found


def batch(
    station_id: str, head: dict[str, Any] | None, rows: list[dict[str, Any]]
) -> dict[str, Any]:
    """A batch of wire rows (none: a heartbeat) with the log's head (its `id` and `at`)."""
    return {
        "station": station_id,
        "head_row": head["id"] if head else 0,
        "head_at": head["at"] if head else None,
        "rows": rows,
    }


class Shipper:
    """Ships one station's log; `step` does one round and says how long to wait for the next."""

    def __init__(
        self, station: Station, post: Post, monotonic: Callable[[], float] = time.monotonic
    ) -> None:
        link = station.config.central
        assert link is not None
        self.station = station
        self.station_id = link.station
        self.post = post
        self.monotonic = monotonic
        self.settings = wire.report_settings(station.config)
        self.digest = wire.settings_digest(self.settings)
        self.central_digest: str | None = None  # the settings central said it holds
        self.next_row: int | None = None
        self.batch_rows = wire.BATCH_ROWS
        self.failures = 0
        self.last_answer: float | None = None
        self.forked_at: float | None = None  # when central last refused the log as a fork

    # ---- one round ---------------------------------------------------------------------------

    def step(self) -> float:
        """Send what is due (a batch, or a heartbeat); the seconds until the next round."""
        head, rows = self._pending()
        now = self.monotonic()
        holding = self.forked_at is not None and now - self.forked_at < FORK_RETRY_SECONDS
        if holding:
            rows = []
        heartbeat_due = self.last_answer is None or now - self.last_answer >= HEARTBEAT_SECONDS
        if not rows and not heartbeat_due:
            return POLL_SECONDS
        try:
            answer = self.post(self._body(head, rows))
        except Unreachable as error:
            self._record("unreachable", reason=str(error))
            return self._failed(f"central unreachable: {error}")
        if answer.status != 200:
            self._record("refused", status=answer.status, code=answer.code, reason=answer.reason)
        return self._answered(answer, head, rows)

    def _record(self, outcome: receipts.Outcome, **details: Any) -> None:
        with self.station.store.write("central", self.station.now(), durable=False) as tx:
            receipts.record(tx, outcome, **details)

    def _pending(self) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
        """The log's head and the rows central is still to get (at most one batch)."""
        with self.station.store.read() as db:
            found = db.one("SELECT id, at FROM events ORDER BY id DESC LIMIT 1")
            if self.next_row is None:
                receipt = receipts.latest(db)
                self.next_row = (receipt.row if receipt else 0) + 1
            if found is None or found["id"] < self.next_row:
                return found, []
            rows = list(islice(eventlog.rows_after(db, self.next_row - 1), self.batch_rows))
        restore = next(
            (index for index, row in enumerate(rows) if row["name"] == StationRestored.name), None
        )
        if restore:
            rows = rows[:restore]  # a declared restore starts a batch of its own
        return found, [wire.wire_row(row) for row in rows]

    def _body(self, head: dict[str, Any] | None, rows: list[dict[str, Any]]) -> dict[str, Any]:
        body = batch(self.station_id, head, rows)
        if rows and rows[0]["name"] == StationRestored.name:
            body["restored_row"] = json.loads(rows[0]["data"])["restored_row"]
        if self.central_digest != self.digest:
            body["config"] = self.settings
        return body

    def _answered(
        self, answer: Answer, head: dict[str, Any] | None, rows: list[dict[str, Any]]
    ) -> float:
        if answer.status == 200:
            return self._confirmed(answer.body, rows)
        code = answer.code
        if answer.status == 409 and code == "gap":
            expected = answer.body["error"].get("expected_row")
            if isinstance(expected, int) and expected >= 1:
                self.next_row = expected
                return 0.0
        if answer.status == 409 and code == "chain_conflict":
            row = answer.body["error"].get("row")
            logger.error("central refused the log as a fork at row %s", row)
            if isinstance(row, int) and row >= 1 and self.forked_at is None:
                self._locate_fork(row, head)
            self.forked_at = self.monotonic()
            self.last_answer = self.forked_at
            self.failures = 0
            return POLL_SECONDS
        if answer.status == 413 and self.batch_rows > 1:
            self.batch_rows = max(1, self.batch_rows // 2)
            return 0.0
        return self._failed(f"central refused the batch ({answer.status} {code}): {answer.reason}")

    def _confirmed(self, body: dict[str, Any], rows: list[dict[str, Any]]) -> float:
        row, digest = body.get("confirmed_row"), body.get("hash")
        if not isinstance(row, int) or not isinstance(digest, str) or row < 0:
            return self._failed(f"central's receipt is not one: {body}")
        sent_rows = bool(rows)
        with self.station.store.write("central", self.station.now(), durable=False) as tx:
            if _restore_pending(tx, row, digest):
                # Central still ends with the replaced log: of this log it confirmed holding
                # the rows just sent (it refuses any it holds otherwise), so go on from there.
                if rows:
                    row, digest = rows[-1]["row"], rows[-1]["hash"]
                    receipts.save(tx, row, digest)
                else:
                    receipts.record(tx, "accepted")
                    row = (self.next_row or 1) - 1
            else:
                receipts.save(tx, row, digest)
            if body.get("chain") == "fork":
                receipts.record(
                    tx, "refused", status=409, code="chain_conflict", reason=FORK_REASON
                )
        if isinstance(body.get("settings"), str):
            self.central_digest = body["settings"]
        if self.forked_at is not None and sent_rows:
            self.forked_at = None  # central takes the log again
        self.next_row = max(row + 1, 1)
        self.failures = 0
        self.last_answer = self.monotonic()
        return 0.0 if sent_rows else POLL_SECONDS

    def _failed(self, why: str) -> float:
        self.failures += 1
        delay = min(MAX_BACKOFF_SECONDS, 2.0 ** (self.failures - 1))
        logger.warning("%s; trying again in %.0f s", why, delay)
        return delay

    def _locate_fork(self, differing: int, head: dict[str, Any] | None) -> None:
        """Find the first row that differs from central's copy, with one-row batches (each
        refused one tells central the fork starts there or earlier)."""
        low, high = 1, differing
        while low < high:
            middle = (low + high) // 2
            with self.station.store.read() as db:
                row = db.one("SELECT * FROM events WHERE id = ?", [middle])
            if row is None:
                return
            try:
                answer = self.post(batch(self.station_id, head, [wire.wire_row(row)]))
            except Unreachable:
                return
            if answer.status == 200:
                low = middle + 1
            elif answer.status == 409 and answer.code == "chain_conflict":
                high = middle
            else:
                return
        logger.error("the log differs from central's copy from row %d on", high)

    # ---- the background task -----------------------------------------------------------------

    def run_forever(self, sleep: Callable[[float], None] = time.sleep) -> None:
        """Ship until the process ends; a round that fails unexpectedly is logged and retried."""
        while True:
            try:
                delay = self.step()
            except Exception:
                logger.exception("shipping to central failed")
                delay = self._failed("shipping failed")
            sleep(delay)


def _restore_pending(db: Reader, row: int, digest: str) -> bool:
    """Whether central's receipt names a row of a log replaced by a restore central has not
    taken yet: the log does not hold it, and a `station.restored` row follows the receipt."""
    if row == 0 or eventlog.hash_at(db, row) == digest:
        return False
    kept = receipts.latest(db)
    return (
        db.one(
            "SELECT id FROM events WHERE id > ? AND name = ? LIMIT 1",
            [kept.row if kept else 0, StationRestored.name],
        )
        is not None
    )


def ship_forever(station: Station) -> None:
    """The task `satupintu serve` starts when config.yaml has `central:` (one process ships)."""
    link = station.config.central
    assert link is not None
    become_the_one(station, "shipping", HEARTBEAT_SECONDS)
    logger.info("shipping the event log to %s as station %s", link.url, link.station)
    Shipper(station, http_post(link)).run_forever()


def ask_central(station: Station) -> receipts.Receipt:
    """Ask central now for its receipt (a heartbeat), keep it, and return it.

    Raises Unreachable, or ValueError when central refuses (its answer in the message).
    """
    link = station.config.central
    if link is None:
        raise ValueError("config.yaml has no central: block")
    with station.store.read() as db:
        head = db.one("SELECT id, at FROM events ORDER BY id DESC LIMIT 1")
    answer = http_post(link)(batch(link.station, head, []))
    if answer.status != 200:
        raise ValueError(f"central answered {answer.status}: {answer.body}")
    row, digest = answer.body.get("confirmed_row"), answer.body.get("hash")
    if not isinstance(row, int) or not isinstance(digest, str):
        raise ValueError(f"central's receipt is not one: {answer.body}")
    with station.store.write("central", station.now(), durable=False) as tx:
        if not _restore_pending(tx, row, digest):
            receipts.save(tx, row, digest)
        return receipts.Receipt(row, digest, tx.now)


def status(station: Station) -> dict[str, Any]:
    """`{"last_row", "confirmed_row", "last_contact", "last_attempt"}` for `satupintu central
    status`; `last_attempt` is `{"outcome", "status", "code", "reason", "at"}` or None."""
    with station.store.read() as db:
        head = eventlog.last_row(db)
        receipt = receipts.latest(db)
        attempt = receipts.last_attempt(db)
    return {
        "last_row": head["id"] if head else 0,
        "confirmed_row": receipt.row if receipt else 0,
        "last_contact": _local_text(station, receipt.last_contact) if receipt else None,
        "last_attempt": {
            "outcome": attempt.outcome,
            "status": attempt.status,
            "code": attempt.code,
            "reason": attempt.reason,
            "at": _local_text(station, attempt.at),
        }
        if attempt
        else None,
    }


def _local_text(station: Station, instant: datetime) -> str:
    return station.local(instant).isoformat(timespec="seconds")
