"""Every read and write of tickets, counters and what hangs off them: SQL in, domain objects out.

Use cases load domain tickets from here, decide with the pure lifecycle (`shared.domain.ticket`) and
save them back; read models count and list through here. Nothing else writes SQL about
tickets or counters. Every function takes the caller's Reader (or Transaction, to write), so
it runs inside the caller's consistent read or write transaction. The queue reads (heads,
counts, positions, the first tickets of each stream) are answered from the process's
in-memory queues as that transaction sees them (`queue_index`), not by walking the queue.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from shared.domain.booking import BookingStatus
from shared.domain.clock import parse_utc, utc_text
from shared.domain.queue_rules import CounterState, QueueCounts, QueueItem, Status
from shared.domain.ticket import Ticket
from shared.store import opening
from shared.store.queue_index import WaitingLabel
from shared.store.store import Reader, Transaction

# ---- tickets ----------------------------------------------------------------------------------


def _ticket(row: dict[str, Any]) -> Ticket:
    return Ticket(
        id=row["id"],
        number=row["number"],
        service=row["service"],
        issued_service=row["issued_service"],
        day_seq=row["day_seq"],
        service_day=date.fromisoformat(row["service_day"]),
        queue_day=date.fromisoformat(row["queue_day"]),
        priority=bool(row["priority"]),
        status=Status(row["status"]),
        issued_at=parse_utc(row["issued_at"]),
        queue_at=parse_utc(row["queue_at"]),
        kiosk=row["kiosk"],
        called_at=parse_utc(row["called_at"]) if row["called_at"] else None,
        finished_at=parse_utc(row["finished_at"]) if row["finished_at"] else None,
        counter=row["counter"],
        recalls=row["recalls"],
        token=row["token"],
        reprints=row["reprints"],
        reference=row["reference"],
        booked_for=parse_utc(row["booked_for"]) if row["booked_for"] else None,
        carried_until=date.fromisoformat(row["carried_until"]) if row["carried_until"] else None,
        carried_from=row["carried_from"],
        step_backs=row["step_backs"],
        need=row["need"],
    )


def _optional_text(instant: datetime | None) -> str | None:
    return utc_text(instant) if instant else None


def _marks(values: Sequence[Any], prefix: str) -> tuple[str, dict[str, Any]]:
    """Named placeholders for an IN list: (":s0, :s1", {"s0": ..., "s1": ...})."""
    names = {f"{prefix}{index}": value for index, value in enumerate(values)}
    return ", ".join(f":{name}" for name in names), names


def get(db: Reader, ticket_id: int) -> Ticket | None:
    row = db.one("SELECT * FROM tickets WHERE id = ?", [ticket_id])
    return _ticket(row) if row else None


def by_token(db: Reader, token: str) -> Ticket | None:
    row = db.one("SELECT * FROM tickets WHERE token = ?", [token])
    return _ticket(row) if row else None


def by_tokens(db: Reader, tokens: Sequence[str]) -> list[Ticket]:
    if not tokens:
        return []
    marks, names = _marks(tokens, "k")
    rows = db.all(f"SELECT * FROM tickets WHERE token IN ({marks})", names)  # noqa: S608
    return [_ticket(row) for row in rows]


def by_number(db: Reader, day: date, number: str) -> Ticket | None:
    """The ticket with this number in a day's queues (the latest, should two share it: one
    transferred on from the day before)."""
    row = db.one(
        "SELECT * FROM tickets WHERE queue_day = ? AND number = ? ORDER BY id DESC LIMIT 1",
        [day.isoformat(), number],
    )
    return _ticket(row) if row else None


def every_ticket(db: Reader) -> Iterator[Ticket]:
    """Every ticket in id order, streamed (for the audit's cross-check)."""
    for row in db.iterate("SELECT * FROM tickets ORDER BY id"):
        yield _ticket(row)


def tickets_by_ids(db: Reader, ids: Sequence[int]) -> list[Ticket]:
    found: list[Ticket] = []
    for start in range(0, len(ids), 500):
        marks, names = _marks(ids[start : start + 500], "t")
        rows = db.all(f"SELECT * FROM tickets WHERE id IN ({marks}) ORDER BY id", names)  # noqa: S608
        found += [_ticket(row) for row in rows]
    return found


def ticket_count(db: Reader) -> int:
    row = db.one("SELECT COUNT(*) AS n FROM tickets")
    return row["n"] if row else 0


def survey_count(db: Reader) -> int:
    row = db.one("SELECT COUNT(*) AS n FROM surveys")
    return row["n"] if row else 0


def issued_on(db: Reader, day: date, issued_service: str | None = None) -> dict[str, int]:
    """Tickets issued per service on a service day."""
    sql = "SELECT issued_service, COUNT(*) AS n FROM tickets WHERE service_day = ?"
    params: list[Any] = [day.isoformat()]
    if issued_service is not None:
        sql += " AND issued_service = ?"
        params.append(issued_service)
    rows = db.all(sql + " GROUP BY issued_service", params)
    return {row["issued_service"]: row["n"] for row in rows}


def next_ticket(tx: Transaction, day: date, services: Sequence[str]) -> tuple[int, int]:
    """A new ticket's id, and the highest number given on its day by the services that share
    its sequence (0: none yet), in one statement.

    One index seek per service (an IN list would make SQLite walk the day's numbers)."""
    seek = "(SELECT MAX(day_seq) FROM tickets WHERE service_day = ? AND issued_service = ?)"
    row = tx.one(
        "SELECT (SELECT COALESCE(MAX(id), 0) + 1 FROM tickets) AS id, "  # noqa: S608
        f"MAX(0, {', '.join(f'COALESCE({seek}, 0)' for _ in services)}) AS n",
        [value for service in services for value in (day.isoformat(), service)],
    )
    assert row is not None
    return row["id"], row["n"]


@dataclass(frozen=True)
class Phone:
    """A phone taking a ticket (`phone_tickets`): its cookie's and its address's hashes."""

    device: str
    address: str


def insert(tx: Transaction, ticket: Ticket, phone: Phone | None = None) -> None:
    """A new ticket; `phone` is the phone that took it, if a phone did. The transaction's
    queues follow a waiting one without reading it back when they were known just before."""
    known = tx.known_queues() if ticket.status is Status.WAITING else None
    queue_day, queue_at = ticket.queue_day.isoformat(), utc_text(ticket.queue_at)
    booked_for = _optional_text(ticket.booked_for)
    tx.execute(
        "INSERT INTO tickets (id, token, number, issued_service, day_seq, service_day, "
        "queue_day, service, priority, status, kiosk, issued_at, queue_at, device, reference, "
        "booked_for, device_address, carried_from, need) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            ticket.id,
            ticket.token,
            ticket.number,
            ticket.issued_service,
            ticket.day_seq,
            ticket.service_day.isoformat(),
            queue_day,
            ticket.service,
            int(ticket.priority),
            ticket.status.value,
            ticket.kiosk,
            utc_text(ticket.issued_at),
            queue_at,
            phone.device if phone else None,
            ticket.reference,
            booked_for,
            phone.address if phone else None,
            ticket.carried_from,
            ticket.need,
        ],
    )
    if known is not None:
        tx.follow(
            known,
            {
                "id": ticket.id,
                "status": ticket.status.value,
                "service": ticket.service,
                "queue_day": queue_day,
                "queue_at": queue_at,
                "priority": int(ticket.priority),
                "need": ticket.need,
                "number": ticket.number,
                "booked_for": booked_for,
                "reference": ticket.reference,
                "carried_from": ticket.carried_from,
            },
        )


