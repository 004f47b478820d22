"""`satupintu audit verify` against someone editing the database with the sqlite3 command line.

The attacker drops the append-only triggers first, then edits, deletes or inserts event rows;
a careful one recomputes hashes (the algorithm is public) and fixes the tickets table too.
Each case runs the real `satupintu` command on the real database file.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from flask.testing import FlaskClient

from satupintu.app import create_app, open_station
from shared.application.audit import close_days
from shared.application.devices import DEVICE_COOKIE, Kind, invite, revoke
from shared.application.services import ensure_counters
from shared.application.users import add_user
from shared.domain import chain
from shared.domain.clock import ManualClock
from shared.domain.config import Config
from shared.web.auth import SESSION_COOKIE
from tests.admin_fixtures import oversight_config, oversight_services, scripted_day
from tests.helpers import BASE_CONFIG, MORNING
from tests.realserver import PASSWORD, SATUPINTU

pytestmark = pytest.mark.external

DROP_TRIGGERS = "DROP TRIGGER events_no_update; DROP TRIGGER events_no_delete;"
# A careful forger puts the append-only guards back once the log is as they want it.
PHONE = {"REMOTE_ADDR": "10.0.0.7"}
RESTORE_TRIGGERS = (
    "CREATE TRIGGER events_no_update BEFORE UPDATE ON events "
    "BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END; "
    "CREATE TRIGGER events_no_delete BEFORE DELETE ON events "
    "BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;"
)


def sqlite(database: Path, sql: str, *, restore_triggers: bool = True) -> None:
    """Run SQL as an attacker would: the sqlite3 command line (Python's sqlite3 without it).

    SQL that drops the log's triggers to edit it puts them back afterwards, unless told not to.
    """
    if sql.startswith(DROP_TRIGGERS) and restore_triggers:
        sql = f"{sql} {RESTORE_TRIGGERS}"
    if shutil.which("sqlite3"):
        command = ["sqlite3", str(database), sql]
    else:
        script = (
            "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.executescript(sys.argv[2])"
        )
        command = [sys.executable, "-c", script, str(database), sql]
    subprocess.run(command, check=True, capture_output=True, text=True, timeout=30)


def rows(database: Path, sql: str) -> list[dict[str, Any]]:
    conn = sqlite3.connect(database)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(row) for row in conn.execute(sql)]
    finally:
        conn.close()


class Hall:
    """A station database after its day closed, and the commands to check it."""

    def __init__(self, folder: Path, config: Config) -> None:
        self.config_file = folder / "config.yaml"
        self.config_file.write_text(
            yaml.safe_dump({**BASE_CONFIG, "services": oversight_services()}), encoding="utf-8"
        )
        self.database = config.database_path
        self.anchors = config.anchor_path

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [SATUPINTU, *args, "--config", str(self.config_file)],
            capture_output=True, text=True, timeout=60,
        )  # fmt: skip

    def verify(self, *anchors: str) -> subprocess.CompletedProcess[str]:
        return self.run("audit", "verify", *(f"--anchor={anchor}" for anchor in anchors))

    def event(self, where: str) -> dict[str, Any]:
        found = rows(self.database, f"SELECT * FROM events WHERE {where} ORDER BY id")
        assert found, where
        return found[0]

    def last_id(self) -> int:
        return rows(self.database, "SELECT MAX(id) AS n FROM events")[0]["n"]


@pytest.fixture
def hall(tmp_path: Path) -> Hall:
    """The scripted day, closed: the next morning has begun and the day's anchor is written."""
    config = oversight_config(tmp_path)
    clock = ManualClock(MORNING)
    station = open_station(config, clock=clock)
    ensure_counters(station)
    scripted_day(station, clock)
    clock.set(MORNING + timedelta(days=1))
    assert [anchor.label for anchor in close_days(station)] == ["2026-05-20"]
    station.store.close()
    return Hall(tmp_path, config)


def test_an_untouched_log_verifies(hall: Hall) -> None:
    result = hall.verify()
    assert result.returncode == 0, result.stderr
    assert f"audit: OK, {hall.last_id()} events verified" in result.stdout


def test_a_row_edited_with_sqlite3_is_named(hall: Hall) -> None:
    call = hall.event("name = 'ticket.called' AND json_extract(data, '$.out_of_order')")
    sqlite(
        hall.database, f"{DROP_TRIGGERS} UPDATE events SET actor = 'budi' WHERE id = {call['id']};"
    )
    result = hall.verify()
    assert result.returncode == 1
    assert f"BROKEN at event row {call['id']}: the content of row {call['id']}" in result.stderr
    assert "(edited)" in result.stderr


def test_a_reason_quietly_removed_from_the_data_is_named(hall: Hall) -> None:
    call = hall.event("name = 'ticket.called' AND json_extract(data, '$.out_of_order')")
    data = json.dumps({**json.loads(call["data"]), "reason": None, "out_of_order": False})
    sqlite(
        hall.database, f"{DROP_TRIGGERS} UPDATE events SET data = '{data}' WHERE id = {call['id']};"
    )
    assert f"BROKEN at event row {call['id']}" in hall.verify().stderr


def test_a_row_deleted_in_the_middle_is_named(hall: Hall) -> None:
    gone = hall.event("name = 'ticket.no_show'")["id"]
    sqlite(hall.database, f"{DROP_TRIGGERS} DELETE FROM events WHERE id = {gone};")
    result = hall.verify()
    assert result.returncode == 1
    assert f"BROKEN at event row {gone + 1}: row {gone} is missing" in result.stderr


def test_a_row_inserted_at_the_end_with_a_made_up_hash_is_named(hall: Hall) -> None:
    last = hall.event(f"id = {hall.last_id()}")
    sqlite(
        hall.database,
        f"INSERT INTO events (id, seq, at, name, actor, counter, service, ticket_id, data, "
        f"prev_hash, hash) VALUES ({last['id'] + 1}, NULL, '{last['at']}', 'user.login', 'sari', "
        f"NULL, NULL, NULL, '{{}}', '{last['hash']}', '{'ab' * 32}');",
    )
    result = hall.verify()
    assert result.returncode == 1
    assert f"BROKEN at event row {last['id'] + 1}: the content of row" in result.stderr


def test_a_row_slipped_into_the_middle_with_a_correct_hash_breaks_the_next_link(
    hall: Hall,
) -> None:
    """Renumber the rows after it to make room, insert a forged call with its own true hash."""
    spot = hall.event("name = 'ticket.no_show'")["id"]
    before = hall.event(f"id = {spot - 1}")
    forged = {**before, "id": spot, "seq": None, "actor": "forger", "prev_hash": before["hash"]}
    forged["hash"] = chain.row_hash(forged)
    sqlite(
        hall.database,
        f"{DROP_TRIGGERS} UPDATE events SET id = -id WHERE id >= {spot}; "
        f"UPDATE events SET id = 1 - id WHERE id < 0; "
        f"INSERT INTO events (id, seq, at, name, actor, counter, service, ticket_id, data, "
        f"prev_hash, hash) VALUES ({spot}, NULL, '{forged['at']}', '{forged['name']}', 'forger', "
        f"{_sql(forged['counter'])}, {_sql(forged['service'])}, {_sql(forged['ticket_id'])}, "
        f"'{forged['data']}', '{forged['prev_hash']}', '{forged['hash']}');",
    )
    result = hall.verify()
    assert result.returncode == 1
    assert f"BROKEN at event row {spot + 1}: row {spot + 1} does not follow" in result.stderr


def test_a_forged_event_appended_with_a_correct_hash_contradicts_the_tickets_table(
    hall: Hall,
) -> None:
    """A perfect forgery of the chain still says something the tickets table does not."""
    last = hall.event(f"id = {hall.last_id()}")
    waiting = rows(hall.database, "SELECT id, number FROM tickets WHERE status = 'waiting'")[0]
    data = json.dumps({"counter": "loket-1", "number": waiting["number"], "service": "lapor",
                       "ticket_id": waiting["id"]}, sort_keys=True)  # fmt: skip
    forged = {"id": last["id"] + 1, "seq": None, "at": last["at"], "name": "ticket.done",
              "actor": "budi", "counter": "loket-1", "service": "lapor",
              "ticket_id": waiting["id"], "data": data, "prev_hash": last["hash"]}  # fmt: skip
    forged["hash"] = chain.row_hash(forged)
    sqlite(
        hall.database,
        f"INSERT INTO events (id, seq, at, name, actor, counter, service, ticket_id, data, "
        f"prev_hash, hash) VALUES ({forged['id']}, NULL, '{forged['at']}', 'ticket.done', 'budi', "
        f"'loket-1', 'lapor', {waiting['id']}, '{data}', '{forged['prev_hash']}', "
        f"'{forged['hash']}');",
    )
    result = hall.verify()
    assert result.returncode == 1
    # A waiting ticket cannot be finished: the lifecycle itself refuses the forged row.
    assert (
        f"BROKEN at event row {forged['id']}: row {forged['id']} records a move ticket A-004"
        in (result.stderr)
    )


def test_the_last_rows_deleted_are_caught_by_the_tickets_table(hall: Hall) -> None:
    """Cutting off today's last events, before the day's anchor exists: C-002's `done` goes,
    the tickets table still says done."""
    hall.anchors.unlink()
    done = hall.event("name = 'ticket.done' AND json_extract(data, '$.number') = 'C-002'")
    called = hall.event("name = 'ticket.called' AND json_extract(data, '$.number') = 'C-002'")
    sqlite(hall.database, f"{DROP_TRIGGERS} DELETE FROM events WHERE id >= {done['id']};")
    result = hall.verify()
    assert result.returncode == 1
    said = "the tickets table says the status of ticket C-002 is 'done'"
    assert f"BROKEN at event row {called['id']}: {said}" in result.stderr


def test_the_last_rows_deleted_with_the_table_made_to_match_are_caught_by_the_anchor(
    hall: Hall,
) -> None:
    done = hall.event("name = 'ticket.done' AND json_extract(data, '$.number') = 'C-002'")
    last = hall.last_id()
    sqlite(
        hall.database,
        f"{DROP_TRIGGERS} DELETE FROM events WHERE id >= {done['id']}; "
        "UPDATE tickets SET status = 'called', finished_at = NULL WHERE number = 'C-002';",
    )
    result = hall.verify()
    assert result.returncode == 1
    assert (
        f"BROKEN at event row {done['id']}: rows from {done['id']} on are missing: the anchor of "
        f"2026-05-20 saw row {last}, but the log ends at row {done['id'] - 1}"
    ) in result.stderr


def test_a_head_written_down_from_a_report_catches_what_the_anchors_file_no_longer_can(
    hall: Hall,
) -> None:
    report = json.loads(hall.run("report", "--date", "2026-05-20", "--format", "json").stdout)
    witness = report["audit"]["head"]["witness"]
    last = hall.last_id()
    assert witness.startswith(f"{last}:")
    sqlite(
        hall.database,
        f"{DROP_TRIGGERS} DELETE FROM events WHERE id = {last}; "
        "UPDATE tickets SET status = 'called', finished_at = NULL WHERE number = 'C-002';",
    )
    hall.anchors.unlink()
    assert hall.verify().returncode == 0  # nothing inside the machine remembers the last row
    result = hall.verify(witness)
    assert result.returncode == 1
    assert f"the anchor of witness saw row {last}, but the log ends at row {last - 1}" in (
        result.stderr
    )


def test_the_daily_report_says_when_the_chain_is_broken(hall: Hall) -> None:
    call = hall.event("name = 'ticket.called'")
    sqlite(
        hall.database,
        f"{DROP_TRIGGERS} UPDATE events SET counter = 'loket-9' WHERE id = {call['id']};",
    )
    result = hall.run("report", "--date", "2026-05-20", "--format", "json")
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["audit"]["verified"] is False
    assert report["audit"]["broken_row"] == call["id"]
    assert f"BROKEN at event row {call['id']}" in result.stderr


def _sql(value: Any) -> str:
    if value is None:
        return "NULL"
    return str(value) if isinstance(value, int) else f"'{value}'"


def test_dropping_the_logs_guards_is_caught(hall: Hall) -> None:
    sqlite(hall.database, DROP_TRIGGERS, restore_triggers=False)
    result = hall.verify()
    assert result.returncode == 1
    assert "the log's guard 'events_no_update' was dropped" in result.stderr


def test_a_user_made_admin_behind_the_logs_back_is_caught(hall: Hall) -> None:
    added = subprocess.run(
        [SATUPINTU, "user", "add", "budi", "--role", "officer", "--password-stdin",
         "--config", str(hall.config_file)],
        input="rahasia-123\n", capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    assert "Added officer 'budi'" in added.stdout
    assert hall.verify().returncode == 0
    sqlite(hall.database, "UPDATE users SET role = 'admin' WHERE username = 'budi';")
    result = hall.verify()
    assert result.returncode == 1
    assert "gives user budi another role than the log records" in result.stderr


def test_a_deleted_tickets_row_is_caught(hall: Hall) -> None:
    sqlite(hall.database, "DELETE FROM tickets WHERE number = 'A-001';")
    result = hall.verify()
    assert result.returncode == 1
    assert "ticket A-001 is in the log" in result.stderr
    assert "missing from the tickets table" in result.stderr


@pytest.fixture
def server(hall: Hall, tmp_path: Path) -> FlaskClient:
    """The hall's server on its database, with supervisor `sari` and admin `root`."""
    app = create_app(oversight_config(tmp_path), clock=ManualClock(MORNING + timedelta(days=1)))
    app.config["TESTING"] = True
    for name, role in (("sari", "supervisor"), ("root", "admin")):
        add_user(app.extensions["satupintu"], name, role, PASSWORD, "test")
    return app.test_client()


def test_a_swapped_password_hash_is_caught(hall: Hall, server: FlaskClient) -> None:
    assert hall.verify().returncode == 0
    sqlite(  # the admin's hash replaced by one of a password the attacker knows
        hall.database,
        "UPDATE users SET password_hash = (SELECT password_hash FROM users "
        "WHERE username = 'sari') WHERE username = 'root';",
    )
    result = hall.verify()
    assert result.returncode == 1
    assert "the password hash of user root is not the one the log records" in result.stderr


def test_a_session_minted_for_an_admin_is_caught_and_refused(
    hall: Hall, server: FlaskClient
) -> None:
    token = "minted-by-hand"
    sqlite(
        hall.database,
        "INSERT INTO sessions (token_hash, username, created_at, expires_at) VALUES "
        f"('{hashlib.sha256(token.encode()).hexdigest()}', 'root', "
        "'2026-05-20T00:00:00.000000Z', '2099-01-01T00:00:00.000000Z');",
    )
    result = hall.verify()
    assert result.returncode == 1
    assert "a session of user root is not in the log" in result.stderr
    server.set_cookie(SESSION_COOKIE, token)
    assert server.get("/api/me").status_code == 401


def test_a_real_session_stretched_by_hand_is_caught_and_refused(
    hall: Hall, server: FlaskClient
) -> None:
    assert (
        server.post("/api/login", json={"username": "root", "password": PASSWORD}).status_code
        == 200
    )
    assert server.get("/api/me").status_code == 200
    assert hall.verify().returncode == 0
    sqlite(hall.database, "UPDATE sessions SET expires_at = '2099-01-01T00:00:00.000000Z';")
    assert "a session of user root is not in the log" in hall.verify().stderr
    assert server.get("/api/me").status_code == 401


def test_a_kiosk_credential_slipped_in_is_caught_and_refused(
    hall: Hall, server: FlaskClient
) -> None:
    credential = "made-up-kiosk"
    stored = hashlib.sha256(credential.encode()).hexdigest()
    sqlite(
        hall.database,
        "INSERT INTO devices (kind, target, credential_hash, created_at, enrolled_at, "
        f"expires_at) VALUES ('kiosk', 'kiosk-1', '{stored}', "
        "'2026-05-20T00:00:00.000000Z', '2026-05-20T00:00:00.000000Z', "
        "'2099-01-01T00:00:00.000000Z');",
    )
    result = hall.verify()
    assert result.returncode == 1
    assert "a credential of device kiosk kiosk-1 is not in the log" in result.stderr
    server.set_cookie(DEVICE_COOKIE, credential)
    refused = server.post("/api/tickets", json={"service": "lapor"}, environ_base=PHONE)
    assert refused.status_code == 403


def test_a_revoked_kiosk_brought_back_by_hand_is_caught(hall: Hall, server: FlaskClient) -> None:
    station = server.application.extensions["satupintu"]
    code = invite(station, Kind.KIOSK, "kiosk-1", "test")
    assert server.post(f"/enrol/{code}", environ_base=PHONE).status_code == 303
    assert (
        server.post("/api/tickets", json={"service": "lapor"}, environ_base=PHONE).status_code
        == 201
    )
    revoke(station, Kind.KIOSK, "kiosk-1", "test")
    assert hall.verify().returncode == 0
    sqlite(hall.database, "UPDATE devices SET revoked_at = NULL;")
    assert "a credential of device kiosk kiosk-1 is not in the log" in hall.verify().stderr
