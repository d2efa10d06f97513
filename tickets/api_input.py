"""Reading tickets' API input: the shared parsers (hotline.params) and what only tickets need."""
from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from flask import current_app

from hotline.params import boolean, choice, integer, query_bool, query_day, query_int, text  # noqa: F401
from hotline.params import phone as phone_field  # noqa: F401

LANGUAGES = ("zh-CN", "en-US")


def day_start(day: date) -> datetime:
    """Midnight of `day` in the call center's time zone, as an aware datetime."""
    return datetime.combine(day, time(0), tzinfo=ZoneInfo(current_app.config["HOTLINE_SETTINGS"].timezone))
