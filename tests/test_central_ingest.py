"""Central takes a station's log only as a continuation of its verified copy: every hash
recomputed, re-sends harmless, forks and gaps refused without storing anything, wrong keys
and bad input refused cleanly (a real PostgreSQL behind the central app)."""

from __future__ import annotations

import copy
import json
import threading
from typing import Any

import psycopg
import pytest
from flask import Flask

from central.app import create_central_app
from shared.application import desk_actions, ticket_issue
from shared.application.station import Station
from shared.domain import wire
from shared.domain.chain import GENESIS, row_hash
from shared.domain.clock import ManualClock
from tests.central_fixtures import central_config, copy_rows, register, station_row

KEY_HEADER = "Authorization"


def log_rows(station: Station) -> list[dict[str, Any]]:
    """The station's whole log in wire form."""
    with station.store.read() as db:
        return [wire.wire_row(row) for row in db.all("SELECT * FROM events ORDER BY id")]


def busy(station: Station, clock: ManualClock, tickets: int = 6) -> None:
    for index in range(tickets):
        clock.advance(minutes=1)
        ticket_issue.issue_ticket(station, ("lapor", "lantas")[index % 2])
    desk_actions.call_next(station, "loket-1", "budi")
    desk_actions.finish(station, "loket-1", "budi")


def send(app: Flask, key: str, rows: list[dict[str, Any]], **extra: Any) -> Any:
    body = {"station": "kupang", "head_row": rows[-1]["row"] if rows else 0, "rows": rows, **extra}
    return app.test_client().post(
        "/api/central/events", json=body, headers={KEY_HEADER: f"Bearer {key}"}
    )


def state(url: str) -> tuple[Any, ...]:
    """What a refused batch must leave as it was: the copy and the station's receipt."""
    found = station_row(url, "kupang")
    return (copy_rows(url, "kupang"), found["confirmed_row"], found["confirmed_hash"])


@pytest.fixture
def key(central_app: Flask) -> str:
    return register(central_app, "kupang", "SPKT Polres Kupang")


@pytest.fixture
def rows(station: Station, clock: ManualClock) -> list[dict[str, Any]]:
    busy(station, clock)
    return log_rows(station)


def test_a_log_sent_in_batches_is_kept_row_for_row_with_a_receipt(
    central_app: Flask, central_db: str, key: str, rows: list[dict[str, Any]]
) -> None:
    first = send(central_app, key, rows[:4])
    assert first.status_code == 200
    assert first.get_json()["confirmed_row"] == 4
    assert first.get_json()["hash"] == rows[3]["hash"]
    second = send(central_app, key, rows[4:])
    assert second.get_json()["confirmed_row"] == len(rows)
    assert copy_rows(central_db, "kupang") == [(row["row"], row["hash"]) for row in rows]


def test_sending_rows_again_is_harmless_and_stores_nothing_twice(
    central_app: Flask, central_db: str, key: str, rows: list[dict[str, Any]]
) -> None:
    send(central_app, key, rows)
    again = send(central_app, key, rows[2:])
    overlapping = send(central_app, key, rows[:3])
    assert again.status_code == overlapping.status_code == 200
    assert overlapping.get_json()["confirmed_row"] == len(rows)
    assert copy_rows(central_db, "kupang") == [(row["row"], row["hash"]) for row in rows]


def test_a_heartbeat_notes_the_station_head_and_answers_the_receipt(
    central_app: Flask, central_db: str, key: str, rows: list[dict[str, Any]]
) -> None:
    send(central_app, key, rows[:3])
    beat = central_app.test_client().post(
        "/api/central/events",
        json={"station": "kupang", "head_row": 99, "head_at": rows[-1]["at"], "rows": []},
        headers={KEY_HEADER: f"Bearer {key}"},
    )
    assert beat.get_json() == {
        "confirmed_row": 3,
        "hash": rows[2]["hash"],
        "settings": None,
        "chain": "ok",
    }
    assert station_row(central_db, "kupang")["head_row"] == 99


