"""The night-shift log handed to the day's first supervisor (夜班: 紧急情况立即处理并汇报; 交接班).

When the center opens (the business calendar's opening ends the night) the log of that night is built
once and stored (`NightLog`): what the night shift left, as it stood at the hand-over, not recomputed
later as tickets move on. The scheduler stores it within a minute of the opening; a supervisor page
opened earlier stores it itself. The first supervisor to read it acknowledges it (who, when); the
ones after see that it was.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from hotline import db
from hotline.calendar import get_calendar
from hotline.clock import now
from hotline.contracts import AgentDesk, need
from hotline.local_time import iso_local
from tickets import night_log
from tickets.models import NightLog


def handover(session: Session, moment: datetime) -> NightLog | None:
    """The log of the last night that has ended by `moment`, stored now if nobody has yet; None if the
    center has not opened within night_log.HORIZON_DAYS."""
    night = night_log.last_night(get_calendar(), moment)
    if night is None:
        return None
    stored = session.scalars(select(NightLog).where(NightLog.day == night.day)).first()
    if stored is not None:
        return stored
    zone = current_app.config["HOTLINE_SETTINGS"].timezone
    names = {agent_id: name for agent_id, name, _ in need(AgentDesk).agent_names(session)}
    log = NightLog(day=night.day, started_at=night.start, ended_at=night.end,
                   report=night_log.build(session, night, zone, names), produced_at=moment)
    try:
        with session.begin_nested():
            session.add(log)
    except IntegrityError:  # another process stored it first: theirs is the log
        return session.scalars(select(NightLog).where(NightLog.day == night.day)).one()
    return log


def store_last_night() -> int:
    """Periodic job: store the night's log once the center has opened; 1 if it stored one now."""
    session = db.session()
    night = night_log.last_night(get_calendar(), now())
    if night is None or session.scalar(select(NightLog.id).where(NightLog.day == night.day)) is not None:
        session.rollback()
        return 0
    handover(session, now())
    session.commit()
    return 1


def acknowledge(session: Session, log: NightLog, who: str) -> bool:
    """Record that `who` has read the log; False if someone acknowledged it first (theirs stands)."""
    done = session.execute(update(NightLog).where(NightLog.id == log.id, NightLog.acknowledged_at.is_(None))
                           .values(acknowledged_at=now(), acknowledged_by=who[:120]))
    session.refresh(log)
    return done.rowcount == 1


def handover_dict(log: NightLog, zone: str) -> dict[str, Any]:
    """The stored log with its hand-over: produced when, acknowledged by whom and when (or not yet)."""
    return {**log.report, "produced_at": iso_local(log.produced_at, zone),
            "acknowledged": log.acknowledged_at is not None,
            "acknowledged_at": iso_local(log.acknowledged_at, zone), "acknowledged_by": log.acknowledged_by or ""}
