"""Every page, API route and Socket.IO event against every role: only the intended ones succeed.

The routes come from the app itself (`app.url_map`) and the events from the Socket.IO server,
so a new route or event fails `test_every_route_has_an_intended_role` until it is added to
the tables below with the least role it needs (None: anyone; ANY_USER: whoever is logged in).
Propam stands apart from the ladder officer < supervisor < admin: its routes admit Propam
alone (not even an admin), and Propam gets through no route of the ladder.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from satupintu.app import create_app
from shared.application.users import Role, add_user
from shared.domain.clock import ManualClock
from shared.web.socket_server import socketio
from tests.helpers import MORNING, make_config

pytestmark = pytest.mark.slow

PUBLIC = None
ANY_USER = "any logged-in user"
OFFICER, SUPERVISOR, ADMIN, PROPAM = Role.OFFICER, Role.SUPERVISOR, Role.ADMIN, Role.PROPAM
PASSWORD = "rahasia-123"

ROUTES: dict[tuple[str, str], Role | str | None] = {
    ("GET", "/"): PUBLIC,
    ("GET", "/static/<path:filename>"): PUBLIC,
    ("GET", "/station/logo"): PUBLIC,
    ("GET", "/kiosk"): PUBLIC,
    ("GET", "/kiosk/<kiosk_id>"): PUBLIC,
    ("GET", "/kiosk/static/<path:filename>"): PUBLIC,
    ("GET", "/t/<token>"): PUBLIC,
    ("GET", "/t/<token>/qr.svg"): PUBLIC,
    ("GET", "/board"): PUBLIC,
    ("GET", "/board/<board_id>"): PUBLIC,
    ("GET", "/board/static/<path:filename>"): PUBLIC,
    ("GET", "/counter"): PUBLIC,  # the console page logs the officer in itself
    ("GET", "/counter/static/<path:filename>"): PUBLIC,
    ("GET", "/survey/<counter_id>"): PUBLIC,
    ("GET", "/enrol/<code>"): PUBLIC,  # a device enrols with a one-time code, no login
    ("POST", "/enrol/<code>"): PUBLIC,
    ("GET", "/admin"): SUPERVISOR,
    ("GET", "/admin/reports"): SUPERVISOR,
    ("GET", "/admin/handover"): SUPERVISOR,
    ("GET", "/admin/printer"): SUPERVISOR,
    ("GET", "/admin/voices"): SUPERVISOR,
    ("GET", "/admin/printer/preview.png"): SUPERVISOR,
    ("GET", "/admin/users"): ADMIN,
    ("GET", "/admin/followups"): SUPERVISOR,
    ("GET", "/admin/propam"): PROPAM,
    ("GET", "/api/admin/propam"): PROPAM,
    ("GET", "/admin/scorecard"): SUPERVISOR,
    ("GET", "/admin/static/<path:filename>"): PUBLIC,
    ("POST", "/api/login"): PUBLIC,
    ("POST", "/api/logout"): PUBLIC,
    ("GET", "/api/me"): ANY_USER,
    ("GET", "/api/openapi.json"): PUBLIC,
    ("GET", "/healthz"): PUBLIC,
    ("GET", "/api/services"): PUBLIC,
    ("POST", "/api/tickets"): PUBLIC,
    ("GET", "/api/tickets/<token>"): PUBLIC,
    ("POST", "/api/tickets/<token>/reprint"): PUBLIC,
    ("POST", "/api/tickets/<token>/survey"): PUBLIC,
    ("POST", "/api/tickets/<token>/cancel"): PUBLIC,
    ("POST", "/api/tickets/<token>/sms"): PUBLIC,  # the token is the proof
    ("POST", "/api/tickets/<token>/step-back"): PUBLIC,  # the token is the proof
    ("POST", "/api/tickets/<token>/check-in"): PUBLIC,  # a kiosk, like a booking's check-in
    ("GET", "/api/bookings/slots"): PUBLIC,
    ("POST", "/api/bookings"): PUBLIC,  # anyone books; an officer books for a citizen
    ("GET", "/api/bookings"): OFFICER,
    ("POST", "/api/bookings/<code>/print"): OFFICER,  # a slip booked at the counter
    ("GET", "/admin/bookings"): SUPERVISOR,
    ("GET", "/api/bookings/<token>"): PUBLIC,
    ("POST", "/api/bookings/<token>/cancel"): PUBLIC,
    ("POST", "/api/bookings/<token>/sms"): PUBLIC,
    ("POST", "/api/bookings/<code>/check-in"): PUBLIC,  # a kiosk, like tickets
    ("GET", "/book"): PUBLIC,
    ("GET", "/standar"): PUBLIC,
    ("GET", "/api/kiosk/prompt"): PUBLIC,
    ("GET", "/api/kiosk/prompt.wav"): PUBLIC,
    ("GET", "/b/<token>"): PUBLIC,
    ("GET", "/b/<token>/qr.svg"): PUBLIC,
    ("GET", "/b/<token>/booking.ics"): PUBLIC,
    ("GET", "/api/board"): PUBLIC,
    ("GET", "/api/board/speech/<int(max=9223372036854775807):seq>"): PUBLIC,
    ("GET", "/api/counters"): OFFICER,
    ("GET", "/api/counters/<counter_id>"): OFFICER,
    ("GET", "/api/counters/<counter_id>/waiting"): OFFICER,
    ("POST", "/api/counters/<counter_id>/<action>"): OFFICER,
    ("POST", "/api/counters/<counter_id>/sms"): OFFICER,
    ("GET", "/api/survey/<counter_id>"): PUBLIC,
    ("POST", "/api/survey/<counter_id>"): PUBLIC,
    ("GET", "/greeter/<greeter_id>"): PUBLIC,  # the greeter's enrolled tablet, no login
    ("POST", "/api/greeter/<greeter_id>/tickets"): PUBLIC,  # the enrolled tablet is the proof
    ("GET", "/api/admin/dashboard"): SUPERVISOR,
    ("GET", "/api/admin/reports"): SUPERVISOR,
    ("GET", "/api/admin/handover"): SUPERVISOR,
    ("GET", "/api/admin/printers"): SUPERVISOR,
    ("GET", "/api/admin/voices"): SUPERVISOR,
    ("GET", "/api/admin/voices/sample"): SUPERVISOR,
    ("GET", "/api/printers/faults"): OFFICER,
    ("POST", "/api/admin/clock/accept"): SUPERVISOR,
    ("POST", "/api/admin/carry-over"): SUPERVISOR,
    ("POST", "/api/services/<service_id>/suspend"): OFFICER,  # of the service's unit
    ("POST", "/api/services/<service_id>/resume"): OFFICER,
    ("GET", "/api/admin/followups"): SUPERVISOR,
    ("POST", "/api/admin/followups"): SUPERVISOR,
    ("POST", "/api/admin/followups/<int(max=9223372036854775807):followup_id>"): SUPERVISOR,
    ("GET", "/api/admin/scorecard"): SUPERVISOR,
    ("GET", "/api/admin/users"): ADMIN,
    ("POST", "/api/admin/users"): ADMIN,
    ("POST", "/api/admin/users/<username>/disable"): ADMIN,
    ("POST", "/api/admin/users/<username>/enable"): ADMIN,
    ("POST", "/api/admin/users/<username>/password"): ADMIN,
    ("POST", "/api/admin/users/<username>/phone"): ADMIN,
    ("POST", "/api/admin/users/<username>/role"): ADMIN,
    ("POST", "/api/admin/users/<username>/units"): ADMIN,
}

SOCKET_EVENTS: dict[str, Role | None] = {
    "snapshot": PUBLIC,
    "watch": PUBLIC,
    "call_next": OFFICER,
    "call": OFFICER,
    "recall": OFFICER,
    "done": OFFICER,
    "no_show": OFFICER,
    "transfer": OFFICER,
    "return": OFFICER,
    "prioritize": OFFICER,
    "requeue": OFFICER,
    "step_back": OFFICER,
    "state": OFFICER,
    "counter.attend": OFFICER,
    "counter.leave": OFFICER,
}
SOCKET_LIFECYCLE = {"connect", "disconnect"}

FOLLOWUP = {"period": "2026-Q1", "element": "waktu", "action": "Tambah loket", "owner": "Kasat",
            "due": "2026-06-30"}  # fmt: skip
# Request bodies that reach the role check and beyond without changing who is logged in.
BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("POST", "/api/tickets"): {"service": "lapor"},
    ("POST", "/api/admin/users"): {"username": "baru", "role": "officer", "password": "x"},
    ("POST", "/api/admin/users/<username>/password"): {"password": "rahasia-456"},
    ("POST", "/api/admin/users/<username>/role"): {"role": "officer"},
    ("POST", "/api/admin/followups"): FOLLOWUP,
    ("POST", "/api/admin/followups/<int(max=9223372036854775807):followup_id>"): FOLLOWUP,
}
ROLES: list[Role | None] = [None, OFFICER, SUPERVISOR, ADMIN, PROPAM]
LOGIN_FORM = 'id="login-form"'
PARAMETER = re.compile(r"<(?:\w+(?:\([^)]*\))?:)?(\w+)>")  # <name>, <int:name>, <int(max=9):name>


def app_routes(app: Flask) -> set[tuple[str, str]]:
    return {
        (method, rule.rule)
        for rule in app.url_map.iter_rules()
        for method in rule.methods or ()
        if method not in ("HEAD", "OPTIONS")
    }


def socket_events() -> set[str]:
    return set(socketio.server.handlers["/"]) - SOCKET_LIFECYCLE


@dataclass
class Hall:
    app: Flask
    token: str
    folder: Path

    def client(self, role: Role | None) -> FlaskClient:
        """A client logged in with the role (anonymous for None)."""
        client = self.app.test_client()
        if role is not None:
            reply = client.post("/api/login", json={"username": role.label, "password": PASSWORD})
            assert reply.status_code == 200
        return client


@pytest.fixture(scope="module")
def hall(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hall]:
    folder = tmp_path_factory.mktemp("roles")
    app = create_app(make_config(folder), clock=ManualClock(MORNING))
    app.config["TESTING"] = True
    station = app.extensions["satupintu"]
    for role in (OFFICER, SUPERVISOR, ADMIN, PROPAM):
        add_user(station, role.label, role.label, PASSWORD, "test")
    add_user(station, "korban", "officer", PASSWORD, "test")
    token = app.test_client().post("/api/tickets", json={"service": "lapor"}).get_json()
    yield Hall(app, token["ticket"]["token"], folder)
    station.store.close()


def url(app: Flask, rule: str, endpoint: str, token: str) -> str:
    """The rule with a plausible value for each of its parameters."""
    values = {
        "counter_id": "loket-1",
        "service_id": "lapor",
        "action": "recall",
        "token": token,
        "board_id": "utama",
        "kiosk_id": "kiosk-1",
        "greeter_id": "pintu-depan",
        "username": "korban",
        "followup_id": "1",
        "seq": "1",
        "code": "no-such-code",
        "filename": _static_file(app, endpoint),
    }
    return PARAMETER.sub(lambda match: values[match.group(1)], rule)


def _static_file(app: Flask, endpoint: str) -> str:
    """A file that exists in the static folder the endpoint serves."""
    if endpoint == "static":
        folder = Path(app.static_folder or "")
    elif endpoint.endswith(".static"):
        folder = Path(app.blueprints[endpoint.removesuffix(".static")].static_folder or "")
    else:
        return ""
    return (
        next(path for path in sorted(folder.rglob("*")) if path.is_file())
        .relative_to(folder)
        .as_posix()
    )


def test_every_route_has_an_intended_role(hall: Hall) -> None:
    routes = app_routes(hall.app)
    assert routes - ROUTES.keys() == set(), "routes missing from ROUTES: add their least role"
    assert ROUTES.keys() - routes == set(), "ROUTES lists routes the app does not have"
    assert socket_events() == set(SOCKET_EVENTS), "socket events differ from SOCKET_EVENTS"


def _allowed(needed: Role | str | None, role: Role | None) -> bool:
    if needed is None:
        return True
    if role is None:
        return False
    if needed == ANY_USER:
        return True
    if PROPAM in (needed, role):
        return role == needed
    return role >= needed


def test_only_the_intended_roles_get_through_every_route(hall: Hall) -> None:
    endpoints = {(m, r.rule): r.endpoint for r in hall.app.url_map.iter_rules() for m in r.methods}
    failures = []
    clients = {role: hall.client(role) for role in ROLES}
    for (method, rule), needed in sorted(ROUTES.items(), key=lambda item: item[0][1]):
        path = url(hall.app, rule, endpoints[(method, rule)], hall.token)
        for role in ROLES:
            # Logging out ends the session: give that route a session of its own.
            client = hall.client(role) if rule == "/api/logout" else clients[role]
            reply = client.open(path, method=method, json=BODIES.get((method, rule), {}))
            status = reply.status_code
            page = needed is not None and not rule.startswith("/api/") and ".png" not in rule
            who = role.label if role else "anonymous"
            if status >= 500:
                failures.append(f"{method} {path} as {who}: {status}")
            elif _allowed(needed, role):
                if status in (401, 403) or (page and LOGIN_FORM in reply.get_data(as_text=True)):
                    failures.append(f"{method} {path} as {who}: refused ({status})")
            elif status != (401 if role is None else 403):
                failures.append(f"{method} {path} as {who}: {status}, expected a refusal")
            elif page and role is None and LOGIN_FORM not in reply.get_data(as_text=True):
                failures.append(f"{method} {path} as anonymous: no login form")
    assert not failures, "\n".join(failures)


def test_only_the_intended_roles_get_through_every_socket_event(hall: Hall) -> None:
    failures = []
    for role in ROLES:
        client = socketio.test_client(hall.app, flask_test_client=hall.client(role))
        assert client.is_connected(), "every role may connect (boards are anonymous)"
        for event, needed in SOCKET_EVENTS.items():
            payload = {"counter": "loket-1", "token": "unknown", "number": "A-999",
                       "reason": "uji", "service": "surat", "state": "open"}  # fmt: skip
            ack = client.emit(event, payload, callback=True)
            code = ack.get("error", {}).get("code") if isinstance(ack, dict) else None
            who = role.label if role else "anonymous"
            if _allowed(needed, role):
                if code in ("unauthorized", "forbidden"):
                    failures.append(f"{event} as {who}: refused ({code})")
            elif code != ("unauthorized" if role is None else "forbidden"):
                failures.append(f"{event} as {who}: {ack}, expected a refusal")
        client.disconnect()
    assert not failures, "\n".join(failures)
