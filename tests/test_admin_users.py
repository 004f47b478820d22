"""Users, managed by an admin from the page's API and from the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient

from satupintu.cli import main
from shared.application.users import add_user
from shared.web.socket_server import socketio
from tests.conftest import Auth
from tests.helpers import BASE_CONFIG

PASSWORD = "rahasia-123"


def log_in(app: Flask, name: str, password: str = PASSWORD) -> FlaskClient:
    client = app.test_client()
    reply = client.post("/api/login", json={"username": name, "password": password})
    assert reply.status_code == 200, reply.get_json()
    return client


@pytest.fixture
def admin(app: Flask, client: FlaskClient, auth: Auth) -> FlaskClient:
    auth.login("root", "admin")
    auth.user("budi")
    return client


def test_an_admin_adds_a_user_who_can_then_log_in(app: Flask, admin: FlaskClient) -> None:
    reply = admin.post(
        "/api/admin/users", json={"username": "yohana", "role": "supervisor", "password": PASSWORD}
    )
    assert reply.status_code == 201
    assert reply.get_json() == {"user": {"username": "yohana", "role": "supervisor", "units": None}}
    assert log_in(app, "yohana").get("/api/admin/dashboard").status_code == 200
    listed = {user["username"]: user for user in admin.get("/api/admin/users").get_json()["users"]}
    assert listed["yohana"]["role"] == "supervisor"
    assert listed["yohana"]["last_login"] is not None
    again = admin.post(
        "/api/admin/users", json={"username": "yohana", "role": "officer", "password": PASSWORD}
    )
    assert again.status_code == 409


def test_disabling_a_user_ends_their_sessions_at_once(app: Flask, admin: FlaskClient) -> None:
    officer = log_in(app, "budi")
    officer_socket = socketio.test_client(app, flask_test_client=officer)
    app.test_client().post("/api/tickets", json={"service": "lapor"})
    assert officer.get("/api/counters").status_code == 200
    assert admin.post("/api/admin/users/budi/disable").status_code == 200
    assert officer.get("/api/counters").status_code == 401
    ack = officer_socket.emit("call_next", {"counter": "loket-1"}, callback=True)
    assert ack["error"]["code"] == "unauthorized"
    refused = app.test_client().post("/api/login", json={"username": "budi", "password": PASSWORD})
    assert refused.status_code == 401
    assert admin.post("/api/admin/users/budi/enable").status_code == 200
    assert log_in(app, "budi").get("/api/counters").status_code == 200


def test_a_new_password_replaces_the_old_and_ends_open_sessions(
    app: Flask, admin: FlaskClient
) -> None:
    officer = log_in(app, "budi")
    reply = admin.post("/api/admin/users/budi/password", json={"password": "baru-rahasia-9"})
    assert reply.status_code == 200
    assert officer.get("/api/me").status_code == 401
    stale = app.test_client().post("/api/login", json={"username": "budi", "password": PASSWORD})
    assert stale.status_code == 401
    log_in(app, "budi", "baru-rahasia-9")
    short = admin.post("/api/admin/users/budi/password", json={"password": "pendek"})
    assert short.status_code == 400


def test_a_new_role_applies_to_the_very_next_request(app: Flask, admin: FlaskClient) -> None:
    officer = log_in(app, "budi")
    assert officer.get("/api/admin/dashboard").status_code == 403
    assert admin.post("/api/admin/users/budi/role", json={"role": "supervisor"}).status_code == 200
    assert officer.get("/api/admin/dashboard").status_code == 200
    assert admin.post("/api/admin/users/budi/role", json={"role": "chief"}).status_code == 400
    assert admin.post("/api/admin/users/nobody/role", json={"role": "admin"}).status_code == 404


def test_the_last_admin_cannot_be_disabled_or_demoted(app: Flask, admin: FlaskClient) -> None:
    assert admin.post("/api/admin/users/root/disable").status_code == 409
    assert admin.post("/api/admin/users/root/role", json={"role": "officer"}).status_code == 409
    assert admin.get("/api/admin/users").status_code == 200  # still an admin
    add_user(app.extensions["satupintu"], "wakil", "admin", PASSWORD, "test")
    assert admin.post("/api/admin/users/root/role", json={"role": "supervisor"}).status_code == 200
    assert admin.get("/api/admin/users").status_code == 403


def test_every_change_is_in_the_audit_trail_with_who_made_it(
    app: Flask, admin: FlaskClient
) -> None:
    admin.post("/api/admin/users/budi/disable")
    admin.post("/api/admin/users/budi/enable")
    admin.post("/api/admin/users/budi/role", json={"role": "supervisor"})
    admin.post("/api/admin/users/budi/password", json={"password": "baru-rahasia-9"})
    with app.extensions["satupintu"].store.read() as db:
        changes = db.all("SELECT actor, data FROM events WHERE name = 'user.changed' ORDER BY id")
    mine = [(row["actor"], json.loads(row["data"])["change"]) for row in changes[-4:]]
    assert mine == [("root", "disabled"), ("root", "enabled"), ("root", "role"),
                    ("root", "password")]  # fmt: skip


def test_the_users_page_lists_everyone_for_the_admin(admin: FlaskClient) -> None:
    page = admin.get("/admin/users")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert '"username": "budi"' in html
    assert 'id="add-user"' in html


def test_the_command_line_manages_users_too(app: Flask, tmp_path: Path) -> None:
    config_file = tmp_path / "config.yaml"
    config_file.write_text(yaml.safe_dump(BASE_CONFIG), encoding="utf-8")
    station = app.extensions["satupintu"]
    add_user(station, "root", "admin", PASSWORD, "test")
    add_user(station, "budi", "officer", PASSWORD, "test")
    officer = log_in(app, "budi")
    runner = CliRunner()

    def run(*args: str, stdin: str = "") -> str:
        result = runner.invoke(main, [*args, "--config", str(config_file)], input=stdin)
        assert result.exit_code == 0, result.output
        return result.output

    assert "Disabled 'budi'" in run("user", "disable", "budi")
    assert officer.get("/api/me").status_code == 401
    assert "budi\tofficer\tdisabled" in run("user", "list")
    run("user", "enable", "budi")
    run("user", "reset-password", "budi", "--password-stdin", stdin="lewat-cli-123\n")
    run("user", "role", "budi", "supervisor")
    assert log_in(app, "budi", "lewat-cli-123").get("/api/admin/dashboard").status_code == 200
    refused = runner.invoke(main, ["user", "disable", "root", "--config", str(config_file)])
    assert refused.exit_code == 1
    assert "At least one enabled admin must remain." in refused.output
