"""The reservation interface of `routing.reservations.Reservations`, in memory, for the simulator.

It decides with `routing.matching.choose_agent`/`choose_call` directly, one process, no Redis;
a test checks that it and the Redis implementation reserve the same agents for the same calls.
"""
from __future__ import annotations

from typing import Mapping

from routing.matching import AgentView, WaitingCall, choose_agent, choose_call, pool_strategies
from routing.reservations import StatusChange
from routing.rules import QueueRules


class MemoryReservations:
    def __init__(self, rules: QueueRules, ttl_seconds: int = 60) -> None:
        self.rules = rules
        self.ttl = ttl_seconds
        self.strategies = pool_strategies(rules.queues.values())
        self.agents: dict[int, AgentView] = {}
        self.agent_call: dict[int, str] = {}
        self.calls: dict[str, WaitingCall] = {}
        self.state: dict[str, str] = {}
        self.call_agent: dict[str, int] = {}
        self.waiting: dict[str, WaitingCall] = {}
        self.seq = 0

    def put_agent(self, agent: AgentView, address: str = "", name: str = "", now: float = 0.0) -> str:
        self.agents[agent.id] = agent
        return agent.status

    def set_status(self, agent_id: int, status: str, now: float, allowed_from: tuple[str, ...] | None = None) -> StatusChange:
        agent = self.agents[agent_id]
        previous = agent.status
        if allowed_from is not None and previous not in allowed_from:
            return StatusChange(False, previous)
        agent.status = status
        if status == "available":
            agent.idle_since = now
        return StatusChange(True, previous)

    def enqueue(self, call: WaitingCall, callback: bool = False) -> str:
        if call.sid in self.state and self.state[call.sid] != "done":
            return self.state[call.sid]
        self.calls[call.sid] = call
        self.state[call.sid] = "waiting"
        self.waiting[call.sid] = call
        return "waiting"

    def _reserve(self, agent: AgentView, sid: str) -> None:
        self.seq += 1
        agent.status, agent.last_offered = "reserved", self.seq
        self.agent_call[agent.id] = sid
        self.state[sid] = "reserved"
        self.call_agent[sid] = agent.id
        del self.waiting[sid]

    def reserve_for_call(self, call: WaitingCall, now: float) -> int | None:
        if self.state.get(call.sid) != "waiting":
            return None
        agent = choose_agent(call, self.rules.queues[call.queue], self.agents.values(), now, self.strategies)
        if agent is None:
            return None
        self._reserve(agent, call.sid)
        return agent.id

    def reserve_for_agent(self, agent_id: int, skills: Mapping[str, int], now: float) -> str | None:
        agent = self.agents[agent_id]
        if agent.status != "available":
            return None
        call = choose_call(agent, self.waiting.values(), self.rules.queues, now)
        if call is None:
            return None
        self._reserve(agent, call.sid)
        return call.sid

    def answer(self, agent_id: int, sid: str, now: float) -> int:
        agent = self.agents[agent_id]
        if self.agent_call.get(agent_id) != sid or agent.status != "reserved":
            return 1 if agent.status == "on_call" and self.agent_call.get(agent_id) == sid else 0
        agent.status = "on_call"
        agent.calls_answered += 1
        self.state[sid] = "connected"
        return 2

    def release(self, agent_id: int, sid: str, status: str, now: float, requeue: bool = False) -> bool:
        if self.agent_call.get(agent_id) != sid:
            return False
        self.set_status(agent_id, status, now)
        del self.agent_call[agent_id]
        if requeue and self.state.get(sid) not in (None, "done"):
            self.state[sid] = "waiting"
            self.waiting[sid] = self.calls[sid]
        else:
            self.state[sid] = "done"
        return True

    def state_of(self, sid: str) -> str | None:
        return self.state.get(sid)

    def finish_call(self, sid: str, now: float) -> str | None:
        previous = self.state.get(sid)
        if previous in (None, "done"):
            return previous
        self.waiting.pop(sid, None)
        agent_id = self.call_agent.get(sid)
        if previous == "reserved" and agent_id is not None and self.agent_call.get(agent_id) == sid:
            self.agent_call.pop(agent_id)
            self.set_status(agent_id, "available", now)
        self.state[sid] = "done"
        return previous
