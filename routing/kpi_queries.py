"""What supervision asks of routing (hotline.contracts.CallKpis, StaffingRecords): callers' counts,
waits and handle times per period and group, arrivals per half hour, agents signed in. All counted
in SQL over `ix_routed_calls_entered_at`, one row per call (wrap-ups included: `wrap_seconds`, routing_0006)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import and_, cast, extract, func, or_, select
from sqlalchemy import Integer as SqlInteger
from sqlalchemy.orm import Session

from hotline.contracts import Arrivals, KpiCounts, KpiScope
from hotline.kpi_query import count_if, counts, grouped
from routing.models import Agent, RoutedCall
from routing.service_level_query import seconds_between
from routing.state import get_rules

CALL_COUNTS = ("offered", "answered", "abandoned", "short_abandoned", "waiting", "overflowed", "answered_in_threshold",
               "wait_seconds", "talked", "talk_seconds", "wrapped", "wrap_seconds", "hold_seconds")
HALF_HOUR = 1800
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


class CallKpiQueries:
    """hotline.contracts.CallKpis."""

    def call_counts(self, session: Session, scope: KpiScope, threshold_seconds: float) -> list[KpiCounts]:
        rc = RoutedCall
        query, keys = grouped(session, rc.entered_at, scope, queue=rc.queue, agent=rc.agent_id)
        wait = seconds_between(session, rc.entered_at, rc.answered_at)
        gave_up = and_(rc.answered_at.is_(None), rc.abandoned_at.is_not(None))
        talked = and_(rc.answered_at.is_not(None), rc.ended_at.is_not(None))
        query = query.add_columns(
            func.count(), func.count(rc.answered_at), count_if(gave_up),
            count_if(and_(gave_up, seconds_between(session, rc.entered_at, rc.abandoned_at) <= threshold_seconds)),
            count_if(and_(rc.answered_at.is_(None), rc.abandoned_at.is_(None), rc.outcome == "waiting")),
            count_if(rc.outcome == "overflow"),
            count_if(wait <= threshold_seconds), func.coalesce(func.sum(wait), 0),
            count_if(talked), func.coalesce(func.sum(seconds_between(session, rc.answered_at, rc.ended_at)), 0),
            count_if(and_(talked, rc.wrap_seconds.is_not(None))),
            func.coalesce(func.sum(rc.wrap_seconds), 0), func.coalesce(func.sum(rc.hold_seconds), 0))
        return counts(session.execute(query.group_by(*keys)), CALL_COUNTS)


class StaffingQueries:
    """hotline.contracts.StaffingRecords."""

    def arrivals(self, session: Session, ranges: list[tuple[datetime, datetime]],
                 queue: str | None = None) -> list[Arrivals]:
        if not ranges:
            return []
        rc = RoutedCall
        if session.get_bind().dialect.name == "postgresql":
            slot = func.floor(extract("epoch", rc.entered_at) / HALF_HOUR)
        else:
            slot = cast(func.strftime("%s", rc.entered_at), SqlInteger) // HALF_HOUR
        query = (select(rc.queue, slot.label("slot"), func.count())
                 .where(or_(*(and_(rc.entered_at >= a, rc.entered_at < b) for a, b in ranges)))
                 .group_by(rc.queue, slot))
        if queue:
            query = query.where(rc.queue == queue)
        return [Arrivals(name, EPOCH + timedelta(seconds=int(n) * HALF_HOUR), calls)
                for name, n, calls in session.execute(query)]

    def queue_names(self) -> list[str]:
        return list(get_rules().queues)

    def signed_in(self, session: Session) -> dict[str, int]:
        rules = get_rules().queues
        found = {name: 0 for name in rules}
        for skills, in session.execute(select(Agent.skills).where(Agent.status != "offline")):
            for name, rule in rules.items():
                found[name] += rule.skill in (skills or {})
        return found
