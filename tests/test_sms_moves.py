"""SMS a move tells, and replies that move the ticket (no daemon: the stand-in spool of
test_sms_outbox): TUNDA lets others go first where that move is allowed; a suspended and
resumed service, a ticket carried over and a booking (its confirmation, its reminder) are told
once each, in the citizen's language, as one GSM 7-bit SMS naming neither a private service
nor its unit; supervisors who chose them get the alerts at their own number."""

from __future__ import annotations

import copy
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from flask.testing import FlaskClient

from satupintu.cli import main
from shared.application import (
    bookings,
    carryover,
    citizen_actions,
    desk_actions,
    housekeeping,
    sms,
    staff_phones,
    suspensions,
    ticket_issue,
    users,
)
from shared.application.station import Station
from shared.application.users import Role, User
from shared.domain.clock import ManualClock
from shared.domain.config import Config
from shared.domain.errors import Conflict, InvalidRequest
from shared.domain.sms import fits_one_sms
from shared.operations import queue_alerts
from shared.store import sms_store
from tests.helpers import BASE_CONFIG, make_config
from tests.sms_fixtures import SMSD_CONFIG
from tests.test_bookings import BOOKING, TODAY_1000
from tests.test_sms_outbox import NUMBER, SpoolStandIn, sender

SARI = User("sari", Role.SUPERVISOR)
DIGITS = ("81234567890", "81311112222")


@pytest.fixture
def config(tmp_path: Path) -> Config:
    (tmp_path / "smsdrc").write_text(SMSD_CONFIG.format(root=tmp_path), encoding="utf-8")
    services_ = copy.deepcopy(BASE_CONFIG["services"])
    services_[0]["booking"] = BOOKING
    services_[2]["carry_over"] = True  # lantas: its waiting are carried over at the day's close
    return make_config(
        tmp_path,
        services=services_,
        sms={"gammu_config": "smsdrc", "daily_budget": 50},
        step_back={"places": 2, "times": 1},
    )


def with_number(station: Station, service: str = "lapor", language: str = "id") -> Any:
    issued = ticket_issue.issue_ticket(station, service)
    citizen_actions.add_sms_number(station, issued.ticket["token"], "0812 3456 7890", language)
    return issued.ticket


def texts(spool: SpoolStandIn) -> list[str]:
    return [text for _, text in spool.handed]


def ticket_status(station: Station, token: str) -> dict[str, Any]:
    with station.store.read() as db:
        row = db.one("SELECT status, queue_at FROM tickets WHERE token = ?", (token,))
    assert row is not None
    return row


# ---- TUNDA ------------------------------------------------------------------------------------


def test_tunda_lets_others_go_first_and_says_the_new_place(
    station: Station, clock: ManualClock
) -> None:
    spool = SpoolStandIn()
    mine = with_number(station, language="en")
    for _ in range(3):
        clock.advance(minutes=1)
        ticket_issue.issue_ticket(station, "lapor")
    rounds = sender(station, spool)
    spool.inbox = [sms_received("IN1", "TUNDA")]
    rounds.step()
    assert texts(spool)[-1] == (
        "SPKT Uji: Number A-001 moved back in the queue: 2 people ahead of you now."
    )
    assert desk_actions.call_next(station, "loket-1", "budi").number == "A-002"

    # step_back.times is 1: a second TUNDA is refused, saying why, and moves nothing.
    before = ticket_status(station, mine["token"])
    spool.inbox = [sms_received("IN2", "tunda")]
    rounds.step()
    assert texts(spool)[-1].startswith("SPKT Uji: TUNDA is not possible for number A-001.")
    assert "1 time" in texts(spool)[-1]
    assert ticket_status(station, mine["token"]) == before
    assert all(fits_one_sms(text) for text in texts(spool))


def test_tunda_with_nobody_behind_is_refused_in_words(station: Station) -> None:
    spool = SpoolStandIn()
    mine = with_number(station)
    spool.inbox = [sms_received("IN1", "TUNDA")]
    sender(station, spool).step()
    assert texts(spool)[-1] == (
        "SPKT Uji: TUNDA tidak dapat dilakukan untuk nomor A-001. Tidak ada yang menunggu di "
        "belakang nomor A-001: giliran tidak perlu ditunda."
    )
    assert ticket_status(station, mine["token"])["status"] == "waiting"


def sms_received(name: str, text: str) -> Any:
    from shared.operations.smsd import Received

    return Received(Path(name), NUMBER, text)


