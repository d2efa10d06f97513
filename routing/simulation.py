"""A call center on a virtual clock, driven through the real routing decisions and reservations.

Poisson arrivals per queue and language, exponential handle times and patience, agents with skills
and languages who sometimes let an offer ring out. Each step goes through the reservation interface
(`MemoryReservations` by default, or the Redis `Reservations`), exactly as the webhooks do: a new
caller is offered the best agent; an unanswered offer makes the agent `missed` and the caller is
offered the next at once; a freed agent takes the best waiting caller.
"""
from __future__ import annotations

import heapq
import itertools
import random
from dataclasses import dataclass, field

from hotline.settings import DEFAULT_RING_TIMEOUT_SECONDS
from hotline import erlang
from routing.matching import AgentView, WaitingCall, call_priority
from routing.memory_reservations import MemoryReservations
from routing.rules import QueueRules


@dataclass(frozen=True)
class Traffic:
    queue: str
    language: str
    calls_per_hour: float


@dataclass(frozen=True)
class SimAgent:
    skills: dict[str, int]
    languages: tuple[str, ...]
    answer_probability: float = 1.0


@dataclass
class Scenario:
    traffic: list[Traffic]
    agents: list[SimAgent]
    handle_seconds: float = 180.0
    patience_seconds: float | None = None  # mean; None: nobody hangs up
    answer_delay_seconds: float = 0.0  # how long an answered offer rings
    ring_timeout_seconds: float = DEFAULT_RING_TIMEOUT_SECONDS
    missed_pause_seconds: float = 60.0  # a missed agent notices and sets available again
    use_wrap_up: bool = True
    recheck_seconds: float = 5.0  # how often a waiting caller's wait is re-checked (waitUrl cycle)
    hours: float = 8.0
    seed: int = 1


@dataclass
class Result:
    offered: int = 0
    answered: int = 0
    abandoned: int = 0
    answered_in_time: int = 0
    missed_offers: int = 0
    total_wait: float = 0.0
    threshold: float = DEFAULT_RING_TIMEOUT_SECONDS
    per_queue: dict[str, list[int]] = field(default_factory=dict)

    @property
    def service_level(self) -> float:
        finished = self.answered + self.abandoned
        return self.answered_in_time / finished if finished else 0.0

    @property
    def average_speed_of_answer(self) -> float:
        return self.total_wait / self.answered if self.answered else 0.0

    @property
    def abandonment(self) -> float:
        return self.abandoned / self.offered if self.offered else 0.0


def simulate(rules: QueueRules, scenario: Scenario, reservations=None, threshold: float = DEFAULT_RING_TIMEOUT_SECONDS) -> Result:
    res = reservations or MemoryReservations(rules)
    rng = random.Random(scenario.seed)
    end = scenario.hours * 3600
    events: list[tuple[float, int, str, tuple]] = []
    order = itertools.count()

    def at(when: float, kind: str, *data) -> None:
        heapq.heappush(events, (when, next(order), kind, data))

    skills_of: dict[int, dict[str, int]] = {}
    for index, agent in enumerate(scenario.agents, start=1):
        skills_of[index] = agent.skills
        res.put_agent(AgentView(index, dict(agent.skills), agent.languages, "available", 0.0), "", f"a{index}", 0.0)
    for number, stream in enumerate(scenario.traffic):
        at(rng.expovariate(stream.calls_per_hour / 3600), "arrive", number)
    result = Result(threshold=threshold)
    entered: dict[str, float] = {}
    calls: dict[str, WaitingCall] = {}
    sids = itertools.count(1)

    def offer(sid: str, agent_id: int, now: float) -> None:
        agent = scenario.agents[agent_id - 1]
        if rng.random() < agent.answer_probability:
            at(now + scenario.answer_delay_seconds, "answer", agent_id, sid)
        else:
            at(now + scenario.ring_timeout_seconds, "missed", agent_id, sid)

    def route(sid: str, now: float) -> None:
        agent_id = res.reserve_for_call(calls[sid], now)
        if agent_id is not None:
            offer(sid, agent_id, now)
        elif scenario.recheck_seconds:
            at(now + scenario.recheck_seconds, "recheck", sid)

    def freed(agent_id: int, now: float) -> None:
        sid = res.reserve_for_agent(agent_id, skills_of[agent_id], now)
        if sid is not None:
            offer(sid, agent_id, now)

    while events:
        now, _, kind, data = heapq.heappop(events)
        if kind == "arrive":
            stream = scenario.traffic[data[0]]
            if now < end:
                at(now + rng.expovariate(stream.calls_per_hour / 3600), "arrive", data[0])
                sid = f"SIM{next(sids)}"
                rule = rules.queues[stream.queue]
                calls[sid] = WaitingCall(sid, stream.queue, stream.language, call_priority(rule, False, 0), now)
                entered[sid] = now
                result.offered += 1
                res.enqueue(calls[sid])
                if scenario.patience_seconds:
                    at(now + rng.expovariate(1 / scenario.patience_seconds), "hangup", sid)
                route(sid, now)
        elif kind == "recheck":
            if res.state_of(data[0]) == "waiting":
                route(data[0], now)
        elif kind == "answer":
            agent_id, sid = data
            if res.answer(agent_id, sid, now) == 2:
                wait = now - entered[sid]
                result.answered += 1
                result.total_wait += wait
                result.answered_in_time += wait <= threshold
                at(now + rng.expovariate(1 / scenario.handle_seconds), "hangup_after_talk", agent_id, sid)
        elif kind == "missed":
            agent_id, sid = data
            if res.release(agent_id, sid, "missed", now, requeue=True):
                result.missed_offers += 1
                at(now + scenario.missed_pause_seconds, "back", agent_id)
                if res.state_of(sid) == "waiting":
                    route(sid, now)
        elif kind == "hangup":
            previous = res.finish_call(data[0], now)
            if previous in ("waiting", "reserved"):
                result.abandoned += 1
        elif kind == "hangup_after_talk":
            agent_id, sid = data
            wrap = rules.queues[calls[sid].queue].wrap_up_seconds if scenario.use_wrap_up else 0
            res.release(agent_id, sid, "wrap_up" if wrap else "available", now)
            if wrap:
                at(now + wrap, "back", agent_id)
            else:
                freed(agent_id, now)
        elif kind == "back":
            if res.set_status(data[0], "available", now, allowed_from=("missed", "wrap_up")).changed:
                freed(data[0], now)
    return result


def erlang_prediction(scenario: Scenario, threshold: float = DEFAULT_RING_TIMEOUT_SECONDS) -> dict[str, float]:
    """Erlang C for the whole scenario as if it were one skill group."""
    rate = sum(t.calls_per_hour for t in scenario.traffic) / 3600
    traffic = rate * scenario.handle_seconds
    agents = len(scenario.agents)
    return {"traffic_erlangs": traffic, "agents": agents,
            "service_level": erlang.service_level(agents, traffic, scenario.handle_seconds, threshold),
            "average_speed_of_answer": erlang.average_speed_of_answer(agents, traffic, scenario.handle_seconds),
            "probability_of_waiting": erlang.erlang_c(agents, traffic)}
