"""Shared fixtures: a small station config on a real SQLite file and a hand-moved clock; and the
fast tier, the tests that need nothing but Python (marked `fast` here, never by hand)."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from flask import Flask
from flask.testing import FlaskClient

from shared.application.station import Station
from shared.domain.clock import ManualClock
from shared.domain.config import Config
from tests.central_fixtures import central_app, central_db, postgres  # noqa: F401 (fixtures)
from tests.helpers import ALL_UNITS, MORNING, make_config
from tests.realserver import ServerProcess

if TYPE_CHECKING:
    from playwright.sync_api import Browser


# The fast tier (`make test-fast`, `pytest -m fast`) is every test that needs nothing but Python
# and runs in a few milliseconds. A test leaves it by carrying one of these marks (`external`: it
# starts a program itself, such as espeak-ng, sox, sqlite3 or the satupintu command; `slow`: it
# waits out a timeout, fuzzes or simulates a day) or by using one of these fixtures, directly or
# through another: a scratch PostgreSQL, a real server process, Chromium, or a whole station
# opened on disk (a tenth of a second each, and hundreds of tests use one).
SLOW_MARKS = frozenset({"server", "browser", "external", "slow"})
SLOW_FIXTURES = frozenset({"postgres", "live", "chromium", "app", "station"})


# Roughly what a test costs (seconds on 2 cores) by its heaviest mark; any other test that is
# not fast opens a station or a database (a fraction of a second).
COSTS = {"browser": 5.0, "server": 4.0, "slow": 5.0, "external": 1.0, "fast": 0.01}


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects by marks
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark `fast` every test that needs none of the above; in a pytest-xdist worker (`make
    test`), put the costliest files first."""
    for item in items:
        marks = {mark.name for mark in item.iter_markers()}
        if not marks & SLOW_MARKS and not SLOW_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.fast)
    if hasattr(config, "workerinput"):
        _costliest_files_first(items)


def _costliest_files_first(items: list[pytest.Item]) -> None:
    """Order whole files by their estimated cost, the costliest first (each file's tests in
    their order). The workers take files in this order (`--no-loadscope-reorder`), so no long
    file is left to run alone at the end while the other worker idles."""
    per_file: dict[Path, float] = {}
    for item in items:
        marks = [COSTS[mark.name] for mark in item.iter_markers() if mark.name in COSTS]
        per_file[item.path] = per_file.get(item.path, 0.0) + max(marks, default=0.3)
    items.sort(key=lambda item: -per_file[item.path])  # stable: files stay whole, in order


def _refuse_program(*args: object, **kwargs: object) -> None:
    raise AssertionError(
        "a fast test started a program: mark the test `external` (or `server` if it starts one)"
    )


@pytest.fixture(autouse=True)
def _fast_tests_start_no_programs(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Keep the fast tier honest: a test in it that starts a program fails and says which mark."""
    if request.node.get_closest_marker("fast"):
        monkeypatch.setattr(subprocess.Popen, "__init__", _refuse_program)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(MORNING)


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return make_config(tmp_path)


@pytest.fixture
def station(config: Config, clock: ManualClock) -> Iterator[Station]:
    from satupintu.app import open_station
    from shared.application.services import ensure_counters

    the_station = open_station(config, clock=clock)
    ensure_counters(the_station)
    yield the_station
    the_station.store.close()


@pytest.fixture
def app(config: Config, clock: ManualClock) -> Iterator[Flask]:
    from satupintu.app import create_app

    flask_app = create_app(config, clock=clock)
    flask_app.config["TESTING"] = True
    yield flask_app
    flask_app.extensions["satupintu"].store.close()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


class Auth:
    """Create users and log the test client in as one of them."""

    def __init__(self, app: Flask, client: FlaskClient) -> None:
        self.app = app
        self.client = client

    def user(self, name: str, role: str = "officer", password: str = "rahasia-123") -> None:
        from shared.application.users import add_user

        add_user(self.app.extensions["satupintu"], name, role, password, "test")

    def login(self, name: str = "budi", role: str = "officer") -> None:
        self.user(name, role)
        response = self.client.post(
            "/api/login", json={"username": name, "password": "rahasia-123"}
        )
        assert response.status_code == 200


@pytest.fixture
def auth(app: Flask, client: FlaskClient) -> Auth:
    return Auth(app, client)


CHROMIUM = Path("/usr/bin/chromium")
# Pages answer in milliseconds, but CI shares two cores with servers and browsers: give
# Playwright's expectations room rather than fail on a busy moment.
EXPECT_TIMEOUT_MS = 15_000
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--autoplay-policy=no-user-gesture-required",
]


@pytest.fixture(scope="session")
def chromium() -> Iterator[Browser]:
    """Debian's Chromium driven by Playwright (never `playwright install`).

    Playwright is imported here, so the fast tests run without the browser stack.
    """
    from playwright.sync_api import expect, sync_playwright

    if not CHROMIUM.exists():
        pytest.fail("browser tests need Debian's chromium: apt-get install chromium")
    expect.set_options(timeout=EXPECT_TIMEOUT_MS)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def live(tmp_path: Path) -> Iterator[ServerProcess]:
    """A real server with officers `budi` (of every unit: every counter) and `ani` (no units:
    every counter but the private service's) and supervisor `sari` (password PASSWORD)."""
    server = ServerProcess(tmp_path)
    server.add_user("budi", units=ALL_UNITS)
    server.add_user("ani")
    server.add_user("sari", "supervisor")
    server.start()
    yield server
    server.stop()
