"""What a citizen's phone learns about its ticket: the number served now, whether it is almost
its turn, giving the number up, and after a no-show, until when it can still be put back in the
queue."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from satupintu.app import create_app
from shared.domain.clock import ManualClock
from tests.conftest import Auth
from tests.helpers import make_config


def issue(client: FlaskClient, service: str = "lapor") -> dict[str, Any]:
    return client.post("/api/tickets", json={"service": service}).get_json()["ticket"]


def seen_by_phone(client: FlaskClient, ticket: dict[str, Any]) -> dict[str, Any]:
    return client.get(f"/api/tickets/{ticket['token']}").get_json()["ticket"]


def test_the_phone_sees_the_number_its_service_serves_now(
    client: FlaskClient, auth: Auth, clock: ManualClock
) -> None:
    first, second, mine = issue(client), issue(client), issue(client)
    other = issue(client, "lantas")
    assert seen_by_phone(client, mine)["now_serving"] is None
    auth.login()
    client.post("/api/counters/loket-1/call-next")
    assert seen_by_phone(client, mine)["now_serving"] == first["number"]
    clock.advance(minutes=3)
    client.post("/api/counters/loket-2/call-next")
    assert seen_by_phone(client, mine)["now_serving"] == second["number"], "the latest call"
    assert seen_by_phone(client, other)["now_serving"] is None, "another service's calls"
    client.post("/api/counters/loket-2/done")
    assert seen_by_phone(client, mine)["now_serving"] == first["number"]
    staff = client.get("/api/counters").get_json()["counters"][0]["ticket"]
    assert "now_serving" not in staff


def test_after_a_no_show_the_phone_knows_until_when_it_can_be_put_back(
    client: FlaskClient, auth: Auth, clock: ManualClock
) -> None:
    mine = issue(client)
    assert seen_by_phone(client, mine)["requeue_until"] is None
    auth.login()
    client.post("/api/counters/loket-1/call-next")
    client.post("/api/counters/loket-1/no-show")
    # Marked at 09:00 in Kupang; no_show_requeue_minutes is 30.
    assert seen_by_phone(client, mine)["requeue_until"] == "2026-05-20T09:30:00+08:00"
    assert seen_by_phone(client, mine)["counter"] == "loket-1"
    clock.advance(minutes=31)
    assert seen_by_phone(client, mine)["requeue_until"] is None


def test_a_cancelled_ticket_leaves_the_queue_and_the_next_move_up(
    client: FlaskClient, auth: Auth
) -> None:
    mine, after = issue(client), issue(client)
    assert seen_by_phone(client, after)["ahead"] == 1
    reply = client.post(f"/api/tickets/{mine['token']}/cancel")
    assert reply.get_json()["ticket"]["status"] == "cancelled"
    assert seen_by_phone(client, after)["ahead"] == 0
    assert client.get("/api/board").get_json()["waiting"]["lapor"] == 1
    auth.login()
    called = client.post("/api/counters/loket-1/call-next").get_json()["ticket"]
    assert called["number"] == after["number"]


def phone_views(tmp_path: Path, clock: ManualClock, **phone: int) -> list[dict[str, Any]]:
    """Six tickets of one service on a station with these `phone` settings, as their phones
    see them (two counters, standard time 15 minutes: the third waits about 10-20 minutes)."""
    app = create_app(make_config(tmp_path, phone=phone), clock=clock)
    client = app.test_client()
    try:
        return [seen_by_phone(client, issue(client)) for _ in range(6)]
    finally:
        app.extensions["satupintu"].store.close()


@pytest.mark.slow
def test_almost_your_turn_needs_few_ahead_and_a_short_estimate(
    tmp_path: Path, clock: ManualClock
) -> None:
    calm = phone_views(tmp_path / "calm", clock, alert_ahead=3, alert_minutes=15)
    assert [(view["ahead"], view["estimated_wait"]) for view in calm[1:4]] == [
        (1, None),
        (2, {"low": 10, "high": 20}),
        (3, {"low": 10, "high": 20}),
    ]
    assert [view["almost_turn"] for view in calm] == [True, True, False, False, False, False], (
        "three ahead is few, but 10-20 minutes is not almost the turn"
    )
    sooner = phone_views(tmp_path / "sooner", clock, alert_ahead=3, alert_minutes=20)
    assert [view["almost_turn"] for view in sooner] == [True, True, True, True, False, False]
