"""The central server's PostgreSQL schema as numbered migrations; every command applies the
pending ones first, under an advisory lock so two starting processes never both migrate.

The copy of each station's log (`events`) is keyed by (station, id): every read is about one
station, and a whole country can partition this table by station without changing a query
(see the README's "How it scales"). It is append-only: only a station's declared restore
moves the rows it no longer continues to `superseded_events`, kept there for the evaluator.
`kept_reports` holds the reports of closed periods already built (`central.kept`).
"""

from __future__ import annotations

import psycopg

from shared.domain.chain import GENESIS

MIGRATION_LOCK = 7_241_301  # pg_advisory_xact_lock key: "satupintu central schema"

MIGRATIONS: tuple[tuple[str, str], ...] = (
    (
        "m001_core",
        f"""
        CREATE TABLE stations (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            key_hash TEXT NOT NULL UNIQUE,
            created_at TIMESTAMPTZ NOT NULL,
            confirmed_row BIGINT NOT NULL DEFAULT 0,
            confirmed_hash TEXT NOT NULL DEFAULT '{GENESIS}',
            confirmed_at TEXT COLLATE "C",
            head_row BIGINT,
            head_at TEXT COLLATE "C",
            last_contact TIMESTAMPTZ,
            chain TEXT NOT NULL DEFAULT 'ok' CHECK (chain IN ('ok', 'gap', 'fork')),
            chain_row BIGINT,
            chain_since TIMESTAMPTZ,
            settings JSONB,
            settings_digest TEXT
        );

        CREATE TABLE events (
            station TEXT NOT NULL REFERENCES stations (id),
            id BIGINT NOT NULL,
            seq BIGINT,
            at TEXT COLLATE "C" NOT NULL,
            name TEXT NOT NULL,
            actor TEXT NOT NULL,
            counter TEXT,
            service TEXT,
            ticket_id BIGINT,
            data TEXT NOT NULL,
            prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL,
            PRIMARY KEY (station, id)
        );
        CREATE INDEX events_at ON events (station, at);
        CREATE INDEX events_ticket ON events (station, ticket_id, id);
        CREATE FUNCTION events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION 'the copy of a station log is append-only'; END $$;
        CREATE TRIGGER events_no_change BEFORE UPDATE OR DELETE ON events
            FOR EACH ROW EXECUTE FUNCTION events_append_only();

        CREATE TABLE users (
            username TEXT PRIMARY KEY,
            role TEXT NOT NULL CHECK (role IN ('viewer', 'admin')),
            password_hash TEXT NOT NULL,
            disabled BOOLEAN NOT NULL DEFAULT false,
            created_at TIMESTAMPTZ NOT NULL
        );
        CREATE TABLE sessions (
            token_hash TEXT PRIMARY KEY,
            username TEXT NOT NULL REFERENCES users (username),
            created_at TIMESTAMPTZ NOT NULL,
            expires_at TIMESTAMPTZ NOT NULL,
            revoked_at TIMESTAMPTZ
        );
        CREATE TABLE login_failures (
            username TEXT PRIMARY KEY,
            failures INTEGER NOT NULL,
            last_failed_at TIMESTAMPTZ NOT NULL
        );
        """,
    ),
    (
        "m012_declared_restores",
        """
        CREATE TABLE restores (
            id BIGSERIAL PRIMARY KEY,
            station TEXT NOT NULL REFERENCES stations (id),
            restored_row BIGINT NOT NULL,
            superseded_rows BIGINT NOT NULL,
            declared_at TIMESTAMPTZ NOT NULL
        );
        CREATE INDEX restores_station ON restores (station, id);

        CREATE TABLE superseded_events (LIKE events INCLUDING ALL);
        ALTER TABLE superseded_events DROP CONSTRAINT superseded_events_pkey;
        ALTER TABLE superseded_events ADD COLUMN restore BIGINT NOT NULL REFERENCES restores (id);
        ALTER TABLE superseded_events ADD PRIMARY KEY (restore, id);
        CREATE TRIGGER superseded_events_no_change BEFORE UPDATE OR DELETE ON superseded_events
            FOR EACH ROW EXECUTE FUNCTION events_append_only();

        CREATE OR REPLACE FUNCTION events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP = 'DELETE' AND TG_TABLE_NAME = 'events'
                        AND current_setting('satupintu.superseding', true) = 'on' THEN
                    RETURN OLD;
                END IF;
                RAISE EXCEPTION 'the copy of a station log is append-only';
            END $$;
        """,
    ),
    (
        "m026_kept_reports",
        """
        CREATE TABLE kept_reports (
            station TEXT NOT NULL REFERENCES stations (id),
            first_day DATE NOT NULL,
            last_day DATE NOT NULL,
            language TEXT NOT NULL,
            settings_digest TEXT NOT NULL,
            upto_row BIGINT NOT NULL,
            report JSONB NOT NULL,
            kept_at TIMESTAMPTZ NOT NULL DEFAULT now(),
            PRIMARY KEY (station, first_day, last_day, language)
        );
        """,
    ),
    (
        # Every row of the copy is written by `central.ingest` for the station it has just
        # locked, and a station is never removed: the foreign key only checked again, row by
        # row, what is already so, and cost PostgreSQL a quarter to a third of its `COPY`.
        "m027_events_station_unchecked",
        "ALTER TABLE events DROP CONSTRAINT events_station_fkey",
    ),
    (
        # A report asks for a station's last power event before its window (was the hall on
        # battery when the window began?): without this index PostgreSQL walked the station's
        # log back from its newest row, the whole log for a station that never lost power.
        # Only power events are in it, so shipping hardly pays for it.
        "m028_power_events",
        "CREATE INDEX events_power ON events (station, id) "
        "WHERE name IN ('power.lost', 'power.back', 'power.low')",
    ),
)


def pending(conn: psycopg.Connection[dict]) -> list[str]:
    """The names of the migrations this database has not had yet."""
    exists = conn.execute("SELECT to_regclass('schema_migrations') IS NOT NULL AS found").fetchone()
    if not exists or not exists["found"]:
        return [name for name, _ in MIGRATIONS]
    applied = {row["name"] for row in conn.execute("SELECT name FROM schema_migrations")}
    return [name for name, _ in MIGRATIONS if name not in applied]


def migrate(conn: psycopg.Connection[dict]) -> list[str]:
    """Apply the pending migrations in one transaction; returns their names."""
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", [MIGRATION_LOCK])
        conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            "name TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())"
        )
        todo = pending(conn)
        for name, sql in MIGRATIONS:
            if name in todo:
                conn.execute(sql.encode())
                conn.execute("INSERT INTO schema_migrations (name) VALUES (%s)", [name])
    return todo
