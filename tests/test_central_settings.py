"""The settings a station ships reach central unchanged: every key a station's config may hold
under the report settings goes through the station's serialisation, the wire, central's
checks, PostgreSQL and central's parser, and comes back as the same values (a real central app
on a real PostgreSQL)."""

from __future__ import annotations

import copy
import types
import typing
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from central.reports import settings_of
from satupintu.app import open_station
from shared.domain import wire
from shared.domain.clock import ManualClock
from shared.domain.config import Config, parse_config
from shared.domain.yamltext import safe_load
from shared.operations.shipper import Shipper
from tests.central_fixtures import poster, register, station_row
from tests.helpers import BASE_CONFIG

ROOT = Path(__file__).resolve().parent.parent
CENTRAL = {"url": "http://127.0.0.1:9", "station": "kupang", "key": "k" * 64}

# Every optional key of the report settings set, none to its default (`test_every_key_is_set`
# keeps it so when a key is added to the models).
EVERY_KEY: dict[str, Any] = {
    "station": {"name": "SPKT Polres Rote Ndao"},
    "timezone": "Asia/Jayapura",
    "language": "en",
    "day_starts_at": "05:30",
    "services": [
        {
            "id": "lapor",
            "name": {"id": "Laporan", "en": "Reports"},
            "prefix": "A",
            "unit": "SPKT",
            "standard_minutes": 25,
            "min_minutes": 5,
            "fee": {"id": "Gratis", "en": "Free"},
            "hours": {"open": "07:30", "close": "15:00", "days": ["mon", "tue", "sat"]},
            "daily_quota": 80,
            "icon": "report",
            "reference": "required",
            "carry_over": True,
            "booking": {
                "hours": ["13:00-15:00", "08:00-12:00"],
                "slot_minutes": 20,
                "per_slot": 3,
                "days_ahead": 7,
                "early_minutes": 10,
                "late_minutes": 5,
                "days": ["mon", "tue"],
                "counter_places": 2,
                "citizen_day_percent": 70,
            },
            "standard": {
                "requirements": [{"id": "KTP", "en": "ID card"}, "Bukti"],
                "procedure": ["Lapor", "Tanda tangan"],
                "time": "20 menit",
                "cost": {"id": "Gratis", "en": "Free"},
                "product": "STPL",
                "complaints": "Kepala SPKT",
                "requirements_short": {"id": "KTP, bukti", "en": "ID card, evidence"},
            },
        },
        {"id": "propam", "name": "Propam", "prefix": "G", "unit": "Propam", "private": True},
    ],
    "counters": [
        {"id": "loket-1", "name": "Loket 1", "services": ["lapor"], "spoken": "loket satu"},
        {"id": "loket-2", "name": {"id": "Ruang 2", "en": "Room 2"}, "services": ["propam"]},
    ],
    "shifts": [
        {"name": {"id": "Pagi", "en": "Morning"}, "starts_at": "07:00"},
        {"name": "Malam", "starts_at": "19:00"},
    ],
    "survey": {"form": "full", "integrity": False},
    "needs": {"interpreter_wait_minutes": 45},
}


def bundled() -> dict[str, Any]:
    """The bundled config.yaml (bookings on), its database elsewhere."""
    data = safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))
    return {**data, "database": "satupintu.db"}


def every_key() -> dict[str, Any]:
    return {**copy.deepcopy(BASE_CONFIG), **copy.deepcopy(EVERY_KEY)}


def null_standard() -> dict[str, Any]:
    """A service with no standard time: null is a value of its own, not the default 15."""
    data = copy.deepcopy(BASE_CONFIG)
    data["services"][0]["standard_minutes"] = None
    return data


def ship_settings(
    app: Flask, database: str, key: str, config: Config, clock: ManualClock
) -> Config:
    """Ship the station's first batch with the real shipper; the settings as central reads
    them back from its database."""
    station = open_station(config, clock=clock)
    try:
        the_shipper = Shipper(station, poster(app.test_client(), key))
        the_shipper.step()
        assert the_shipper.failures == 0
    finally:
        station.store.close()
    shipped = settings_of(station_row(database, "kupang"))
    assert shipped is not None
    return shipped


@pytest.mark.parametrize(
    "data", [bundled, every_key, null_standard], ids=["bundled", "every-key", "null-standard"]
)
def test_the_station_settings_reach_central_unchanged(
    data: Any, central_app: Flask, central_db: str, tmp_path: Path, clock: ManualClock
) -> None:
    key = register(central_app, "kupang")
    original = parse_config({**data(), "central": CENTRAL}, base_dir=tmp_path)
    shipped = ship_settings(central_app, central_db, key, original, clock)
    received = {name: getattr(shipped, name) for name in wire.REPORT_SETTINGS}
    received["station"] = original.station.model_copy(update={"name": shipped.station.name})
    assert original.model_copy(update=received) == original


def _models(annotation: Any) -> list[type[BaseModel]]:
    """The models a field's type is built from (inside tuples, unions, Annotated)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [model for arg in typing.get_args(annotation) for model in _models(arg)]


def _keys(model: type[BaseModel], only: Any = True) -> set[tuple[str, str]]:
    """Every (model, key) reachable from `model`, limited as REPORT_SETTINGS limits them."""
    found = set()
    for name, field in model.model_fields.items():
        if only is not True and name not in only:
            continue
        found.add((model.__name__, name))
        for inner in _models(field.annotation):
            found |= _keys(inner, only[name] if isinstance(only, dict) else True)
    return found


def _set_keys(value: Any) -> set[tuple[str, str]]:
    """Every (model, key) of `value` given a value other than its default."""
    found = set()
    if isinstance(value, BaseModel):
        for name, field in type(value).model_fields.items():
            item = getattr(value, name)
            if field.default is PydanticUndefined or item != field.default:
                found.add((type(value).__name__, name))
            found |= _set_keys(item)
    elif isinstance(value, tuple | list | types.MappingProxyType):
        for item in value:
            found |= _set_keys(item)
    return found


def test_every_key_is_set() -> None:
    """A key added to the report settings' models must be added to EVERY_KEY, so the round
    trip above covers it."""
    config = parse_config(every_key())
    wanted = _keys(Config, dict(wire.REPORT_SETTINGS))
    missing = wanted - _set_keys(config)
    assert not missing, f"set these in EVERY_KEY: {sorted(missing)}"
    assert ("Booking", "hours") in wanted
