"""The power rules, with no UPS and no database: the state NUT's flags describe, which change
is logged, when the orderly close starts, which services the battery can still serve; the
`power:` config; and the words of NUT's protocol."""

from __future__ import annotations

from pathlib import Path

import pytest

from shared.domain.config import ConfigError
from shared.domain.power import (
    NO_UPS,
    UNREACHABLE,
    Change,
    PowerState,
    Supply,
    beyond_runtime,
    change,
    must_close,
    read_status,
)
from shared.operations.health import power_result
from shared.operations.nut import NutError, quoted, unquoted
from tests.helpers import make_config


@pytest.mark.parametrize(
    ("status", "supply"),
    [
        ("OL", Supply.MAINS),
        ("OL CHRG", Supply.MAINS),
        ("OL LB", Supply.MAINS),  # recharging a low battery: nothing at risk
        ("OB DISCHRG", Supply.BATTERY),
        ("OB", Supply.BATTERY),
        ("OB LB", Supply.LOW),
        ("OB DISCHRG LB", Supply.LOW),
        ("FSD OB LB", Supply.LOW),
        ("OL FSD", Supply.LOW),  # the UPS forces a shutdown
        ("", Supply.UNKNOWN),
        ("BYPASS", Supply.UNKNOWN),
    ],
)
def test_the_status_flags_say_where_the_power_comes_from(status: str, supply: Supply) -> None:
    assert read_status({"ups.status": status}).supply is supply


def test_runtime_and_charge_are_read_as_whole_numbers() -> None:
    state = read_status(
        {"ups.status": "OB DISCHRG", "battery.runtime": "1250", "battery.charge": "87.5"}
    )
    assert state == PowerState(Supply.BATTERY, 1250, 87)
    assert state.runtime_minutes == 20  # rounded down: never promise more than there is
    assert read_status({"ups.status": "OB", "battery.runtime": "n/a"}).runtime_seconds is None


@pytest.mark.parametrize(
    ("before", "after", "logged"),
    [
        (Supply.MAINS, Supply.BATTERY, Change.LOST),
        (Supply.MAINS, Supply.LOW, Change.LOST),  # straight to a low battery: still an outage
        (Supply.BATTERY, Supply.LOW, None),  # the same outage
        (Supply.BATTERY, Supply.MAINS, Change.BACK),
        (Supply.LOW, Supply.MAINS, Change.BACK),
        (Supply.MAINS, Supply.MAINS, None),
        (Supply.BATTERY, Supply.BATTERY, None),
        (Supply.BATTERY, Supply.UNKNOWN, None),  # out of sight is no power back
        (Supply.MAINS, Supply.UNKNOWN, None),  # nor a power cut
    ],
)
def test_only_a_change_of_supply_is_logged(
    before: Supply, after: Supply, logged: Change | None
) -> None:
    assert change(before, after) is logged


def test_the_orderly_close_starts_on_a_low_battery_or_below_the_configured_runtime() -> None:
    assert must_close(PowerState(Supply.LOW, 3600), close_below_minutes=5)
    assert must_close(PowerState(Supply.BATTERY, 299), close_below_minutes=5)
    assert not must_close(PowerState(Supply.BATTERY, 300), close_below_minutes=5)
    assert not must_close(PowerState(Supply.BATTERY, None), close_below_minutes=5)
    assert not must_close(PowerState(Supply.MAINS, 10), close_below_minutes=5)
    assert not must_close(UNREACHABLE, close_below_minutes=5)


def test_a_service_is_refused_once_one_more_citizen_would_outlast_the_battery() -> None:
    battery = PowerState(Supply.BATTERY, runtime_seconds=20 * 60)
    finish = {"lapor": 15.0, "lantas": 30.0, "surat": 20.0}
    assert beyond_runtime(battery, finish) == {"lantas"}  # exactly the runtime still fits
    assert beyond_runtime(PowerState(Supply.LOW, 20 * 60), finish) == {"lantas"}


def test_on_mains_or_without_a_runtime_every_service_is_served() -> None:
    finish = {"lantas": 600.0}
    assert beyond_runtime(NO_UPS, finish) == frozenset()
    assert beyond_runtime(UNREACHABLE, finish) == frozenset()
    assert beyond_runtime(PowerState(Supply.BATTERY, None), finish) == frozenset()


def test_once_the_close_began_no_service_takes_tickets() -> None:
    closing = PowerState(Supply.LOW, 3600, closing=True)
    assert beyond_runtime(closing, {"lapor": 1.0, "lantas": 1.0}) == {"lapor", "lantas"}


def test_the_ups_is_named_as_upsc_names_it(tmp_path: Path) -> None:
    power = make_config(tmp_path, power={"ups": "hall@localhost"}).power
    assert power is not None
    assert (power.name, power.host, power.port) == ("hall", "localhost", 3493)
    assert (power.poll_seconds, power.close_below_minutes) == (5, 5)
    power = make_config(tmp_path, power={"ups": "ups1@192.168.1.5:3500"}).power
    assert power is not None
    assert (power.name, power.host, power.port) == ("ups1", "192.168.1.5", 3500)
    assert make_config(tmp_path).power is None  # no UPS: the hall runs as on mains


@pytest.mark.parametrize(
    ("power", "key"),
    [
        ({"ups": "hall"}, "power.ups"),
        ({"ups": "hall@"}, "power.ups"),
        ({"ups": "hall@host:99999"}, "power.ups"),
        ({"ups": "hall@host", "poll_seconds": 0}, "power.poll_seconds"),
        ({"ups": "hall@host", "close_below_minutes": -1}, "power.close_below_minutes"),
        ({"ups": "hall@host", "user": "two words"}, "power.user"),
        ({"ups": "hall@host", "password": ""}, "power.password"),
        ({"ups": "hall@host", "pollseconds": 5}, "power.pollseconds"),
        ({"poll_seconds": 5}, "power.ups"),
    ],
)
def test_a_bad_power_setting_fails_with_one_line_naming_its_key(
    tmp_path: Path, power: dict[str, object], key: str
) -> None:
    with pytest.raises(ConfigError) as raised:
        make_config(tmp_path, power=power)
    message = str(raised.value)
    assert message.startswith(f"{key}: ")
    assert "\n" not in message


def test_the_health_check_tells_mains_battery_and_an_unreachable_ups_apart(
    tmp_path: Path,
) -> None:
    power = make_config(tmp_path, power={"ups": "hall@localhost"}).power
    assert power_result(None, NO_UPS).level == "ok"
    assert power_result(power, PowerState(Supply.MAINS)).level == "ok"
    on_battery = power_result(power, PowerState(Supply.BATTERY, 25 * 60))
    assert on_battery.level == "warning"
    assert "25" in on_battery.summary.text("en")
    assert power_result(power, UNREACHABLE).level == "problem"  # not a power cut


def test_nut_arguments_are_quoted_and_values_unquoted() -> None:
    assert quoted('pa ss"w\\d') == '"pa ss\\"w\\\\d"'
    assert unquoted('"OB DISCHRG"') == "OB DISCHRG"
    assert unquoted('"say \\"hi\\" \\\\ bye"') == 'say "hi" \\ bye'
    with pytest.raises(NutError):
        unquoted("OB")