@pytest.mark.parametrize(
    "authorization",
    [None, "", "Bearer", "Bearer wrong-key-wrong-key-wrong", "Basic {key}", "bearer{key}"],
)
def test_a_wrong_or_missing_key_is_401_and_changes_nothing(
    central_app: Flask, central_db: str, key: str, rows: list[dict[str, Any]], authorization: str
) -> None:
    before = state(central_db)
    headers = {} if authorization is None else {KEY_HEADER: authorization.format(key=key)}
    reply = central_app.test_client().post(
        "/api/central/events",
        json={"station": "kupang", "head_row": 1, "rows": rows[:2]},
        headers=headers,
    )
    assert reply.status_code == 401
    assert reply.get_json()["error"]["code"] == "unauthorized"
    assert state(central_db) == before
    assert station_row(central_db, "kupang")["last_contact"] is None


@pytest.mark.parametrize("authorization", [None, "Bearer wrong-key-wrong-key-wrong"])
def test_a_batch_without_a_good_key_is_refused_before_it_is_read(
    central_app: Flask, central_db: str, key: str, authorization: str | None
) -> None:
    """A large body that is not even JSON, without the key: 401 (not 400), as cheaply as a
    small one; central reads nothing of it."""
    headers = {} if authorization is None else {KEY_HEADER: authorization}
    junk = b"{" + b"x" * (3 * 1024 * 1024)
    reply = central_app.test_client().post(
        "/api/central/events", data=junk, headers=headers, content_type="application/json"
    )
    assert reply.status_code == 401
    assert reply.get_json()["error"]["code"] == "unauthorized"
    assert copy_rows(central_db, "kupang") == []


def test_another_station_key_cannot_speak_for_a_station(
    central_app: Flask, central_db: str, key: str, rows: list[dict[str, Any]]
) -> None:
    other = register(central_app, "soe", "SPKT Polres TTS")
    assert send(central_app, other, rows).status_code == 401
    unknown = central_app.test_client().post(
        "/api/central/events",
        json={"station": "nowhere", "head_row": 0, "rows": []},
        headers={KEY_HEADER: f"Bearer {key}"},
    )
    assert unknown.status_code == 401
    assert copy_rows(central_db, "kupang") == []


def test_the_key_is_kept_only_as_a_hash(central_app: Flask, central_db: str, key: str) -> None:
    with psycopg.connect(central_db) as conn:
        dump = json.dumps(conn.execute("SELECT * FROM stations").fetchall(), default=str)
    assert key not in dump
    assert len(key) == 64


def test_a_row_whose_content_does_not_give_its_hash_is_refused_and_changes_nothing(
    central_app: Flask, central_db: str, key: str, rows: list[dict[str, Any]]
) -> None:
    send(central_app, key, rows[:2])
    before = state(central_db)
    forged = copy.deepcopy(rows[2:])
    forged[1]["actor"] = "someone-else"
    reply = send(central_app, key, forged)
    assert reply.status_code == 400
    assert reply.get_json()["error"]["row"] == forged[1]["row"]
    assert state(central_db) == before


def test_a_gap_is_refused_with_the_row_central_expects(
    central_app: Flask, central_db: str, key: str, rows: list[dict[str, Any]]
) -> None:
    send(central_app, key, rows[:2])
    before = state(central_db)
    reply = send(central_app, key, rows[4:])
    assert reply.status_code == 409
    assert reply.get_json()["error"]["code"] == "gap"
    assert reply.get_json()["error"]["expected_row"] == 3
    assert state(central_db) == before
    assert station_row(central_db, "kupang")["chain"] == "gap"
    send(central_app, key, rows[2:])
    assert station_row(central_db, "kupang")["chain"] == "ok"
    assert len(copy_rows(central_db, "kupang")) == len(rows)


def rewritten(rows: list[dict[str, Any]], at: int) -> list[dict[str, Any]]:
    """The log with row `at` edited and every hash from there on recomputed (a clean forgery)."""
    forged = copy.deepcopy(rows)
    previous = forged[at - 2]["hash"] if at > 1 else GENESIS
    for row in forged[at - 1 :]:
        if row["row"] == at:
            row["actor"] = "pemalsu"
        row["prev_hash"] = previous
        row["hash"] = row_hash(wire.stored_row(row))
        previous = row["hash"]
    return forged


