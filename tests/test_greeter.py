"""The greeter's tablet issues a ticket on a citizen's behalf: only its enrolled tablet (or the
server's own machine) may, with any need and priority, printed at the greeter's kiosk's printer
or handed over by voice; the log names the greeter. Other addresses on 127.0.0.0/8 stand in for
the tablet on the hall's Wi-Fi."""

from __future__ import annotations

import copy
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient

from satupintu.app import create_app
from satupintu.cli import main
from shared.application.devices import Kind, invite
from shared.domain.announce import spoken_number
from shared.domain.clock import ManualClock
from shared.domain.config import ConfigError, parse_config
from shared.domain.i18n import text
from tests.helpers import BASE_CONFIG, make_config

TABLET = {"REMOTE_ADDR": "10.0.0.7"}
GREETERS = [
    {"id": "pintu-depan", "kiosk": "kiosk-2", "name": "Pintu depan"},
    {"id": "pintu-samping", "name": "Pintu samping"},
]
KIOSKS = [
    {"id": "kiosk-1"},
    {"id": "kiosk-2", "name": "Kios lobi", "printer": {"type": "preview", "directory": "lobi"}},
]
ASK = {"service": "lapor", "priority": True, "need": "deaf", "handover": "print"}


@pytest.fixture
def app(tmp_path: Path, clock: ManualClock) -> Iterator[Flask]:
    config = make_config(tmp_path, kiosks=KIOSKS, greeters=GREETERS)
    flask_app = create_app(config, clock=clock)
    yield flask_app
    flask_app.extensions["satupintu"].store.close()


def tablet_of(app: Flask, greeter: str) -> FlaskClient:
    """A browser that opened the greeter's one-time link and confirmed it."""
    client = app.test_client()
    code = invite(app.extensions["satupintu"], Kind.GREETER, greeter, "test")
    asked = client.get(f"/enrol/{code}", environ_base=TABLET)
    assert "akan menjadi tablet penyambut" in asked.text
    confirmed = client.post(f"/enrol/{code}", environ_base=TABLET)
    assert confirmed.status_code == 303
    assert confirmed.headers["Location"] == f"/greeter/{greeter}"
    return client


def issued_rows(app: Flask) -> list[tuple[str, str]]:
    """Each ticket.issued event's actor and ticket number, in order."""
    with sqlite3.connect(app.extensions["satupintu"].config.database_path) as db:
        return db.execute(
            "SELECT events.actor, tickets.number FROM events "
            "JOIN tickets ON tickets.id = events.ticket_id "
            "WHERE events.name = 'ticket.issued' ORDER BY events.id"
        ).fetchall()


def prints(app: Flask) -> list[str]:
    folder = app.extensions["satupintu"].config.resolve("lobi")
    return sorted(path.name for path in folder.glob("*.png"))


def test_a_device_not_enrolled_is_refused_and_nothing_is_issued(app: Flask) -> None:
    stranger = app.test_client()
    refused = stranger.post("/api/greeter/pintu-depan/tickets", json=ASK, environ_base=TABLET)
    assert refused.status_code == 403
    assert refused.get_json()["error"]["code"] == "forbidden"
    page = stranger.get("/greeter/pintu-depan", environ_base=TABLET)
    assert page.status_code == 200
    assert "satupintu enrol greeter pintu-depan" in page.text
    kiosk = app.test_client()
    code = invite(app.extensions["satupintu"], Kind.KIOSK, "kiosk-2", "test")
    kiosk.post(f"/enrol/{code}", environ_base=TABLET)
    as_kiosk = kiosk.post("/api/greeter/pintu-depan/tickets", json=ASK, environ_base=TABLET)
    assert as_kiosk.status_code == 403  # the kiosk itself is no greeter
    assert issued_rows(app) == []
    assert prints(app) == []


def test_another_greeters_tablet_is_refused(app: Flask) -> None:
    side = tablet_of(app, "pintu-samping")
    refused = side.post("/api/greeter/pintu-depan/tickets", json=ASK, environ_base=TABLET)
    assert refused.status_code == 403
    assert refused.get_json()["error"]["message"] == "Perangkat ini bukan tablet penyambut ini."
    assert issued_rows(app) == []
    unknown = side.post("/api/greeter/pintu-x/tickets", json=ASK, environ_base=TABLET)
    assert unknown.status_code == 404
    assert side.get("/greeter/pintu-x", environ_base=TABLET).status_code == 404


