"""Reading request values: one set of parsers for every API endpoint and webhook.

Each bad value is refused with a message that starts with the field's name (JSON body fields 422,
query and webhook values 400), never reaching the database as something it cannot store: ints are
bounded to their column (2^31-1 for Integer, 2^63-1 for BigInteger) and `true` is not an int;
strings are bounded to their column's length, read from the model; dates fall in years 2000-2100,
so date arithmetic cannot overflow; numbers are ASCII digits only (`"²".isdigit()` is true in
Python, and `int("²")` fails). NUL bytes and surrogates never get this far (hotline.request_guard).
"""
from __future__ import annotations

import re
from datetime import date, datetime, timezone
from typing import Any, Mapping

from flask import current_app
from sqlalchemy import BigInteger, Integer, SmallInteger, String

from hotline import local_time
from hotline.api_error import abort_json
from hotline.phone import InvalidPhone, normalise_phone

INT_BOUNDS = {SmallInteger: 2 ** 15 - 1, BigInteger: 2 ** 63 - 1, Integer: 2 ** 31 - 1}
FIRST_YEAR, LAST_YEAR = 2000, 2100
_WHOLE = re.compile(r"-?[0-9]{1,19}")
# Exactly the calendar dates of 2000-2100 (the OpenAPI document publishes these same patterns):
# days 1-28 of any month, 29-30 of all but February, 31 of the long months, 29 February of leap years.
DAY_PATTERN = (r"((20[0-9]{2}|2100)-((0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])|(0[13-9]|1[0-2])-(29|30)"
               r"|(0[13578]|1[02])-31)|20([02468][048]|[13579][26])-02-29)")
# A date, or a date and time to the second or microsecond, with an optional UTC offset or Z.
MOMENT_PATTERN = (DAY_PATTERN + r"(T([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?"
                  r"(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])?)?")
_DAY = re.compile(DAY_PATTERN)
_MOMENT = re.compile(MOMENT_PATTERN)


def column_max(column: Any) -> int:
    """The largest value an Integer/BigInteger/SmallInteger model column holds on every backend."""
    column_type = column.property.columns[0].type
    for kind, largest in INT_BOUNDS.items():  # subclasses first: BigInteger is an Integer
        if isinstance(column_type, kind):
            return largest
    raise TypeError(f"{column} is not an integer column")


def column_length(column: Any) -> int:
    """The length of a String(n) model column."""
    column_type = column.property.columns[0].type
    if not isinstance(column_type, String) or column_type.length is None:
        raise TypeError(f"{column} has no length")
    return column_type.length


def _bounds(column: Any, minimum: int | None, maximum: int | None) -> tuple[int, int]:
    top = column_max(column) if column is not None else 2 ** 31 - 1
    return (-top - 1 if minimum is None else minimum), (top if maximum is None else min(maximum, top))


# JSON bodies: 422 with the field's name.

def integer(value: Any, field: str, *, column: Any = None, minimum: int | None = 1, maximum: int | None = None,
            required: bool = False) -> int | None:
    """A JSON integer (not a bool, not a float) within the column's range; ids start at 1 by default."""
    if value is None and not required:
        return None
    low, high = _bounds(column, minimum, maximum)
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # JSON has one number type: 2.0 is the integer 2, as JSON Schema says
    if isinstance(value, bool) or not isinstance(value, int):
        abort_json(422, f"{field}: required, an integer" if value is None else f"{field}: must be an integer")
    if not low <= value <= high:
        abort_json(422, f"{field}: must be from {low} to {high}")
    return value


def text(value: Any, field: str, limit: int | None = None, *, column: Any = None,
         required: bool = False) -> str | None:
    """A JSON string, stripped, at most `limit` characters (or the column's length)."""
    if value is None and not required:
        return None
    if not isinstance(value, str) or (required and not value.strip()):
        abort_json(422, f"{field}: required, a non-empty string" if required else f"{field}: must be a string")
    limit = limit if limit is not None else column_length(column)
    if len(value) > limit:
        abort_json(422, f"{field}: at most {limit} characters")
    return value.strip()


def choice(value: Any, field: str, choices: tuple[str, ...], required: bool = False) -> str | None:
    if value is None and not required:
        return None
    if not isinstance(value, str) or value not in choices:
        abort_json(422, f"{field}: must be one of {', '.join(choices)}")
    return value


