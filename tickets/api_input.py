"""Reading tickets' API input: the shared parsers (hotline.params) and what only tickets need."""
from __future__ import annotations

from datetime import date, datetime

from hotline import local_time
from hotline.params import boolean, choice, integer, query_bool, query_day, query_int, text  # noqa: F401
from hotline.params import phone as phone_field  # noqa: F401

LANGUAGES = ("zh-CN", "en-US")


def day_start(day: date) -> datetime:
    """Midnight of `day` in the call center's time zone, as an aware datetime."""
    return local_time.day_start(day, local_time.center_zone())
