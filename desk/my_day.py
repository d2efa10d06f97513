"""The signed-in agent's day: calls answered, handle time, missed offers, resolutions, satisfaction."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desk import presence
from desk.screen import DayFigures, day_figures
from hotline.local_time import start_of_day  # a shift's day in the center's zone, not UTC's

SATISFACTION_DAYS = 7  # revisits come a day after resolution, so "today" alone would be nearly empty


def my_day(session: Session, agent_id: int, moment: datetime, timezone: str) -> DayFigures:
    since = start_of_day(moment, timezone)
    ready = presence.routing_ready()
    calls = presence.handled_calls(session, agent_id, since) if ready else []
    missed = presence.missed_offers(session, agent_id, since) if ready else 0
    return day_figures(calls, missed, tickets_resolved(session, agent_id, since),
                       satisfaction_scores(session, agent_id, moment - timedelta(days=SATISFACTION_DAYS)))


def tickets_resolved(session: Session, agent_id: int, since: datetime) -> int:
    """Tickets this agent moved to resolved since `since` (a ticket resolved twice counts twice)."""
    try:
        from tickets.models import TicketEvent
    except ImportError:
        return 0
    # Counted in the database through ix_ticket_events_actor_kind_at: the poll reads one number, not
    # every status event of the agent's day.
    return session.scalar(select(func.count()).select_from(TicketEvent).where(
        TicketEvent.actor == f"agent:{agent_id}", TicketEvent.kind == "status", TicketEvent.at >= since,
        TicketEvent.data["status"].as_string() == "resolved")) or 0


def satisfaction_scores(session: Session, agent_id: int, since: datetime) -> list[int]:
    """Scores (1-5) customers gave in revisits of this agent's resolutions since `since`."""
    try:
        from revisits.models import Revisit
    except ImportError:
        return []
    return list(session.scalars(select(Revisit.score).where(Revisit.agent_id == agent_id,
                                                           Revisit.completed_at >= since,
                                                           Revisit.score.is_not(None))))
