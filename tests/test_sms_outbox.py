"""SMS inside one station (no daemon: a stand-in spool): registering numbers over HTTP, the
outbox's once-per-kind rule, retries within their bound, the budgets, replies, the day's close,
the reports and the supervisors' alerts."""

from __future__ import annotations

import copy
import json
import os
import sqlite3
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from shared.application import (
    bookings,
    citizen_actions,
    desk_actions,
    housekeeping,
    services,
    staff_phones,
    ticket_issue,
    users,
)
from shared.application.station import Station
from shared.domain.clock import ManualClock
from shared.domain.config import Config
from shared.operations import health, queue_alerts
from shared.operations.sms_sender import SmsSender
from shared.operations.smsd import HandOverFailed, Outcome, Received
from shared.store import sms_store
from tests.helpers import BASE_CONFIG, make_config
from tests.sms_fixtures import SMSD_CONFIG
from tests.test_bookings import BOOKING, TODAY_1000

NUMBER = "+6281234567890"


class SpoolStandIn:
    """What the sender asks of gammu-smsd, kept in memory: each handed message is "sent"
    unless `fail` says otherwise; `down` makes handing over fail."""

    def __init__(self) -> None:
        self.handed: list[tuple[str, str]] = []
        self.verdicts: dict[str, Outcome] = {}
        self.fail = False
        self.down = False
        self.inbox: list[Received] = []

    def hand_over(self, number: str, text: str) -> str:
        if self.down:
            raise HandOverFailed("gammu-smsd-inject did not run: FileNotFoundError")
        self.handed.append((number, text))
        digest = f"d{len(self.handed)}"
        self.verdicts[digest] = "error" if self.fail else "sent"
        return digest

    def outcomes(self) -> dict[str, Outcome]:
        return dict(self.verdicts)

    def received(self) -> list[Received]:
        found, self.inbox = self.inbox, []
        return found

    def remove(self, received: Received) -> None:
        """Nothing to remove: `received` already emptied the inbox."""

    def forget_before(self, instant: datetime) -> int:
        return 0


@pytest.fixture
def config(tmp_path: Path) -> Config:
    (tmp_path / "smsdrc").write_text(SMSD_CONFIG.format(root=tmp_path), encoding="utf-8")
    return make_config(
        tmp_path,
        phone={"alert_ahead": 1, "alert_minutes": 240},
        sms={"gammu_config": "smsdrc", "retries": 2, "daily_budget": 6, "per_number_per_day": 5},
    )


def sender(station: Station, spool: SpoolStandIn) -> SmsSender:
    return SmsSender(station, spool)  # type: ignore[arg-type]


def ticket_with_number(station: Station, language: str = "id") -> Any:
    issued = ticket_issue.issue_ticket(station, "lapor")
    citizen_actions.add_sms_number(station, issued.ticket["token"], "0812 3456 7890", language)
    return issued.ticket


def test_each_message_goes_once_whatever_the_rounds(station: Station) -> None:
    spool = SpoolStandIn()
    ticket_with_number(station)
    rounds = sender(station, spool)
    for _ in range(3):
        rounds.step()
    assert [text for _, text in spool.handed] == [
        "SPKT Uji: Nomor A-001 berikutnya dipanggil. Silakan kembali dan bersiap di dekat loket."
    ]
    desk_actions.call_next(station, "loket-1", "budi")
    for _ in range(3):
        rounds.step()
    called = "SPKT Uji: Nomor A-001 dipanggil. Silakan menuju Loket 1."
    assert spool.handed[1:] == [(NUMBER, called)]


def test_a_private_service_call_names_only_the_neutral_room(station: Station) -> None:
    spool = SpoolStandIn()
    issued = ticket_issue.issue_ticket(station, "propam")
    citizen_actions.add_sms_number(station, issued.ticket["token"], "081234567890", "en")
    desk_actions.call_next(station, "loket-4", "budi")
    sender(station, spool).step()
    [(_, text)] = spool.handed
    assert text == f"SPKT Uji: Number {issued.ticket['number']} is called. Please go to " + (
        "Private service room."
    )
    assert "Propam" not in text and "Loket 4" not in text


