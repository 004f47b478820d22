"""Private services stay unidentifiable whichever counter serves them: the bundled station's
PPA and Propam rooms are called as "Ruang Layanan Khusus 1" and "2", and nothing a citizen's
phone, the board or the paper gets names the service, its id or its unit."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from flask import Flask
from flask.testing import FlaskClient

from printer.layout import TextLine, ticket_layout
from satupintu.app import open_station
from shared.application import ticket_printing
from shared.domain.clock import ManualClock
from shared.domain.config import Config
from shared.web.socket_server import socketio
from tests.conftest import Auth
from tests.helpers import make_config
from tests.test_sockets import received

BUNDLED = yaml.safe_load((Path(__file__).parents[1] / "config.yaml").read_text(encoding="utf-8"))
# What would give each private service away: its names in both languages, its id, its unit
# (PPA shares the unit Reskrim with the public criminal-report service, whose id is "reskrim")
# and its room's staff name.
GIVEAWAYS = {
    "ppa": [r"Perempuan", r"Women", r"\bppa\b", r"Reskrim", r"Ruang PPA"],
    "propam": [r"Anggota Polri", r"Police Officer", r"(?i)propam"],
}
ROOM = {"ppa": "ruang-khusus-1", "propam": "ruang-khusus-2"}


@pytest.fixture
def config(tmp_path: Path) -> Config:
    """The bundled station's services (open all day) and counters on the test station. Their
    service standards are left out: the public criminal-report service's names its unit, which
    PPA shares, and the board rightly shows it (a private one's never: tests/test_standards_*)."""
    services = [
        {k: v for k, v in s.items() if k not in ("hours", "standard")} for s in BUNDLED["services"]
    ]
    return make_config(tmp_path, services=services, counters=BUNDLED["counters"])


def assert_nothing_gives_away(service: str, seen: Any) -> None:
    shown = seen if isinstance(seen, str) else json.dumps(seen, ensure_ascii=False)
    for giveaway in GIVEAWAYS[service]:
        assert not re.search(giveaway, shown), (giveaway, shown)


@pytest.mark.parametrize(("service", "room"), [("ppa", "1"), ("propam", "2")])
def test_a_private_call_is_shown_and_spoken_as_its_numbered_neutral_room(
    app: Flask, client: FlaskClient, auth: Auth, service: str, room: str
) -> None:
    auth.login("sari", "supervisor")  # officers need the private unit to act there
    board = socketio.test_client(app)
    received(board, "snapshot")
    number = client.post("/api/tickets", json={"service": service}).get_json()["ticket"]["number"]
    assert number == "R-001"
    assert client.post(f"/api/counters/{ROOM[service]}/call-next").status_code == 200

    [called] = received(board, "ticket.called")
    assert called["counter_name"] == f"Ruang Layanan Khusus {room}"
    words = {"1": "satu", "2": "dua"}[room]
    assert called["announcement"] == (
        f"Nomor antrean R satu, silakan menuju ruang layanan khusus {words}"
    )
    assert_nothing_gives_away(service, called)

    snapshot = client.get("/api/board").get_json()
    [tile] = [c for c in snapshot["counters"] if c["id"] == ROOM[service]]
    assert (tile["name"], tile["ticket"]) == (f"Ruang Layanan Khusus {room}", "R-001")
    assert snapshot["recent"][0]["counter_name"] == f"Ruang Layanan Khusus {room}"
    assert_nothing_gives_away(service, snapshot)
    page = client.get("/board?lang=en").text
    assert f"Private service room {room}" in page
    assert_nothing_gives_away(service, page)


@pytest.mark.parametrize("service", ["ppa", "propam"])
def test_the_citizen_api_and_the_phone_page_carry_nothing_of_a_private_service(
    app: Flask, client: FlaskClient, auth: Auth, service: str
) -> None:
    issued = client.post("/api/tickets", json={"service": service}).get_json()["ticket"]
    token = issued["token"]
    assert issued["service"] is None
    phone = socketio.test_client(app)
    assert phone.emit("watch", {"token": token}, callback=True)["ok"] is True
    auth.login("sari", "supervisor")  # officers need the private unit to act there
    client.post(f"/api/counters/{ROOM[service]}/call-next")
    update = received(phone, "ticket.update", lambda u: u["ticket"]["status"] == "called")[-1]
    ticket = client.get(f"/api/tickets/{token}").get_json()["ticket"]
    assert ticket == update["ticket"]
    assert (ticket["number"], ticket["service"], ticket["counter"]) == (
        "R-001", None, ROOM[service]
    )  # fmt: skip
    assert_nothing_gives_away(service, issued)
    assert_nothing_gives_away(service, ticket)
    for lang in ("id", "en"):
        assert_nothing_gives_away(service, client.get(f"/t/{token}?lang={lang}").text)
    # The officer still sees which service the ticket is for.
    current = client.get(f"/api/counters/{ROOM[service]}").get_json()
    assert json.dumps(current).count(f'"{service}"') >= 1


def test_the_paper_of_every_private_service_reads_the_same(
    tmp_path: Path, clock: ManualClock
) -> None:
    """Label, standard time and fee alike: a private service's own time or fee is left out."""
    bundled = [{k: v for k, v in s.items() if k != "hours"} for s in BUNDLED["services"]]
    longer = [s | {"standard_minutes": 45} if s["id"] == "ppa" else s for s in bundled]
    config = make_config(tmp_path, services=longer, counters=BUNDLED["counters"])
    station = open_station(config, clock=clock)

    def printed(service: str) -> list[str]:
        job = ticket_printing.paper(
            station, config.service_by_id[service], number="R-001", priority=False,
            issued_at=station.local(clock.now()), ahead=0, estimated_wait=None,
            status_url="http://192.0.2.1/t/x",
        )  # fmt: skip
        return [b.text for b in ticket_layout(job, 42) if isinstance(b, TextLine)]

    try:
        lines = printed("ppa")
        assert lines == printed("propam")
        assert {"Layanan khusus / konsultasi", "Layanan ini GRATIS", "R-001"} <= set(lines)
        assert not [line for line in lines if "Lama layanan" in line or "Service time" in line]
        for service in ("ppa", "propam"):
            assert_nothing_gives_away(service, "\n".join(lines))
        assert "Lama layanan: sekitar 30 menit" in printed("reskrim")  # a public one says it
    finally:
        station.store.close()
