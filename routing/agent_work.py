"""What routing knows about an agent's work, for the access policy (`hotline.contracts.AgentWork`).

Routing writes these queries so no other area reads its tables: the calls an agent was offered
(answered or not) and the queues the agent's skills make them serve.
"""
from __future__ import annotations

from sqlalchemy import Select, select, union
from sqlalchemy.orm import Session

from routing.models import Agent, Offer, RoutedCall
from routing.state import get_rules


def offered_call_sids(agent_id: int) -> Select:
    """Every CallSid this agent was offered or took: callers' calls and the agent's own legs."""
    return union(
        select(Offer.call_sid).where(Offer.agent_id == agent_id),
        select(Offer.leg_sid).where(Offer.agent_id == agent_id, Offer.leg_sid.is_not(None)),
        select(RoutedCall.call_sid).where(RoutedCall.agent_id == agent_id),
    )


def agent_queues(session: Session, agent_id: int, rules) -> frozenset[str]:
    """The queues whose skill the agent has at any level (the widest escalation may offer them its callers)."""
    skills = session.scalars(select(Agent.skills).where(Agent.id == agent_id)).first() or {}
    return frozenset(name for name, rule in rules.queues.items()
                     if int(skills.get(rule.skill, 0) or 0) >= 1)


class AgentWorkQueries:
    """`hotline.contracts.AgentWork`, registered by routing's init_app."""

    def offered_call_sids(self, agent_id: int) -> Select:
        return offered_call_sids(agent_id)

    def agent_queues(self, session: Session, agent_id: int) -> frozenset[str]:
        return agent_queues(session, agent_id, get_rules())
