"""The database schema as numbered migrations; every command applies the pending ones first."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from shared.store.credentials import baseline

if TYPE_CHECKING:
    from shared.domain.events import Event
    from shared.store.store import Reader

migrations = Migrations("satupintu")


@migrations()
def m001_core(db: Database) -> None:
    db.executescript(
        """
        CREATE TABLE tickets (
            id INTEGER PRIMARY KEY,
            token TEXT NOT NULL UNIQUE,
            number TEXT NOT NULL,
            issued_service TEXT NOT NULL,
            day_seq INTEGER NOT NULL,
            service_day TEXT NOT NULL,
            service TEXT NOT NULL,
            priority INTEGER NOT NULL DEFAULT 0,
            status TEXT NOT NULL,
            kiosk TEXT,
            issued_at TEXT NOT NULL,
            called_at TEXT,
            finished_at TEXT,
            counter TEXT,
            UNIQUE (service_day, issued_service, day_seq),
            UNIQUE (service_day, number)
        );
        CREATE INDEX tickets_waiting
            ON tickets (status, service_day, service, priority, issued_at, id);
        CREATE INDEX tickets_finished ON tickets (service, status, finished_at);

        CREATE TABLE counters (
            id TEXT PRIMARY KEY,
            state TEXT NOT NULL DEFAULT 'open',
            ticket_id INTEGER REFERENCES tickets(id),
            officer TEXT,
            updated_at TEXT
        );

        CREATE TABLE events (
            id INTEGER PRIMARY KEY,
            seq INTEGER UNIQUE,
            at TEXT NOT NULL,
            name TEXT NOT NULL,
            actor TEXT NOT NULL,
            counter TEXT,
            service TEXT,
            ticket_id INTEGER,
            data TEXT NOT NULL,
            prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL
        );
        CREATE INDEX events_name_counter ON events (name, counter, id);
        CREATE INDEX events_name_service ON events (name, service, id);
        CREATE INDEX events_at ON events (at);
        CREATE TRIGGER events_no_update BEFORE UPDATE ON events
            BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
        CREATE TRIGGER events_no_delete BEFORE DELETE ON events
            BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;

        CREATE TABLE idempotency (
            service_day TEXT NOT NULL,
            key TEXT NOT NULL,
            request_hash TEXT NOT NULL,
            ticket_id INTEGER NOT NULL REFERENCES tickets(id),
            print_status TEXT,
            print_error TEXT,
            PRIMARY KEY (service_day, key)
        );

        CREATE TABLE users (
            username TEXT PRIMARY KEY,
            role TEXT NOT NULL,
            password_hash TEXT NOT NULL,
            disabled INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL
        );

        CREATE TABLE sessions (
            token_hash TEXT PRIMARY KEY,
            username TEXT NOT NULL REFERENCES users(username),
            created_at TEXT NOT NULL,
            expires_at TEXT NOT NULL,
            revoked_at TEXT
        );

        CREATE TABLE surveys (
            ticket_id INTEGER PRIMARY KEY REFERENCES tickets(id),
            answered_at TEXT NOT NULL,
            answers TEXT NOT NULL
        );
        """
    )


@migrations()
def m002_events_by_ticket(db: Database) -> None:
    """Oversight reports read every event of the tickets a period touched."""
    db.execute("CREATE INDEX IF NOT EXISTS events_ticket ON events (ticket_id, id)")


@migrations()
def m003_ticket_reprints(db: Database) -> None:
    """The kiosk may reprint a waiting ticket a few times; count the reprints per ticket."""
    db.execute("ALTER TABLE tickets ADD COLUMN reprints INTEGER NOT NULL DEFAULT 0")


@migrations()
def m004_devices_units_and_queue_days(db: Database) -> None:
    """Kiosks and survey tablets are enrolled devices; officers may be limited to units; a
    ticket waits in the queue of a service day that a transfer after midnight moves on; phones
    taking tickets are told apart; failed logins slow an account down; reports' audit checks
    start from the last row verified."""
    db.executescript(
        """
        CREATE TABLE devices (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL,
            target TEXT NOT NULL,
            enrol_hash TEXT UNIQUE,
            enrol_expires_at TEXT,
            credential_hash TEXT UNIQUE,
            created_at TEXT NOT NULL,
            enrolled_at TEXT,
            revoked_at TEXT
        );
        ALTER TABLE users ADD COLUMN units TEXT;
        ALTER TABLE tickets ADD COLUMN device TEXT;
        ALTER TABLE tickets ADD COLUMN queue_day TEXT NOT NULL DEFAULT '';
        UPDATE tickets SET queue_day = service_day;
        DROP INDEX tickets_waiting;
        CREATE INDEX tickets_waiting
            ON tickets (status, queue_day, service, priority, issued_at, id);
        CREATE INDEX tickets_device ON tickets (device, status) WHERE device IS NOT NULL;
        CREATE TABLE login_failures (
            username TEXT PRIMARY KEY,
            failures INTEGER NOT NULL,
            last_failed_at TEXT NOT NULL
        );
        CREATE TABLE audit_progress (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            row INTEGER NOT NULL,
            hash TEXT NOT NULL,
            verified_at TEXT NOT NULL
        );
        """
    )


@migrations()
def m005_health_probe(db: Database) -> None:
    """The health check proves the database takes a write by rewriting this one row."""
    db.execute(
        "CREATE TABLE health_probe "
        "(id INTEGER PRIMARY KEY CHECK (id = 1), checked_at TEXT NOT NULL)"
    )


@migrations()
def m006_queue_places_recalls_and_presence(db: Database) -> None:
    """A ticket's place in the queue can differ from its issue time (sent to the front), the
    recalls since its call are counted, and consoles say who is at which counter."""
    db.executescript(
        """
        CREATE TABLE presence (
            connection TEXT PRIMARY KEY,
            counter_id TEXT NOT NULL,
            username TEXT NOT NULL,
            since TEXT NOT NULL,
            seen_at TEXT NOT NULL
        );
        ALTER TABLE tickets ADD COLUMN queue_at TEXT NOT NULL DEFAULT '';
        UPDATE tickets SET queue_at = issued_at;
        ALTER TABLE tickets ADD COLUMN recalls INTEGER NOT NULL DEFAULT 0;
        UPDATE tickets SET recalls = (
            SELECT COUNT(*) FROM events AS recall
            WHERE recall.ticket_id = tickets.id AND recall.name = 'ticket.recalled'
              AND recall.id > (
                SELECT MAX(id) FROM events AS call
                WHERE call.ticket_id = tickets.id AND call.name = 'ticket.called'
              )
        ) WHERE called_at IS NOT NULL;
        DROP INDEX tickets_waiting;
        CREATE INDEX tickets_waiting
            ON tickets (status, queue_day, service, priority, queue_at, id);
        """
    )


@migrations()
def m007_central_receipts(db: Database) -> None:
    """A station that ships its log to a central server keeps central's latest receipt (the
    row central confirmed and its hash) and when central last answered."""
    db.executescript(
        """
        CREATE TABLE central_link (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            confirmed_row INTEGER NOT NULL,
            hash TEXT NOT NULL,
            last_contact TEXT NOT NULL
        );
        """
    )


@migrations()
def m008_bookings(db: Database) -> None:
    """Citizens book slots ahead and check in at the kiosk; tickets may carry a reference from
    another system and the slot of the booking they were issued for."""
    db.executescript(
        """
        CREATE TABLE bookings (
            id INTEGER PRIMARY KEY,
            code TEXT NOT NULL UNIQUE,
            token TEXT NOT NULL UNIQUE,
            service TEXT NOT NULL,
            service_day TEXT NOT NULL,
            starts_at TEXT NOT NULL,
            status TEXT NOT NULL,
            made_at TEXT NOT NULL,
            made_by TEXT NOT NULL,
            address TEXT,
            device TEXT,
            reference TEXT,
            ticket_id INTEGER REFERENCES tickets(id),
            updated_at TEXT
        );
        CREATE INDEX bookings_slot ON bookings (service, starts_at, status);
        CREATE INDEX bookings_open ON bookings (status, starts_at);
        CREATE INDEX bookings_address ON bookings (address, made_at);
        CREATE INDEX bookings_device ON bookings (device, status);
        ALTER TABLE tickets ADD COLUMN reference TEXT;
        ALTER TABLE tickets ADD COLUMN booked_for TEXT;
        -- Every ticket transaction looks for booked tickets whose slot began: without this
        -- it would read every waiting ticket of the day.
        CREATE INDEX tickets_booked_waiting ON tickets (booked_for)
            WHERE status = 'waiting' AND booked_for IS NOT NULL;
        """
    )


@migrations()
def m009_central_attempts(db: Database) -> None:
    """How the station's latest attempt to ship to central ended (accepted, refused with
    central's reason, or unreachable), so every process can tell a refusal from a network
    fault."""
    db.executescript(
        """
        CREATE TABLE central_attempt (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            outcome TEXT NOT NULL CHECK (outcome IN ('accepted', 'refused', 'unreachable')),
            status INTEGER,
            code TEXT,
            reason TEXT,
            at TEXT NOT NULL
        );
        """
    )


@migrations()
def m010_booking_networks_and_phone_addresses(db: Database) -> None:
    """Bookings are limited per network too (a client that changes its address stays in its
    network), and a phone's ticket is held by its (hashed) address as well as its cookie."""
    db.executescript(
        """
        ALTER TABLE bookings ADD COLUMN network TEXT;
        CREATE INDEX bookings_network ON bookings (network, made_at);
        CREATE INDEX bookings_citizens ON bookings (service, service_day, made_by, status);
        ALTER TABLE tickets ADD COLUMN device_address TEXT;
        CREATE INDEX tickets_device_address ON tickets (device_address, status)
            WHERE device_address IS NOT NULL;
        """
    )


