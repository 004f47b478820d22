"""YAML read with a safe loader: libyaml's where PyYAML has it (about ten times faster, which
every process pays at start for the catalogue and the config)."""

from __future__ import annotations

from typing import IO, Any

import yaml

SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def safe_load(source: str | IO[str]) -> Any:
    return yaml.load(source, Loader=SAFE_LOADER)  # noqa: S506 (a safe loader)
