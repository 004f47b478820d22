"""The floor's application: the least a Flask-SocketIO server on gevent does per ticket and call.

It writes what Satu Pintu writes for a kiosk ticket and an officer's call-next, in the product's
own schema (`shared.store.schema`, so the same tables and indexes are kept up to date): the
ticket row, its hash-chained events (`shared.domain.chain`, so the product's audit can check
the floor's log), the Idempotency-Key row and the counter's row; each change is one
BEGIN IMMEDIATE ... COMMIT in WAL mode with synchronous=FULL, run in gevent's thread pool. After
COMMIT it emits the board events the real board listens for (`ticket.issued`, `ticket.called`,
`ticket.done`, `queue.waiting`, with the product's payload shapes) to the "board" room, and a
`ticket.update` to a phone watching the called ticket.

It computes nothing else: no positions, estimates, views, snapshots, sessions or limits. Its
only memory is the waiting counts per service and the log's head (it is the database's only
writer). `bench.versus` runs it beside the product; `bench.floor_server` starts it.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import gevent
import yaml
from flask import Flask, Response, jsonify, request
from flask_socketio import SocketIO, join_room, leave_room

from shared.domain import chain
from shared.domain.clock import utc_text

BOARD_ROOM = "board"
ROOT = Path(__file__).resolve().parent.parent
VENDOR = ROOT / "shared" / "static" / "vendor"  # socket.io's client, as `make vendor` copies it
# The hall when no config is given: the test station's services and counters.
DEFAULT_HALL: dict[str, Any] = {
    "timezone": "Asia/Makassar",
    "services": [
        {"id": "lapor", "prefix": "A"},
        {"id": "surat", "prefix": "B"},
        {"id": "lantas", "prefix": "C"},
    ],
    "counters": [
        {"id": "loket-1", "name": "Loket 1", "services": ["lapor", "surat"]},
        {"id": "loket-2", "name": "Loket 2", "services": ["lapor", "surat"]},
        {"id": "loket-3", "name": "Loket 3", "services": ["lantas"]},
    ],
}
BOARD_PAGE = """<!doctype html>
<html lang="id"><head><meta charset="utf-8"><title>Floor board</title></head>
<body><p id="now-number"></p>
<script src="/static/vendor/socket.io.min.js"></script>
<script>
const number = document.getElementById("now-number");
window.io({transports: ["websocket", "polling"]}).on("ticket.called", (call) => {
  number.textContent = call.number;
});
</script></body></html>
"""

MAKE_SCHEMA = (
    "import sys; from pathlib import Path; from shared.store.store import Store; "
    "Store(Path(sys.argv[1])).close()"
)

Result = TypeVar("Result")


class Refused(Exception):
    """A request the floor cannot serve: answered with `status` and the product's error shape."""

    def __init__(self, status: int, code: str) -> None:
        super().__init__(code)
        self.status = status
        self.code = code


@dataclass(frozen=True)
class Hall:
    """What the floor needs of a station's config: prefixes, counters' services, time zone."""

    zone: ZoneInfo
    prefixes: dict[str, str]
    counters: dict[str, tuple[str, list[str]]]  # id -> (name, services)

    @classmethod
    def load(cls, config: Path | None) -> Hall:
        """The hall of a product config file (only the keys the floor uses), or DEFAULT_HALL."""
        data = yaml.safe_load(config.read_text(encoding="utf-8")) if config else DEFAULT_HALL
        services = data.get("services") or DEFAULT_HALL["services"]
        counters = data.get("counters") or DEFAULT_HALL["counters"]
        return cls(
            zone=ZoneInfo(data.get("timezone", DEFAULT_HALL["timezone"])),
            prefixes={service["id"]: service["prefix"] for service in services},
            counters={c["id"]: (str(c.get("name", c["id"])), c["services"]) for c in counters},
        )


def product_schema(path: Path) -> None:
    """The product's tables, indexes and migrations, made by the product's own store in a child
    process: the floor itself loads none of the product's code but the hash and the time."""
    subprocess.run([sys.executable, "-c", MAKE_SCHEMA, str(path)], check=True, cwd=ROOT, timeout=60)