def test_a_rewritten_row_is_a_fork_central_keeps_its_good_copy_and_flags_the_row(
    central_app: Flask, central_db: str, key: str, rows: list[dict[str, Any]]
) -> None:
    send(central_app, key, rows[:6])
    good = state(central_db)
    forged = rewritten(rows, 3)
    reply = send(central_app, key, forged[2:])
    assert reply.status_code == 409
    assert reply.get_json()["error"] | {"message": ""} == {
        "code": "chain_conflict",
        "message": "",
        "row": 3,
    }
    assert state(central_db) == good
    found = station_row(central_db, "kupang")
    assert (found["chain"], found["chain_row"]) == ("fork", 3)


def test_the_next_row_of_a_rewritten_log_does_not_continue_the_copy(
    central_app: Flask, central_db: str, key: str, rows: list[dict[str, Any]]
) -> None:
    """What a station whose shipped log was rewritten sends next: a row chained to the forgery."""
    send(central_app, key, rows[:5])
    forged = rewritten(rows, 2)
    reply = send(central_app, key, forged[5:6])
    assert reply.status_code == 409
    assert reply.get_json()["error"]["row"] == 5
    assert len(copy_rows(central_db, "kupang")) == 5
    # A one-row probe at the rewritten row itself moves the flag back to where the fork starts.
    send(central_app, key, forged[1:2])
    assert station_row(central_db, "kupang")["chain_row"] == 2


def test_the_station_settings_come_with_a_batch_and_are_checked(
    central_app: Flask, central_db: str, key: str, rows: list[dict[str, Any]], station: Station
) -> None:
    settings = wire.report_settings(station.config)
    accepted = send(central_app, key, rows[:1], config=settings)
    assert accepted.get_json()["settings"] == wire.settings_digest(settings)
    assert station_row(central_db, "kupang")["settings"] == settings
    broken = {**settings, "counters": [{"id": "x", "name": "X", "services": ["nope"]}]}
    refused = send(central_app, key, rows[1:2], config=broken)
    assert refused.status_code == 400
    assert "unknown service" in refused.get_json()["error"]["message"]
    assert len(copy_rows(central_db, "kupang")) == 1