def test_issues_with_a_need_and_priority_and_prints_at_the_greeters_kiosk(app: Flask) -> None:
    tablet = tablet_of(app, "pintu-depan")
    issued = tablet.post("/api/greeter/pintu-depan/tickets", json=ASK, environ_base=TABLET)
    assert issued.status_code == 201
    body = issued.get_json()
    assert body["ticket"]["number"] == "A-001"
    assert body["ticket"]["priority"] is True
    assert body["ticket"]["need"] == "deaf"
    assert body["print"]["status"] == "printed"
    [printed] = prints(app)
    assert printed.startswith("A-001")  # on kiosk-2's own printer, not the station's default
    assert issued_rows(app) == [("greeter:pintu-depan", "A-001")]


def test_a_number_handed_over_by_voice_is_not_printed_and_can_be_said(app: Flask) -> None:
    tablet = tablet_of(app, "pintu-depan")
    asked = {"service": "surat", "need": "interpreter", "handover": "voice"}
    issued = tablet.post("/api/greeter/pintu-depan/tickets", json=asked, environ_base=TABLET)
    assert issued.status_code == 201
    body = issued.get_json()
    assert body["print"]["status"] == "disabled"
    assert prints(app) == []
    said = tablet.get(
        "/api/kiosk/prompt",
        query_string={"say": "ticket", "token": body["ticket"]["token"], "print": "disabled",
                      "lang": "id"},
        environ_base=TABLET,
    )  # fmt: skip
    assert said.status_code == 200
    words = text("ui.voice_menu.issued", "id", number=spoken_number("B-001", "id"))
    assert words in said.get_json()["text"]
    assert issued_rows(app) == [("greeter:pintu-depan", "B-001")]


def test_a_greeter_without_a_kiosk_prints_at_the_default_printer_and_the_server_may_issue(
    app: Flask, client: FlaskClient
) -> None:
    issued = client.post("/api/greeter/pintu-samping/tickets", json=ASK)  # the server's machine
    assert issued.status_code == 201
    assert issued.get_json()["print"]["status"] == "disabled"  # the default printer is "none"
    assert prints(app) == []
    assert issued_rows(app) == [("greeter:pintu-samping", "A-001")]


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"service": "lapor"}, "invalid_request"),  # no handover
        ({"service": "lapor", "handover": "shout"}, "invalid_request"),
        ({"service": "lapor", "handover": "print", "need": "blind"}, "invalid_request"),
        ({"service": "lapor", "handover": "print", "priority": "ya"}, "invalid_request"),
        ({"service": "nope", "handover": "print"}, "unknown_service"),
    ],
)
def test_a_bad_request_is_refused_and_issues_nothing(app: Flask, body: dict, code: str) -> None:
    tablet = tablet_of(app, "pintu-depan")
    refused = tablet.post("/api/greeter/pintu-depan/tickets", json=body, environ_base=TABLET)
    assert 400 <= refused.status_code < 500
    assert refused.get_json()["error"]["code"] == code
    assert issued_rows(app) == []


def test_enrol_greeter_prints_a_link_and_a_greeter_names_a_known_kiosk(tmp_path: Path) -> None:
    data = copy.deepcopy(BASE_CONFIG) | {"greeters": GREETERS, "kiosks": KIOSKS}
    config_file = tmp_path / "satupintu.yaml"
    config_file.write_text(yaml.safe_dump(data))
    result = CliRunner().invoke(
        main,
        [
            "enrol",
            "greeter",
            "pintu-depan",
            "--url",
            "http://hall:8000",
            "--config",
            str(config_file),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "http://hall:8000/enrol/" in result.output
    unknown = CliRunner().invoke(
        main, ["enrol", "greeter", "pintu-x", "--config", str(config_file)]
    )
    assert unknown.exit_code != 0
    revoked = CliRunner().invoke(
        main, ["enrol", "revoke", "greeter", "pintu-depan", "--config", str(config_file)]
    )
    assert revoked.exit_code == 0, revoked.output
    assert "Revoked 0 credential(s) of greeter 'pintu-depan'" in revoked.output
    with pytest.raises(ConfigError, match=r"greeters\[0\].kiosk: unknown kiosk 'kiosk-9'"):
        parse_config(
            copy.deepcopy(BASE_CONFIG) | {"greeters": [{"id": "g", "kiosk": "kiosk-9"}]},
            base_dir=tmp_path,
        )
