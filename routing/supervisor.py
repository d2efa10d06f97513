"""What the supervisor's center asks of routing about the floor (hotline.contracts.CallFloor): the
callers in line and the agents' live states from Redis, the day by half hour, and each agent's time
per status and missed offers, counted in SQL. The pages themselves are supervision's."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import and_, cast, extract, func, literal, select, union_all
from sqlalchemy import Integer as SqlInteger
from sqlalchemy.orm import Session, aliased

from hotline.clock import now
from hotline.contracts import FloorAgent, FloorNow, HalfHourCounts, WaitingCaller
from hotline.db import UTCDateTime
from hotline.kpi_query import count_if
from routing.kpi_queries import EPOCH, HALF_HOUR
from routing.models import Agent, AgentEvent, Offer, RoutedCall
from routing.reservations import PREFIX
from routing.service_level_query import seconds_between
from routing.state import get_reservations, get_rules

# The statuses in which an agent holds a call (the Redis hash's `call` is the last one otherwise).
HOLDING = ("reserved", "on_call", "wrap_up")


def _utc(seconds: str | float | None) -> datetime | None:
    return None if seconds in (None, "") else datetime.fromtimestamp(float(seconds), timezone.utc)


def _clip(session: Session, *values, highest: bool):
    if session.get_bind().dialect.name == "postgresql":
        return (func.greatest if highest else func.least)(*values)
    return (func.max if highest else func.min)(*values)


class CallFloorQueries:
    """hotline.contracts.CallFloor."""

    def floor_now(self, session: Session) -> FloorNow:
        rows = session.execute(select(Agent.id, Agent.name, Agent.status, Agent.status_since, Agent.skills,
                                      Agent.languages).order_by(Agent.name, Agent.id)).all()
        redis = get_reservations(session).redis
        # One round trip for the line's keys and every agent; one more for the callers and the calls held.
        pipe = redis.pipeline(transaction=False)
        pipe.smembers(f"{PREFIX}waitkeys")
        for row in rows:
            pipe.hgetall(f"{PREFIX}agent:{row.id}")
        keys_raw, *agents_raw = pipe.execute()
        live = {row.id: {k.decode(): v.decode() for k, v in raw.items()} for row, raw in zip(rows, agents_raw)}
        keys = sorted(key.decode() for key in keys_raw)
        held = sorted({data["call"] for data in live.values()
                       if data.get("call") and data.get("status") in HOLDING})
        replies = []
        if keys or held:
            pipe = redis.pipeline(transaction=False)
            for key in keys:
                pipe.zrange(key, 0, -1, withscores=True)
            for sid in held:
                pipe.hget(f"{PREFIX}call:{sid}", "queue")
            replies = pipe.execute()
        callers = []
        for key, members in zip(keys, replies):
            _, _, queue, language, priority = key.split(":")
            callers += [WaitingCaller(sid.decode(), queue, language, int(priority), _utc(entered))
                        for sid, entered in members]
        queues = {sid: (queue.decode() if isinstance(queue, bytes) else queue)
                  for sid, queue in zip(held, replies[len(keys):])}
        agents = []
        for row in rows:
            data = live.get(row.id, {})
            status = data.get("status") or row.status
            sid = data.get("call") if status in HOLDING and data.get("call") else None
            agents.append(FloorAgent(row.id, row.name, status, _utc(data.get("since")) or row.status_since,
                                     row.skills or {}, tuple(row.languages or ()), sid, queues.get(sid)))
        return FloorNow(sorted(callers, key=lambda c: (c.entered_at, c.sid)), agents)

    def half_hours(self, session: Session, start: datetime, end: datetime,
                   threshold_seconds: float) -> list[HalfHourCounts]:
        rc = RoutedCall
        if session.get_bind().dialect.name == "postgresql":
            slot = func.floor(extract("epoch", rc.entered_at) / HALF_HOUR)
        else:
            slot = cast(func.strftime("%s", rc.entered_at), SqlInteger) // HALF_HOUR
        gave_up = and_(rc.answered_at.is_(None), rc.abandoned_at.is_not(None))
        query = (select(rc.queue, slot.label("slot"), func.count(), func.count(rc.answered_at), count_if(gave_up),
                        count_if(and_(gave_up, seconds_between(session, rc.entered_at, rc.abandoned_at)
                                      <= threshold_seconds)),
                        count_if(seconds_between(session, rc.entered_at, rc.answered_at) <= threshold_seconds),
                        count_if(and_(rc.answered_at.is_(None), rc.abandoned_at.is_(None), rc.outcome == "waiting")))
                 .where(rc.entered_at >= start, rc.entered_at < end).group_by(rc.queue, slot))
        return [HalfHourCounts(queue, EPOCH + timedelta(seconds=int(n) * HALF_HOUR), *map(int, rest))
                for queue, n, *rest in session.execute(query)]

    def status_seconds(self, session: Session, start: datetime, end: datetime) -> dict[int, dict[str, float]]:
        end = min(end, now())
        ev, earlier = AgentEvent, aliased(AgentEvent)
        # The status an agent is in when the period starts is that of their last change before it,
        # however long ago (an agent on leave for a week): one indexed lookup per agent
        # (ix_agent_events_agent_id_at), not a scan of the history.
        last_before = (select(earlier.id).where(earlier.agent_id == Agent.id, earlier.at < start)
                       .order_by(earlier.at.desc(), earlier.id.desc()).limit(1).correlate(Agent).scalar_subquery())
        changes = union_all(
            select(ev.agent_id, ev.status, ev.at, ev.id).where(ev.at >= start, ev.at < end),
            select(ev.agent_id, ev.status, ev.at, ev.id).where(ev.id.in_(select(last_before).select_from(Agent)))).subquery("changes")
        following = func.lead(changes.c.at).over(partition_by=changes.c.agent_id, order_by=(changes.c.at, changes.c.id))
        events = select(changes.c.agent_id, changes.c.status, changes.c.at, following.label("until")).subquery("events")
        # Typed bounds: UTCDateTime turns them to UTC, as SQLite's rows are (an untyped one keeps its offset).
        start_at, end_at = literal(start, UTCDateTime()), literal(end, UTCDateTime())
        since = _clip(session, events.c.at, start_at, highest=True)
        until = _clip(session, func.coalesce(events.c.until, end_at), end_at, highest=False)
        spent = seconds_between(session, since, until)
        query = (select(events.c.agent_id, events.c.status, func.sum(spent))
                 .where(func.coalesce(events.c.until, end_at) > start_at)
                 .group_by(events.c.agent_id, events.c.status))
        found: dict[int, dict[str, float]] = {}
        for agent_id, status, seconds in session.execute(query):
            found.setdefault(agent_id, {})[status] = max(float(seconds or 0), 0.0)
        return found

    def missed_offers(self, session: Session, start: datetime, end: datetime) -> dict[int, int]:
        query = (select(Offer.agent_id, func.count())
                 .where(Offer.result == "missed", Offer.offered_at >= start, Offer.offered_at < end)
                 .group_by(Offer.agent_id))
        return {agent_id: n for agent_id, n in session.execute(query)}

    def queue_skills(self) -> dict[str, str]:
        return {name: rule.skill for name, rule in get_rules().queues.items()}