def test_a_failed_message_is_retried_within_its_bound(station: Station) -> None:
    spool = SpoolStandIn()
    spool.fail = True
    ticket_with_number(station)
    rounds = sender(station, spool)
    for _ in range(6):
        rounds.step()
    assert len(spool.handed) == 3  # the first try and sms.retries (2) more
    with station.store.read() as db:
        outcomes = db.all("SELECT data FROM events WHERE name = 'sms.recorded' ORDER BY id")
    assert [json.loads(row["data"])["status"] for row in outcomes] == [
        "retrying", "retrying", "failed"
    ]  # fmt: skip


def test_a_daemon_that_cannot_take_messages_costs_attempts_not_the_queue(
    station: Station,
) -> None:
    spool = SpoolStandIn()
    spool.down = True
    ticket_with_number(station)
    rounds = sender(station, spool)
    for _ in range(5):
        rounds.step()
    with station.store.read() as db:
        [row] = db.all("SELECT status, attempts FROM sms_outbox")
    assert row == {"status": "failed", "attempts": 3}
    assert desk_actions.call_next(station, "loket-1", "budi").number == "A-001"


def test_the_daily_and_per_number_budgets_hold(station: Station) -> None:
    spool = SpoolStandIn()
    rounds = sender(station, spool)
    for _ in range(6):
        ticket_with_number(station)
    other = ticket_issue.issue_ticket(station, "lapor").ticket
    citizen_actions.add_sms_number(station, other["token"], "085211112222", "id")
    rounds.step()  # only A-001 is almost up (alert_ahead 1: A-002 has one ahead)
    for _ in range(7):
        desk_actions.call_next(station, "loket-1", "budi")
        rounds.step()
    # The first number gets per_number_per_day (5); the other one more, then the day's budget
    # (6) is spent: every later message is over budget, none is handed.
    assert [number for number, _ in spool.handed] == [NUMBER] * 5 + ["+6285211112222"]
    with station.store.read() as db:
        statuses = [row["status"] for row in db.all("SELECT status FROM sms_outbox")]
    assert statuses.count("sent") == 6
    assert statuses.count("over_budget") == len(statuses) - 6 > 0


def test_a_reply_acts_only_from_the_registered_number(station: Station) -> None:
    spool = SpoolStandIn()
    mine = ticket_with_number(station)
    ticket_issue.issue_ticket(station, "lapor")
    rounds = sender(station, spool)
    spool.inbox = [Received(Path("IN1"), "+6285211112222", "BATAL")]
    rounds.step()
    assert station.store and _status(station, mine["token"]) == "waiting"
    spool.inbox = [Received(Path("IN2"), "081234567890", "status")]
    rounds.step()
    assert spool.handed[-1][1] == "SPKT Uji: Nomor A-001: 0 orang di depan Anda, segera dipanggil."
    spool.inbox = [Received(Path("IN3"), NUMBER, "Halo")]
    rounds.step()
    assert "Balas BATAL untuk membatalkan nomor A-001" in spool.handed[-1][1]
    spool.inbox = [Received(Path("IN5"), NUMBER, "BATAL")]
    rounds.step()
    assert _status(station, mine["token"]) == "cancelled"
    assert spool.handed[-1][1] == "SPKT Uji: Nomor A-001 sudah dibatalkan. Terima kasih."
    assert all(number == NUMBER for number, _ in spool.handed)


def _status(station: Station, token: str) -> str:
    with station.store.read() as db:
        row = db.one("SELECT status FROM tickets WHERE token = ?", (token,))
    assert row is not None
    return str(row["status"])


