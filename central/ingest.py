"""Taking a station's batch: every row checked, the copy only ever continued, never rewritten.

For each batch (`POST /api/central/events`, see `shared.domain.wire`):

1. Its shape: the fields and their types, at most `wire.MAX_BATCH_ROWS` rows, consecutive
   row numbers, each row's `prev_hash` the hash of the row before it in the batch.
2. Every row's hash recomputed (`shared.domain.chain.row_hash`): a row whose content does not give
   its hash is refused (400), and nothing is stored.
   Steps 1 and 2 run over the whole batch at once (`central.rows`, a few calls a column); only a
   batch that check does not take is checked again field by field, to name what is wrong.
0. The station's key first (401 otherwise), before the body is even parsed.
3. With the station locked (two batches of one
   station are taken one after the other), the batch against the copy:
   - a row number central holds with another hash, or a first row whose `prev_hash` is not the
     hash central holds for the row before it, is a fork: 409 `chain_conflict` naming the row,
     nothing stored, and the station flagged `fork` from the earliest such row (it keeps its
     good copy);
   - a first row beyond the next one central expects is a gap: 409 `gap` with `expected_row`,
     nothing stored, the station flagged `gap` until the missing rows come;
   - rows central already holds with the same hash are taken again without change; the rest
     are appended.
   - a declared restore (`restored_row` N, the first row the station's `station.restored`
     row N+1 declaring N, chained to the row N central holds) is not a fork: the rows central
     held after N move to `superseded_events` (kept, flagged by the restore), the restore is
     noted in `restores` for the dashboard, the station's kept reports are dropped
     (`central.kept`), and the batch continues the copy from N.
4. `config` (the station's report settings), when sent, must be a valid station config.

The answer is the receipt: `{"confirmed_row", "hash"}` (plus the settings digest central holds
and the chain state).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import datetime
from itertools import pairwise
from typing import Any

from central import kept
from central.rows import MAX_ID, NAMES, TEXT_LIMITS, Rows, at_once
from central.stations import lock
from central.store import CentralStore, Connection
from shared.domain import wire
from shared.domain.chain import GENESIS, row_hash
from shared.domain.clock import parse_utc
from shared.domain.config import ConfigError, parse_config
from shared.domain.errors import Conflict, InvalidRequest, Unauthorized
from shared.domain.events import StationRestored

HASH = re.compile(r"^[0-9a-f]{64}$")
UTC_TEXT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$")
RESTORED = StationRestored.name


class ChainConflict(Conflict):
    code = "chain_conflict"

    def __init__(self, row: int) -> None:
        super().__init__("error.central.chain_conflict", row=row)
        self.details = {"row": row}


class Gap(Conflict):
    code = "gap"

    def __init__(self, expected: int) -> None:
        super().__init__("error.central.gap", row=expected)
        self.details = {"expected_row": expected}


# A field of the batch: its name, or a row's index and the field's name in it (the name
# "rows[3].at" is only spelled out for an error: a batch has thousands of fields).
Field = str | tuple[int, str]


def _refused(field: Field) -> InvalidRequest:
    name = field if isinstance(field, str) else f"rows[{field[0]}].{field[1]}"
    return InvalidRequest("error.central.field", field=name)


def _integer(value: Any, field: Field, *, nullable: bool = False, minimum: int = 0) -> int | None:
    if value is None and nullable:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= MAX_ID:
        raise _refused(field)
    return value


def _text(value: Any, field: Field, limit: int = 64, *, nullable: bool = False) -> str | None:
    if value is None and nullable:
        return None
    if not isinstance(value, str) or len(value) > limit or "\x00" in value:
        raise _refused(field)
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise _refused(field) from None
    return value


ROW_FIELDS = frozenset(wire.ROW_FIELDS)


def _row(value: Any, index: int) -> dict[str, Any]:
    """One wire row, its fields checked, in the log's own form (`id` for `row`)."""
    where = f"rows[{index}]"
    if not isinstance(value, Mapping) or value.keys() != ROW_FIELDS:
        raise InvalidRequest(
            "error.central.row_fields", row=where, fields=", ".join(wire.ROW_FIELDS)
        )
    row = {
        "id": _integer(value["row"], (index, "row"), minimum=1),
        "seq": _integer(value["seq"], (index, "seq"), nullable=True, minimum=1),
        "at": _text(value["at"], (index, "at")),
        "name": _text(value["name"], (index, "name"), TEXT_LIMITS["name"]),
        "actor": _text(value["actor"], (index, "actor"), TEXT_LIMITS["actor"]),
        "counter": _text(value["counter"], (index, "counter"), TEXT_LIMITS["counter"],
                         nullable=True),
        "service": _text(value["service"], (index, "service"), TEXT_LIMITS["service"],
                         nullable=True),
        "ticket_id": _integer(value["ticket_id"], (index, "ticket_id"), nullable=True),
        "data": _text(value["data"], (index, "data"), TEXT_LIMITS["data"]),
        "prev_hash": _text(value["prev_hash"], (index, "prev_hash")),
        "hash": _text(value["hash"], (index, "hash")),
    }  # fmt: skip
    if not UTC_TEXT.match(row["at"]):
        raise InvalidRequest("error.central.field", field=f"{where}.at")
    if not HASH.match(row["prev_hash"]) or not HASH.match(row["hash"]):
        raise InvalidRequest("error.central.field", field=f"{where}.hash")
    try:
        parse_utc(row["at"])
        data = json.loads(row["data"])
    except ValueError:
        raise InvalidRequest("error.central.field", field=f"{where}.data") from None
    if not isinstance(data, dict):
        raise InvalidRequest("error.central.field", field=f"{where}.data")
    return row


