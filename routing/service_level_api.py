"""GET /api/metrics/service-level?from=&to=&queue= (ISO 8601 times; default: today so far)."""
from __future__ import annotations

from datetime import datetime, timedelta

from flask import Blueprint, current_app, jsonify, request

from hotline import db, local_time
from hotline.api import schemas
from hotline.api.auth import require_role
from hotline.api.errors import abort_json
from hotline.api.openapi import operation
from hotline.clock import now
from hotline.params import query_moment, query_text
from routing.models import RoutedCall
from routing.service_level import Tally, report
from routing.service_level_query import missed_offers, queue_tallies

bp = Blueprint("service_level", __name__)  # nested under /api by the app factory (hotline.areas)


def _when(name: str, default: datetime) -> datetime:
    return query_moment(request.args.get(name), name, default, local_time.center_zone())


def start_of_day() -> datetime:
    """Midnight today in the call center's zone: the supervisor's "today"."""
    zone = local_time.center_zone()
    return local_time.local(local_time.start_of_day(now(), zone), zone)  # echoed as "from" in local time


def service_level_report(start: datetime, end: datetime, queue: str | None = None) -> dict:
    session = db.session()
    threshold = current_app.config["HOTLINE_SETTINGS"].ring_timeout_seconds
    tallies = queue_tallies(session, start, end, queue, threshold, now())
    total = Tally()
    for part in tallies.values():
        total.add(part)
    result = report(total, missed_offers(session, start, end, queue), threshold)
    by_queue = {}
    for name in sorted(tallies):
        by_queue[name] = report(tallies[name], {}, threshold)
        by_queue[name].pop("missed_offers_per_agent")
    result.update({"from": start.isoformat(), "to": end.isoformat(), "queue": queue, "queues": by_queue})
    return result


@bp.get("/metrics/service-level")
@require_role("supervisor")
@operation("Service level for a period: offered, answered, abandoned, answered within three rings, "
           "average speed of answer, longest wait, missed offers per agent", tags=["metrics"],
           query={"from": schemas.MOMENT, "to": schemas.MOMENT, "queue": schemas.text(RoutedCall.queue, blank=True)},
           description="from/to: ISO 8601 (local time when no offset); default today so far. to must be after "
                       "from (else 400).")
def service_level():
    start = _when("from", start_of_day())
    end = _when("to", now() + timedelta(seconds=1))
    if end <= start:
        abort_json(400, "to: must be after from")
    return jsonify(service_level_report(start, end, query_text(request.args.get("queue"), "queue",
                                                               column=RoutedCall.queue)))
