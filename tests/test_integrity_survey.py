"""The integrity survey cannot be stuffed, and only Propam reads it.

Integrity answers come only with the one survey of a ticket really served, from its phone or
its counter's tablet; a ticket never served, a second answer, another counter's tablet and a
staff member's session are refused and change nothing. What is kept is a count per hour,
counter and officer: no ticket, token, number or phone beside it, and nothing in the event log
(so nothing of it is shipped to central).
"""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from shared.application.devices import Kind, invite
from shared.application.users import add_user
from shared.domain.clock import ManualClock
from tests.conftest import Auth
from tests.helpers import BASE_CONFIG, make_config

PASSWORD = "rahasia-123"
TABLET = {"REMOTE_ADDR": "10.0.0.7"}
SERVICES = [
    {**service, "min_minutes": 10} if service["id"] == "lapor" else service
    for service in BASE_CONFIG["services"]
]


@pytest.fixture
def config(tmp_path: Any) -> Any:
    return make_config(tmp_path, services=SERVICES)


def counts(app: Flask) -> list[dict[str, Any]]:
    with app.extensions["satupintu"].store.read() as db:
        return db.all("SELECT * FROM integrity_counts ORDER BY question, answer")


def surveys(app: Flask) -> int:
    with app.extensions["satupintu"].store.read() as db:
        return db.one("SELECT COUNT(*) AS n FROM surveys")["n"]


def logged_in(app: Flask, name: str, role: str) -> FlaskClient:
    add_user(app.extensions["satupintu"], name, role, PASSWORD, "test")
    client = app.test_client()
    assert (
        client.post("/api/login", json={"username": name, "password": PASSWORD}).status_code == 200
    )
    return client


def served(app: Flask, client: FlaskClient, officer: FlaskClient, counter: str = "loket-1") -> str:
    """A ticket issued, called and finished at `counter`; its token."""
    token = client.post("/api/tickets", json={"service": "lapor"}).get_json()["ticket"]["token"]
    assert officer.post(f"/api/counters/{counter}/call-next").status_code == 200
    assert officer.post(f"/api/counters/{counter}/done").status_code == 200
    return str(token)


def tablet(app: Flask, counter: str) -> FlaskClient:
    """A browser enrolled as a counter's survey tablet, on the hall's Wi-Fi."""
    client = app.test_client()
    code = invite(app.extensions["satupintu"], Kind.SURVEY, counter, "test")
    assert client.post(f"/enrol/{code}", environ_base=TABLET).status_code == 303
    return client


@pytest.fixture
def officer(app: Flask) -> FlaskClient:
    return logged_in(app, "budi", "officer")


def test_the_phone_keeps_integrity_answers_as_counts_of_the_hour_counter_and_officer(
    app: Flask, client: FlaskClient, officer: FlaskClient
) -> None:
    token = served(app, client, officer)
    body = {"answers": {"kepuasan": 2}, "integrity": {"extra_fee": "yes", "broker": "no"}}
    assert client.post(f"/api/tickets/{token}/survey", json=body).status_code == 201
    assert [(row["hour"], row["counter"], row["officer"], row["question"], row["answer"],
             row["answers"]) for row in counts(app)] == [
        ("2026-05-20T01:00:00.000000Z", "loket-1", "budi", "broker", "no", 1),
        ("2026-05-20T01:00:00.000000Z", "loket-1", "budi", "extra_fee", "yes", 1),
    ]  # fmt: skip
    with app.extensions["satupintu"].store.read() as db:
        columns = {row["name"] for row in db.all("PRAGMA table_info(integrity_counts)")}
        logged = " ".join(row["data"] for row in db.all("SELECT data FROM events"))
        kept = db.one("SELECT answers FROM surveys")["answers"]
    assert columns == {"hour", "counter", "officer", "question", "answer", "answers"}
    assert "extra_fee" not in logged and "broker" not in logged  # nothing shipped to central
    assert "extra_fee" not in kept


def test_an_answer_for_a_ticket_never_served_or_a_second_one_is_refused(
    app: Flask, client: FlaskClient, officer: FlaskClient
) -> None:
    waiting = client.post("/api/tickets", json={"service": "lantas"}).get_json()["ticket"]["token"]
    body = {"answers": {"kepuasan": 1}, "integrity": {"gift": "yes"}}
    early = client.post(f"/api/tickets/{waiting}/survey", json=body)
    assert (early.status_code, early.get_json()["error"]["code"]) == (409, "conflict")
    assert counts(app) == []
    token = served(app, client, officer)
    assert client.post(f"/api/tickets/{token}/survey", json=body).status_code == 201
    again = client.post(f"/api/tickets/{token}/survey", json=body)
    assert again.status_code == 409
    assert [row["answers"] for row in counts(app)] == [1]


def test_an_officers_session_may_give_no_integrity_answer(
    app: Flask, client: FlaskClient, officer: FlaskClient
) -> None:
    token = served(app, client, officer)
    body = {"answers": {"kepuasan": 4}, "integrity": {"extra_fee": "no"}}
    refused = officer.post(f"/api/tickets/{token}/survey", json=body)
    assert (refused.status_code, refused.get_json()["error"]["code"]) == (403, "forbidden")
    assert (counts(app), surveys(app)) == ([], 0)
    assert client.post(f"/api/tickets/{token}/survey", json=body).status_code == 201
    assert surveys(app) == 1