def parse_batch(body: Mapping[str, Any]) -> dict[str, Any]:
    """The batch's fields checked, its rows chained and every hash recomputed."""
    rows_in = body.get("rows")
    if not isinstance(rows_in, list):
        raise InvalidRequest("error.central.field", field="rows")
    if len(rows_in) > wire.MAX_BATCH_ROWS:
        raise InvalidRequest("error.central.batch_size", limit=wire.MAX_BATCH_ROWS)
    known = {"station", "head_row", "head_at", "rows", "config", "restored_row"}
    unknown = sorted(set(body) - known)
    if unknown:
        raise InvalidRequest("error.central.field", field=str(unknown[0])[:40])
    head_at = _text(body.get("head_at"), "head_at", nullable=True)
    if head_at is not None and not UTC_TEXT.match(head_at):
        raise InvalidRequest("error.central.field", field="head_at")
    rows = at_once(rows_in)
    if rows is None:  # something may be wrong: found field by field, and named
        rows = Rows.of(_by_field(rows_in))
    settings = body.get("config")
    if settings is not None:
        settings = _settings(settings)
    return {
        "head_row": _integer(body.get("head_row"), "head_row"),
        "head_at": head_at,
        "rows": rows,
        "settings": settings,
        "restored_row": _integer(body.get("restored_row"), "restored_row", nullable=True),
    }


def _by_field(rows_in: list[Any]) -> list[dict[str, Any]]:
    """The rows checked field by field, row by row: the first fault found is refused, named."""
    rows = [_row(value, index) for index, value in enumerate(rows_in)]
    for before, after in pairwise(rows):
        if after["id"] != before["id"] + 1 or after["prev_hash"] != before["hash"]:
            raise InvalidRequest("error.central.not_chained", row=after["id"])
    for row in rows:
        if row_hash(row) != row["hash"]:
            error = InvalidRequest("error.central.bad_hash", row=row["id"])
            error.details = {"row": row["id"]}
            raise error
    if rows and rows[0]["id"] == 1 and rows[0]["prev_hash"] != GENESIS:
        raise InvalidRequest("error.central.not_chained", row=1)
    return rows


