"""Keeping who answered a call, which queue it came through and who hung up first, for QA (from signals)."""
from __future__ import annotations

from sqlalchemy import select

from hotline import db
from transcription.assessment import judge_hang_up
from transcription.models import CallFacts


def _facts(call_sid: str) -> CallFacts:
    session = db.session()
    facts = session.scalars(select(CallFacts).where(CallFacts.call_sid == call_sid)).first()
    if facts is None:
        facts = CallFacts(call_sid=call_sid)
        session.add(facts)
    return facts


def remember_agent(app, call_sid: str, agent_id: int | None = None, **_: object) -> None:
    # Receivers run in the sender's session; the sender commits.
    _facts(call_sid).agent_id = agent_id
    db.session().flush()


def remember_route(app, call_sid: str, category: str | None = None, language: str | None = None, **_: object) -> None:
    facts = _facts(call_sid)
    facts.queue, facts.language = category or facts.queue, language or facts.language
    db.session().flush()


def remember_hang_up(app, call_sid: str, hung_up_first: str | None = None, **_: object) -> None:
    _facts(call_sid).hung_up_first = hung_up_first
    db.session().flush()
    judge_hang_up(call_sid, hung_up_first)  # a transcript analysed before the fact came is scored on it now