# ---- a suspension, a carry-over ---------------------------------------------------------------


def test_a_suspension_and_its_end_are_told_once_each(station: Station) -> None:
    spool = SpoolStandIn()
    with_number(station, language="en")
    with_number(station, service="surat")  # another service: hears nothing
    rounds = sender(station, spool)
    rounds.step()
    suspensions.suspend(station, "lapor", "Server SINAR gangguan", "10:30", SARI)
    suspensions.suspend(station, "lapor", "Listrik padam", "11:00", SARI)  # changed: no new SMS
    rounds.step()
    suspensions.resume(station, "lapor", SARI)
    rounds.step()
    rounds.step()
    told = [text for text in texts(spool) if "Service" in text or "Pelayanan" in text]
    assert told == [
        "SPKT Uji: Service for number A-001 is suspended, expected back at 10:30. Your number "
        "keeps its place.",
        "SPKT Uji: Service for number A-001 has resumed. Please come back and get ready near "
        "the counters.",
    ]
    assert all(fits_one_sms(text) for text in texts(spool))


def test_a_private_services_suspension_names_neither_service_nor_unit(station: Station) -> None:
    spool = SpoolStandIn()
    ticket = with_number(station, service="propam")
    suspensions.suspend(station, "propam", "Propam rapat", None, SARI)
    sender(station, spool).step()
    [text] = [text for text in texts(spool) if "Pelayanan" in text]
    assert text == (
        f"SPKT Uji: Pelayanan untuk nomor {ticket['number']} dihentikan sementara. Nomor Anda "
        "tetap di antrean; kami kirim SMS saat dibuka kembali."
    )
    assert not any(word in text for word in ("Propam", "Pengaduan", "Loket 4", "rapat"))


def test_a_carried_over_ticket_is_told_its_day_once(station: Station) -> None:
    spool = SpoolStandIn()
    with_number(station)
    carryover.carry_over_tickets(station, ["A-001"], reason="Server gangguan", by="sari")
    rounds = sender(station, spool)
    rounds.step()
    rounds.step()
    assert texts(spool) == [
        "SPKT Uji: Nomor A-001 dilanjutkan ke 21 Mei 2026. Tunjukkan tiket ini di kios pada hari "
        "itu untuk antre paling depan."
    ]


def test_the_day_close_carry_is_told_before_the_number_is_forgotten(
    station: Station, clock: ManualClock
) -> None:
    spool = SpoolStandIn()
    with_number(station, service="lantas", language="en")
    clock.advance(days=1)
    housekeeping.expire_past_days(station)  # carried over; its number kept for that SMS
    with station.store.read() as db:
        assert db.all("SELECT number FROM sms_numbers") == [{"number": NUMBER}]
    sender(station, spool).step()
    assert spool.handed == [
        (NUMBER, "SPKT Uji: Number C-001 is carried over to 21 May 2026. Show this ticket at the "
                 "kiosk that day to queue at the front.")
    ]  # fmt: skip
    sender(station, spool).settle()
    housekeeping.expire_past_days(station)
    with station.store.read() as db:
        assert db.all("SELECT number FROM sms_numbers") == []


# ---- bookings ---------------------------------------------------------------------------------


def test_a_booking_is_confirmed_and_reminded_once_each(
    station: Station, clock: ManualClock
) -> None:
    spool = SpoolStandIn()
    rounds = sender(station, spool)
    booking = bookings.make_booking(station, "lapor", TODAY_1000)
    bookings.add_sms_number(station, booking.token, "0812-3456-7890", "id")
    rounds.step()  # 09:00: the slot starts in 60 minutes, not yet within the reminder's time
    clock.advance(minutes=1)
    rounds.step()
    rounds.step()
    assert texts(spool) == [
        f"SPKT Uji: Pemesanan {booking.code} tercatat: 20 Mei 2026 pukul 10.00. Tunjukkan kode "
        "ini di kios saat datang.",
        f"SPKT Uji: Pengingat: pemesanan {booking.code} pada 20 Mei 2026 pukul 10.00. Tunjukkan "
        "kode ini di kios saat datang.",
    ]
    assert {number for number, _ in spool.handed} == {NUMBER}
    clock.advance(minutes=50)
    ticket = bookings.check_in(station, booking.code).ticket  # the number goes with the ticket
    assert sms.masked_booking_number(station, booking) == "0812•••7890"
    with station.store.read() as db:
        assert sms_store.of_ticket(db, ticket["id"]).number == NUMBER  # type: ignore[union-attr]
        outbox = json.dumps(db.all("SELECT * FROM sms_outbox"))
    assert not any(digits in outbox for digits in DIGITS)


