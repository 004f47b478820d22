"""A citizen's commands: each is parsed once from its request (a bad one refused with the API's
code before anything is read), and every citizen route runs through the one handler."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from shared.application import citizen_actions
from shared.application.citizen_actions import STEPS
from shared.application.citizen_commands import (
    COMMANDS,
    AddSmsNumber,
    AnswerSurvey,
    AnswerSurveyAtCounter,
    Asked,
    Cancel,
    CheckInCarried,
    CitizenCommand,
    Reprint,
    StepBack,
)
from shared.application.devices import Device
from shared.domain.config import Config
from shared.domain.errors import Conflict, InvalidRequest, SatuPintuError
from shared.domain.survey import questions
from tests.helpers import handler_spy, make_config
from tests.sms_fixtures import SMSD_CONFIG


@pytest.fixture
def config(tmp_path: Path) -> Config:
    """A station that sends SMS."""
    (tmp_path / "smsdrc").write_text(SMSD_CONFIG.format(root=tmp_path), encoding="utf-8")
    return make_config(tmp_path, sms={"gammu_config": "smsdrc"})


def answers(config: Config, score: Any = 4) -> dict[str, Any]:
    return dict.fromkeys(questions(config.survey.form), score)


def refusal(kind: type[CitizenCommand], asked: Asked, config: Config) -> SatuPintuError:
    with pytest.raises(SatuPintuError) as refused:
        kind.parse(asked, config)
    return refused.value


@pytest.mark.parametrize("kind", [Cancel, StepBack])
def test_cancel_and_step_back_take_the_token_their_path_names(kind, config: Config) -> None:
    command = kind.parse(Asked("k3J9abc", {"ignored": True}), config)
    assert command == kind(token="k3J9abc")
    assert command.actor() == "citizen"


def test_an_sms_request_keeps_the_number_in_its_canonical_form_and_the_callers_language(
    config: Config,
) -> None:
    command = AddSmsNumber.parse(Asked("t", {"phone": "0812-3456-7890"}, language="en"), config)
    assert command == AddSmsNumber(token="t", phone="+6281234567890", language="en")
    asked = Asked("t", {"phone": "+62 812 3456 7890", "language": "id"}, language="en")
    assert AddSmsNumber.parse(asked, config).language == "id"


@pytest.mark.parametrize(
    ("body", "message_key"),
    [
        ({}, "error.sms.number_required"),
        ({"phone": "   "}, "error.sms.number_required"),
        ({"phone": 812345678}, "error.sms.number_required"),
        ({"phone": "021-555-1234"}, "error.sms.number"),
        ({"phone": "081234567890", "language": "fr"}, "error.field_type"),
    ],
)
def test_a_bad_sms_request_is_refused_as_invalid(body, message_key, config: Config) -> None:
    refused = refusal(AddSmsNumber, Asked("t", body), config)
    assert isinstance(refused, InvalidRequest)
    assert refused.message_key == message_key


def test_a_station_without_sms_refuses_any_number_first(tmp_path: Path) -> None:
    refused = refusal(AddSmsNumber, Asked("t", {"phone": "bad"}), make_config(tmp_path))
    assert isinstance(refused, Conflict)
    assert refused.message_key == "error.sms.off"


def test_survey_answers_are_exactly_the_forms_questions(config: Config) -> None:
    command = AnswerSurvey.parse(Asked("t", {"answers": answers(config)}), config)
    assert command == AnswerSurvey(token="t", answers=answers(config))
    assert command.shows == ()


@pytest.mark.parametrize(
    ("body", "message_key"),
    [
        ({}, "error.survey_questions"),
        ({"answers": "4"}, "error.survey_questions"),
        ({"answers": {"kepuasan": 4, "other": 4}}, "error.survey_questions"),
        ("score 5", "error.survey_scale"),
        ("score true", "error.survey_scale"),
        ("score 3.5", "error.survey_scale"),
    ],
)
def test_bad_survey_answers_are_refused_as_invalid(body, message_key, config: Config) -> None:
    if isinstance(body, str):
        score = {"5": 5, "true": True, "3.5": 3.5}[body.split()[1]]
        body = {"answers": answers(config, score)}
    for kind in (AnswerSurvey, AnswerSurveyAtCounter):
        refused = refusal(kind, Asked("loket-1", body), config)
        assert isinstance(refused, InvalidRequest)
        assert refused.message_key == message_key


def test_a_survey_may_say_who_answered_in_the_profiles_categories(config: Config) -> None:
    body = {"answers": answers(config), "profile": {"age": "31_40", "sex": "", "education": None}}
    for kind in (AnswerSurvey, AnswerSurveyAtCounter):
        command = kind.parse(Asked("loket-1", body), config)
        assert command.profile == {"age": "31_40"}  # a question left blank is left out


@pytest.mark.parametrize(
    ("profile", "message_key"),
    [
        ("31_40", "error.skm_profile"),
        ({"income": "high"}, "error.skm_profile"),
        ({"age": "31-40"}, "error.skm_profile_value"),
    ],
)
def test_a_bad_profile_is_refused_as_invalid(profile, message_key, config: Config) -> None:
    body = {"answers": answers(config), "profile": profile}
    for kind in (AnswerSurvey, AnswerSurveyAtCounter):
        refused = refusal(kind, Asked("loket-1", body), config)
        assert isinstance(refused, InvalidRequest)
        assert refused.message_key == message_key


def test_the_survey_tablet_answers_with_its_handle_for_its_counter(config: Config) -> None:
    body = {"handle": "h4ndle", "answers": answers(config)}
    command = AnswerSurveyAtCounter.parse(Asked("loket-1", body), config)
    assert command == AnswerSurveyAtCounter(
        token="", counter="loket-1", handle="h4ndle", answers=answers(config)
    )
    assert command.actor() == "survey-desk:loket-1"
    no_handle = AnswerSurveyAtCounter.parse(Asked("loket-1", {**body, "handle": 7}), config)
    assert no_handle.handle is None  # answered as a stale handle: nothing is kept


def test_a_reprint_is_asked_by_the_device_never_by_the_body(config: Config) -> None:
    kiosk = Device(address="10.0.0.5", kiosk="kiosk-1")
    asked = Asked("t", {"kiosk": "other", "own": True}, device=kiosk)
    command = Reprint.parse(asked, config)
    assert command == Reprint(token="t", kiosk="kiosk-1", own=False)
    assert command.actor() == "kiosk:kiosk-1"
    server = Reprint.parse(Asked("t", device=Device(address="127.0.0.1", own=True)), config)
    assert (server.kiosk, server.own, server.actor()) == (None, True, "kiosk")


@pytest.mark.parametrize(
    ("typed", "token"),
    [
        ("k3J9abc", "k3J9abc"),
        ("  http://hall.local/t/k3J9abc/ ", "k3J9abc"),
        ("https://satupintu.example/t/Zz_-9", "Zz_-9"),
    ],
)
def test_a_carried_ticket_is_named_by_its_token_or_its_scanned_link(
    typed: str, token: str, config: Config
) -> None:
    asked = Asked(typed, kiosk="kiosk-1", idempotency_key="key-1")
    command = CheckInCarried.parse(asked, config)
    assert command == CheckInCarried(token=token, kiosk="kiosk-1", idempotency_key="key-1")
    assert command.actor() == "kiosk:kiosk-1"


@pytest.mark.parametrize(
    ("asked", "message_key"),
    [
        (Asked(""), "error.field_required"),
        (Asked("   "), "error.field_required"),
        (Asked("x" * 201), "error.field_required"),
        (Asked("tok", kiosk="kiosk-9"), "error.unknown_kiosk"),
        (Asked("tok", kiosk=["kiosk-1"]), "error.unknown_kiosk"),
        (Asked("tok", idempotency_key="k" * 300), "error.idempotency_key"),
        (Asked("tok", idempotency_key=""), "error.idempotency_key"),
    ],
)
def test_a_bad_carried_check_in_is_refused_as_invalid(asked, message_key, config: Config) -> None:
    refused = refusal(CheckInCarried, asked, config)
    assert isinstance(refused, InvalidRequest)
    assert refused.message_key == message_key


def test_every_citizen_command_has_one_step_in_the_handler() -> None:
    assert set(STEPS) == set(COMMANDS.values())
    assert all(COMMANDS[kind.action] is kind for kind in STEPS)


def test_every_citizen_command_answers_only_with_what_the_api_knows() -> None:
    for kind in COMMANDS.values():
        assert set(kind.shows) <= {"ticket", "print"}, kind


# ---- every route runs through the handler -------------------------------------------------------

ROUTES: dict[type[CitizenCommand], tuple[str, dict[str, Any]]] = {
    Cancel: ("/api/tickets/tok/cancel", {}),
    StepBack: ("/api/tickets/tok/step-back", {}),
    AddSmsNumber: ("/api/tickets/tok/sms", {"phone": "081234567890"}),
    AnswerSurvey: ("/api/tickets/tok/survey", {"answers": "form"}),
    AnswerSurveyAtCounter: ("/api/survey/loket-1", {"handle": "h", "answers": "form"}),
    Reprint: ("/api/tickets/tok/reprint", {}),
    CheckInCarried: ("/api/tickets/tok/check-in", {}),
}


def test_every_citizen_command_has_its_route() -> None:
    assert set(ROUTES) == set(COMMANDS.values())


@pytest.mark.parametrize("kind", list(ROUTES), ids=lambda kind: kind.action)
def test_each_citizen_route_runs_its_command_through_the_handler(
    kind: type[CitizenCommand],
    client: FlaskClient,
    config: Config,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ran = handler_spy(monkeypatch, citizen_actions)
    path, body = ROUTES[kind]
    if body.get("answers") == "form":
        body = {**body, "answers": answers(config)}
    response = client.post(path, json=body)
    assert response.status_code < 300, response.get_json()
    assert [type(command) for command in ran] == [kind]