class FloorStore:
    """The database: one connection, one writer at a time, each write whole in a pool thread."""

    def __init__(self, path: Path) -> None:
        product_schema(path)
        self.conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self.conn.execute("PRAGMA journal_mode = WAL")
        self.conn.execute("PRAGMA synchronous = FULL")
        self.conn.execute("PRAGMA foreign_keys = ON")
        self.lock = threading.Lock()  # patched by gevent: one greenlet writes at a time
        head = self.conn.execute(
            "SELECT id, hash, (SELECT COALESCE(MAX(seq), 0) FROM events) FROM events "
            "ORDER BY id DESC LIMIT 1"
        ).fetchone()
        self.head: tuple[int, str, int] = tuple(head) if head else (0, chain.GENESIS, 0)
        self.waiting: dict[str, int] = dict(
            self.conn.execute(
                "SELECT service, COUNT(*) FROM tickets WHERE status = 'waiting' GROUP BY service"
            ).fetchall()
        )

    def write(self, work: Callable[[Transaction], Result]) -> tuple[Result, Transaction]:
        """Run `work` in one IMMEDIATE transaction in gevent's thread pool; the log's head and
        the waiting counts move only once it committed."""
        with self.lock:
            tx = Transaction(self.conn, self.head, dict(self.waiting))
            result = gevent.get_hub().threadpool.apply(self._run, (work, tx))
            self.head = tx.head
            self.waiting = tx.waiting
        return result, tx

    def _run(self, work: Callable[[Transaction], Result], tx: Transaction) -> Result:
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            result = work(tx)
            self.conn.execute("COMMIT")
        finally:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
        return result


class Transaction:
    """A write in progress: statements, and events appended to the hash chain."""

    def __init__(
        self, conn: sqlite3.Connection, head: tuple[int, str, int], waiting: dict[str, int]
    ) -> None:
        self.conn = conn
        self.head = head
        self.waiting = waiting
        self.now = datetime.now(UTC)
        self.emits: list[tuple[str, dict[str, Any]]] = []  # (name, payload) for the board
        self.phones: list[tuple[str, dict[str, Any]]] = []  # (token, ticket) for its phone

    def record(
        self, name: str, data: dict[str, Any], hidden: tuple[str, ...] = (), status: str = ""
    ) -> None:
        """Log a board event (the product's row and hash) and keep its payload for the board:
        the data less `hidden` and `ticket_id`, plus `seq` (and the ticket's `status`)."""
        last_id, prev_hash, last_seq = self.head
        row = {
            "id": last_id + 1,
            "seq": last_seq + 1,
            "at": utc_text(self.now),
            "name": name,
            "actor": "floor",
            "counter": data.get("counter"),
            "service": data.get("service"),
            "ticket_id": data.get("ticket_id"),
            "data": json.dumps(data, sort_keys=True, ensure_ascii=False),
            "prev_hash": prev_hash,
        }
        row["hash"] = chain.row_hash(row)
        self.conn.execute(
            "INSERT INTO events (id, seq, at, name, actor, counter, service, ticket_id, data, "
            "prev_hash, hash) VALUES (:id, :seq, :at, :name, :actor, :counter, :service, "
            ":ticket_id, :data, :prev_hash, :hash)",
            row,
        )
        self.head = (row["id"], row["hash"], row["seq"])
        public = {k: v for k, v in data.items() if k != "ticket_id" and k not in hidden}
        self.emits.append(
            (name, {"seq": row["seq"], **public, **({"status": status} if status else {})})
        )

    def record_waiting(self) -> None:
        self.record("queue.waiting", {"ticket_id": None, "waiting": dict(self.waiting)})


