"""The signed-in agent's day: calls answered, handle time, missed offers, resolutions, satisfaction."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from desk import presence
from desk.screen import DayFigures, day_figures
from hotline.contracts import CaseFiles, SurveyScores, provided
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
    tickets = provided(CaseFiles)
    return tickets.tickets_resolved(session, f"agent:{agent_id}", since) if tickets is not None else 0


def satisfaction_scores(session: Session, agent_id: int, since: datetime) -> list[int]:
    """Scores (1-5) customers gave in revisits of this agent's resolutions since `since`."""
    revisits = provided(SurveyScores)
    return revisits.satisfaction_scores(session, agent_id, since) if revisits is not None else []