def boolean(value: Any, field: str) -> bool | None:
    if value is None:
        return None
    if not isinstance(value, bool):
        abort_json(422, f"{field}: must be true or false")
    return value


def phone(value: Any, field: str = "phone", status: int = 422) -> str:
    """A phone number in any common form, as E.164; 422 (or `status`) for what is not a valid number."""
    if not isinstance(value, str):
        abort_json(status, f"{field}: required, a phone number like +8613800138000 or 13800138000")
    try:
        return normalise_phone(value, current_app.config["HOTLINE_SETTINGS"].default_country_code)
    except InvalidPhone as exc:
        abort_json(status, f"{field}: {exc}")


# Query strings and webhook parameters (text): 400 with the field's name.

def whole_number(raw: str | None, field: str, default: int | None, minimum: int, maximum: int,
                 status: int = 400) -> int | None:
    """Digits (ASCII only) from `minimum` to `maximum`; `default` when absent or empty."""
    if raw is None or raw == "":
        return default
    if not _WHOLE.fullmatch(raw) or not minimum <= int(raw) <= maximum:
        abort_json(status, f"{field}: expected a whole number from {minimum} to {maximum}, got {raw[:40]!r}")
    return int(raw)


def query_int(raw: str | None, field: str, default: int | None, minimum: int = 1, maximum: int | None = None, *,
              column: Any = None) -> int | None:
    """A query value as an int; bounded by `maximum` or the column (an id's column by default: 2^31-1)."""
    low, high = _bounds(column, minimum, maximum)
    return whole_number(raw, field, default, low, high)


def query_limit(raw: str | None, field: str = "limit", default: int = 50, maximum: int = 500) -> int:
    """A page size or row limit: positive and capped."""
    return whole_number(raw, field, default, 1, maximum)  # type: ignore[return-value]


def query_bool(raw: str | None, field: str) -> bool | None:
    if raw is None or raw == "":
        return None
    if raw.lower() in {"1", "true", "yes"}:
        return True
    if raw.lower() in {"0", "false", "no"}:
        return False
    abort_json(400, f"{field}: expected true or false, got {raw[:40]!r}")


def query_choice(raw: str | None, field: str, choices: tuple[str, ...], default: str | None = None) -> str | None:
    if raw is None or raw == "":
        return default
    if raw not in choices:
        abort_json(400, f"{field}: must be one of {', '.join(choices)}")
    return raw


def query_text(raw: str | None, field: str, limit: int | None = None, *, column: Any = None) -> str | None:
    """A free-text filter, at most the column's length (a longer one can match nothing anyway)."""
    if raw is None or raw == "":
        return None
    limit = limit if limit is not None else column_length(column)
    if len(raw) > limit:
        abort_json(400, f"{field}: at most {limit} characters")
    return raw


def query_day(raw: str | None, field: str) -> date | None:
    """A date like 2026-11-24, in the years 2000-2100."""
    if not raw:
        return None
    if not _DAY.fullmatch(raw):
        abort_json(400, f"{field}: expected a date like 2026-11-24 in the years {FIRST_YEAR}-{LAST_YEAR}, "
                        f"got {raw[:40]!r}")
    return date.fromisoformat(raw)


def query_moment(raw: str | None, field: str, default: datetime, zone: str = "UTC") -> datetime:
    """An ISO 8601 date or time (a trailing Z accepted), aware; a bare date or a time without offset
    is in `zone` (local_time.parse_moment); years 2000-2100."""
    if not raw:
        return default
    text = raw.strip()
    if "T" in text and " " in text:
        text = text.replace(" ", "+")  # an unencoded "+08:00" arrives in a query string as " 08:00"
    if not _MOMENT.fullmatch(text):
        abort_json(400, f"{field}: expected an ISO 8601 date or time like 2026-11-24T08:00:00+08:00 in the years "
                        f"{FIRST_YEAR}-{LAST_YEAR}, got {raw[:40]!r}")
    return local_time.parse_moment(text, zone)


def form_int(form: Mapping[str, str], field: str, minimum: int = 0, maximum: int = 2 ** 31 - 1) -> int | None:
    """A webhook's numeric parameter (CallDuration, QueuePosition...): None when absent; a malformed one
    is 400, since a signed request Twilio did not make is no reason to answer with an apology."""
    return whole_number(form.get(field), field, None, minimum, maximum)