def test_the_counters_tablet_answers_for_its_ticket_and_no_other_tablet_may(
    app: Flask, client: FlaskClient, officer: FlaskClient
) -> None:
    served(app, client, officer)
    mine, other = tablet(app, "loket-1"), tablet(app, "loket-2")
    state = mine.get("/api/survey/loket-1", environ_base=TABLET).get_json()
    assert state["integrity"] == ["extra_fee", "broker", "gift", "unequal"]
    body = {"handle": state["ticket"]["handle"], "answers": {"kepuasan": 3},
            "integrity": {"unequal": "yes"}}  # fmt: skip
    stranger = other.post("/api/survey/loket-1", json=body, environ_base=TABLET)
    assert (stranger.status_code, stranger.get_json()["error"]["code"]) == (403, "forbidden")
    assert counts(app) == []
    assert mine.post("/api/survey/loket-1", json=body, environ_base=TABLET).status_code == 201
    assert [(row["question"], row["answer"]) for row in counts(app)] == [("unequal", "yes")]
    assert mine.post("/api/survey/loket-1", json=body, environ_base=TABLET).status_code == 409


def test_a_staff_session_on_the_tablet_is_refused_integrity_answers(
    app: Flask, client: FlaskClient, officer: FlaskClient
) -> None:
    served(app, client, officer)
    handle = officer.get("/api/survey/loket-1").get_json()["ticket"]["handle"]
    body = {"handle": handle, "answers": {"kepuasan": 4}, "integrity": {"gift": "no"}}
    assert officer.post("/api/survey/loket-1", json=body).status_code == 403
    assert (counts(app), surveys(app)) == ([], 0)


@pytest.mark.parametrize(
    "integrity",
    [{"bribe": "yes"}, {"gift": "ya"}, {"gift": True}, ["gift"], "yes"],
)
def test_a_malformed_integrity_answer_is_refused_and_changes_nothing(
    app: Flask, client: FlaskClient, officer: FlaskClient, integrity: object
) -> None:
    token = served(app, client, officer)
    body = {"answers": {"kepuasan": 4}, "integrity": integrity}
    refused = client.post(f"/api/tickets/{token}/survey", json=body)
    assert (refused.status_code, refused.get_json()["error"]["code"]) == (400, "invalid_request")
    assert (counts(app), surveys(app)) == ([], 0)


def test_skipped_questions_keep_nothing_and_the_survey_still_counts(
    app: Flask, client: FlaskClient, officer: FlaskClient
) -> None:
    token = served(app, client, officer)
    body = {"answers": {"kepuasan": 4}, "integrity": {"gift": "", "broker": None}}
    assert client.post(f"/api/tickets/{token}/survey", json=body).status_code == 201
    assert (counts(app), surveys(app)) == ([], 1)


def test_a_station_that_does_not_ask_refuses_integrity_answers(
    tmp_path: Any, clock: ManualClock
) -> None:
    from satupintu.app import create_app

    app = create_app(make_config(tmp_path, survey={"integrity": False}), clock=clock)
    try:
        client, officer = app.test_client(), logged_in(app, "budi", "officer")
        token = served(app, client, officer)
        page = client.get(f"/t/{token}").get_data(as_text=True)
        assert '"integrity": []' in page
        body = {"answers": {"kepuasan": 4}, "integrity": {"gift": "yes"}}
        assert client.post(f"/api/tickets/{token}/survey", json=body).status_code == 409
        assert counts(app) == []
    finally:
        app.extensions["satupintu"].store.close()


def test_propam_sees_the_answers_and_the_alarms_and_nobody_else_does(
    app: Flask, client: FlaskClient, officer: FlaskClient, auth: Auth
) -> None:
    for _ in range(3):
        token = served(app, client, officer)  # at once: far under lapor's 10 minutes
        body = {"answers": {"kepuasan": 1}, "integrity": {"extra_fee": "yes"}}
        assert client.post(f"/api/tickets/{token}/survey", json=body).status_code == 201
    propam = logged_in(app, "provos", "propam")
    overview = propam.get("/api/admin/propam").get_json()
    assert {(alarm["kind"], alarm["officer"], alarm["counter"], alarm["count"])
            for alarm in overview["alarms"]} == {
        ("quick_low", "budi", "loket-1", 3), ("yes_counter", None, "loket-1", 3)
    }  # fmt: skip
    assert [(row["hour"], row["counter"], row["officer"], row["answers"]["extra_fee"])
            for row in overview["answers"]] == [
        ("2026-05-20T09:00+08:00", "loket-1", "budi", {"yes": 3, "no": 0})
    ]  # fmt: skip
    page = propam.get("/admin/propam").get_data(as_text=True)
    assert 'data-alarm="quick_low"' in page and 'data-alarm="yes_counter"' in page
    bad = propam.get("/api/admin/propam?from=2026-13-01")
    assert (bad.status_code, bad.get_json()["error"]["code"]) == (400, "invalid_request")
    fallback = propam.get("/admin/propam?from=2026-13-01")
    assert fallback.status_code == 400 and 'data-alarm="quick_low"' in fallback.text
    for role in ("officer", "supervisor", "admin"):
        other = logged_in(app, f"{role}-x", role)
        assert other.get("/api/admin/propam").status_code == 403
        refused = other.get("/admin/propam")
        assert refused.status_code == 403 and "budi" not in refused.get_data(as_text=True)
    assert "/admin/propam" not in officer.get("/admin").get_data(as_text=True)


def test_propam_acts_at_no_counter(app: Flask, client: FlaskClient) -> None:
    propam = logged_in(app, "provos", "propam")
    client.post("/api/tickets", json={"service": "lapor"})
    assert propam.get("/api/me").get_json()["user"]["counters"] == []
    assert propam.post("/api/counters/loket-1/call-next").status_code == 403
    assert propam.get("/admin").status_code == 403
