"""The pure rules of carry-over and tunda giliran, and their lifecycle moves, without a database:
until when a carried ticket is honoured, why a paper ticket is refused at the kiosk, where a
citizen letting others go first lands, and the log folding back into the same tickets."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from shared.domain.carryover import (
    check_in_refusal,
    front_place,
    step_back_refusal,
    stepped_back_place,
    valid_until,
)
from shared.domain.config import StepBack, parse_config
from shared.domain.errors import Conflict, NotCarried
from shared.domain.queue_rules import Move, Status
from shared.domain.ticket import Logged, apply, issue, replay
from tests.helpers import BASE_CONFIG

T0 = datetime(2026, 5, 20, 1, 0, tzinfo=UTC)  # Wednesday 09:00 in Kupang
WEDNESDAY = date(2026, 5, 20)


def service(**extra):
    data = {**BASE_CONFIG, "services": [{**BASE_CONFIG["services"][0], **extra}]}
    data["counters"] = [{"id": "loket-1", "name": "Loket 1", "services": ["lapor"]}]
    return parse_config(data).services[0]


def waiting(ticket_id: int = 1, at: datetime = T0):
    ticket, _ = issue(ticket_id, service="lapor", prefix="A", sequence=ticket_id,
                      service_day=WEDNESDAY, priority=False, kiosk="kiosk-1", token="t",
                      now=at)  # fmt: skip
    return ticket


def carried(until: str = "2026-05-21"):
    ticket, _ = apply(waiting(), Move.CARRY_OVER, T0, valid_until=until, by="sari", reason="tutup")
    return ticket


def test_a_service_without_hours_is_valid_the_next_day() -> None:
    assert valid_until(service(), WEDNESDAY) == date(2026, 5, 21)


def test_a_service_open_some_days_is_valid_until_its_next_open_day() -> None:
    hours = {"open": "08:00", "close": "15:00", "days": ["mon", "fri"]}
    assert valid_until(service(hours=hours), WEDNESDAY) == date(2026, 5, 22)  # Friday
    assert valid_until(service(hours=hours), date(2026, 5, 22)) == date(2026, 5, 25)  # Monday


def test_a_carried_ticket_keeps_its_place_and_says_until_when() -> None:
    ticket = carried()
    assert (ticket.status, ticket.carried_until) == (Status.CARRIED, date(2026, 5, 21))
    assert front_place(ticket) == T0
    assert check_in_refusal(ticket, date(2026, 5, 21), None) is None


@pytest.mark.parametrize(
    ("ticket", "today", "message"),
    [
        (carried(), date(2026, 5, 22), "error.carry_lapsed"),
        (apply(carried(), Move.LAPSE, T0, valid_until="2026-05-21")[0], date(2026, 5, 22),
         "error.carry_lapsed"),
        (apply(carried(), Move.RESUME, T0, new_ticket=9, new_number="A-001")[0],
         date(2026, 5, 21), "error.carry_checked_in"),
        (apply(waiting(), Move.EXPIRE, T0)[0], date(2026, 5, 21), "error.carry_not_carried"),
        (waiting(), WEDNESDAY, "error.carry_still_today"),
    ],
)  # fmt: skip
def test_a_paper_ticket_that_cannot_be_checked_in_says_why(ticket, today, message) -> None:
    refused = check_in_refusal(ticket, today, "A-001")
    assert isinstance(refused, NotCarried) and refused.message_key == message


def test_carry_over_is_only_for_a_waiting_ticket_and_check_in_only_for_a_carried_one() -> None:
    called, _ = apply(waiting(), Move.CALL, T0, counter="loket-1", counter_name="Loket 1",
                      announcement="A satu")  # fmt: skip
    with pytest.raises(Conflict):
        apply(called, Move.CARRY_OVER, T0, valid_until="2026-05-21", by="sari", reason="x")
    with pytest.raises(Conflict):
        apply(waiting(), Move.RESUME, T0, new_ticket=9, new_number="A-001")


def test_letting_others_go_first_lands_between_the_last_let_go_and_the_next() -> None:
    behind = [T0 + timedelta(minutes=minute) for minute in (1, 2, 3, 4)]
    assert stepped_back_place(behind, 3) == T0 + timedelta(minutes=3, seconds=30)
    assert stepped_back_place(behind[:2], 3) > behind[1]  # fewer behind: after the last
    assert stepped_back_place([], 3) is None


def test_the_step_back_limit_and_a_station_that_does_not_offer_it() -> None:
    ticket = waiting()
    assert step_back_refusal(ticket, StepBack(places=3, times=2)) is None
    twice = replace(ticket, step_backs=2)
    assert step_back_refusal(twice, StepBack(places=3, times=2)).message_key == (
        "error.step_back_limit"
    )
    assert step_back_refusal(ticket, StepBack(places=3, times=0)).message_key == (
        "error.step_back_off"
    )


def test_the_log_of_carry_over_and_step_back_folds_back_into_the_same_tickets() -> None:
    first, issued_first = issue(1, service="lapor", prefix="A", sequence=1, service_day=WEDNESDAY,
                                priority=False, kiosk="kiosk-1", token="a", now=T0)  # fmt: skip
    log = [Logged(1, T0, "kiosk", issued_first)]
    moves = [
        (Move.STEP_BACK, {"places": 2, "queue_at": "2026-05-20T01:05:00.000000Z"}),
        (Move.CARRY_OVER, {"valid_until": "2026-05-21", "by": "sari", "reason": "tutup"}),
        (Move.RESUME, {"new_ticket": 2, "new_number": "A-001"}),
    ]
    for row, (move, details) in enumerate(moves, start=2):
        moment = T0 + timedelta(minutes=row)
        first, event = apply(first, move, moment, **details)
        log.append(Logged(row, moment, "sari", event))
    later = T0 + timedelta(days=1)
    second, issued_second = issue(2, service="lapor", prefix="A", sequence=1,
                                  service_day=date(2026, 5, 21), priority=False, kiosk="kiosk-1",
                                  token="b", now=later, queue_at=first.queue_at,
                                  carried_from=1)  # fmt: skip
    log.append(Logged(5, later, "kiosk", issued_second))
    assert replay(log) == {1: replace(first, token=""), 2: replace(second, token="")}
    assert (first.step_backs, first.status, second.carried) == (1, Status.RESUMED, True)
    assert issued_second.carried and "carried_from" not in issued_second.payload(1, ())
