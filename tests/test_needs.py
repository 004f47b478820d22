"""The pure rules of needs: which values a request may give, how early an interpreter is
booked, and where a need's ticket goes (`needs.route` after the call order)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from shared.domain.config import CallPolicy
from shared.domain.errors import InvalidRequest
from shared.domain.needs import Need, Routing, check_lead, parse_need, route, skill_for
from shared.domain.queue_rules import QueueItem, call_order

T0 = datetime(2026, 5, 20, 0, 0, tzinfo=UTC)
BISINDO_HERE = Routing(here=frozenset({"bisindo"}))
BISINDO_NEXT_DOOR = Routing(elsewhere=frozenset({("bisindo", "a")}))


def item(ticket_id: int, minute: int, need: str | None = None, service: str = "a") -> QueueItem:
    return QueueItem(T0 + timedelta(minutes=minute), ticket_id, service, False, need)


def routed(items: list[QueueItem], routing: Routing) -> list[int]:
    order = call_order(items, CallPolicy(), T0 + timedelta(minutes=60), None)
    return [chosen.id for chosen in route(order, routing)]


@pytest.mark.parametrize("value", [None, ""])
def test_no_need_is_none(value: object) -> None:
    assert parse_need(value) is None


@pytest.mark.parametrize("value", ["deaf", "sight", "interpreter"])
def test_each_kind_of_need_is_accepted(value: str) -> None:
    assert parse_need(value) == Need(value)


@pytest.mark.parametrize("value", ["tuli", "DEAF", "blind", 1, True, ["deaf"], {"need": "deaf"}])
def test_anything_else_is_refused_naming_the_kinds(value: object) -> None:
    with pytest.raises(InvalidRequest) as refused:
        parse_need(value)
    assert refused.value.params["needs"] == "deaf, sight, interpreter"


def test_only_the_interpreter_need_asks_a_skill() -> None:
    assert skill_for("interpreter") == "bisindo"
    assert skill_for("deaf") is None
    assert skill_for("sight") is None
    assert skill_for(None) is None


def test_an_interpreter_ticket_goes_first_at_a_counter_with_the_skill() -> None:
    waiting = [item(1, 0), item(2, 5), item(3, 10, "interpreter"), item(4, 15)]
    assert routed(waiting, BISINDO_HERE) == [3, 1, 2, 4]


def test_a_counter_without_the_skill_leaves_it_to_the_open_counter_with_it() -> None:
    waiting = [item(1, 0, "interpreter"), item(2, 5), item(3, 10, "deaf")]
    assert routed(waiting, BISINDO_NEXT_DOOR) == [2, 3]


def test_with_no_skilled_counter_open_it_is_called_in_its_turn() -> None:
    waiting = [item(1, 0), item(2, 5, "interpreter"), item(3, 10)]
    assert routed(waiting, Routing()) == [1, 2, 3]


def test_a_skilled_counter_elsewhere_for_another_service_does_not_take_it() -> None:
    waiting = [item(1, 0, "interpreter", service="b"), item(2, 5, service="b")]
    assert routed(waiting, BISINDO_NEXT_DOOR) == [1, 2]


def test_needs_without_a_skill_keep_their_turn_everywhere() -> None:
    waiting = [item(1, 0), item(2, 5, "deaf"), item(3, 10, "sight")]
    assert routed(waiting, BISINDO_HERE) == [1, 2, 3]


def test_an_interpreter_is_booked_the_lead_time_ahead() -> None:
    slot = T0 + timedelta(hours=24)
    check_lead(Need.INTERPRETER, slot, T0, 24)
    with pytest.raises(InvalidRequest) as refused:
        check_lead(Need.INTERPRETER, slot, T0 + timedelta(minutes=1), 24)
    assert refused.value.message_key == "error.interpreter_lead"


@pytest.mark.parametrize("need", [None, Need.DEAF, Need.SIGHT])
def test_other_needs_are_booked_as_late_as_any_booking(need: Need | None) -> None:
    check_lead(need, T0 + timedelta(minutes=5), T0, 24)