@migrations()
def m011_credentials_in_the_log(db: Database) -> None:
    """An enrolled device's credential ends 30 days after its last use (sliding); credentials
    enrolled before start their 30 days now. Logins and enrolments log a digest of what they
    store, looked up by index on every request; what is stored now is the log's baseline
    (`UPGRADE_EVENTS`)."""
    db.executescript(
        """
        ALTER TABLE devices ADD COLUMN expires_at TEXT;
        UPDATE devices SET expires_at = strftime('%Y-%m-%dT%H:%M:%f000Z', 'now', '+30 days')
            WHERE credential_hash IS NOT NULL AND revoked_at IS NULL;
        CREATE INDEX events_session ON events (json_extract(data, '$.session'))
            WHERE name = 'user.login';
        CREATE INDEX events_credential ON events (json_extract(data, '$.credential'))
            WHERE name = 'device.enrolled';
        """
    )


@migrations()
def m012_history_free_lookups(db: Database) -> None:
    """What a console or a report asks on every action costs the same after a year as on the
    first day: calling a number finds it by its queue day, and the reports' audit check keeps
    the log's counts up to the row it verified, so the next check counts only the rows after."""
    db.executescript(
        """
        CREATE INDEX tickets_queue_number ON tickets (queue_day, number);
        ALTER TABLE audit_progress ADD COLUMN issued INTEGER;
        ALTER TABLE audit_progress ADD COLUMN answered INTEGER;
        """
    )