def open_ticket_of_phone(db: Reader, phone: Phone) -> Ticket | None:
    """A phone's ticket that still waits or is being served, found by its cookie or by its
    address (a phone that dropped its cookie is still at its address)."""
    row = db.one(
        "SELECT * FROM tickets WHERE id IN ("
        "SELECT id FROM tickets WHERE device = ? AND status IN ('waiting', 'called') UNION "
        "SELECT id FROM tickets WHERE device_address = ? AND status IN ('waiting', 'called')) "
        "ORDER BY id DESC LIMIT 1",
        [phone.device, phone.address],
    )
    return _ticket(row) if row else None


def phone_tickets_on(db: Reader, day: date, service: str) -> int:
    """Tickets phones took for a service on a service day."""
    row = db.one(
        "SELECT COUNT(*) AS n FROM tickets WHERE service_day = ? AND issued_service = ? "
        "AND device IS NOT NULL",
        [day.isoformat(), service],
    )
    return row["n"] if row else 0


def save(tx: Transaction, ticket: Ticket) -> None:
    """Write back what a move can change."""
    tx.execute(
        "UPDATE tickets SET status = ?, service = ?, queue_day = ?, queue_at = ?, priority = ?, "
        "called_at = ?, finished_at = ?, counter = ?, recalls = ?, reprints = ?, "
        "carried_until = ?, step_backs = ? WHERE id = ?",
        [
            ticket.status.value,
            ticket.service,
            ticket.queue_day.isoformat(),
            utc_text(ticket.queue_at),
            int(ticket.priority),
            _optional_text(ticket.called_at),
            _optional_text(ticket.finished_at),
            ticket.counter,
            ticket.recalls,
            ticket.reprints,
            ticket.carried_until.isoformat() if ticket.carried_until else None,
            ticket.step_backs,
            ticket.id,
        ],
    )


