"""Officers limited to units act only at counters whose services are all in those units; no
units means every counter, as before. Set from the command line or by the admin."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient

from satupintu.cli import main
from shared.application.users import add_user
from shared.domain.errors import InvalidRequest
from shared.web.socket_server import socketio
from tests.conftest import Auth
from tests.helpers import BASE_CONFIG
from tests.realserver import PASSWORD


def officer(app: Flask, units: object) -> FlaskClient:
    add_user(app.extensions["satupintu"], "siti", "officer", PASSWORD, "test", units)
    client = app.test_client()
    assert (
        client.post("/api/login", json={"username": "siti", "password": PASSWORD}).status_code
        == 200
    )
    return client


def test_an_officer_of_spkt_serves_spkt_counters_only(app: Flask, client: FlaskClient) -> None:
    client.post("/api/tickets", json={"service": "lapor"})
    client.post("/api/tickets", json={"service": "lantas"})
    spkt = officer(app, "SPKT")
    assert spkt.post("/api/counters/loket-1/call-next").status_code == 200
    refused = spkt.post("/api/counters/loket-3/call-next")
    assert refused.status_code == 403
    assert refused.get_json()["error"]["code"] == "forbidden"
    with sqlite3.connect(app.extensions["satupintu"].config.database_path) as db:
        waiting = db.execute("SELECT status FROM tickets WHERE number = 'C-001'").fetchone()[0]
    assert waiting == "waiting"
    assert spkt.get("/api/me").get_json()["user"]["units"] == ["SPKT"]


def test_the_unit_limit_holds_over_sockets_too(app: Flask, client: FlaskClient) -> None:
    client.post("/api/tickets", json={"service": "propam"})
    spkt = officer(app, ["SPKT", "Lantas"])
    socket = socketio.test_client(app, flask_test_client=spkt)
    ack = socket.emit("call_next", {"counter": "loket-4"}, callback=True)
    assert (ack["ok"], ack["error"]["code"]) == (False, "forbidden")
    socket.disconnect()


def test_without_units_an_officer_acts_everywhere_but_at_a_private_services_counter(
    app: Flask, client: FlaskClient, auth: Auth
) -> None:
    client.post("/api/tickets", json={"service": "propam"})
    client.post("/api/tickets", json={"service": "lantas"})
    auth.login()
    assert client.post("/api/counters/loket-3/call-next").status_code == 200
    for path in ("/api/counters/loket-4/call-next", "/api/counters/loket-4",
                 "/api/counters/loket-4/waiting"):  # fmt: skip
        refused = client.post(path) if "call" in path else client.get(path)
        assert refused.status_code == 403, path
        assert "G-001" not in refused.get_data(as_text=True)
    listed = [counter["id"] for counter in client.get("/api/counters").get_json()["counters"]]
    assert listed == ["loket-1", "loket-2", "loket-3"]
    assert client.get("/api/me").get_json()["user"]["counters"] == listed
    propam = officer(app, "Propam")
    assert propam.post("/api/counters/loket-4/call-next").status_code == 200
    auth.login("sari", "supervisor")
    assert client.get("/api/counters/loket-4").status_code == 200


def test_a_unit_limit_covers_reads_of_another_counters_queue(app: Flask, client) -> None:
    client.post("/api/tickets", json={"service": "lantas"})
    spkt = officer(app, "SPKT")
    assert spkt.get("/api/counters/loket-1/waiting").status_code == 200
    refused = spkt.get("/api/counters/loket-3/waiting")
    assert refused.status_code == 403 and "C-001" not in refused.get_data(as_text=True)


def test_units_must_be_ones_the_station_has(app: Flask) -> None:
    with pytest.raises(InvalidRequest):
        add_user(app.extensions["satupintu"], "x-ray", "officer", PASSWORD, "test", "Intelkam")


def test_the_admin_changes_a_users_units_and_it_is_logged(
    app: Flask, client: FlaskClient, auth: Auth
) -> None:
    auth.login("root", "admin")
    auth.user("budi")
    changed = client.post("/api/admin/users/budi/units", json={"units": ["Lantas"]})
    assert changed.status_code == 200
    listed = {user["username"]: user for user in changed.get_json()["users"]}
    assert listed["budi"]["units"] == ["Lantas"]
    back = client.post("/api/admin/users/budi/units", json={"units": None})
    assert {u["username"]: u for u in back.get_json()["users"]}["budi"]["units"] is None
    with sqlite3.connect(app.extensions["satupintu"].config.database_path) as db:
        changes = db.execute(
            "SELECT json_extract(data, '$.change') FROM events WHERE name = 'user.changed' "
            "AND json_extract(data, '$.username') = 'budi'"
        ).fetchall()
    assert [change for (change,) in changes] == ["added", "units", "units"]


def test_the_command_line_adds_an_officer_for_some_units(tmp_path: Path) -> None:
    runner = CliRunner()
    config_file = tmp_path / "config.yaml"
    config_file.write_text(yaml.safe_dump(BASE_CONFIG), encoding="utf-8")
    added = runner.invoke(
        main,
        ["user", "add", "rini", "--role", "officer", "--units", "SPKT,Lantas", "--password-stdin",
         "--config", str(config_file)],
        input=f"{PASSWORD}\n",
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    listed = runner.invoke(main, ["user", "list", "--config", str(config_file)])
    assert "rini\tofficer\tenabled\tLantas,SPKT" in listed.output
    wrong = runner.invoke(main, ["user", "units", "rini", "Intelkam", "--config", str(config_file)])
    assert wrong.exit_code != 0
    assert "Intelkam" in wrong.output
