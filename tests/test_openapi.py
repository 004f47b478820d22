"""The OpenAPI document covers every /api route; fuzzing every route finds no 5xx and no change
made by a refused request."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, assume, given, settings
from schemathesis import Case
from schemathesis.core import NotSet
from schemathesis.generation import GenerationMode
from schemathesis.schemas import APIOperation

from satupintu.app import create_app
from shared.application.users import add_user
from shared.domain.config import Config
from shared.web.api_docs import openapi_spec
from tests.helpers import make_config

pytestmark = pytest.mark.slow


def flask_paths(app: Flask) -> set[str]:
    return {
        re.sub(r"<(?:[^:>]+:)?(\w+)>", r"{\1}", rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/") or rule.rule == "/healthz"
    }


def test_every_api_route_is_documented_and_every_documented_path_exists(app: Flask) -> None:
    documented = set(openapi_spec()["paths"])
    assert flask_paths(app) == documented


def test_the_document_is_served(client) -> None:  # type: ignore[no-untyped-def]
    spec = client.get("/api/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    assert "/api/tickets" in spec["paths"]


SCHEMA = schemathesis.openapi.from_dict(openapi_spec())
OPERATIONS = [result.ok() for result in SCHEMA.get_all_operations()]
PASSWORD = "rahasia-123"


def state_of(config: Config) -> tuple[object, ...]:
    """Everything a refused request must leave alone."""
    conn = sqlite3.connect(config.database_path)
    try:
        tables = ("tickets", "events", "idempotency", "surveys", "users", "sessions")
        sizes = [
            conn.execute(f"SELECT COUNT(*), COALESCE(MAX(rowid), 0) FROM {table}").fetchone()
            for table in tables
        ]
        statuses = conn.execute("SELECT group_concat(status) FROM tickets").fetchone()
        return (*sizes, statuses)
    finally:
        conn.close()


def _has_inputs(operation: APIOperation) -> bool:
    """A body, query or header to break (a free-form string in the path cannot be invalid)."""
    return any((operation.body, operation.query, operation.headers))


# Valid requests for every operation; invalid ones wherever there is an input to break.
CASES = [(op, GenerationMode.POSITIVE) for op in OPERATIONS] + [
    (op, GenerationMode.NEGATIVE) for op in OPERATIONS if _has_inputs(op)
]


@pytest.mark.parametrize(
    ("operation", "mode"), CASES, ids=[f"{op.label}-{mode.value}" for op, mode in CASES]
)
def test_fuzzing_finds_no_5xx_and_refused_requests_change_nothing(
    operation: APIOperation, mode: GenerationMode, tmp_path: Path
) -> None:
    """Generated requests (valid and invalid) from an admin with a few tickets about."""
    config = make_config(tmp_path)
    app = create_app(config)
    add_user(app.extensions["satupintu"], "admin", "admin", PASSWORD, "test")
    client = app.test_client()
    client.post("/api/login", json={"username": "admin", "password": PASSWORD})
    for service in ("lapor", "lapor", "lantas"):
        client.post("/api/tickets", json={"service": service})
    client.post("/api/counters/loket-1/call-next")

    @settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(generation_mode=mode))
    def request_is_handled(case: Case) -> None:
        headers = {
            key: value for key, value in (case.headers or {}).items() if key.lower() != "cookie"
        }
        try:
            str(headers).encode("latin-1")
        except UnicodeEncodeError:
            assume(False)  # no HTTP client can send such a header
        before = state_of(config)
        body: dict[str, Any] = {}
        if isinstance(case.body, bytes | str):
            body = {"data": case.body, "content_type": case.media_type or "application/json"}
        elif not isinstance(case.body, NotSet):
            body = {"json": case.body}
        response = client.open(
            case.formatted_path,
            method=case.method,
            query_string=case.query or None,
            headers=headers,
            **body,
        )
        assert response.status_code < 500, response.get_data(as_text=True)
        if response.status_code >= 400:
            assert response.get_json()["error"]["code"]
            if case.path != "/api/login":  # a failed login may be remembered by the rate limit
                assert state_of(config) == before, f"{case.method} {case.path} refused, changed"

    try:
        request_is_handled()
    finally:
        app.extensions["satupintu"].store.close()


# Operations whose inputs the document describes as the server checks them (the rest depend on
# the station's config, its services, units, kiosks and survey form, or on other fields: a
# report's `to` before its `from`).
AS_DOCUMENTED = ("POST /api/login", "POST /api/admin/users/{username}/password")


@pytest.mark.parametrize("label", AS_DOCUMENTED)
def test_what_the_document_allows_the_server_accepts(label: str, tmp_path: Path) -> None:
    operation = next(op for op in OPERATIONS if op.label == label)
    app = create_app(make_config(tmp_path))
    add_user(app.extensions["satupintu"], "admin", "admin", PASSWORD, "test")
    client = app.test_client()
    client.post("/api/login", json={"username": "admin", "password": PASSWORD})

    @settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(generation_mode=GenerationMode.POSITIVE))
    def accepted(case: Case) -> None:
        body = {} if isinstance(case.body, NotSet) else {"json": case.body}
        response = client.open(
            case.formatted_path, method=case.method, query_string=case.query or None, **body
        )
        error = (response.get_json() or {}).get("error") or {}
        assert error.get("code") != "invalid_request", (case.query, case.body, error)

    try:
        accepted()
    finally:
        app.extensions["satupintu"].store.close()
