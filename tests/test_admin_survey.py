"""Satisfaction answers: one per ticket, only once it is done, and a counter's tablet may only
answer for the ticket just finished there."""

from __future__ import annotations

from datetime import date

from flask import Flask
from flask.testing import FlaskClient

from shared.application import survey_desk
from shared.application.reporting import reports
from shared.domain.clock import ManualClock
from tests.conftest import Auth


def issue(client: FlaskClient, service: str = "lapor") -> dict[str, str]:
    return client.post("/api/tickets", json={"service": service}).get_json()["ticket"]


def serve(officer: FlaskClient, counter: str = "loket-1") -> None:
    assert officer.post(f"/api/counters/{counter}/call-next").status_code == 200
    assert officer.post(f"/api/counters/{counter}/done").status_code == 200


def test_the_phone_answers_once_and_only_for_a_finished_ticket(
    client: FlaskClient, auth: Auth
) -> None:
    ticket = issue(client)
    answer = {"answers": {"kepuasan": 4}}
    early = client.post(f"/api/tickets/{ticket['token']}/survey", json=answer)
    assert early.status_code == 409
    assert early.get_json()["error"]["code"] == "conflict"
    auth.login()
    serve(client)
    assert client.post(f"/api/tickets/{ticket['token']}/survey", json=answer).status_code == 201
    again = client.post(f"/api/tickets/{ticket['token']}/survey", json={"answers": {"kepuasan": 1}})
    assert again.status_code == 409


def test_the_tablet_asks_about_the_ticket_just_finished_there_without_its_token(
    client: FlaskClient, auth: Auth
) -> None:
    assert client.get("/api/survey/loket-1").get_json()["ticket"] is None
    ticket = issue(client)
    auth.login()
    serve(client)
    state = client.get("/api/survey/loket-1")
    body = state.get_data(as_text=True)
    desk = state.get_json()
    assert desk["ticket"]["number"] == ticket["number"]
    assert desk["questions"] == ["kepuasan"]
    assert ticket["token"] not in body
    assert client.get("/api/survey/loket-2").get_json()["ticket"] is None
    assert client.get("/api/survey/loket-9").status_code == 404


def test_the_tablet_answers_once_and_the_phone_cannot_answer_again(
    client: FlaskClient, auth: Auth
) -> None:
    ticket = issue(client)
    auth.login()
    serve(client)
    handle = client.get("/api/survey/loket-1").get_json()["ticket"]["handle"]
    answer = {"handle": handle, "answers": {"kepuasan": 3}}
    assert client.post("/api/survey/loket-1", json=answer).status_code == 201
    assert client.get("/api/survey/loket-1").get_json()["ticket"] is None
    assert client.post("/api/survey/loket-1", json=answer).status_code == 409
    phone = client.post(f"/api/tickets/{ticket['token']}/survey", json={"answers": {"kepuasan": 4}})
    assert phone.status_code == 409


def test_a_handle_is_good_only_at_its_counter_and_until_the_next_citizen_is_done(
    client: FlaskClient, auth: Auth
) -> None:
    issue(client)
    issue(client)
    auth.login()
    serve(client)
    first = client.get("/api/survey/loket-1").get_json()["ticket"]["handle"]
    elsewhere = client.post(
        "/api/survey/loket-2", json={"handle": first, "answers": {"kepuasan": 1}}
    )
    assert elsewhere.status_code == 409
    made_up = client.post(
        "/api/survey/loket-1", json={"handle": "0" * 32, "answers": {"kepuasan": 1}}
    )
    assert made_up.status_code == 409
    serve(client)  # the next citizen is done at loket-1
    stale = client.post("/api/survey/loket-1", json={"handle": first, "answers": {"kepuasan": 1}})
    assert stale.status_code == 409
    assert "loket ini" in stale.get_json()["error"]["message"]


def test_the_tablet_stops_asking_after_a_few_minutes(
    client: FlaskClient, auth: Auth, clock: ManualClock
) -> None:
    issue(client)
    auth.login()
    serve(client)
    handle = client.get("/api/survey/loket-1").get_json()["ticket"]["handle"]
    clock.advance(minutes=survey_desk.SURVEY_DESK_MINUTES + 1)
    assert client.get("/api/survey/loket-1").get_json()["ticket"] is None
    late = client.post("/api/survey/loket-1", json={"handle": handle, "answers": {"kepuasan": 4}})
    assert late.status_code == 409


def test_a_malformed_answer_changes_nothing(client: FlaskClient, auth: Auth) -> None:
    issue(client)
    auth.login()
    serve(client)
    handle = client.get("/api/survey/loket-1").get_json()["ticket"]["handle"]
    for answers in ({"kepuasan": 5}, {"kepuasan": "4"}, {"prosedur": 4}, None):
        reply = client.post("/api/survey/loket-1", json={"handle": handle, "answers": answers})
        assert reply.status_code == 400
    assert client.get("/api/survey/loket-1").get_json()["ticket"] is not None


def test_tablet_answers_count_for_the_counter_in_the_report(
    app: Flask, client: FlaskClient, auth: Auth
) -> None:
    issue(client)
    auth.login()
    serve(client, "loket-1")
    handle = client.get("/api/survey/loket-1").get_json()["ticket"]["handle"]
    client.post("/api/survey/loket-1", json={"handle": handle, "answers": {"kepuasan": 2}})
    day = reports.Period(date(2026, 5, 20), date(2026, 5, 20))
    survey = reports.build_report(reports.station_source(app.extensions["satupintu"]), day)[
        "satisfaction"
    ]
    assert [(row["id"], row["ikm"], row["grade"]) for row in survey["counters"]] == [
        ("loket-1", 50.0, "D")
    ]


def test_the_tablet_page_is_public_and_shows_the_counter(client: FlaskClient) -> None:
    page = client.get("/survey/loket-2")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Loket 2" in html and 'data-page="survey-desk"' in html