@migrations()
def m013_counter_serving_from_tickets(db: Database) -> None:
    """Who a counter serves is stored once, on the ticket (status `called`, its counter): the
    counters' copy of it goes, and an index finds a counter's called ticket."""
    db.executescript(
        """
        CREATE TABLE counters_new (
            id TEXT PRIMARY KEY,
            state TEXT NOT NULL DEFAULT 'open',
            officer TEXT,
            updated_at TEXT
        );
        INSERT INTO counters_new (id, state, officer, updated_at)
            SELECT id, state, officer, updated_at FROM counters;
        DROP TABLE counters;
        ALTER TABLE counters_new RENAME TO counters;
        CREATE INDEX tickets_serving ON tickets (counter) WHERE status = 'called';
        """
    )


@migrations()
def m014_carry_over_and_step_back(db: Database) -> None:
    """A waiting ticket may be carried over to its service's next open day (until when, and
    the carried ticket a "Lanjutan" ticket was issued for), and its citizen may let others go
    first a limited number of times."""
    db.executescript(
        """
        ALTER TABLE tickets ADD COLUMN carried_until TEXT;
        ALTER TABLE tickets ADD COLUMN carried_from INTEGER;
        ALTER TABLE tickets ADD COLUMN step_backs INTEGER NOT NULL DEFAULT 0;
        CREATE INDEX tickets_carried ON tickets (carried_until) WHERE status = 'carried';
        CREATE INDEX tickets_carried_from ON tickets (carried_from) WHERE carried_from IS NOT NULL;
        """
    )


