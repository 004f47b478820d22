"""The `sms:` config: optional, checked like every other key, the spool read from gammu-smsd's
own config so the two never disagree."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from shared.domain.config import ConfigError, parse_config
from tests.helpers import BASE_CONFIG

SMSD = """[gammu]
connection = none
model = dummy
device = {root}/phone/

[smsd]
service = {service}
inboxpath = {root}/inbox/
outboxpath = {root}/outbox/
sentsmspath = {root}/sent/
errorsmspath = {root}/error/
"""


def _smsd(tmp_path: Path, service: str = "files") -> Path:
    file = tmp_path / "smsdrc"
    file.write_text(SMSD.format(root=tmp_path, service=service), encoding="utf-8")
    return file


def _load(tmp_path: Path, sms: object) -> object:
    data = copy.deepcopy(BASE_CONFIG)
    data["sms"] = sms
    return parse_config(data, base_dir=tmp_path)


def test_without_sms_the_station_sends_none() -> None:
    assert parse_config(copy.deepcopy(BASE_CONFIG)).sms is None


def test_a_station_with_sms_has_its_defaults(tmp_path: Path) -> None:
    config = _load(tmp_path, {"gammu_config": str(_smsd(tmp_path))})
    assert config.sms.daily_budget == 200
    assert config.sms.per_number_per_day == 10
    assert config.sms.retries == 2


@pytest.mark.parametrize(
    ("sms", "expected"),
    [
        ({"gammu_config": "missing-smsdrc"}, "sms.gammu_config: no such file"),
        ({}, "sms.gammu_config: required key is missing"),
        ({"gammu_config": "smsdrc", "daily_budget": -1}, "sms.daily_budget:"),
        ({"gammu_config": "smsdrc", "retries": 11}, "sms.retries:"),
        ({"gammu_config": "smsdrc", "per_number_per_day": 0}, "sms.per_number_per_day:"),
        ({"gammu_config": "smsdrc", "modem": "/dev/ttyUSB0"}, "sms.modem: unknown key"),
        (
            {"gammu_config": "smsdrc", "alert_numbers": ["081234567890"]},
            "sms.alert_numbers: unknown",
        ),
        (
            {"gammu_config": "smsdrc", "booking_reminder_minutes": 2},
            "sms.booking_reminder_minutes:",
        ),
        ({"gammu_config": "smsdrc", "alerts": ["power"]}, "sms.alerts[0]:"),
    ],
)
def test_a_bad_sms_config_is_one_line_naming_its_key(
    tmp_path: Path, sms: dict[str, object], expected: str
) -> None:
    _smsd(tmp_path)
    with pytest.raises(ConfigError) as refused:
        _load(tmp_path, sms)
    assert str(refused.value).startswith(expected)


def test_the_daemon_must_use_the_files_spool(tmp_path: Path) -> None:
    _smsd(tmp_path, service="sql")
    with pytest.raises(ConfigError, match="must use the files service"):
        _load(tmp_path, {"gammu_config": "smsdrc"})


def test_the_spool_paths_must_be_absolute(tmp_path: Path) -> None:
    (tmp_path / "smsdrc").write_text(
        SMSD.format(root=tmp_path, service="files").replace(f"{tmp_path}/inbox/", "inbox/"),
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match="inboxpath must be an absolute path"):
        _load(tmp_path, {"gammu_config": "smsdrc"})