def _settings(value: Any) -> dict[str, Any]:
    """The station's report settings, if they make a valid station config."""
    if not isinstance(value, dict) or set(value) - set(wire.REPORT_SETTINGS):
        raise InvalidRequest("error.central.config", problem="only report settings")
    try:
        parse_config(value)
    except (ConfigError, RecursionError, TypeError) as error:
        raise InvalidRequest("error.central.config", problem=str(error)[:200]) from None
    return value


def ingest(
    store: CentralStore, station_id: str, body: Mapping[str, Any], now: datetime
) -> dict[str, Any]:
    """Take a batch of the station whose key was checked (see the module's text); returns the
    receipt."""
    if body.get("station") != station_id:
        raise Unauthorized("error.central.bad_key")
    batch = parse_batch(body)
    refusal: Conflict | None = None
    with store.transaction() as conn:
        station = lock(conn, station_id)
        refusal = _refusal(conn, station, batch["rows"])
        if _declares_restore(conn, station, batch):
            station = _supersede(conn, station, batch["restored_row"], now)
            refusal = _refusal(conn, station, batch["rows"])
        if refusal is None:
            station = _accept(conn, station, batch, now)
        else:
            _flag(conn, station, refusal, now)
    if refusal is not None:
        raise refusal
    return receipt(station)


def receipt(station: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "confirmed_row": station["confirmed_row"],
        "hash": station["confirmed_hash"],
        "settings": station["settings_digest"],
        "chain": station["chain"],
    }


def _refusal(conn: Connection, station: Mapping[str, Any], rows: Rows) -> Conflict | None:
    """Why the batch cannot continue the copy (a fork or a gap), or None."""
    if not rows:
        return None
    confirmed = station["confirmed_row"]
    first, last = rows.ids[0], rows.ids[-1]
    if first > confirmed + 1:
        return Gap(confirmed + 1)
    held = {
        found["id"]: found["hash"]
        for found in conn.execute(
            "SELECT id, hash FROM events WHERE station = %s AND id BETWEEN %s AND %s",
            [station["id"], first - 1, min(last, confirmed)],
        )
    }
    before = GENESIS if first == 1 else held.get(first - 1)
    if rows.row(0)["prev_hash"] != before:
        return ChainConflict(first - 1)
    for row, hash_ in zip(rows.ids, rows.hashes, strict=True):
        if row in held and held[row] != hash_:
            return ChainConflict(row)
    return None


def _declares_restore(
    conn: Connection, station: Mapping[str, Any], batch: Mapping[str, Any]
) -> bool:
    """Whether the batch is a declared restore central has not taken yet: it starts with the
    `station.restored` row declaring `restored_row`, right after that row, which central holds
    with the hash the restored row chains to."""
    restored, rows = batch["restored_row"], batch["rows"]
    if restored is None or not rows or restored > station["confirmed_row"]:
        return False
    first = rows.row(0)
    declared = json.loads(first["data"]).get("restored_row")
    if first["name"] != RESTORED or first["id"] != restored + 1 or declared != restored:
        return False
    held = {
        found["id"]: found["hash"]
        for found in conn.execute(
            "SELECT id, hash FROM events WHERE station = %s AND id IN (%s, %s)",
            [station["id"], restored, restored + 1],
        )
    }
    before = GENESIS if restored == 0 else held.get(restored)
    return first["prev_hash"] == before and held.get(first["id"]) != first["hash"]


