"""Text that comes from outside (a body, a socket event, a form): checked before it is used.

A value must be a string, not too long, and encodable as UTF-8: a lone surrogate such as
"\\udcff" is valid in JSON but can be neither stored nor hashed, so it is refused with a clear
400 instead of failing later with a 500.
"""

from __future__ import annotations

from typing import Any

from shared.domain.errors import InvalidRequest


def text_field(value: Any, field: str, limit: int) -> str:
    """`value` if it is usable text of at most `limit` characters; InvalidRequest otherwise."""
    if not isinstance(value, str):
        raise InvalidRequest("error.field_type", field=field, expected="text")
    if len(value) > limit:
        raise InvalidRequest("error.field_too_long", field=field, limit=limit)
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidRequest("error.field_encoding", field=field) from None
    return value
