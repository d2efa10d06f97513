"""Keeping who answered a call, which queue it came through and who hung up first, for QA (from events)."""
from __future__ import annotations

from sqlalchemy import select

from hotline import db
from hotline.contracts import CallAnswered, CallRouted, ConversationOver
from transcription.assessment import judge_hang_up
from transcription.models import CallFacts


def _facts(call_sid: str) -> CallFacts:
    session = db.session()
    facts = session.scalars(select(CallFacts).where(CallFacts.call_sid == call_sid)).first()
    if facts is None:
        facts = CallFacts(call_sid=call_sid)
        session.add(facts)
    return facts


def remember_agent(event: CallAnswered) -> None:
    # Handlers run in the publisher's session; the publisher commits.
    _facts(event.call_sid).agent_id = event.agent_id
    db.session().flush()


def remember_route(event: CallRouted) -> None:
    facts = _facts(event.call_sid)
    facts.queue, facts.language = event.category or facts.queue, event.language or facts.language
    db.session().flush()


def remember_hang_up(event: ConversationOver) -> None:
    _facts(event.call_sid).hung_up_first = event.hung_up_first
    db.session().flush()
    judge_hang_up(event.call_sid, event.hung_up_first)  # a transcript analysed before the fact came is scored on it now