# The rows the day's housekeeping reads (parameters :day, :moment, :booked); `housekeeping_due`
# asks whether there are any through `opening.HOUSEKEEPING`, their earliest.
WAITING_BEFORE = "tickets WHERE status = 'waiting' AND queue_day < :day"
CARRIED_LAPSED = (
    "tickets INDEXED BY tickets_carried WHERE status = 'carried' AND carried_until < :day"
)
BOOKINGS_STARTED = "bookings WHERE status = :booked AND starts_at < :moment"
BOOKED_DUE = (
    "tickets INDEXED BY tickets_booked_waiting "
    "WHERE status = 'waiting' AND booked_for IS NOT NULL AND booked_for <= :moment"
)


def housekeeping_due(db: Reader, day: date, moment: datetime) -> bool:
    """Whether any of the day's housekeeping reads would find a row (`waiting_before`,
    `carried_lapsed`, `open_bookings_started_before`, `booked_waiting_due`), from the earliest
    of each (`opening.HOUSEKEEPING`): every ticket transaction asks, and almost always finds
    none, with no statement of its own when it asks first."""
    return opening.housekeeping_due(_opening(db, opening.HOUSEKEEPING), day, moment)


def waiting_before(db: Reader, day: date) -> list[Ticket]:
    """Tickets still waiting in the queues of days before `day`."""
    rows = db.all(f"SELECT * FROM {WAITING_BEFORE} ORDER BY id", {"day": day.isoformat()})  # noqa: S608
    return [_ticket(row) for row in rows]


def waiting_of(db: Reader, day: date, services: Sequence[str]) -> list[Ticket]:
    """Tickets waiting in some services' queues of a day, in queue order."""
    marks, names = _marks(services, "s")
    rows = db.all(
        f"SELECT * FROM tickets WHERE {_WAITING.format(services=marks)} "  # noqa: S608
        "ORDER BY queue_at, id",
        {"day": day.isoformat(), **names},
    )
    return [_ticket(row) for row in rows]


def carried_lapsed(db: Reader, day: date) -> list[Ticket]:
    """Carried-over tickets whose last day came before `day`."""
    rows = db.all(f"SELECT * FROM {CARRIED_LAPSED} ORDER BY id", {"day": day.isoformat()})  # noqa: S608
    return [_ticket(row) for row in rows]


def carried_numbered(db: Reader, number: str) -> list[Ticket]:
    """Carried-over tickets still open that bear this number (several days may share it)."""
    rows = db.all(
        "SELECT * FROM tickets WHERE status = 'carried' AND number = ? ORDER BY id", [number]
    )
    return [_ticket(row) for row in rows]


def issued_for_carried(db: Reader, carried_id: int) -> Ticket | None:
    """The "Lanjutan" ticket a carried-over ticket's check-in gave, if it was checked in."""
    row = db.one("SELECT * FROM tickets WHERE carried_from = ?", [carried_id])
    return _ticket(row) if row else None


