"""Propam's alarm rules and the integrity answers' validation, as pure functions (no database)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from shared.domain.errors import InvalidRequest
from shared.domain.integrity import (
    OutOfTurn,
    Served,
    hour_of,
    out_of_turn_alarms,
    quick_low_alarms,
    validate_integrity,
    yes_counter_alarms,
)

NINE = datetime(2026, 5, 20, 1, 0, tzinfo=UTC)


def at(minutes: float) -> datetime:
    return NINE + timedelta(minutes=minutes)


def calls(officer: str, *minutes: float, counter: str = "loket-1") -> list[OutOfTurn]:
    return [OutOfTurn(at(minute), officer, counter) for minute in minutes]


def test_three_out_of_turn_calls_within_an_hour_raise_an_alarm_for_that_officer() -> None:
    alarms = out_of_turn_alarms(calls("budi", 0, 20, 59) + calls("ani", 0, 20))
    assert [(a.kind, a.officer, a.counter, a.count, a.first, a.last) for a in alarms] == [
        ("out_of_turn", "budi", "loket-1", 3, at(0), at(59))
    ]


def test_out_of_turn_calls_spread_over_the_day_raise_none() -> None:
    assert out_of_turn_alarms(calls("budi", 0, 61, 122, 183, 244)) == []


def test_the_alarm_reports_the_largest_cluster_and_no_counter_when_it_spans_several() -> None:
    spread = calls("budi", 0, 200) + calls("budi", 210, 220, counter="loket-2")
    spread += calls("budi", 230)
    (alarm,) = out_of_turn_alarms(spread)
    assert (alarm.count, alarm.counter, alarm.first, alarm.last) == (4, None, at(200), at(230))


def test_the_thresholds_can_be_given() -> None:
    assert out_of_turn_alarms(calls("budi", 0, 5), calls=2, minutes=10)[0].count == 2
    assert out_of_turn_alarms(calls("budi", 0, 15), calls=2, minutes=10) == []


def served(minutes: float, scores: tuple[int, ...], officer: str = "budi",
           minimum: int | None = 10, when: float = 0) -> Served:  # fmt: skip
    return Served(at(when), officer, "loket-1", "lapor", minutes * 60, minimum, scores)


@pytest.mark.parametrize(
    ("fact", "flagged"),
    [
        (served(4, (1,)), True),  # under half of 10 minutes, scored 1
        (served(4, (2, 2, 2)), True),  # a mean of 2 is low
        (served(4, (2, 3)), False),  # 2.5 is not
        (served(5, (1,)), False),  # half the minimum is not "far quicker"
        (served(4, ()), False),  # not answered: nothing to say
        (served(1, (1,), minimum=None), False),  # no minimum set
    ],
)
def test_a_service_is_quick_and_low_only_far_under_its_minimum_and_scored_low(
    fact: Served, flagged: bool
) -> None:
    assert fact.quick_and_low is flagged


def test_two_quick_and_low_services_of_one_officer_raise_an_alarm() -> None:
    facts = [served(1, (1,), when=0), served(2, (1,), when=90), served(2, (1,), officer="ani"),
             served(20, (1,), when=30)]  # fmt: skip
    (alarm,) = quick_low_alarms(facts)
    assert (alarm.kind, alarm.officer, alarm.count, alarm.first, alarm.last) == (
        "quick_low", "budi", 2, at(0), at(90)
    )  # fmt: skip


def test_yes_answers_concentrating_at_one_counter_raise_an_alarm() -> None:
    (alarm,) = yes_counter_alarms({"loket-1": 4, "loket-2": 1, "loket-3": 1})
    assert (alarm.kind, alarm.counter, alarm.count, alarm.share) == ("yes_counter", "loket-1", 4,
                                                                     0.667)  # fmt: skip


@pytest.mark.parametrize(
    "yes_by_counter",
    [
        {"loket-1": 2},  # too few to say anything
        {"loket-1": 3, "loket-2": 3, "loket-3": 3},  # spread evenly
        {},
    ],
)
def test_few_or_spread_yes_answers_raise_none(yes_by_counter: dict[str, int]) -> None:
    assert yes_counter_alarms(yes_by_counter) == []


def test_integrity_answers_are_yes_or_no_to_known_questions_each_optional() -> None:
    assert validate_integrity(None) == {}
    assert validate_integrity({"extra_fee": "yes", "gift": "", "broker": None}) == {
        "extra_fee": "yes"
    }


@pytest.mark.parametrize(
    "given", [{"bribe": "yes"}, {"gift": "ya"}, {"gift": 1}, ["gift"], "yes", {"gift": True}]
)
def test_anything_else_is_refused(given: object) -> None:
    with pytest.raises(InvalidRequest):
        validate_integrity(given)


def test_answers_are_counted_in_the_hour_of_the_service() -> None:
    assert hour_of(at(59.5)) == NINE
