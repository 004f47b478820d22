"""The README documents what the code has: every config key, board event and command."""

from __future__ import annotations

import re
import typing
from pathlib import Path

import click
from pydantic import BaseModel

from satupintu.cli import main
from shared.domain.config import Config
from shared.domain.events import BOARD_EVENT_NAMES

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def _models(annotation: object) -> list[type[BaseModel]]:
    """The pydantic models inside an annotation such as `tuple[Service, ...] | None`."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    found: list[type[BaseModel]] = []
    for argument in typing.get_args(annotation):
        found += _models(argument)
    return found


def config_keys(model: type[BaseModel] = Config, prefix: str = "") -> set[str]:
    keys: set[str] = set()
    for name, field in model.model_fields.items():
        if name == "base_dir":
            continue
        models = _models(field.annotation)
        is_list = typing.get_origin(field.annotation) is tuple or "tuple[" in str(field.annotation)
        key = f"{prefix}{name}{'[]' if is_list and models else ''}"
        if models and name not in ("name", "fee", "running_text"):
            for nested in models:
                keys |= config_keys(nested, f"{key}.")
        else:
            keys.add(key)
    return keys


def documented_keys() -> set[str]:
    section = README.split("## Configuration reference")[1].split("\n## ")[0]
    keys = set()
    for cell in re.findall(r"^\| ([^|]+) \|", section, flags=re.MULTILINE):
        keys |= set(re.findall(r"`([a-z_\[\].]+)`", cell))
    return keys


def test_every_config_key_is_in_the_readme() -> None:
    missing = {key for key in config_keys() if key not in documented_keys()}
    # A printer's `type` is the table's own subject; nested kiosk printers share its rows.
    missing = {k for k in missing if not k.endswith(".type") and ".printer." not in k}
    assert not missing, f"undocumented config keys: {sorted(missing)}"


def test_every_documented_config_key_exists() -> None:
    known = config_keys()
    prefixes = {key.rsplit(".", 1)[0] for key in known} | known
    unknown = {key for key in documented_keys() if key not in prefixes}
    assert not unknown, f"README documents keys the code does not have: {sorted(unknown)}"


def test_every_board_event_is_in_the_readme_table() -> None:
    for name in BOARD_EVENT_NAMES:
        assert f"| `{name}` |" in README, name


def test_every_command_has_help_and_is_in_the_readme() -> None:
    def walk(group: click.Group, path: str) -> list[tuple[str, click.Command]]:
        found = []
        for name, command in group.commands.items():
            full = f"{path} {name}"
            if isinstance(command, click.Group):
                found += walk(command, full)
            else:
                found.append((full, command))
        return found

    for name, command in walk(main, "satupintu"):
        assert command.help, f"{name} has no help text"
        assert f"`{name}" in README, f"{name} is not in the README"


def test_every_central_config_key_is_in_the_readme() -> None:
    from central.config import CentralConfig

    section = README.split("### Central configuration")[1].split("\n### ")[0]
    documented = set(re.findall(r"^\| `([a-z_]+)` \|", section, flags=re.MULTILINE))
    assert documented == set(CentralConfig.model_fields)