def test_a_booking_number_is_refused_once_the_booking_is_over(station: Station) -> None:
    booking = bookings.make_booking(station, "lapor", TODAY_1000)
    cancelled = bookings.cancel_booking(station, booking.token)
    with pytest.raises(Conflict):
        bookings.add_sms_number(station, cancelled.token, "081234567890", "id")
    with pytest.raises(InvalidRequest):
        bookings.add_sms_number(station, booking.token, "021555", "id")


# ---- supervisors' alerts at their own numbers --------------------------------------------------


@pytest.fixture
def staff(station: Station) -> Station:
    for name, role in (("sari", "supervisor"), ("dewi", "supervisor"), ("budi", "officer")):
        users.add_user(station, name, role, "a long password", "test")
    return station


def test_alerts_go_to_the_supervisors_who_chose_them(staff: Station, clock: ManualClock) -> None:
    staff_phones.set_phone(staff, "sari", "0813 1111 2222", True, "admin")
    staff_phones.set_phone(staff, "dewi", "081333334444", False, "admin")
    ticket_issue.issue_ticket(staff, "lapor")
    clock.advance(minutes=31)
    assert queue_alerts.alert_supervisors(staff) == 1
    spool = SpoolStandIn()
    sender(staff, spool).hand_pending()
    assert [number for number, _ in spool.handed] == ["+6281311112222"]
    with staff.store.read() as db:
        rows = db.all("SELECT recipient, key FROM sms_outbox")
        logged = db.all("SELECT data FROM events WHERE name = 'user.changed'")
    assert rows[0]["recipient"] == "user:sari"
    assert not any(digits in json.dumps(rows) + json.dumps(logged) for digits in DIGITS)
    assert [json.loads(row["data"])["change"] for row in logged].count("phone") == 2


def test_a_removed_number_gets_no_alert_any_more(staff: Station, clock: ManualClock) -> None:
    staff_phones.set_phone(staff, "sari", "081311112222", True, "admin")
    ticket_issue.issue_ticket(staff, "lapor")
    clock.advance(minutes=31)
    queue_alerts.alert_supervisors(staff)
    staff_phones.set_phone(staff, "sari", None, False, "admin")
    spool = SpoolStandIn()
    sender(staff, spool).hand_pending()
    assert spool.handed == []


@pytest.mark.parametrize(
    ("user", "phone", "alerts", "refusal"),
    [
        ("budi", "081311112222", True, Conflict),  # an officer gets no alerts
        ("sari", None, True, InvalidRequest),  # alerts need a number
        ("sari", "021-555-1234", False, InvalidRequest),
        ("sari", "081311112222", "yes", InvalidRequest),
    ],
)
def test_a_bad_phone_change_is_refused_and_changes_nothing(
    staff: Station, user: str, phone: Any, alerts: Any, refusal: type[Exception]
) -> None:
    with pytest.raises(refusal):
        staff_phones.set_phone(staff, user, phone, alerts, "admin")
    assert staff_phones.phones_shown(staff) == {}


def test_the_admin_sets_a_phone_and_sees_it_masked(client: FlaskClient, auth: Any) -> None:
    auth.login("admin", "admin")
    client.post("/api/admin/users", json={"username": "sari", "role": "supervisor",
                                          "password": "a long password"})  # fmt: skip
    set_ = client.post("/api/admin/users/sari/phone", json={"phone": "+62 813-1111-2222",
                                                           "sms_alerts": True})  # fmt: skip
    assert set_.status_code == 200
    [sari] = [user for user in set_.get_json()["users"] if user["username"] == "sari"]
    assert (sari["phone"], sari["sms_alerts"]) == ("0813•••2222", True)
    kept = client.post("/api/admin/users/sari/phone", json={"sms_alerts": False})
    [sari] = [user for user in kept.get_json()["users"] if user["username"] == "sari"]
    assert (sari["phone"], sari["sms_alerts"]) == ("0813•••2222", False)
    page = client.get("/admin/users").get_data(as_text=True)
    assert DIGITS[1] not in page
    refused = client.post("/api/admin/users/sari/phone", json={"phone": "12", "sms_alerts": False})
    assert refused.status_code == 400 and refused.get_json()["error"]["message"]
    assert client.post("/api/admin/users/nobody/phone", json={"phone": None}).status_code == 404