@migrations()
def m015_sms(db: Database) -> None:
    """SMS (issue 23): citizens' mobile numbers in a table of their own, kept apart from the
    tickets and the log and deleted at the day's close (`sms_numbers`, for a ticket or for a
    booking until its check-in), and each message once (`sms_outbox`, unique `key`; a
    supervisor's alert names its `recipient`, a duty phone of the config), and the alerts
    raised and not yet over (`sms_alerts`), so each occurrence is told once."""
    db.executescript(
        """
        CREATE TABLE sms_numbers (
            id INTEGER PRIMARY KEY,
            ticket_id INTEGER UNIQUE REFERENCES tickets(id),
            booking_id INTEGER UNIQUE REFERENCES bookings(id),
            number TEXT NOT NULL,
            language TEXT NOT NULL,
            service_day TEXT NOT NULL,
            added_at TEXT NOT NULL,
            CHECK (ticket_id IS NOT NULL OR booking_id IS NOT NULL)
        );
        CREATE INDEX sms_numbers_number ON sms_numbers (number, service_day);
        CREATE INDEX sms_numbers_day ON sms_numbers (service_day);

        CREATE TABLE sms_outbox (
            id INTEGER PRIMARY KEY,
            key TEXT NOT NULL UNIQUE,
            ticket_id INTEGER REFERENCES tickets(id),
            kind TEXT NOT NULL,
            recipient TEXT,
            service_day TEXT NOT NULL,
            language TEXT NOT NULL,
            text TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'pending',
            attempts INTEGER NOT NULL DEFAULT 0,
            spool_digest TEXT,
            created_at TEXT NOT NULL,
            handed_at TEXT,
            finished_at TEXT
        );
        CREATE INDEX sms_outbox_open ON sms_outbox (status) WHERE status IN ('pending', 'handed');
        CREATE INDEX sms_outbox_day ON sms_outbox (service_day, status);

        CREATE TABLE sms_alerts (
            key TEXT PRIMARY KEY,
            raised_at TEXT NOT NULL
        );
        """
    )


@migrations()
def m016_skm_profiles_and_followups(db: Database) -> None:
    """The SKM respondent profile, kept only as counts per quarter (never beside an answer or
    a ticket), and the follow-up register of the SKM's weak elements (its history is in the
    log: `followup.saved`)."""
    db.executescript(
        """
        CREATE TABLE survey_profiles (
            quarter TEXT NOT NULL,
            question TEXT NOT NULL,
            category TEXT NOT NULL,
            answers INTEGER NOT NULL,
            PRIMARY KEY (quarter, question, category)
        );
        CREATE TABLE followups (
            id INTEGER PRIMARY KEY,
            period TEXT NOT NULL,
            element TEXT NOT NULL,
            action TEXT NOT NULL,
            owner TEXT NOT NULL,
            due TEXT NOT NULL,
            done TEXT,
            evidence TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX followups_period ON followups (period);
        """
    )


@migrations()
def m017_sms_bookings_and_staff_phones(db: Database) -> None:
    """SMS, second part (issue 23): a message may be about a booking (`sms_outbox.booking_id`:
    its confirmation and its reminder, joined to the booking's number only when handed), and
    staff may have a mobile number, kept apart from `users` like the citizens' (`user_phones`),
    with whether a supervisor chose the alerts by SMS (`sms_alerts`)."""
    db.executescript(
        """
        ALTER TABLE sms_outbox ADD COLUMN booking_id INTEGER REFERENCES bookings(id);
        CREATE TABLE user_phones (
            username TEXT PRIMARY KEY REFERENCES users(username),
            number TEXT NOT NULL,
            sms_alerts INTEGER NOT NULL DEFAULT 0,
            changed_at TEXT NOT NULL
        );
        """
    )


@migrations()
def m018_integrity_counts(db: Database) -> None:
    """The integrity survey's answers, kept only as counts per hour (UTC, of the service's
    finish), counter and officer: never a ticket, token, number or phone beside them, and no
    row id whose order would tell which answer came when."""
    db.executescript(
        """
        CREATE TABLE integrity_counts (
            hour TEXT NOT NULL,
            counter TEXT NOT NULL,
            officer TEXT NOT NULL,
            question TEXT NOT NULL,
            answer TEXT NOT NULL,
            answers INTEGER NOT NULL,
            PRIMARY KEY (hour, counter, officer, question, answer)
        ) WITHOUT ROWID;
        """
    )


@migrations()
def m019_needs(db: Database) -> None:
    """A ticket's and a booking's need (issue 25): only its kind (`needs.Need`), never who;
    waiting tickets with a need are looked up at every call-next (routing to a skilled
    officer) and by the dashboard's interpreter notice."""
    db.executescript(
        """
        ALTER TABLE tickets ADD COLUMN need TEXT;
        ALTER TABLE bookings ADD COLUMN need TEXT;
        CREATE INDEX tickets_need ON tickets (queue_day, service, need, queue_at, id)
            WHERE status = 'waiting' AND need IS NOT NULL;
        CREATE INDEX bookings_need ON bookings (starts_at) WHERE need IS NOT NULL;
        """
    )


