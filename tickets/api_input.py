"""Reading tickets' API input: the shared parsers (hotline.params) and what only tickets need."""
from __future__ import annotations

from datetime import date, datetime

from hotline import local_time
from hotline.api.errors import abort_json
from hotline.params import boolean, choice, integer, query_bool, query_day, query_int, text  # noqa: F401
from hotline.params import phone as phone_field  # noqa: F401
from tickets.errors import TicketInputError
from tickets.handoff import department_key

LANGUAGES = ("zh-CN", "en-US")


def day_start(day: date) -> datetime:
    """Midnight of `day` in the call center's time zone, as an aware datetime."""
    return local_time.day_start(day, local_time.center_zone())


def department_field(raw: object) -> str | None:
    """A ticket's `department`: a key of tickets/departments.yaml (or a department's name), or none."""
    if raw is not None and not isinstance(raw, str):
        abort_json(422, "department: expected a department's key (GET /api/departments)")
    try:
        return department_key(raw)
    except TicketInputError as exc:
        abort_json(422, str(exc))
