"""SMS end to end: a real `satupintu serve` and a real gammu-smsd over Gammu's dummy phone.

A citizen who left a number gets "almost your turn", the call and the no-show at that number,
each once, in their language; a reply BATAL from that number cancels the ticket and from any
other number does nothing; the number is in no event, report, export or backup's log; a
stopped daemon shows on /healthz, the queue goes on, and the message goes once it runs again.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.realserver import ServerProcess, satupintu
from tests.sms_fixtures import Smsd, wait_until

pytestmark = [pytest.mark.server, pytest.mark.external]

CITIZEN = "+6281234567890"  # registered as "0812-3456-7890"
VISITOR = "+6281398765432"  # an English-speaking citizen, registered as "6281398765432"
STRANGER = "+6285211112222"  # registered for nothing
DIGITS = ("81234567890", "81398765432")  # how the numbers would show in any form


@pytest.fixture
def smsd(tmp_path: Path) -> Iterator[Smsd]:
    daemon = Smsd(tmp_path / "gammu")
    daemon.start()
    yield daemon
    daemon.stop()


@pytest.fixture
def hall(tmp_path: Path, smsd: Smsd) -> Iterator[ServerProcess]:
    server = ServerProcess(
        tmp_path,
        phone={"alert_ahead": 1, "alert_minutes": 240},
        no_show_requeue_minutes=30,
        sms={"gammu_config": str(smsd.config), "pid_file": str(smsd.pid_file), "retries": 1},
    )
    server.add_user("budi")
    server.add_user("sari", "supervisor")
    server.start()
    yield server
    server.stop()


def issue(server: ServerProcess) -> dict[str, Any]:
    response = requests.post(f"{server.url}/api/tickets", json={"service": "lapor"}, timeout=10)
    assert response.status_code == 201, response.text
    return response.json()["ticket"]


def add_number(server: ServerProcess, ticket: dict[str, Any], phone: str, language: str) -> None:
    response = requests.post(
        f"{server.url}/api/tickets/{ticket['token']}/sms",
        json={"phone": phone},
        headers={"Accept-Language": language},
        timeout=10,
    )
    assert response.status_code == 201, response.text
    assert response.json()["ticket"]["sms"].startswith("08")


def act(officer: requests.Session, server: ServerProcess, action: str) -> dict[str, Any]:
    response = officer.post(f"{server.url}/api/counters/loket-1/{action}", json={}, timeout=10)
    assert response.status_code == 200, response.text
    return response.json()["ticket"]


def to(smsd: Smsd, number: str) -> list[str]:
    return [sent.text for sent in smsd.sent_messages() if sent.number == number]


def arrived(smsd: Smsd, number: str, how_many: int) -> None:
    wait_until(lambda: len(to(smsd, number)) >= how_many, f"{how_many} SMS never reached {number}")


def test_a_citizen_hears_by_sms_when_almost_up_called_and_missed(
    hall: ServerProcess, smsd: Smsd, tmp_path: Path
) -> None:
    _, _, mine, theirs = (issue(hall) for _ in range(4))
    add_number(hall, mine, "0812-3456-7890", "id")
    add_number(hall, theirs, "6281398765432", "en")
    officer = hall.session("budi")

    act(officer, hall, "call-next")  # one ahead of mine now
    arrived(smsd, CITIZEN, 1)
    act(officer, hall, "call-next")  # mine next, theirs one ahead
    arrived(smsd, VISITOR, 1)
    assert act(officer, hall, "call-next")["number"] == mine["number"]
    arrived(smsd, CITIZEN, 2)
    act(officer, hall, "no-show")
    arrived(smsd, CITIZEN, 3)

    almost, called, missed = to(smsd, CITIZEN)
    assert almost == (
        f"SPKT Uji: Nomor {mine['number']} hampir tiba gilirannya, tinggal 1 orang lagi. "
        "Silakan kembali dan bersiap di dekat loket."
    )
    assert called == f"SPKT Uji: Nomor {mine['number']} dipanggil. Silakan menuju Loket 1."
    assert missed.startswith(f"SPKT Uji: Nomor {mine['number']} tidak hadir saat dipanggil.")
    assert "sebelum pukul " in missed
    assert to(smsd, VISITOR) == [
        f"SPKT Uji: Number {theirs['number']} is almost up: 1 person ahead. "
        "Please come back and get ready near the counters."
    ]

    # A reply from a stranger changes nothing and is not answered; from the citizen, it cancels.
    smsd.receive(STRANGER, "BATAL")
    wait_until(smsd.all_read, "the stranger's reply was never read")
    assert requests.get(f"{hall.url}/api/tickets/{theirs['token']}").json()["ticket"]["status"] == (
        "waiting"
    )
    smsd.receive(VISITOR, "batal")
    arrived(smsd, VISITOR, 2)
    assert to(smsd, VISITOR)[1] == f"SPKT Uji: Number {theirs['number']} is cancelled. Thank you."
    status = requests.get(f"{hall.url}/api/tickets/{theirs['token']}", timeout=10).json()
    assert status["ticket"]["status"] == "cancelled"
    assert to(smsd, STRANGER) == []
    assert len(to(smsd, CITIZEN)) == 3 and len(to(smsd, VISITOR)) == 2  # each message once
    assert all(len(sent.text) <= 160 for sent in smsd.sent_messages())

    # The numbers are in no event, report, export or backup's log.
    supervisor = hall.session("sari")
    today = date.today().isoformat()
    for form in ("json", "csv&table=summary", "xlsx"):
        report = supervisor.get(f"{hall.url}/api/admin/reports?from={today}&format={form}")
        assert report.status_code == 200
        assert not any(digits.encode() in report.content for digits in DIGITS)
    backup = tmp_path / "copy.db"
    satupintu("backup", str(backup), config=hall.config_path)
    for database in (tmp_path / "satupintu.db", backup):
        with sqlite3.connect(database) as db:
            rows = db.execute("SELECT * FROM events").fetchall()
        assert not any(digits in repr(rows) for digits in DIGITS)
        assert {"sms.number_added", "sms.recorded", "sms.replied"} <= {row[3] for row in rows}

    def sent_kinds() -> list[str]:
        recorded = _events(tmp_path / "satupintu.db", "sms.recorded")
        return sorted(event["kind"] for event in recorded if event["status"] == "sent")

    # the station records a message as sent when it next reads the daemon's sent folder
    wait_until(lambda: len(sent_kinds()) == 5, "every message recorded as sent")
    assert sent_kinds() == ["almost", "almost", "called", "no_show", "reply_cancel"]


def _events(database: Path, name: str) -> list[dict[str, Any]]:
    with sqlite3.connect(database) as db:
        rows = db.execute("SELECT data FROM events WHERE name = ?", (name,)).fetchall()
    return [json.loads(row[0]) for row in rows]


def test_a_stopped_daemon_shows_on_healthz_and_the_message_goes_once_it_runs(
    hall: ServerProcess, smsd: Smsd
) -> None:
    smsd.stop()
    ticket = issue(hall)
    officer = hall.session("budi")
    assert act(officer, hall, "call-next")["number"] == ticket["number"]  # the queue goes on
    # Added once called (as an officer may), so the call's SMS is the only one due: added
    # before, "almost your turn" could be handed over first, depending on the sender's round.
    add_number(hall, ticket, "081234567890", "id")
    wait_until(lambda: smsd.outbox(), "the call's SMS was never handed to the daemon")

    def notices() -> list[str]:
        return [notice["code"] for notice in requests.get(f"{hall.url}/healthz").json()["notices"]]

    wait_until(lambda: "sms_stopped" in notices(), "/healthz never said the daemon stopped")
    assert act(officer, hall, "done")["status"] == "done"

    smsd.start()
    arrived(smsd, CITIZEN, 1)
    wait_until(lambda: "sms_stopped" not in notices(), "/healthz still says it is stopped")
    assert to(smsd, CITIZEN) == [
        f"SPKT Uji: Nomor {ticket['number']} dipanggil. Silakan menuju Loket 1."
    ]
    assert smsd.outbox() == []


def test_a_bad_number_is_refused_and_changes_nothing(hall: ServerProcess) -> None:
    ticket = issue(hall)
    for phone in ("021-555-1234", "+14155550100", "abc", "", None):
        response = requests.post(
            f"{hall.url}/api/tickets/{ticket['token']}/sms", json={"phone": phone}, timeout=10
        )
        assert response.status_code == 400, phone
        assert response.json()["error"]["message"]
    assert requests.get(f"{hall.url}/api/tickets/{ticket['token']}").json()["ticket"]["sms"] is None
    missing = requests.post(f"{hall.url}/api/tickets/nope/sms", json={"phone": "081234567890"})
    assert missing.status_code == 404
    assert not _events(hall.folder / "satupintu.db", "sms.number_added")


def test_doctor_says_the_sms_daemon_is_not_running(tmp_path: Path) -> None:
    from tests.test_doctor import doctor, write_config

    daemon = Smsd(tmp_path / "gammu")
    config = write_config(
        tmp_path, sms={"gammu_config": str(daemon.config), "pid_file": str(daemon.pid_file)}
    )
    _, output = doctor(config)
    assert "WARNING    The SMS daemon (gammu-smsd) is not running" in output
    assert "OK         The SMS modem answers (gammu identify): Gammu unknown (Dummy)." in output
    assert "gammu-smsd runs" not in output
    daemon.start()
    try:
        _, output = doctor(config)
    finally:
        daemon.stop()
    assert "gammu-smsd) is not running" not in output
    assert "OK         SMS: 0 sent today (0 of the budget of 200)." in output
    assert "OK         gammu-smsd runs: 0 sent, 0 received, 0 failed since it started" in output
    assert "999999999999999" not in output  # the modem's IMEI is not shown


def test_doctor_says_a_modem_that_does_not_answer(tmp_path: Path) -> None:
    from tests.test_doctor import doctor, write_config

    daemon = Smsd(tmp_path / "gammu")
    text = daemon.config.read_text(encoding="utf-8")
    daemon.config.write_text(
        text.replace("connection = none", "connection = at")
        .replace("model = dummy", "model =")
        .replace(f"device = {daemon.root}/phone/", "device = /dev/ttyNOTHERE0"),
        encoding="utf-8",
    )
    _, output = doctor(write_config(tmp_path, sms={"gammu_config": str(daemon.config)}))
    assert "WARNING    The SMS modem does not answer gammu identify: Error opening device" in output
    assert "the device line in the [gammu] section of" in output


def test_a_suspension_its_end_and_tunda_reach_the_citizen_through_the_daemon(
    hall: ServerProcess, smsd: Smsd, tmp_path: Path
) -> None:
    mine = issue(hall)
    add_number(hall, mine, "081398765432", "en")
    for _ in range(3):
        issue(hall)
    arrived(smsd, VISITOR, 1)  # almost up: it is next
    supervisor = hall.session("sari")
    suspended = supervisor.post(
        f"{hall.url}/api/services/lapor/suspend", json={"reason": "SINAR down"}, timeout=10
    )
    assert suspended.status_code == 200, suspended.text
    arrived(smsd, VISITOR, 2)
    assert supervisor.post(f"{hall.url}/api/services/lapor/resume", timeout=10).status_code == 200
    arrived(smsd, VISITOR, 3)
    smsd.receive(VISITOR, "TUNDA")
    arrived(smsd, VISITOR, 4)
    texts = to(smsd, VISITOR)
    number = mine["number"]
    assert f"SPKT Uji: Service for number {number} is suspended for now." in texts[1]
    assert texts[2].startswith(f"SPKT Uji: Service for number {number} has resumed.")
    assert texts[3] == (
        f"SPKT Uji: Number {number} moved back in the queue: 3 people ahead of you now."
    )
    ticket = requests.get(f"{hall.url}/api/tickets/{mine['token']}", timeout=10).json()["ticket"]
    assert ticket["ahead"] == 3
    with sqlite3.connect(tmp_path / "satupintu.db") as db:
        rows = db.execute("SELECT * FROM events").fetchall()
    assert not any(digits in repr(rows) for digits in DIGITS)