class Floor:
    """Issue and call-next, as the product's endpoints take and answer them."""

    def __init__(self, store: FloorStore, hall: Hall) -> None:
        self.store = store
        self.hall = hall

    def today(self, now: datetime) -> date:
        return now.astimezone(self.hall.zone).date()

    def issue(self, service: Any, kiosk: Any, key: str | None) -> tuple[dict[str, Any], bool]:
        """A ticket (and whether it is new): the same key today gives the same ticket."""
        if service not in self.hall.prefixes:
            raise Refused(400, "unknown_service")
        if key is not None and not 0 < len(key) <= 128:
            raise Refused(400, "idempotency_key")

        def work(tx: Transaction) -> tuple[dict[str, Any], bool]:
            day = self.today(tx.now).isoformat()
            asked = json.dumps([service, False, kiosk])
            if key is not None:
                earlier = tx.conn.execute(
                    "SELECT t.id, t.token, t.number, t.status, i.request_hash FROM idempotency i "
                    "JOIN tickets t ON t.id = i.ticket_id WHERE i.service_day = ? AND i.key = ?",
                    [day, key],
                ).fetchone()
                if earlier is not None:
                    if earlier[4] != asked:
                        raise Refused(409, "idempotency_reused")
                    ticket_id, token, number, status = earlier[:4]
                    return _ticket(ticket_id, token, number, service, status), False
            ticket_id, sequence = tx.conn.execute(
                "SELECT (SELECT COALESCE(MAX(id), 0) + 1 FROM tickets), "
                "(SELECT COALESCE(MAX(day_seq), 0) + 1 FROM tickets "
                "WHERE service_day = ? AND issued_service = ?)",
                [day, service],
            ).fetchone()
            number = f"{self.hall.prefixes[service]}-{sequence:03d}"
            token = secrets.token_urlsafe(16)
            at = utc_text(tx.now)
            tx.conn.execute(
                "INSERT INTO tickets (id, token, number, issued_service, day_seq, service_day, "
                "queue_day, service, priority, status, kiosk, issued_at, queue_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, 'waiting', ?, ?, ?)",
                [ticket_id, token, number, service, sequence, day, day, service, kiosk, at, at],
            )
            tx.record(
                "ticket.issued",
                {
                    "ticket_id": ticket_id,
                    "number": number,
                    "service": service,
                    "priority": False,
                    "issued_at": at,
                    "kiosk": kiosk,
                    "service_day": day,
                    "booked": False,
                    "booked_for": None,
                    "queue_at": None,
                    "reference": None,
                    "carried": False,
                    "carried_from": None,
                    "need": None,
                },
                hidden=("service_day", "reference", "booked_for", "queue_at", "carried_from"),
                status="waiting",
            )
            tx.waiting[service] = tx.waiting.get(service, 0) + 1
            tx.record_waiting()
            if key is not None:
                tx.conn.execute(
                    "INSERT INTO idempotency (service_day, key, request_hash, ticket_id, "
                    "print_status) VALUES (?, ?, ?, ?, 'disabled')",
                    [day, key, asked, ticket_id],
                )
            return _ticket(ticket_id, token, number, service, "waiting"), True

        answer, tx = self.store.write(work)
        self.publish(tx)
        return answer

    def call_next(self, counter_id: str) -> dict[str, Any]:
        """Finish the counter's current ticket and call the first waiting one of its services."""
        if counter_id not in self.hall.counters:
            raise Refused(404, "unknown_counter")
        name, services = self.hall.counters[counter_id]

        def work(tx: Transaction) -> dict[str, Any]:
            at = utc_text(tx.now)
            serving = tx.conn.execute(
                "SELECT id, number, service FROM tickets WHERE status = 'called' AND counter = ?",
                [counter_id],
            ).fetchone()
            if serving is not None:
                tx.conn.execute(
                    "UPDATE tickets SET status = 'done', finished_at = ? WHERE id = ?",
                    [at, serving[0]],
                )
                tx.record(
                    "ticket.done",
                    {
                        "ticket_id": serving[0],
                        "number": serving[1],
                        "service": serving[2],
                        "counter": counter_id,
                    },
                    status="done",
                )
            marks = ", ".join("?" * len(services))
            found = tx.conn.execute(
                "SELECT id, token, number, service FROM tickets WHERE status = 'waiting' "
                f"AND queue_day = ? AND service IN ({marks}) "
                "ORDER BY priority DESC, queue_at, id LIMIT 1",
                [self.today(tx.now).isoformat(), *services],
            ).fetchone()
            ticket = None
            if found is not None:
                ticket_id, token, number, service = found
                tx.conn.execute(
                    "UPDATE tickets SET status = 'called', counter = ?, called_at = ? WHERE id = ?",
                    [counter_id, at, ticket_id],
                )
                tx.record(
                    "ticket.called",
                    {
                        "ticket_id": ticket_id,
                        "number": number,
                        "service": service,
                        "counter": counter_id,
                        "counter_name": name,
                        "announcement": f"Nomor antrean {number}. Silakan ke {name}",
                        "called_at": at,
                        "priority": False,
                        "need": None,
                        "skill": None,
                        "out_of_order": False,
                        "reason": None,
                    },
                    hidden=("skill", "reason"),
                    status="called",
                )
                tx.waiting[service] -= 1
                tx.record_waiting()
                ticket = _ticket(ticket_id, token, number, service, "called", counter_id)
                tx.phones.append((token, ticket))
            tx.conn.execute(
                "INSERT OR REPLACE INTO counters (id, state, officer, updated_at) "
                "VALUES (?, 'open', 'floor', ?)",
                [counter_id, at],
            )
            return {"ticket": ticket, "counter": {"id": counter_id, "state": "open"}}

        answer, tx = self.store.write(work)
        self.publish(tx)
        return answer

    def publish(self, tx: Transaction) -> None:
        """The board hears of a change before its writer is answered (as in the product)."""
        for name, payload in tx.emits:
            socketio.emit(name, payload, to=BOARD_ROOM)
        for token, ticket in tx.phones:
            socketio.emit("ticket.update", {"ticket": ticket}, to=f"ticket:{token}")
        gevent.sleep(0)