def test_numbers_are_gone_after_the_days_close(station: Station, clock: ManualClock) -> None:
    ticket_with_number(station)
    housekeeping.expire_past_days(station)
    with station.store.read() as db:
        assert sms_store.registered_on(db, station.today())
    clock.advance(days=1)
    housekeeping.expire_past_days(station)
    with station.store.read() as db:
        assert db.all("SELECT * FROM sms_numbers") == []
    database = station.config.database_path
    station.store.close()
    with sqlite3.connect(database) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert b"81234567890" not in database.read_bytes()


# ---- over HTTP ----------------------------------------------------------------------------------


def test_an_officer_adds_a_number_and_staff_see_it_masked(
    app: Flask, client: FlaskClient, auth: Any
) -> None:
    issued = client.post("/api/tickets", json={"service": "lapor"}).get_json()["ticket"]
    auth.login("budi")
    added = client.post(
        "/api/counters/loket-1/sms", json={"number": "a-001", "phone": "+62 812-3456-7890"}
    )
    assert added.status_code == 201
    assert added.get_json() == {"number": "A-001", "sms": "0812•••7890"}
    desk = client.get("/api/counters/loket-1").get_json()
    assert desk["waiting"][0]["number"] == issued["number"]
    called = client.post("/api/counters/loket-1/call-next", json={}).get_json()
    assert called["ticket"]["sms"] == "0812•••7890"
    assert NUMBER not in str(called) and "81234567890" not in str(desk)


@pytest.mark.parametrize(
    ("body", "status"),
    [({"number": "A-001", "phone": "0211234567"}, 400), ({"number": "A-001"}, 400),
     ({"number": "Z-999", "phone": "081234567890"}, 404),
     ({"number": "A-001", "phone": "081234567890", "language": "fr"}, 400),
     ({"phone": "081234567890"}, 400)],
)  # fmt: skip
def test_an_officer_gets_a_clear_refusal(
    client: FlaskClient, auth: Any, body: dict[str, Any], status: int
) -> None:
    client.post("/api/tickets", json={"service": "lapor"})
    auth.login("budi")
    refused = client.post("/api/counters/loket-1/sms", json=body)
    assert refused.status_code == status
    assert refused.get_json()["error"]["message"]
    assert client.get("/api/counters/loket-1").get_json()["waiting"][0].get("sms") is None


def test_a_number_on_a_ticket_no_longer_waiting_is_refused(client: FlaskClient) -> None:
    ticket = client.post("/api/tickets", json={"service": "lapor"}).get_json()["ticket"]
    client.post(f"/api/tickets/{ticket['token']}/cancel")
    refused = client.post(f"/api/tickets/{ticket['token']}/sms", json={"phone": "081234567890"})
    assert refused.status_code == 409
    assert "A-001" in refused.get_json()["error"]["message"]


def test_the_kiosks_request_again_shows_the_number_registered_meanwhile(
    client: FlaskClient,
) -> None:
    asked: dict[str, Any] = {"json": {"service": "lapor"}, "headers": {"Idempotency-Key": "t-1"}}
    first = client.post("/api/tickets", **asked)
    ticket = first.get_json()["ticket"]
    assert first.status_code == 201 and ticket["sms"] is None
    client.post(f"/api/tickets/{ticket['token']}/sms", json={"phone": "081234567890"})
    again = client.post("/api/tickets", **asked)
    assert again.status_code == 200
    assert again.get_json()["ticket"]["sms"] == "0812•••7890"


def test_a_station_without_sms_refuses_numbers(tmp_path: Path, clock: ManualClock) -> None:
    from satupintu.app import create_app

    app = create_app(make_config(tmp_path), clock=clock)
    client = app.test_client()
    ticket = client.post("/api/tickets", json={"service": "lapor"}).get_json()["ticket"]
    refused = client.post(f"/api/tickets/{ticket['token']}/sms", json={"phone": "081234567890"})
    assert refused.status_code == 409
    assert refused.get_json()["error"]["code"]
    app.extensions["satupintu"].store.close()