def behind_in_line(db: Reader, ticket: Ticket, limit: int) -> list[datetime]:
    """The places (queue_at) of up to `limit` tickets behind a waiting one in its line: its
    service's queue of its day, among tickets of the same priority, in queue order."""
    rows = db.all(
        "SELECT queue_at FROM tickets WHERE status = 'waiting' AND queue_day = ? AND service = ? "
        "AND priority = ? AND (queue_at, id) > (?, ?) ORDER BY queue_at, id LIMIT ?",
        [
            ticket.queue_day.isoformat(),
            ticket.service,
            int(ticket.priority),
            utc_text(ticket.queue_at),
            ticket.id,
            limit,
        ],
    )
    return [parse_utc(row["queue_at"]) for row in rows]


def waiting_counts(db: Reader, day: date, services: Iterable[str]) -> dict[str, int]:
    """Waiting tickets per service on a day, every given service listed (0 if none)."""
    queues = db.queues()
    return {service: len(queues.line(day, service)) for service in services}


_WAITING = "status = 'waiting' AND queue_day = :day AND service IN ({services})"


def heads(db: Reader, services: Sequence[str], day: date) -> list[QueueItem]:
    """The oldest waiting priority and regular ticket of some services: all `next_in_line` needs."""
    queues = db.queues()
    firsts = [item for service in services for item in queues.line(day, service).firsts(1)]
    return [
        min(stream)
        for stream in ([i for i in firsts if i.priority], [i for i in firsts if not i.priority])
        if stream
    ]


def waiting_items(
    db: Reader, services: Sequence[str], day: date, *, per_stream: int | None = None
) -> list[QueueItem]:
    """Waiting tickets of some services as the call order sees them, oldest first.

    With `per_stream`, only the first so many of each service's priority and regular stream
    (service by service).
    """
    queues = db.queues()
    if per_stream is None:
        return queues.in_order(day, services)
    return [item for service in services for item in queues.line(day, service).firsts(per_stream)]


def waiting_with_need(db: Reader, day: date, need: str) -> list[Ticket]:
    """A day's waiting tickets with a need, oldest place first."""
    rows = db.all(
        "SELECT * FROM tickets WHERE status = 'waiting' AND need = ? AND queue_day = ? "
        "ORDER BY queue_at, id",
        [need, day.isoformat()],
    )
    return [_ticket(row) for row in rows]


def first_place(db: Reader, service: str, day: date) -> datetime | None:
    """The earliest place taken in a service's queue on a day (None: nobody waits)."""
    firsts = db.queues().line(day, service).firsts(1)
    return min(item.issued_at for item in firsts) if firsts else None


def waiting_labels(db: Reader, items: Sequence[QueueItem], day: date) -> dict[int, WaitingLabel]:
    """The number, booked slot and reference of waiting tickets of `day` (`waiting_items` of
    the same `db`), by id."""
    queues = db.queues()
    return {item.id: queues.label(day, item) for item in items}


def no_shows_at(db: Reader, counter_id: str, day: date) -> list[Ticket]:
    """The counter's no-shows of a service day, latest first."""
    rows = db.all(
        "SELECT * FROM tickets WHERE counter = ? AND status = 'no_show' AND queue_day = ? "
        "ORDER BY finished_at DESC",
        [counter_id, day.isoformat()],
    )
    return [_ticket(row) for row in rows]


def hall_version(db: Reader) -> int:
    """How many changes the counters, the called and finished tickets, the calls and the
    suspensions have seen (migration m021): the same number, the same of all of them."""
    return int(_opening(db, ["hall"])["hall"])


def _opening(db: Reader, names: Iterable[str]) -> dict[str, Any]:
    """Some of `opening.FIRST` as `db` sees them: from a write transaction's first read while
    it has changed no row, else read now."""
    first = db.opened() if isinstance(db, Transaction) else None
    found = first if first is not None else db.one(f"SELECT {opening.columns(names)}")
    assert found is not None
    return found


