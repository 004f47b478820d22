"""The central server's config file: its name, its PostgreSQL database, time zone and language.

`--config PATH`, else SATUPINTU_CENTRAL_CONFIG, else ./central.yaml; SATUPINTU_CENTRAL_DB
overrides `database`. A bad file fails with one line naming the key, as the station's does.
"""

from __future__ import annotations

import os
from functools import cached_property
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from shared.domain.config import ConfigError, TimeZoneName
from shared.domain.yamltext import safe_load

DEFAULT_CONFIG = Path("central.yaml")
CONFIG_ENV = "SATUPINTU_CENTRAL_CONFIG"
DATABASE_ENV = "SATUPINTU_CENTRAL_DB"
POSTGRES_SCHEMES = ("postgresql://", "postgres://")


class CentralConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, max_length=120)
    database: str
    timezone: TimeZoneName = "Asia/Makassar"
    language: Literal["id", "en"] = "id"
    session_hours: int = Field(12, ge=1, le=168)

    @field_validator("database")
    @classmethod
    def _postgres(cls, value: str) -> str:
        if not value.startswith(POSTGRES_SCHEMES):
            raise ValueError("must be a PostgreSQL URL such as postgresql:///satupintu_central")
        return value

    @cached_property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def database_url(self) -> str:
        """SATUPINTU_CENTRAL_DB if set, else `database:`."""
        return os.environ.get(DATABASE_ENV) or self.database


def parse_central_config(data: Any) -> CentralConfig:
    """Validate already-parsed YAML; raise ConfigError with the first fault, naming its key."""
    if not isinstance(data, dict):
        raise ConfigError("(top level): must be a mapping of keys such as name:, database:")
    if os.environ.get(DATABASE_ENV) and "database" not in data:
        data = {**data, "database": os.environ[DATABASE_ENV]}
    try:
        return CentralConfig.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "(top level)"
        message = first["msg"].removeprefix("Value error, ")
        if first["type"] == "extra_forbidden":
            message = "unknown key (check the spelling against the README)"
        elif first["type"] == "missing":
            message = "required key is missing"
        raise ConfigError(f"{where}: {message}") from None


def central_config_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """--config, else SATUPINTU_CENTRAL_CONFIG, else ./central.yaml."""
    return Path(explicit or os.environ.get(CONFIG_ENV) or DEFAULT_CONFIG)


def load_central_config(path: str | os.PathLike[str] | None = None) -> CentralConfig:
    """Read and validate the central config; every fault becomes a one-line ConfigError."""
    file = central_config_path(path)
    try:
        data = safe_load(file.read_text(encoding="utf-8"))
    except OSError as error:
        raise ConfigError(f"{file}: cannot read ({error.strerror})") from None
    except yaml.YAMLError:
        raise ConfigError(f"{file}: not valid YAML") from None
    try:
        return parse_central_config(data)
    except ConfigError as error:
        raise ConfigError(f"{file}: {error}") from None