def test_a_bookings_number_passes_to_its_ticket_at_check_in(
    tmp_path: Path, clock: ManualClock
) -> None:
    from satupintu.app import open_station

    (tmp_path / "smsdrc").write_text(SMSD_CONFIG.format(root=tmp_path), encoding="utf-8")
    services_ = copy.deepcopy(BASE_CONFIG["services"])
    services_[0]["booking"] = BOOKING
    config = make_config(tmp_path, services=services_, sms={"gammu_config": "smsdrc"})
    station = open_station(config, clock=clock)
    booking = bookings.make_booking(station, "lapor", TODAY_1000)
    assert bookings.add_sms_number(station, booking.token, "0812-3456-7890", "en") == "0812•••7890"
    clock.advance(minutes=50)  # 09:50: check-in is open
    ticket = bookings.check_in(station, booking.code).ticket
    with station.store.read() as db:
        assert sms_store.of_ticket(db, ticket["id"]) == sms_store.Registered(
            ticket["id"], NUMBER, "en"
        )
        logged = db.all("SELECT data FROM events WHERE name = 'sms.number_added'")
    assert len(logged) == 1 and "81234567890" not in logged[0]["data"]
    station.store.close()


def test_the_health_check_says_when_the_daemon_stops_and_messages_fail(
    tmp_path: Path, clock: ManualClock
) -> None:
    from satupintu.app import open_station
    from shared.operations import health, sms_health

    (tmp_path / "smsdrc").write_text(SMSD_CONFIG.format(root=tmp_path), encoding="utf-8")
    config = make_config(
        tmp_path, sms={"gammu_config": "smsdrc", "pid_file": "smsd.pid", "retries": 0}
    )
    station = open_station(config, clock=clock)
    assert [n.message.key for n in sms_health.sms(station).notices] == ["ui.health.sms_stopped"]
    (tmp_path / "smsd.pid").write_text(str(os.getpid()))
    assert sms_health.sms(station).notices == ()
    spool = SpoolStandIn()
    spool.fail = True
    ticket_with_number(station)
    rounds = sender(station, spool)
    rounds.step()
    rounds.step()
    [notice] = health.run(station, ("sms",)).notices
    assert notice.json()["code"] == "sms_failed" and notice.level == "warning"
    assert notice.message.text("en") == "1 SMS failed today (after their retries)."
    station.store.close()


def test_the_report_counts_sms_and_no_shows_with_and_without_one(station: Station) -> None:
    from shared.application.reporting import reports

    spool = SpoolStandIn()
    ticket_with_number(station)  # A-001, with SMS: served
    ticket_issue.issue_ticket(station, "lapor")  # A-002, without: missed its call
    rounds = sender(station, spool)
    rounds.step()
    desk_actions.call_next(station, "loket-1", "budi")
    rounds.step()
    desk_actions.call_next(station, "loket-1", "budi")
    desk_actions.no_show(station, "loket-1", "budi")
    spool.inbox = [Received(Path("IN1"), NUMBER, "STATUS")]
    rounds.step()
    rounds.step()
    day = reports.Period(station.today(), station.today())
    figures = reports.build_report(reports.station_source(station), day)["sms"]
    assert figures == {
        "numbers_added": 1,
        "sent": 3,  # almost, called, and the answer to STATUS
        "failed": 0,
        "over_budget": 0,
        "replies": {"BATAL": 0, "STATUS": 1, "TUNDA": 0, "HELP": 0},
        "no_show_pct_with_sms": 0.0,
        "no_show_pct_without_sms": 100.0,
    }


def test_the_report_page_shows_the_days_sms(app: Flask, client: FlaskClient, auth: Any) -> None:
    station = app.extensions["satupintu"]
    ticket_with_number(station)
    sender(station, SpoolStandIn()).step()
    auth.login("sari", "supervisor")
    page = client.get("/admin/reports?from=2026-05-20&lang=en").get_data(as_text=True)
    assert 'id="sms"' in page and "Mobile numbers registered" in page
    assert "81234567890" not in page


