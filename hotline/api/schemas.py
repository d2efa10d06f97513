"""JSON Schema pieces for the OpenAPI document, made from the same bounds the parsers enforce.

Each one describes exactly what hotline.params accepts, so the document neither promises what the
code refuses nor hides what it takes.
"""
from __future__ import annotations

from typing import Any

from hotline.params import DAY_PATTERN, MOMENT_PATTERN, column_length, column_max


def nullable(schema: dict[str, Any]) -> dict[str, Any]:
    """The same, or null (an optional field the parsers read as absent when null)."""
    if "enum" in schema:
        return {**schema, "type": [schema["type"], "null"], "enum": [*schema["enum"], None]}
    return {**schema, "type": [schema["type"], "null"]}


def text(column: Any = None, max_length: int | None = None, *, blank: bool = False,
         null: bool = False) -> dict[str, Any]:
    """A string of at most the column's length; not blank unless `blank` (the parsers strip it)."""
    schema: dict[str, Any] = {"type": "string", "maxLength": max_length or column_length(column)}
    if not blank:
        schema.update(minLength=1, pattern=r"\S")
    return nullable(schema) if null else schema


def integer(column: Any = None, minimum: int = 1, maximum: int | None = None, *, null: bool = False) -> dict[str, Any]:
    top = column_max(column) if column is not None else 2 ** 31 - 1
    schema = {"type": "integer", "minimum": minimum, "maximum": min(maximum or top, top)}
    return nullable(schema) if null else schema


def one_of(choices: tuple[str, ...] | list[str], *, null: bool = False) -> dict[str, Any]:
    schema = {"type": "string", "enum": list(choices)}
    return nullable(schema) if null else schema


def boolean(*, null: bool = False) -> dict[str, Any]:
    return {"type": ["boolean", "null"]} if null else {"type": "boolean"}


def comma_list(choices: tuple[str, ...] | list[str]) -> dict[str, Any]:
    """One or more of `choices`, comma-separated."""
    item = "(" + "|".join(choices) + ")"
    return {"type": "string", "pattern": f"^{item}(,{item})*$"}


# A phone number in any common form (+8613800138000, 13800138000, 010-6552 9988) that libphonenumber
# finds valid; a custom format, since no pattern can say which numbers exist.
PHONE = {"type": "string", "format": "phone", "maxLength": 40}
# A valid number written in E.164 (+8613800138000): what settings and agents' lines take.
E164 = {"type": "string", "format": "e164", "pattern": r"^\+[1-9][0-9]{6,14}$"}
DAY = {"type": "string", "pattern": f"^{DAY_PATTERN}$"}
MOMENT = {"type": "string", "pattern": f"^{MOMENT_PATTERN}$"}
BOOLEAN = {"type": "boolean"}
LIMIT = {"type": "integer", "minimum": 1, "maximum": 500}
