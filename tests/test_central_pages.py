"""Central's pages and API by role, its config file, and its commands (on a real PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
import yaml
from click.testing import CliRunner
from flask import Flask

from central import users
from central.config import load_central_config
from satupintu.cli import main
from shared.domain.clock import ManualClock
from shared.domain.config import ConfigError
from shared.web.web import SECURITY_HEADERS
from tests.central_fixtures import log_in, register
from tests.realserver import PASSWORD

ROUTES = {
    ("GET", "/"): "viewer",
    ("GET", "/reports"): "viewer",
    ("GET", "/api/central/stations"): "viewer",
    ("GET", "/api/central/reports"): "viewer",
    ("GET", "/scorecards"): "viewer",
    ("GET", "/api/central/scorecards"): "viewer",
    ("GET", "/evidence"): "viewer",
    ("POST", "/api/central/evidence"): "viewer",
    ("POST", "/api/central/stations"): "admin",
}


def test_every_route_of_central_is_in_the_role_table(central_app: Flask) -> None:
    found = {
        (method, rule.rule)
        for rule in central_app.url_map.iter_rules()
        for method in rule.methods or ()
        if method in ("GET", "POST") and "static" not in rule.rule
    }
    public = {("POST", "/api/login"), ("POST", "/api/logout"), ("GET", "/api/me"),
              ("POST", "/api/central/events")}  # fmt: skip
    assert found == set(ROUTES) | public


@pytest.mark.parametrize(("method", "path"), list(ROUTES))
def test_without_a_session_pages_show_the_login_and_the_api_answers_401(
    central_app: Flask, method: str, path: str
) -> None:
    reply = central_app.test_client().open(path, method=method)
    assert reply.status_code == 401
    if path.startswith("/api/"):
        assert reply.get_json()["error"]["code"] == "unauthorized"
    else:
        assert 'id="login-form"' in reply.get_data(as_text=True)


def test_a_viewer_sees_everything_but_cannot_register_a_station(central_app: Flask) -> None:
    client = central_app.test_client()
    log_in(client, "wati")
    for method, path in ROUTES:
        if method == "GET":
            assert client.get(path).status_code == 200, path
    refused = client.post("/api/central/stations", json={"id": "baru", "name": "SPKT Baru"})
    assert refused.status_code == 403


def test_an_admin_registers_a_station_and_gets_its_key_once(central_app: Flask) -> None:
    client = central_app.test_client()
    log_in(client, "root")
    reply = client.post("/api/central/stations", json={"id": "baru", "name": " SPKT Baru "})
    assert reply.status_code == 201
    body = reply.get_json()
    assert body["station"] == {"id": "baru", "name": "SPKT Baru"}
    assert len(body["key"]) == 64
    again = client.post("/api/central/stations", json={"id": "baru", "name": "SPKT Baru"})
    assert again.status_code == 409
    for bad in ({"id": "Bad Id", "name": "x"}, {"id": "ok", "name": ""}, {"id": 3, "name": "x"}):
        assert client.post("/api/central/stations", json=bad).status_code == 400


def test_login_logout_and_the_session_cookie(central_app: Flask) -> None:
    client = central_app.test_client()
    wrong = client.post("/api/login", json={"username": "wati", "password": "salah-salah"})
    assert wrong.status_code == 401
    reply = client.post("/api/login", json={"username": "wati", "password": PASSWORD})
    cookie = reply.headers["Set-Cookie"]
    assert "satupintu_central_session=" in cookie
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert client.get("/api/me").get_json() == {"user": {"username": "wati", "role": "viewer"}}
    client.post("/api/logout")
    assert client.get("/api/me").status_code == 401


def test_an_account_failing_too_often_must_wait(central_app: Flask) -> None:
    client = central_app.test_client()
    answers = [
        client.post("/api/login", json={"username": "wati", "password": "salah-salah"})
        for _ in range(6)
    ]
    assert [reply.status_code for reply in answers[:5]] == [401] * 5
    assert answers[5].status_code == 429
    assert answers[5].headers["Retry-After"]


def test_failed_login_names_are_bounded_by_count_and_age(
    central_app: Flask, central_db: str, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(users, "FAILED_NAMES_KEPT", 5)
    client = central_app.test_client()
    for number in range(12):
        clock.advance(seconds=1)
        client.post("/api/login", json={"username": f"tamu{number}", "password": "salah-salah"})
    assert failed_names(central_db) == [f"tamu{number}" for number in range(7, 12)]
    clock.advance(days=2)
    client.post("/api/login", json={"username": "wati", "password": "salah-salah"})
    assert failed_names(central_db) == ["wati"]


def failed_names(url: str) -> list[str]:
    with psycopg.connect(url) as conn:
        found = conn.execute("SELECT username FROM login_failures ORDER BY last_failed_at")
        return [row[0] for row in found]


def test_a_post_from_another_origin_is_refused(central_app: Flask) -> None:
    reply = central_app.test_client().post(
        "/api/login",
        json={"username": "wati", "password": PASSWORD},
        headers={"Origin": "http://evil.example"},
    )
    assert reply.status_code == 403


@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize("path", ["/", "/reports", "/reports?station=kupang"])
def test_pages_are_in_the_language_asked_with_the_strict_headers(
    central_app: Flask, path: str, lang: str
) -> None:
    register(central_app, "kupang", "SPKT Polres Kupang")
    client = central_app.test_client()
    log_in(client)
    reply = client.get(f"{path}{'&' if '?' in path else '?'}lang={lang}")
    html = reply.get_data(as_text=True)
    assert reply.status_code == 200
    assert f'<html lang="{lang}">' in html
    title = {"id": "Pengawasan pusat", "en": "Central oversight"}[lang]
    assert title in html
    for name, value in SECURITY_HEADERS.items():
        assert reply.headers[name] == value
    assert "<script>" not in html and "style=" not in html


def test_an_unknown_api_path_and_method_are_json_errors(central_app: Flask) -> None:
    client = central_app.test_client()
    assert client.get("/api/nowhere").get_json()["error"]["code"] == "not_found"
    assert client.get("/api/central/events").status_code == 405


def write(path: Path, data: object) -> Path:
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "Polda", "database": "sqlite:///x.db"}, "database: must be a PostgreSQL URL"),
        ({"database": "postgresql:///x"}, "name: required key is missing"),
        ({"name": "P", "database": "postgresql:///x", "zone": "x"}, "zone: unknown key"),
        ({"name": "P", "database": "postgresql:///x", "timezone": "Mars/Base"},
         "timezone: unknown time zone"),
        ({"name": "P", "database": "postgresql:///x", "language": "fr"}, "language:"),
        (["not", "a", "mapping"], "(top level): must be a mapping"),
    ],
)  # fmt: skip
def test_a_bad_central_config_is_one_line_naming_the_key(
    tmp_path: Path, data: object, message: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        load_central_config(write(tmp_path / "central.yaml", data))
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_the_environment_picks_the_config_and_overrides_the_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path / "other.yaml", {"name": "Polda NTT", "database": "postgresql:///a"})
    monkeypatch.setenv("SATUPINTU_CENTRAL_CONFIG", str(path))
    monkeypatch.setenv("SATUPINTU_CENTRAL_DB", "postgresql:///b")
    config = load_central_config()
    assert (config.name, config.database_url) == ("Polda NTT", "postgresql:///b")


def test_commands_migrate_register_list_and_add_users(tmp_path: Path, central_db: str) -> None:
    path = write(tmp_path / "central.yaml", {"name": "Polda Uji", "database": central_db})
    runner = CliRunner()
    added = runner.invoke(
        main,
        ["central", "station", "add", "kupang", "--name", "SPKT Kupang", "--config", str(path)],
    )
    assert added.exit_code == 0, added.output
    key = added.output.splitlines()[-1]
    assert len(key) == 64 and key.isalnum()
    twice = runner.invoke(
        main, ["central", "station", "add", "kupang", "--name", "X", "--config", str(path)]
    )
    assert twice.exit_code == 1 and "already registered" in twice.output
    listed = runner.invoke(main, ["central", "station", "list", "--config", str(path)])
    assert listed.output.startswith("kupang\tSPKT Kupang\trow 0\t-\tok")
    user = runner.invoke(
        main,
        ["central", "user", "add", "wati", "--role", "viewer", "--password-stdin",
         "--config", str(path)],
        input=f"{PASSWORD}\n",
    )  # fmt: skip
    assert user.exit_code == 0, user.output
    short = runner.invoke(
        main,
        ["central", "user", "add", "budi", "--role", "admin", "--password-stdin",
         "--config", str(path)],
        input="short\n",
    )  # fmt: skip
    assert short.exit_code == 1


def test_a_central_database_that_cannot_be_reached_is_one_line(tmp_path: Path) -> None:
    path = write(
        tmp_path / "central.yaml",
        {"name": "Polda Uji", "database": f"postgresql://x@/db?host={tmp_path}&port=1"},
    )
    result = CliRunner().invoke(main, ["central", "station", "list", "--config", str(path)])
    assert result.exit_code == 1
    assert "cannot open the central database" in result.output