def latest_counter_minutes(db: Reader, service_id: str, limit: int) -> list[float]:
    """How long the latest finished tickets of a service kept their counter, newest first.

    From the call to the end; no-shows count too (each one takes a counter a little while).
    """
    rows = db.all(
        "SELECT called_at, finished_at FROM tickets WHERE service = ? "
        "AND status IN ('done', 'no_show') AND called_at IS NOT NULL "
        "AND finished_at IS NOT NULL ORDER BY finished_at DESC LIMIT ?",
        [service_id, limit],
    )
    return [
        (parse_utc(row["finished_at"]) - parse_utc(row["called_at"])).total_seconds() / 60
        for row in rows
    ]


def queue_counts(
    db: Reader, service_id: str, day: date, cutoff: datetime | None, tickets: Sequence[Ticket]
) -> dict[int, QueueCounts]:
    """Where each of some waiting tickets of one service stands (see `QueueCounts`).

    Tickets placed at or before `cutoff` are overdue (None: nobody is).
    """
    line = db.queues().line(day, service_id)
    cut = utc_text(cutoff) if cutoff else None
    return {
        ticket.id: line.counts((utc_text(ticket.queue_at), ticket.id), ticket.priority, cut)
        for ticket in tickets
    }


# ---- counters ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CounterRow:
    """A counter as stored: its state, the officer who last acted there, its called ticket
    (the ticket's own fact, its status `called` and its counter: stored once)."""

    id: str
    state: CounterState
    officer: str | None
    ticket: Ticket | None  # the ticket it is serving (status `called`), if any


def counter_ids(db: Reader) -> set[str]:
    return {row["id"] for row in db.all("SELECT id FROM counters")}


def add_counters(tx: Transaction, counter_ids: Iterable[str]) -> None:
    """Give counters their row: open and idle."""
    for counter_id in counter_ids:
        tx.execute(
            "INSERT OR IGNORE INTO counters (id, state, updated_at) VALUES (?, 'open', ?)",
            [counter_id, utc_text(tx.now)],
        )


def counters(db: Reader) -> dict[str, CounterRow]:
    """Every stored counter with its called ticket."""
    rows = db.all(
        "SELECT c.id AS counter_id, c.state AS counter_state, c.officer AS counter_officer, t.* "
        "FROM counters c LEFT JOIN tickets t ON t.counter = c.id AND t.status = 'called'"
    )
    return {row["counter_id"]: _counter_row(row) for row in rows}


def counter(db: Reader, counter_id: str) -> CounterRow:
    """One counter (open and idle if it has no row yet)."""
    row = db.one(
        "SELECT c.id AS counter_id, c.state AS counter_state, c.officer AS counter_officer, t.* "
        "FROM counters c LEFT JOIN tickets t ON t.counter = c.id AND t.status = 'called' "
        "WHERE c.id = ?",
        [counter_id],
    )
    return _counter_row(row) if row else CounterRow(counter_id, CounterState.OPEN, None, None)


def _counter_row(row: dict[str, Any]) -> CounterRow:
    return CounterRow(
        id=row["counter_id"],
        state=CounterState(row["counter_state"]),
        officer=row["counter_officer"],
        ticket=_ticket(row) if row["id"] is not None else None,
    )


def save_desk(tx: Transaction, counter_id: str, state: CounterState) -> None:
    """The counter's state after an officer acted there; the acting officer is remembered.

    (Its called ticket is saved with the ticket.)"""
    tx.execute(
        "UPDATE counters SET state = ?, officer = ?, updated_at = ? WHERE id = ?",
        [state.value, tx.actor, utc_text(tx.now), counter_id],
    )


# ---- idempotency keys and survey answers ------------------------------------------------------


@dataclass(frozen=True)
class KeyedRequest:
    """A kiosk request remembered by its Idempotency-Key for the service day."""

    ticket_id: int
    request_hash: str
    print_status: str | None
    print_error: str | None


def keyed_request(db: Reader, day: date, key: str) -> KeyedRequest | None:
    row = db.one(
        "SELECT ticket_id, request_hash, print_status, print_error FROM idempotency "
        "WHERE service_day = ? AND key = ?",
        [day.isoformat(), key],
    )
    return KeyedRequest(**row) if row else None


