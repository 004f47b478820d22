"""The bookings API over HTTP (Flask's client): book, cancel, check in, pages, errors."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from satupintu.app import create_app
from shared.application import audit
from shared.application.printing import DISABLED
from shared.domain.clock import ManualClock
from shared.domain.config import Config
from tests.conftest import Auth
from tests.printer_fixtures import PAPER_OUT, STOPPED_BY_PAPER_END, FakeNetworkPrinter
from tests.test_bookings import TODAY_1000, booking_config


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return booking_config(tmp_path)


def test_book_check_in_too_early_then_on_time_and_twice(client, clock) -> None:
    made = client.post("/api/bookings", json={"service": "lapor", "starts_at": TODAY_1000})
    assert made.status_code == 201
    booking = made.get_json()["booking"]
    assert booking["status"] == "booked" and booking["status_url"] == f"/b/{booking['token']}"
    early = client.post(f"/api/bookings/{booking['code']}/check-in", json={})
    assert early.status_code == 409
    assert early.get_json()["error"]["code"] == "too_early"
    assert early.get_json()["error"]["opens_at"] == "2026-05-20T09:30+08:00"
    clock.advance(minutes=40)
    first = client.post(f"/api/bookings/{booking['code']}/check-in", json={"kiosk": "kiosk-1"})
    again = client.post(f"/api/bookings/{booking['code']}/check-in", json={"kiosk": "kiosk-1"})
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.get_json()["ticket"]["booked"] is True
    assert first.get_json()["ticket"]["number"] == again.get_json()["ticket"]["number"]


def test_pages_qr_and_calendar_file(client) -> None:
    booking = client.post(
        "/api/bookings", json={"service": "lapor", "starts_at": TODAY_1000}
    ).get_json()["booking"]
    assert client.get("/book").status_code == 200
    page = client.get(booking["status_url"])
    assert page.status_code == 200 and booking["code"] in page.get_data(as_text=True)
    assert client.get(f"{booking['status_url']}/qr.svg").mimetype == "image/svg+xml"
    ics = client.get(f"{booking['status_url']}/booking.ics")
    assert ics.mimetype == "text/calendar"
    assert "DTSTART:20260520T020000Z" in ics.get_data(as_text=True)
    assert client.get("/b/nope").status_code == 404


@pytest.mark.parametrize(
    "body",
    [{}, {"service": "lapor"}, {"service": "lantas", "starts_at": TODAY_1000},
     {"service": "lapor", "starts_at": "2026-05-20T10:10+08:00"}, {"service": 3, "starts_at": 4},
     {"service": "lapor", "starts_at": TODAY_1000, "reference": "x" * 41}],
)  # fmt: skip
def test_bad_bookings_are_clean_4xx(client, body) -> None:
    reply = client.post("/api/bookings", json=body)
    assert 400 <= reply.status_code < 500
    assert "code" in reply.get_json()["error"]


def test_slot_list_and_staff_list(client, auth) -> None:
    slots = client.get("/api/bookings/slots?service=lapor&date=2026-05-20").get_json()["slots"]
    assert slots[0] == {"starts_at": "2026-05-20T09:30+08:00", "free": 2}
    assert client.get("/api/bookings/slots?service=lapor&date=20-5-2026").status_code == 400
    assert client.get("/api/bookings").status_code == 401
    auth.login("budi")
    made = client.post("/api/bookings", json={"service": "lapor", "starts_at": TODAY_1000,
                                              "reference": "SKCK-1"})  # fmt: skip
    assert made.status_code == 201
    today = client.get("/api/bookings?counter=loket-1").get_json()
    assert today["services"]["lapor"][0]["reference"] == "SKCK-1"
    assert today["services"]["lapor"][0]["made_by"] == "counter"
    assert "token" not in today["services"]["lapor"][0]


def test_reference_on_a_ticket_is_shown_to_the_officer(client) -> None:
    reply = client.post("/api/tickets", json={"service": "surat", "reference": "SINAR 123"})
    assert reply.status_code == 201
    assert reply.get_json()["ticket"]["reference"] == "SINAR 123"
    assert client.post("/api/tickets", json={"service": "surat"}).status_code == 400


def test_an_officer_prints_an_open_booking_on_the_station_printer(app, client, auth) -> None:
    auth.login("budi")
    made = client.post("/api/bookings", json={"service": "lapor", "starts_at": TODAY_1000})
    code = made.get_json()["booking"]["code"]
    station = app.extensions["satupintu"]
    jobs = []
    station.printers.enabled = lambda kiosk_id: kiosk_id is None
    station.printers.print_ticket = lambda kiosk_id, job: jobs.append((kiosk_id, job)) or DISABLED
    assert client.post(f"/api/bookings/{code.lower()}/print").status_code == 200
    [(kiosk_id, job)] = jobs
    assert (kiosk_id, job.number) == (None, code)
    assert job.status_url.endswith(made.get_json()["booking"]["status_url"])
    assert job.booking and job.booking.starts_at.isoformat() == "2026-05-20T10:00:00+08:00"
    assert client.post("/api/bookings/ZZZ-ZZZ/print").status_code == 404
    client.post(f"/api/bookings/{made.get_json()['booking']['token']}/cancel")
    assert client.post(f"/api/bookings/{code}/print").status_code == 409
    assert len(jobs) == 1


def test_printing_a_booking_needs_an_officer(client) -> None:
    assert client.post("/api/bookings/ABC-DEF/print").status_code == 401


def test_supervisors_see_todays_bookings_per_service(client, auth) -> None:
    auth.login("budi")
    client.post("/api/bookings", json={"service": "lapor", "starts_at": TODAY_1000,
                                       "reference": "SKCK-9"})  # fmt: skip
    auth.login("sari", "supervisor")
    page = client.get("/admin/bookings?lang=en").get_data(as_text=True)
    assert "10.00" in page or "10:00" in page
    assert "SKCK-9" in page and "Expected" in page and "Counter officer" in page


@pytest.mark.slow
def test_a_booking_slip_the_printer_could_not_print_is_remembered_after_a_restart(
    tmp_path: Path, clock: ManualClock
) -> None:
    with FakeNetworkPrinter(paper=PAPER_OUT, cause=STOPPED_BY_PAPER_END) as printer:
        config = booking_config(
            tmp_path,
            printer={"type": "network", "host": "127.0.0.1", "port": printer.port, "timeout": 2},
        )
        first = create_app(config, clock=clock)
        client = first.test_client()
        auth = Auth(first, client)
        auth.login("budi")
        made = client.post("/api/bookings", json={"service": "lapor", "starts_at": TODAY_1000})
        code = made.get_json()["booking"]["code"]
        printed = client.post(f"/api/bookings/{code}/print").get_json()["print"]
        assert (printed["status"], printed["fault"]) == ("failed", "paper_out")
        first.extensions["satupintu"].store.close()
    again = create_app(config, clock=clock)
    try:
        notices = again.test_client().get("/healthz").get_json()["notices"]
    finally:
        again.extensions["satupintu"].store.close()
    assert "Printer kiosk-1 is out of paper." in [notice["text"]["en"] for notice in notices]


def test_bookings_moved_deleted_or_slipped_in_by_hand_fail_the_audit(app, client, clock) -> None:
    station = app.extensions["satupintu"]

    def book(at: str = TODAY_1000) -> dict:
        made = client.post("/api/bookings", json={"service": "lapor", "starts_at": at})
        assert made.status_code == 201
        return made.get_json()["booking"]

    later = "2026-05-20T10:30+08:00"
    kept, cancelled, came = book(later), book(later), book()
    assert client.post(f"/api/bookings/{cancelled['token']}/cancel").status_code == 200
    clock.advance(minutes=40)
    checked = client.post(f"/api/bookings/{came['code']}/check-in", json={"kiosk": "kiosk-1"})
    assert checked.status_code == 201
    assert audit.check_station(station).ok

    def tampered(sql: str) -> tuple[str | None, dict]:
        with sqlite3.connect(station.config.database_path) as db:
            db.execute(sql)
        verdict = audit.check_station(station)
        with sqlite3.connect(station.config.database_path) as db:
            db.execute("DELETE FROM bookings")
        return verdict.problem, dict(verdict.params)

    with sqlite3.connect(station.config.database_path) as db:
        saved = db.execute("SELECT * FROM bookings ORDER BY id").fetchall()

    def restore() -> None:
        with sqlite3.connect(station.config.database_path) as db:
            marks = ", ".join("?" * len(saved[0]))
            db.executemany(f"INSERT INTO bookings VALUES ({marks})", saved)
        assert audit.check_station(station).ok

    moved = "UPDATE bookings SET starts_at = '2026-05-20T03:00:00.000000Z' WHERE code = ?"
    for sql, problem, field in (
        (moved.replace("?", f"'{kept['code']}'"), "ui.audit.booking_differs", "starts_at"),
        (
            f"UPDATE bookings SET status = 'booked' WHERE code = '{cancelled['code']}'",
            "ui.audit.booking_differs",
            "status",
        ),
        (f"DELETE FROM bookings WHERE code = '{came['code']}'", "ui.audit.booking_deleted", None),
        (
            "INSERT INTO bookings (id, code, token, service, service_day, starts_at, status, "
            "made_at, made_by) SELECT 99, 'ZZZ-ZZZ', 'forged', service, service_day, starts_at, "
            f"'booked', made_at, made_by FROM bookings WHERE code = '{kept['code']}'",
            "ui.audit.booking_unlogged",
            None,
        ),
    ):
        found, params = tampered(sql)
        assert found == problem, sql
        assert params.get("field") == field
        restore()
