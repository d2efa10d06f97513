"""Who takes which caller: the routing decisions as plain functions, free of Flask, Twilio and Redis.

The same rules drive the live system (whose Redis pools are ordered by `pool_score`) and the
simulator (which calls `choose_agent`/`choose_call` directly), so a test can check one against
the other.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Mapping

from routing.rules import QueueRule

# Scores count seconds from here, so they stay small enough for exact float arithmetic.
EPOCH = 1_577_836_800.0  # 2020-01-01T00:00:00Z
LEVEL_BAND = 1e12  # one skill level's band in a pool score; strategy keys stay below it
MAX_LEVEL = 5


@dataclass
class AgentView:
    """What matching needs to know of an agent."""

    id: int
    skills: dict[str, int]
    languages: tuple[str, ...]
    status: str = "available"
    idle_since: float = EPOCH  # unix seconds when they last became free
    last_offered: int = 0  # the offer sequence number of their last offer (round-robin)
    calls_answered: int = 0


@dataclass
class WaitingCall:
    sid: str
    queue: str
    language: str
    priority: int
    entered_at: float  # unix seconds
    meta: dict = field(default_factory=dict)


def call_priority(rule: QueueRule, vip: bool, vip_boost: int, requested: int | None = None) -> int:
    """The queue's priority (or the one the IVR asked for, if higher), raised for a known VIP."""
    base = max(rule.priority, requested or 0)
    return base + (vip_boost if vip else 0)


def requirements(rule: QueueRule, waited: float) -> list[tuple[str, int]]:
    """The (skill, minimum level) pairs acceptable after `waited` seconds, in order of preference."""
    level = rule.min_level
    fallbacks: list[tuple[str, int]] = []
    for step in rule.escalation:
        if waited < step.after_seconds:
            break
        if step.min_level is not None:
            level = step.min_level
        if step.fallback_skill and step.fallback_skill != rule.skill:
            fallbacks.append((step.fallback_skill, step.fallback_min_level))
    return [(rule.skill, level)] + fallbacks


def wait_needed(rule: QueueRule, skills: Mapping[str, int]) -> float | None:
    """How long a caller of this queue must have waited before an agent with `skills` may take them."""
    for waited in [0.0] + [float(s.after_seconds) for s in rule.escalation]:
        if any(skills.get(skill, 0) >= level for skill, level in requirements(rule, waited)):
            return waited
    return None


def strategy_key(strategy: str, agent: AgentView) -> float:
    idle = round(agent.idle_since - EPOCH, 3)
    if strategy == "round-robin":
        return float(agent.last_offered)
    if strategy == "fewest-calls":
        return min(agent.calls_answered, 999) * 1e9 + idle
    return idle


def pool_score(level: int, strategy: str, agent: AgentView) -> float:
    """An agent's place in a skill's pool: higher level first, then the queue's strategy."""
    return (MAX_LEVEL - level) * LEVEL_BAND + strategy_key(strategy, agent)


def pool_strategies(rules: Iterable[QueueRule]) -> dict[str, str]:
    """Each skill's pool is ordered by the strategy of the queue that requires that skill."""
    return {rule.skill: rule.strategy for rule in rules}


def pool_scores(agent: AgentView, strategies: Mapping[str, str]) -> dict[str, float]:
    return {skill: pool_score(level, strategies.get(skill, "longest-idle"), agent)
            for skill, level in agent.skills.items()}


def choose_agent(call: WaitingCall, rule: QueueRule, agents: Iterable[AgentView], now: float,
                 strategies: Mapping[str, str]) -> AgentView | None:
    """For a caller: the best available agent who meets the current step and speaks their language."""
    free = [a for a in agents if a.status == "available" and call.language in a.languages]
    for skill, level in requirements(rule, now - call.entered_at):
        fits = [a for a in free if a.skills.get(skill, 0) >= level]
        if fits:
            strategy = strategies.get(skill, "longest-idle")
            return min(fits, key=lambda a: (pool_score(a.skills[skill], strategy, a), str(a.id)))
    return None


def choose_call(agent: AgentView, calls: Iterable[WaitingCall], rules: Mapping[str, QueueRule],
                now: float) -> WaitingCall | None:
    """For a freed agent: the waiting call of highest priority, then longest wait, they can serve."""
    best: WaitingCall | None = None
    for call in calls:
        rule = rules.get(call.queue)
        if rule is None or call.language not in agent.languages:
            continue
        needed = wait_needed(rule, agent.skills)
        if needed is None or now - call.entered_at < needed:
            continue
        if best is None or (-call.priority, call.entered_at, call.sid) < (-best.priority, best.entered_at, best.sid):
            best = call
    return best