def remember_request(
    tx: Transaction,
    day: date,
    key: str,
    request_hash: str,
    ticket_id: int,
    print_status: str | None,
) -> None:
    tx.execute(
        "INSERT INTO idempotency (service_day, key, request_hash, ticket_id, print_status) "
        "VALUES (?, ?, ?, ?, ?)",
        [day.isoformat(), key, request_hash, ticket_id, print_status],
    )


def record_print(tx: Transaction, day: date, key: str, status: str, error: str | None) -> None:
    tx.execute(
        "UPDATE idempotency SET print_status = ?, print_error = ? "
        "WHERE service_day = ? AND key = ?",
        [status, error, day.isoformat(), key],
    )


def forget_requests_before(tx: Transaction, day: date) -> None:
    tx.execute("DELETE FROM idempotency WHERE service_day < ?", [day.isoformat()])


def surveyed(db: Reader, ticket_id: int) -> bool:
    return db.one("SELECT 1 AS x FROM surveys WHERE ticket_id = ?", [ticket_id]) is not None


def surveyed_ids(db: Reader) -> Iterator[int]:
    for row in db.iterate("SELECT ticket_id FROM surveys ORDER BY ticket_id"):
        yield row["ticket_id"]


def save_survey(tx: Transaction, ticket_id: int, answers_json: str) -> None:
    tx.execute(
        "INSERT INTO surveys (ticket_id, answered_at, answers) VALUES (?, ?, ?)",
        [ticket_id, utc_text(tx.now), answers_json],
    )


# ---- bookings ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class BookingRow:
    """A booked slot (its lifecycle: `shared.domain.booking`); times are UTC."""

    id: int
    code: str
    token: str
    service: str
    service_day: date
    starts_at: datetime
    status: BookingStatus
    made_at: datetime
    made_by: str
    reference: str | None
    ticket_id: int | None
    need: str | None = None  # `needs.Need`: the ticket its check-in gives carries it


def _booking(row: dict[str, Any]) -> BookingRow:
    return BookingRow(
        id=row["id"],
        code=row["code"],
        token=row["token"],
        service=row["service"],
        service_day=date.fromisoformat(row["service_day"]),
        starts_at=parse_utc(row["starts_at"]),
        status=BookingStatus(row["status"]),
        made_at=parse_utc(row["made_at"]),
        made_by=row["made_by"],
        reference=row["reference"],
        ticket_id=row["ticket_id"],
        need=row["need"],
    )


def booking_by_token(db: Reader, token: str) -> BookingRow | None:
    row = db.one("SELECT * FROM bookings WHERE token = ?", [token])
    return _booking(row) if row else None


def booking_by_id(db: Reader, booking_id: int) -> BookingRow | None:
    row = db.one("SELECT * FROM bookings WHERE id = ?", [booking_id])
    return _booking(row) if row else None


def booking_by_code(db: Reader, code: str) -> BookingRow | None:
    row = db.one("SELECT * FROM bookings WHERE code = ?", [code])
    return _booking(row) if row else None


def code_taken(db: Reader, code: str) -> bool:
    return db.one("SELECT 1 AS x FROM bookings WHERE code = ?", [code]) is not None


def next_booking_id(tx: Transaction) -> int:
    row = tx.one("SELECT COALESCE(MAX(id), 0) + 1 AS id FROM bookings")
    assert row is not None
    return row["id"]


# The statuses in which a booking holds its place in a slot.
HOLDING = (BookingStatus.BOOKED, BookingStatus.CHECKED_IN)


def taken_places(db: Reader, service: str, start: datetime, end: datetime) -> dict[datetime, int]:
    """Booked or checked-in places per slot start of a service, for starts in [start, end)."""
    rows = db.all(
        "SELECT starts_at, COUNT(*) AS n FROM bookings WHERE service = ? AND starts_at >= ? "
        "AND starts_at < ? AND status IN (?, ?) GROUP BY starts_at",
        [service, utc_text(start), utc_text(end), *HOLDING],
    )
    return {parse_utc(row["starts_at"]): row["n"] for row in rows}


@dataclass(frozen=True)
class Booker:
    """Who books for themselves, as far as the station keeps it: hashes of their address, their
    address's network and their phone's cookie."""

    address: str | None = None
    network: str | None = None
    device: str | None = None