def test_two_batches_of_one_station_at_once_store_every_row_once(
    central_db: str, key: str, rows: list[dict[str, Any]], clock: ManualClock
) -> None:
    """Two app instances (two processes' worth of connections) racing with overlapping rows."""
    apps = [create_central_app(central_config(central_db), clock=clock) for _ in range(2)]
    answers: list[int] = []

    def race(app: Flask, part: list[dict[str, Any]]) -> None:
        for _ in range(5):
            answers.append(send(app, key, part).status_code)

    threads = [
        threading.Thread(target=race, args=(apps[0], rows)),
        threading.Thread(target=race, args=(apps[1], rows[:4])),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == [200] * 10
    assert copy_rows(central_db, "kupang") == [(row["row"], row["hash"]) for row in rows]
    for app in apps:
        app.extensions["satupintu.central"].store.close()


def one_row(rows: list[dict[str, Any]]) -> dict[str, Any]:
    return copy.deepcopy(rows[0])


BAD_BODIES = [
    pytest.param(b"not json", id="not-json"),
    pytest.param(b"[1, 2]", id="not-an-object"),
    pytest.param({"station": "kupang", "head_row": 1}, id="no-rows"),
    pytest.param({"station": "kupang", "head_row": 1, "rows": {}}, id="rows-not-a-list"),
    pytest.param({"station": "kupang", "head_row": -1, "rows": []}, id="negative-head"),
    pytest.param({"station": "kupang", "head_row": "1", "rows": []}, id="head-as-text"),
    pytest.param({"station": "kupang", "head_row": 2**70, "rows": []}, id="huge-head"),
    pytest.param({"station": "kupang", "head_row": 1, "rows": [], "extra": 1}, id="unknown-key"),
    pytest.param({"station": "kupang", "head_row": 1, "rows": [], "head_at": "yesterday"},
                 id="bad-head-at"),
    pytest.param({"station": "kupang", "head_row": 1, "rows": [1]}, id="row-not-an-object"),
    pytest.param({"station": "kupang", "head_row": 1, "rows": [{}] * 1001}, id="too-many-rows"),
    pytest.param({"station": "kupang", "head_row": 1, "rows": [], "config": "x"}, id="bad-config"),
    pytest.param({"station": "kupang", "head_row": 1, "rows": [], "config": {"printer": {}}},
                 id="config-beyond-reports"),
]  # fmt: skip


@pytest.mark.parametrize("body", BAD_BODIES)
def test_bad_input_gets_a_clean_4xx_and_changes_nothing(
    central_app: Flask, central_db: str, key: str, body: Any
) -> None:
    before = state(central_db)
    client = central_app.test_client()
    headers = {KEY_HEADER: f"Bearer {key}", "Content-Type": "application/json"}
    if isinstance(body, bytes):
        reply = client.post("/api/central/events", data=body, headers=headers)
    else:
        reply = client.post("/api/central/events", json=body, headers=headers)
    assert 400 <= reply.status_code < 500, reply.get_data(as_text=True)
    assert reply.get_json()["error"]["code"]
    assert state(central_db) == before


ROW_FAULTS = [
    ("row", 0), ("row", "1"), ("row", True), ("seq", -3), ("at", "2026-05-20 01:00:00"),
    ("at", None), ("name", 7), ("actor", "x" * 201), ("counter", ["loket-1"]),
    ("ticket_id", 1.5), ("data", "{not json"), ("data", "[1]"), ("data", "x" * 70000),
    ("prev_hash", "abc"), ("hash", "Z" * 64), ("actor", "nul\x00byte"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("field", "value"), ROW_FAULTS, ids=[f"{f}-{i}" for i, (f, _) in enumerate(ROW_FAULTS)]
)
def test_a_malformed_row_gets_a_clean_400_and_changes_nothing(
    central_app: Flask,
    central_db: str,
    key: str,
    rows: list[dict[str, Any]],
    field: str,
    value: Any,
) -> None:
    before = state(central_db)
    row = one_row(rows)
    row[field] = value
    reply = send(central_app, key, [row])
    assert reply.status_code == 400, reply.get_data(as_text=True)
    assert reply.get_json()["error"]["code"] == "invalid_request"
    assert state(central_db) == before


def test_a_row_with_a_field_missing_or_added_is_refused(
    central_app: Flask, central_db: str, key: str, rows: list[dict[str, Any]]
) -> None:
    missing = one_row(rows)
    del missing["seq"]
    added = {**one_row(rows), "extra": 1}
    for row in (missing, added):
        assert send(central_app, key, [row]).status_code == 400
    assert copy_rows(central_db, "kupang") == []


def test_rows_that_do_not_follow_each_other_are_refused(
    central_app: Flask, central_db: str, key: str, rows: list[dict[str, Any]]
) -> None:
    assert send(central_app, key, [rows[0], rows[2]]).status_code == 400
    assert send(central_app, key, [rows[1], rows[0]]).status_code == 400
    not_first = copy.deepcopy(rows[0])
    not_first["prev_hash"] = "f" * 64
    not_first["hash"] = row_hash(wire.stored_row(not_first))
    assert send(central_app, key, [not_first]).status_code == 400
    assert copy_rows(central_db, "kupang") == []


def test_a_body_over_the_limit_is_413(central_app: Flask, key: str) -> None:
    reply = central_app.test_client().post(
        "/api/central/events",
        data=b"x" * (wire.MAX_BATCH_BYTES + 1),
        headers={KEY_HEADER: f"Bearer {key}", "Content-Type": "application/json"},
    )
    assert reply.status_code == 413
    assert reply.get_json()["error"]["code"] == "payload_too_large"


def test_the_copy_refuses_to_be_changed_in_place(
    central_app: Flask, central_db: str, key: str, rows: list[dict[str, Any]]
) -> None:
    send(central_app, key, rows[:2])
    with psycopg.connect(central_db) as conn, pytest.raises(psycopg.errors.RaiseException):
        conn.execute("UPDATE events SET actor = 'x' WHERE id = 1")
    with psycopg.connect(central_db) as conn, pytest.raises(psycopg.errors.RaiseException):
        conn.execute("DELETE FROM events")