@migrations()
def m020_queue_changes(db: Database) -> None:
    """Which tickets entered, left or moved in a queue, in commit order (`queue_index`): each
    process keeps its queues in memory and re-reads only the tickets changed since. The log
    keeps its last 10,000 entries; a process further behind
    loads the waiting tickets afresh."""
    db.executescript(
        """
        CREATE TABLE queue_changes (seq INTEGER PRIMARY KEY, ticket_id INTEGER NOT NULL);
        CREATE TRIGGER queue_changes_insert AFTER INSERT ON tickets
            WHEN NEW.status = 'waiting'
        BEGIN
            INSERT INTO queue_changes (ticket_id) VALUES (NEW.id);
            DELETE FROM queue_changes
                WHERE seq <= (SELECT MAX(seq) FROM queue_changes) - 10000;
        END;
        CREATE TRIGGER queue_changes_update
            AFTER UPDATE OF status, service, queue_day, queue_at, priority, need ON tickets
            WHEN OLD.status = 'waiting' OR NEW.status = 'waiting'
        BEGIN
            INSERT INTO queue_changes (ticket_id) VALUES (NEW.id);
            DELETE FROM queue_changes
                WHERE seq <= (SELECT MAX(seq) FROM queue_changes) - 10000;
        END;
        CREATE TRIGGER queue_changes_delete AFTER DELETE ON tickets
            WHEN OLD.status = 'waiting'
        BEGIN
            INSERT INTO queue_changes (ticket_id) VALUES (OLD.id);
        END;
        """
    )


@migrations()
def m021_hall_changes(db: Database) -> None:
    """A number that grows with every change to what a ticket's place and wait estimate read
    besides the queues (`shared.application.estimate_inputs`): the counters, the tickets at
    a counter or finished there, the suspensions and the calls. A process keeps those inputs
    while the number stays the same; a ticket taken, or moved while it waits, leaves it as is."""
    db.executescript(
        """
        CREATE TABLE hall_changes (n INTEGER NOT NULL);
        INSERT INTO hall_changes (n) VALUES (0);
        CREATE TRIGGER hall_changes_counter_insert AFTER INSERT ON counters
        BEGIN UPDATE hall_changes SET n = n + 1; END;
        CREATE TRIGGER hall_changes_counter_update AFTER UPDATE ON counters
        BEGIN UPDATE hall_changes SET n = n + 1; END;
        CREATE TRIGGER hall_changes_counter_delete AFTER DELETE ON counters
        BEGIN UPDATE hall_changes SET n = n + 1; END;
        CREATE TRIGGER hall_changes_ticket_insert AFTER INSERT ON tickets
            WHEN NEW.status <> 'waiting'
        BEGIN UPDATE hall_changes SET n = n + 1; END;
        CREATE TRIGGER hall_changes_ticket_update AFTER UPDATE ON tickets
            WHEN OLD.status <> 'waiting' OR NEW.status <> 'waiting'
        BEGIN UPDATE hall_changes SET n = n + 1; END;
        CREATE TRIGGER hall_changes_ticket_delete AFTER DELETE ON tickets
            WHEN OLD.status <> 'waiting'
        BEGIN UPDATE hall_changes SET n = n + 1; END;
        CREATE TRIGGER hall_changes_event AFTER INSERT ON events
            WHEN NEW.name IN ('service.suspended', 'service.resumed', 'ticket.called')
        BEGIN UPDATE hall_changes SET n = n + 1; END;
        """
    )


# What an upgrade logs once a migration has run: the event (if any) it makes of the database.
UPGRADE_EVENTS: dict[str, Callable[[Reader], Event | None]] = {
    m011_credentials_in_the_log.__name__: baseline,
}


def migration_names() -> list[str]:
    """Every migration of this code, in the order they apply."""
    return [migration.name for migration in migrations._migrations]


def pending_migrations(db: Database) -> bool:
    """Whether the database is older than this code (a read: no lock taken)."""
    return bool(migrations.pending(db))


def migrate(db: Database) -> list[Callable[[Reader], Event | None]]:
    """Bring the database to the current schema version (inside the caller's write lock);
    what to log of the migrations that ran, in order."""
    pending = [migration.name for migration in migrations.pending(db)]
    migrations.apply(db)
    return [UPGRADE_EVENTS[name] for name in pending if name in UPGRADE_EVENTS]