def insert_booking(tx: Transaction, booking: BookingRow, booker: Booker) -> None:
    tx.execute(
        "INSERT INTO bookings (id, code, token, service, service_day, starts_at, status, made_at, "
        "made_by, address, device, reference, ticket_id, network, need) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?)",
        [
            booking.id,
            booking.code,
            booking.token,
            booking.service,
            booking.service_day.isoformat(),
            utc_text(booking.starts_at),
            booking.status.value,
            utc_text(booking.made_at),
            booking.made_by,
            booker.address,
            booker.device,
            booking.reference,
            booker.network,
            booking.need,
        ],
    )


def set_booking_status(
    tx: Transaction, booking_id: int, status: BookingStatus, ticket_id: int | None = None
) -> None:
    tx.execute(
        "UPDATE bookings SET status = ?, ticket_id = COALESCE(?, ticket_id), updated_at = ? "
        "WHERE id = ?",
        [status.value, ticket_id, utc_text(tx.now), booking_id],
    )


def bookings_made_from(db: Reader, address: str, since: datetime) -> int:
    """Bookings a (hashed) address made since an instant, cancelled ones too."""
    row = db.one(
        "SELECT COUNT(*) AS n FROM bookings WHERE address = ? AND made_at >= ?",
        [address, utc_text(since)],
    )
    return row["n"] if row else 0


def bookings_made_from_network(db: Reader, network: str, since: datetime) -> int:
    """Bookings a (hashed) network made since an instant, cancelled ones too."""
    row = db.one(
        "SELECT COUNT(*) AS n FROM bookings WHERE network = ? AND made_at >= ?",
        [network, utc_text(since)],
    )
    return row["n"] if row else 0


def citizen_places(db: Reader, service: str, day: date) -> tuple[dict[datetime, int], int]:
    """What citizens booking for themselves hold of a service day: per slot start, and in all."""
    rows = db.all(
        "SELECT starts_at, COUNT(*) AS n FROM bookings WHERE service = ? AND service_day = ? "
        "AND made_by = 'citizen' AND status IN (?, ?) GROUP BY starts_at",
        [service, day.isoformat(), *HOLDING],
    )
    per_slot = {parse_utc(row["starts_at"]): row["n"] for row in rows}
    return per_slot, sum(per_slot.values())


def open_bookings_of_device(db: Reader, device: str) -> int:
    row = db.one(
        "SELECT COUNT(*) AS n FROM bookings WHERE device = ? AND status = ?",
        [device, BookingStatus.BOOKED],
    )
    return row["n"] if row else 0


def open_bookings_started_before(db: Reader, moment: datetime) -> list[BookingRow]:
    """Bookings still waiting for their citizen whose slot began before `moment`."""
    rows = db.all(
        f"SELECT * FROM {BOOKINGS_STARTED} ORDER BY id",  # noqa: S608
        {"booked": BookingStatus.BOOKED, "moment": utc_text(moment)},
    )
    return [_booking(row) for row in rows]


def bookings_with_need(db: Reader, need: str, start: datetime, end: datetime) -> list[BookingRow]:
    """Bookings with a need whose slot starts in [start, end), soonest first."""
    rows = db.all(
        "SELECT * FROM bookings WHERE need = ? AND starts_at >= ? AND starts_at < ? "
        "ORDER BY starts_at, id",
        [need, utc_text(start), utc_text(end)],
    )
    return [_booking(row) for row in rows]


def bookings_of_day(db: Reader, day: date) -> list[BookingRow]:
    rows = db.all(
        "SELECT * FROM bookings WHERE service_day = ? ORDER BY starts_at, id", [day.isoformat()]
    )
    return [_booking(row) for row in rows]


def booked_waiting_due(db: Reader, moment: datetime) -> list[Ticket]:
    """Waiting tickets of bookings whose slot has begun by `moment` (asked by every ticket
    transaction, through `housekeeping_due`: the partial index keeps it off the day's other
    waiting tickets)."""
    rows = db.all(f"SELECT * FROM {BOOKED_DUE} ORDER BY id", {"moment": utc_text(moment)})  # noqa: S608
    return [_ticket(row) for row in rows]
