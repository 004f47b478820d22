"""Socket flood control, with a hand-moved clock: bursts pass, floods are refused and then
cut off, one address's many connections share a budget, reconnecting too often is refused."""

from __future__ import annotations

from shared.web.socketlimits import BURST, STRIKES_BEFORE_DISCONNECT, Flood


class Tick:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_passes_and_the_rate_refills() -> None:
    tick = Tick()
    flood = Flood(10, 0, clock=tick)
    assert all(flood.allow("a", "10.0.0.1") for _ in range(10 * BURST))
    assert not flood.allow("a", "10.0.0.1")
    tick.now += 0.5  # five more events' worth
    assert sum(flood.allow("a", "10.0.0.1") for _ in range(10)) == 5


def test_a_connection_that_keeps_flooding_is_marked_for_disconnection() -> None:
    flood = Flood(10, 0, clock=Tick())
    for _ in range(10 * BURST + STRIKES_BEFORE_DISCONNECT - 1):
        flood.allow("flooder", "10.0.0.1")
    assert not flood.is_flooding("flooder")
    flood.allow("flooder", "10.0.0.1")
    assert flood.is_flooding("flooder")
    assert flood.allow("calm", "10.0.0.2")  # another client is untouched
    flood.forget("flooder")
    assert not flood.is_flooding("flooder")


def test_many_connections_from_one_address_share_its_budget() -> None:
    flood = Flood(10, 0, clock=Tick())
    allowed = sum(flood.allow(f"tab-{n}", "10.0.0.1") for n in range(20) for _ in range(20))
    assert allowed == 3 * 10 * BURST  # the address's share, however many tabs it opens


def test_reconnecting_too_often_is_refused_until_the_minute_passes() -> None:
    tick = Tick()
    flood = Flood(0, 6, clock=tick)
    assert all(flood.may_connect("10.0.0.1") for _ in range(6))
    assert not flood.may_connect("10.0.0.1")
    assert flood.may_connect("10.0.0.2")
    tick.now += 10  # one connect's worth
    assert flood.may_connect("10.0.0.1")


def test_a_limit_of_zero_is_off() -> None:
    flood = Flood(0, 0, clock=Tick())
    assert all(flood.allow("a", "x") and flood.may_connect("x") for _ in range(1000))