def _supersede(
    conn: Connection, station: Mapping[str, Any], restored: int, now: datetime
) -> dict[str, Any]:
    """Move the rows after `restored` to `superseded_events`, note the restore, and make the
    copy end at `restored`; a fork found after that row was the restore, and is cleared."""
    noted = conn.execute(
        "INSERT INTO restores (station, restored_row, superseded_rows, declared_at) "
        "VALUES (%s, %s, %s, %s) RETURNING id",
        [station["id"], restored, max(0, station["confirmed_row"] - restored), now],
    ).fetchone()
    assert noted is not None
    conn.execute(SUPERSEDE, [noted["id"], station["id"], restored])
    conn.execute("SELECT set_config('satupintu.superseding', 'on', true)")
    conn.execute("DELETE FROM events WHERE station = %s AND id > %s", [station["id"], restored])
    conn.execute("SELECT set_config('satupintu.superseding', 'off', true)")
    kept.forget(conn, station["id"])
    end = conn.execute(
        "SELECT hash, at FROM events WHERE station = %s AND id = %s", [station["id"], restored]
    ).fetchone()
    updated = conn.execute(
        "UPDATE stations SET confirmed_row = %s, confirmed_hash = %s, confirmed_at = %s, "
        "chain = CASE WHEN chain = 'fork' AND chain_row >= %s THEN 'ok' ELSE chain END, "
        "chain_since = CASE WHEN chain = 'fork' AND chain_row >= %s THEN NULL "
        "ELSE chain_since END, "
        "chain_row = CASE WHEN chain = 'fork' AND chain_row >= %s THEN NULL ELSE chain_row END "
        "WHERE id = %s RETURNING *",
        [
            restored,
            end["hash"] if end else GENESIS,
            end["at"] if end else None,
            restored,
            restored,
            restored,
            station["id"],
        ],
    ).fetchone()
    assert updated is not None
    return updated


COLUMNS = ("station", *NAMES)
SUPERSEDE = (
    f"INSERT INTO superseded_events ({', '.join(COLUMNS)}, restore) "  # noqa: S608 (fixed names)
    f"SELECT {', '.join(COLUMNS)}, %s FROM events WHERE station = %s AND id > %s"
)


def _accept(
    conn: Connection, station: Mapping[str, Any], batch: Mapping[str, Any], now: datetime
) -> dict[str, Any]:
    """Append the rows central does not hold yet and note the station's head and settings."""
    new = batch["rows"].after(station["confirmed_row"])
    if new:
        with conn.cursor().copy(f"COPY events ({', '.join(COLUMNS)}) FROM STDIN") as copy:
            copy.write(new.copy_text(station["id"]))
    last = new.row(len(new) - 1) if new else None
    settings = batch["settings"]
    updated = conn.execute(
        "UPDATE stations SET confirmed_row = %s, confirmed_hash = %s, confirmed_at = %s, "
        "head_row = %s, head_at = %s, last_contact = %s, "
        "chain = CASE WHEN chain = 'gap' THEN 'ok' ELSE chain END, "
        "chain_row = CASE WHEN chain = 'gap' THEN NULL ELSE chain_row END, "
        "settings = COALESCE(%s, settings), settings_digest = COALESCE(%s, settings_digest) "
        "WHERE id = %s RETURNING *",
        [
            last["id"] if last else station["confirmed_row"],
            last["hash"] if last else station["confirmed_hash"],
            last["at"] if last else station["confirmed_at"],
            batch["head_row"],
            batch["head_at"],
            now,
            json.dumps(settings) if settings is not None else None,
            wire.settings_digest(settings) if settings is not None else None,
            station["id"],
        ],
    ).fetchone()
    assert updated is not None
    return updated


def _flag(conn: Connection, station: Mapping[str, Any], refusal: Conflict, now: datetime) -> None:
    """Mark the station `fork` (from the earliest row seen to differ) or `gap`; a fork stays."""
    if isinstance(refusal, ChainConflict):
        conn.execute(
            "UPDATE stations SET chain = 'fork', chain_since = COALESCE("
            "CASE WHEN chain = 'fork' THEN chain_since END, %s), "
            "chain_row = CASE WHEN chain = 'fork' THEN LEAST(chain_row, %s) ELSE %s END "
            "WHERE id = %s",
            [now, refusal.details["row"], refusal.details["row"], station["id"]],
        )
    elif station["chain"] != "fork":
        conn.execute(
            "UPDATE stations SET chain = 'gap', chain_row = %s, chain_since = %s WHERE id = %s",
            [refusal.details["expected_row"], now, station["id"]],
        )
