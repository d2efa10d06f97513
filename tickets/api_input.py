"""Reading API input: each bad value is refused with a message that starts with the field's name."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask import current_app

from hotline import local_time
from hotline.api.errors import abort_json
from tickets.phone import InvalidPhone, normalise_phone

LANGUAGES = ("zh-CN", "en-US")


def phone_field(value: Any, field: str = "phone") -> str:
    if not isinstance(value, str):
        abort_json(422, f"{field}: required, a phone number like +8613800138000 or 13800138000")
    try:
        return normalise_phone(value, current_app.config["HOTLINE_SETTINGS"].default_country_code)
    except InvalidPhone as exc:
        abort_json(422, f"{field}: {exc}")


def choice(value: Any, field: str, choices: tuple[str, ...], required: bool = False) -> str | None:
    if value is None and not required:
        return None
    if value not in choices:
        abort_json(422, f"{field}: must be one of {', '.join(choices)}")
    return value


def text(value: Any, field: str, limit: int, required: bool = False) -> str | None:
    if value is None and not required:
        return None
    if not isinstance(value, str) or (required and not value.strip()):
        abort_json(422, f"{field}: required, a non-empty string" if required else f"{field}: must be a string")
    if len(value) > limit:
        abort_json(422, f"{field}: at most {limit} characters")
    return value.strip()


def integer(value: Any, field: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        abort_json(422, f"{field}: must be an integer")
    return value


def boolean(value: Any, field: str) -> bool | None:
    if value is None:
        return None
    if not isinstance(value, bool):
        abort_json(422, f"{field}: must be true or false")
    return value


def query_bool(value: str | None, field: str) -> bool | None:
    if value is None or value == "":
        return None
    if value.lower() in {"1", "true", "yes"}:
        return True
    if value.lower() in {"0", "false", "no"}:
        return False
    abort_json(400, f"{field}: expected true or false, got {value!r}")


def query_int(value: str | None, field: str, default: int, minimum: int, maximum: int) -> int:
    if value is None or value == "":
        return default
    if not value.isdigit() or not minimum <= int(value) <= maximum:
        abort_json(400, f"{field}: expected a whole number from {minimum} to {maximum}, got {value!r}")
    return int(value)


def query_day(value: str | None, field: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        abort_json(400, f"{field}: expected a date like 2026-11-24, got {value!r}")


def day_start(day: date) -> datetime:
    """Midnight of `day` in the call center's time zone, as an aware datetime."""
    return local_time.day_start(day, local_time.center_zone())