def test_the_cli_sets_and_removes_a_users_phone(tmp_path: Path, config: Config) -> None:
    import yaml

    path = tmp_path / "config.yaml"
    data = copy.deepcopy(BASE_CONFIG)
    data["sms"] = {"gammu_config": "smsdrc"}
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    runner = CliRunner()
    added = runner.invoke(main, ["user", "add", "sari", "--role", "supervisor",
                                 "--password-stdin", "--config", str(path)],
                          input="a long password\n")  # fmt: skip
    assert added.exit_code == 0, added.output
    done = runner.invoke(
        main, ["user", "phone", "sari", "0813-1111-2222", "--sms-alerts", "--config", str(path)]
    )
    assert done.exit_code == 0 and "alerts by SMS" in done.output
    bad = runner.invoke(main, ["user", "phone", "sari", "12345", "--config", str(path)])
    assert bad.exit_code != 0 and "mobile number" in bad.output
    with sqlite3.connect(tmp_path / "satupintu.db") as db:
        assert db.execute("SELECT number, sms_alerts FROM user_phones").fetchall() == [
            ("+6281311112222", 1)
        ]
    gone = runner.invoke(main, ["user", "phone", "sari", "none", "--config", str(path)])
    assert gone.exit_code == 0
    with sqlite3.connect(tmp_path / "satupintu.db") as db:
        assert db.execute("SELECT * FROM user_phones").fetchall() == []


# ---- the numbers stay out of the log, the reports and central ----------------------------------


def test_no_number_of_the_new_paths_reaches_the_log_the_reports_or_central(
    staff: Station, clock: ManualClock
) -> None:
    from shared.application.reporting import reports
    from shared.domain import wire
    from shared.operations import shipper
    from shared.store import eventlog

    spool = SpoolStandIn()
    rounds = sender(staff, spool)
    staff_phones.set_phone(staff, "sari", "0813 1111 2222", True, "admin")
    booking = bookings.make_booking(staff, "lapor", TODAY_1000)
    bookings.add_sms_number(staff, booking.token, "0812 3456 7890", "id")
    with_number(staff, service="surat")
    clock.advance(minutes=1)
    with_number(staff, service="lantas")
    suspensions.suspend(staff, "surat", "Listrik", None, SARI)
    suspensions.resume(staff, "surat", SARI)
    carryover.carry_over_tickets(staff, ["C-001"], reason="Server gangguan", by="sari")
    spool.inbox = [sms_received("IN1", "TUNDA")]
    rounds.step()
    clock.advance(minutes=40)
    queue_alerts.alert_supervisors(staff)
    rounds.step()
    kinds = set(_outbox_kinds(staff))
    assert {"booking_confirmed", "booking_reminder", "suspended", "resumed", "carried",
            "reply_postpone", "alert_queue_long_wait"} <= kinds  # fmt: skip
    assert {number for number, _ in spool.handed} == {NUMBER, "+6281311112222"}
    with staff.store.read() as db:
        head = db.one("SELECT id, at FROM events ORDER BY id DESC LIMIT 1")
        rows = [wire.wire_row(row) for row in eventlog.rows_after(db, 0)]
    shipped = json.dumps(shipper.batch("polres-kupang", head, rows))
    day = reports.Period(staff.today(), staff.today())
    report = json.dumps(reports.build_report(reports.station_source(staff), day), default=str)
    for where in (shipped, report):
        assert not any(digits in where for digits in DIGITS)


def _outbox_kinds(station: Station) -> list[str]:
    with station.store.read() as db:
        return [row["kind"] for row in db.all("SELECT kind FROM sms_outbox")]


def test_a_booking_cancelled_before_its_confirmation_went_gets_none(station: Station) -> None:
    spool = SpoolStandIn()
    booking = bookings.make_booking(station, "lapor", TODAY_1000)
    bookings.add_sms_number(station, booking.token, "0812-3456-7890", "en")
    bookings.cancel_booking(station, booking.token)
    sender(station, spool).step()
    assert spool.handed == []
    with station.store.read() as db:
        assert db.all("SELECT kind, status FROM sms_outbox") == [
            {"kind": "booking_confirmed", "status": "stale"}
        ]