def _ticket(
    ticket_id: int, token: str, number: str, service: str, status: str, counter: str | None = None
) -> dict[str, Any]:
    return {
        "id": ticket_id,
        "token": token,
        "number": number,
        "service": service,
        "status": status,
        "counter": counter,
    }


socketio = SocketIO()


def create_app(database: Path, config: Path | None = None) -> Flask:
    """The floor's Flask app, its Socket.IO bound (gevent) and its store opened."""
    app = Flask(__name__, static_folder=str(VENDOR), static_url_path="/static/vendor")
    floor = Floor(FloorStore(database), Hall.load(config))

    def refused(error: Refused) -> tuple[Response, int]:
        return jsonify({"error": {"code": error.code, "message": error.code}}), error.status

    app.register_error_handler(Refused, refused)

    @app.get("/api/services")
    def services() -> Response:
        return jsonify([{"id": service} for service in floor.hall.prefixes])

    @app.post("/api/login")
    def login() -> Response:
        """No users on the floor: any login is accepted (the benches log in to both targets)."""
        return jsonify({"ok": True})

    @app.post("/api/tickets")
    def issue() -> tuple[Response, int]:
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            raise Refused(400, "invalid_json")
        ticket, created = floor.issue(
            body.get("service"), body.get("kiosk"), request.headers.get("Idempotency-Key")
        )
        reply = {"ticket": ticket, "print": {"status": "disabled", "error": None, "fault": None}}
        return jsonify(reply), 201 if created else 200

    @app.post("/api/counters/<counter_id>/call-next")
    def call_next(counter_id: str) -> Response:
        return jsonify(floor.call_next(counter_id))

    @app.get("/board")
    def board() -> Response:
        return Response(BOARD_PAGE, mimetype="text/html")

    @socketio.on("connect")
    def connect(auth: Any = None) -> None:
        join_room(BOARD_ROOM)

    @socketio.on("watch")
    def watch(data: Any = None) -> dict[str, Any]:
        """A phone follows its ticket: out of the board room, into the ticket's own."""
        token = data.get("token") if isinstance(data, dict) else None
        if not isinstance(token, str):
            return {"ok": False, "error": {"code": "field_required", "message": "token"}}
        leave_room(BOARD_ROOM)
        join_room(f"ticket:{token}")
        return {"ok": True}

    @socketio.on("call_next")
    def call_next_event(data: Any = None) -> dict[str, Any]:
        counter_id = data.get("counter") if isinstance(data, dict) else None
        try:
            return {"ok": True, **floor.call_next(str(counter_id))}
        except Refused as error:
            return {"ok": False, "error": {"code": error.code, "message": error.code}}

    socketio.init_app(app, async_mode="gevent", cors_allowed_origins="*", async_handlers=False)
    return app