def test_almost_your_turn_is_dropped_once_the_call_overtook_it(station: Station) -> None:
    spool = SpoolStandIn()
    spool.down = True
    ticket_with_number(station)
    rounds = sender(station, spool)
    rounds.step()  # "almost" could not be handed over: it waits for another try
    desk_actions.call_next(station, "loket-1", "budi")
    spool.down = False
    rounds.step()
    assert [text for _, text in spool.handed] == [
        "SPKT Uji: Nomor A-001 dipanggil. Silakan menuju Loket 1."
    ]


# ---- supervisors' alerts ------------------------------------------------------------------------


@pytest.fixture
def alerting(tmp_path: Path, clock: ManualClock) -> Iterator[Station]:
    from satupintu.app import open_station

    (tmp_path / "smsdrc").write_text(SMSD_CONFIG.format(root=tmp_path), encoding="utf-8")
    config = make_config(tmp_path, sms={"gammu_config": "smsdrc", "daily_budget": 50})
    station = open_station(config, clock=clock)
    services.ensure_counters(station)
    for name, role in (("sari", "supervisor"), ("dewi", "supervisor"), ("budi", "officer")):
        users.add_user(station, name, role, "a long password", "test")
    staff_phones.set_phone(station, "sari", "0813-1111-2222", True, "test")
    staff_phones.set_phone(station, "dewi", "0813-3333-4444", False, "test")  # chose no SMS
    staff_phones.set_phone(station, "budi", "0813-5555-6666", False, "test")
    yield station
    station.store.close()


def test_a_supervisor_hears_of_a_long_wait_once_per_occurrence(
    alerting: Station, clock: ManualClock
) -> None:
    spool = SpoolStandIn()
    ticket_issue.issue_ticket(alerting, "lapor")
    assert queue_alerts.alert_supervisors(alerting) == 0
    clock.advance(minutes=31)  # over 2 x 15 standard minutes
    [notice] = health.run(alerting, ("queue",)).notices
    assert notice.json()["code"] == "queue_long_wait"
    assert queue_alerts.alert_supervisors(alerting) == 1
    assert queue_alerts.alert_supervisors(alerting) == 0  # the same occurrence: told once
    sender(alerting, spool).hand_pending()
    assert spool.handed == [
        ("+6281311112222", "SPKT Uji: Laporan: warga menunggu 31 menit, lebih dari batas 30 menit.")
    ]
    desk_actions.call_next(alerting, "loket-1", "budi")
    assert queue_alerts.alert_supervisors(alerting) == 0  # over
    ticket_issue.issue_ticket(alerting, "lapor")
    clock.advance(minutes=40)
    assert queue_alerts.alert_supervisors(alerting) == 1  # a new occurrence


def test_people_waiting_at_a_service_whose_counters_all_paused_raise_an_alert(
    alerting: Station,
) -> None:
    issued = ticket_issue.issue_ticket(alerting, "propam").ticket
    desk_actions.set_counter_state(alerting, "loket-4", "break", "budi")
    [notice] = health.run(alerting, ("queue",)).notices
    assert notice.json()["code"] == "queue_unattended"
    text = notice.message.text("id")
    assert text.startswith("Ruang Layanan Khusus: 1 warga menunggu") and "Propam" not in text
    assert issued["number"] not in text
    assert queue_alerts.alert_supervisors(alerting) == 1


def test_no_number_reaches_the_batch_central_gets(station: Station) -> None:
    from shared.domain import wire
    from shared.operations import shipper
    from shared.store import eventlog

    spool = SpoolStandIn()
    ticket_with_number(station)
    rounds = sender(station, spool)
    rounds.step()
    spool.inbox = [Received(Path("IN1"), NUMBER, "BATAL")]
    rounds.step()
    with station.store.read() as db:
        head = db.one("SELECT id, at FROM events ORDER BY id DESC LIMIT 1")
        rows = [wire.wire_row(row) for row in eventlog.rows_after(db, 0)]
    shipped = json.dumps(shipper.batch("polres-kupang", head, rows))
    assert {"sms.number_added", "sms.recorded", "sms.replied"} <= {row["name"] for row in rows}
    assert "81234567890" not in shipped and "1234567890" not in shipped
