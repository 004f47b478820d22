"""The booking commands: each is parsed once from its request (a bad one refused with the API's
code before anything is read), and every booking route runs through the one handler."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from shared.application import bookings
from shared.application.booking_commands import (
    COMMANDS,
    AddBookingSms,
    Book,
    BookingCommand,
    CancelBooking,
    CheckIn,
    PrintSlip,
)
from shared.application.bookings import STEPS
from shared.application.citizen_commands import Asked
from shared.domain.config import Config
from shared.domain.errors import Conflict, InvalidRequest, SatuPintuError, UnknownService
from tests.conftest import Auth
from tests.helpers import handler_spy
from tests.sms_fixtures import SMSD_CONFIG
from tests.test_bookings import TODAY_1000, booking_config


@pytest.fixture
def config(tmp_path: Path) -> Config:
    """A station where `lapor` takes bookings, which sends SMS."""
    (tmp_path / "smsdrc").write_text(SMSD_CONFIG.format(root=tmp_path), encoding="utf-8")
    return booking_config(tmp_path, sms={"gammu_config": "smsdrc"})


def refusal(kind: type[BookingCommand], asked: Asked, config: Config) -> SatuPintuError:
    with pytest.raises(SatuPintuError) as refused:
        kind.parse(asked, config)
    return refused.value


@pytest.mark.parametrize(
    ("starts_at", "utc"),
    [
        (TODAY_1000, datetime(2026, 5, 20, 2, 0, tzinfo=UTC)),
        ("2026-05-20T10:00", datetime(2026, 5, 20, 2, 0, tzinfo=UTC)),  # the station's zone
        ("2026-05-20T02:00:00+00:00", datetime(2026, 5, 20, 2, 0, tzinfo=UTC)),
    ],
)
def test_a_booking_names_a_bookable_service_and_a_slot_start(
    starts_at: str, utc: datetime, config: Config
) -> None:
    body = {"service": "lapor", "starts_at": starts_at, "reference": "SINAR-77"}
    command = Book.parse(Asked("", body), config)
    assert command == Book(service="lapor", starts_at=utc, reference="SINAR-77")
    assert command.actor("budi") == "budi"


@pytest.mark.parametrize(
    ("body", "error", "message_key"),
    [
        ({"starts_at": TODAY_1000}, UnknownService, "error.unknown_service"),
        ({"service": "nope", "starts_at": TODAY_1000}, UnknownService, "error.unknown_service"),
        ({"service": "lantas", "starts_at": TODAY_1000}, InvalidRequest,
         "error.booking_not_offered"),
        ({"service": "lapor"}, InvalidRequest, "error.field_type"),
        ({"service": "lapor", "starts_at": "besok pagi"}, InvalidRequest, "error.field_type"),
        ({"service": "lapor", "starts_at": "2026-05-20T10:00" + " " * 40}, InvalidRequest,
         "error.field_type"),
        ({"service": "lapor", "starts_at": TODAY_1000, "reference": 77}, InvalidRequest,
         "error.field_type"),
        ({"service": "lapor", "starts_at": TODAY_1000, "reference": "x" * 41}, InvalidRequest,
         "error.field_too_long"),
    ],
)  # fmt: skip
def test_a_bad_booking_is_refused_before_anything_is_read(
    body: dict[str, Any], error: type[SatuPintuError], message_key: str, config: Config
) -> None:
    refused = refusal(Book, Asked("", body), config)
    assert type(refused) is error
    assert refused.message_key == message_key


def test_cancelling_names_the_booking_by_its_token(config: Config) -> None:
    command = CancelBooking.parse(Asked("tok3n", {"code": "K7Q-4M2"}), config)
    assert command == CancelBooking(token="tok3n")
    assert command.actor("citizen") == "citizen"


def test_a_bookings_sms_number_is_parsed_like_a_tickets(config: Config) -> None:
    asked = Asked("tok3n", {"phone": "0812 3456 7890"}, language="en")
    assert AddBookingSms.parse(asked, config) == AddBookingSms(
        token="tok3n", phone="+6281234567890", language="en"
    )
    refused = refusal(AddBookingSms, Asked("tok3n", {"phone": "12"}), config)
    assert isinstance(refused, InvalidRequest)


def test_a_station_without_sms_takes_no_number_for_a_booking(tmp_path: Path) -> None:
    refused = refusal(AddBookingSms, Asked("tok3n", {"phone": "081234567890"}),
                      booking_config(tmp_path))  # fmt: skip
    assert isinstance(refused, Conflict)
    assert refused.message_key == "error.sms.off"


@pytest.mark.parametrize(
    ("typed", "code", "token"),
    [
        ("k7q 4m2", "K7Q-4M2", "k7q 4m2"),
        (" K7Q-4M2 ", "K7Q-4M2", "K7Q-4M2"),
        ("http://hall.local/b/AbC_12/", "HTTPHALLLOCALBABC12", "AbC_12"),  # no such code
    ],
)
def test_a_check_in_names_the_booking_by_its_typed_code_or_its_scanned_link(
    typed: str, code: str, token: str, config: Config
) -> None:
    asked = Asked(typed, kiosk="kiosk-1", idempotency_key="key-1")
    command = CheckIn.parse(asked, config)
    assert command == CheckIn(code=code, token=token, kiosk="kiosk-1", idempotency_key="key-1")
    assert command.actor("citizen") == "kiosk:kiosk-1"
    assert CheckIn.parse(Asked(typed), config).actor("citizen") == "kiosk"


@pytest.mark.parametrize(
    ("asked", "message_key"),
    [
        (Asked(""), "error.field_required"),
        (Asked(" \t"), "error.field_required"),
        (Asked("K" * 201), "error.field_required"),
        (Asked("K7Q-4M2", kiosk="kiosk-9"), "error.unknown_kiosk"),
        (Asked("K7Q-4M2", kiosk=1), "error.unknown_kiosk"),
        (Asked("K7Q-4M2", idempotency_key="k" * 300), "error.idempotency_key"),
    ],
)
def test_a_bad_check_in_is_refused_as_invalid(asked, message_key, config: Config) -> None:
    refused = refusal(CheckIn, asked, config)
    assert isinstance(refused, InvalidRequest)
    assert refused.message_key == message_key


def test_a_slip_is_printed_for_a_code_and_only_a_code(config: Config) -> None:
    command = PrintSlip.parse(Asked("k7q4m2"), config)
    assert command == PrintSlip(code="K7Q-4M2")
    assert command.actor("budi") == "budi"
    refused = refusal(PrintSlip, Asked("  "), config)
    assert isinstance(refused, InvalidRequest)
    assert refused.message_key == "error.field_type"


def test_every_booking_command_has_one_step_in_the_handler() -> None:
    assert set(STEPS) == set(COMMANDS.values())
    assert all(COMMANDS[kind.action] is kind for kind in STEPS)


def test_every_booking_command_answers_only_with_what_the_api_knows() -> None:
    for kind in COMMANDS.values():
        assert set(kind.shows) <= {"booking", "ticket", "print", "sms"}, kind


# ---- every route runs through the handler -------------------------------------------------------

ROUTES: dict[type[BookingCommand], tuple[str, dict[str, Any]]] = {
    Book: ("/api/bookings", {"service": "lapor", "starts_at": TODAY_1000}),
    CancelBooking: ("/api/bookings/tok3n/cancel", {}),
    AddBookingSms: ("/api/bookings/tok3n/sms", {"phone": "081234567890"}),
    CheckIn: ("/api/bookings/K7Q-4M2/check-in", {}),
    PrintSlip: ("/api/bookings/K7Q-4M2/print", {}),
}


def test_every_booking_command_has_its_route() -> None:
    assert set(ROUTES) == set(COMMANDS.values())


@pytest.mark.parametrize("kind", list(ROUTES), ids=lambda kind: kind.action)
def test_each_booking_route_runs_its_command_through_the_handler(
    kind: type[BookingCommand],
    client: FlaskClient,
    auth: Auth,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ran = handler_spy(monkeypatch, bookings)
    if kind is PrintSlip:
        auth.login()  # an officer's
    path, body = ROUTES[kind]
    response = client.post(path, json=body)
    assert response.status_code < 300, response.get_json()
    assert [type(command) for command in ran] == [kind]
