"""GET /api/metrics/service-level?from=&to=&queue= (ISO 8601 times; default: today so far)."""
from __future__ import annotations

from datetime import datetime, timedelta

from flask import Blueprint, current_app, jsonify, request
from sqlalchemy import func, select

from hotline import db, local_time
from hotline.api import schemas
from hotline.api.auth import require_role
from hotline.api.errors import abort_json
from hotline.api.openapi import operation
from hotline.clock import now
from hotline.params import query_moment, query_text
from routing.models import Agent, Offer, RoutedCall
from routing.service_level import CallRecord, summarise

bp = Blueprint("service_level", __name__)  # nested under /api by the app factory (hotline.areas)


def _when(name: str, default: datetime) -> datetime:
    return query_moment(request.args.get(name), name, default, local_time.center_zone())


def start_of_day() -> datetime:
    """Midnight today in the call center's zone: the supervisor's "today"."""
    zone = local_time.center_zone()
    return local_time.local(local_time.start_of_day(now(), zone), zone)  # echoed as "from" in local time


def service_level_report(start: datetime, end: datetime, queue: str | None = None) -> dict:
    session = db.session()
    names = dict(session.execute(select(Agent.id, Agent.name)).all())
    query = select(RoutedCall).where(RoutedCall.entered_at >= start, RoutedCall.entered_at < end)
    if queue:
        query = query.where(RoutedCall.queue == queue)
    rows = session.scalars(query).all()
    missed_query = (select(Offer.agent_id, func.count()).where(Offer.result == "missed", Offer.offered_at >= start,
                                                               Offer.offered_at < end).group_by(Offer.agent_id))
    if queue:
        missed_query = missed_query.where(Offer.call_sid.in_([r.call_sid for r in rows]))
    missed = {names.get(agent_id, str(agent_id)): count for agent_id, count in session.execute(missed_query)}
    records = [CallRecord(r.queue, r.entered_at, r.answered_at, r.abandoned_at, names.get(r.agent_id)) for r in rows]
    threshold = current_app.config["HOTLINE_SETTINGS"].ring_timeout_seconds
    report = summarise(records, missed, threshold, now())
    by_queue = {}
    for name in sorted({r.queue for r in records}):
        part = summarise([r for r in records if r.queue == name], {}, threshold, now())
        part.pop("missed_offers_per_agent")
        by_queue[name] = part
    report.update({"from": start.isoformat(), "to": end.isoformat(), "queue": queue, "queues": by_queue})
    return report


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
