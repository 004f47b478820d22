"""The HTTP API described as OpenAPI 3.0, served at /api/openapi.json."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, jsonify

from shared.domain.yamltext import safe_load

SPEC_PATH = Path(__file__).with_name("openapi.yaml")

bp = Blueprint("api_docs", __name__)


@cache
def openapi_spec() -> dict[str, Any]:
    with SPEC_PATH.open(encoding="utf-8") as handle:
        return safe_load(handle)


@bp.get("/api/openapi.json")
def openapi_json() -> Response:
    return jsonify(openapi_spec())
