"""Agents' presence and the waiting line in Redis, shared by every web process and worker.

Each change is one run of `reservations.lua`, so reserving is atomic: an agent is never offered two
calls and a call never reaches two agents, however many processes route at once. The policy (which
skills and levels a caller accepts after their wait, how a skill's pool is ordered) comes from the
pure `routing.matching`; Redis keeps every skill's available agents in a sorted set ordered by
`pool_score`, so picking the best agent is a range query, not a scan.

Every reservation expires `reservation_ttl_seconds` after it was made (or after its caller was
handed over); a reservation whose callbacks were lost frees its agent on the next operation.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

import redis

from routing.matching import (EPOCH, LEVEL_BAND, MAX_LEVEL, AgentView, WaitingCall, pool_scores,
                              pool_strategies, requirements, wait_needed)
from routing.rules import QueueRule, QueueRules

LUA = Path(__file__).with_name("reservations.lua").read_text(encoding="utf-8")
PREFIX = "routing:"


def _score_text(value: float) -> str:
    return repr(float(value))


def _when(at: float | None) -> str:
    return "" if at is None else repr(float(at))


def _pool_limits(rule: QueueRule, waited: float) -> str:
    """The skill pools a caller of `rule` accepts after `waited` seconds, in order of preference, each
    with the highest pool score (exclusive) of the lowest level it accepts, for the script."""
    return json.dumps([[skill, "(" + _score_text((MAX_LEVEL - level + 1) * LEVEL_BAND)]
                       for skill, level in requirements(rule, waited)])


def _change(changed: Any, previous: Any) -> "StatusChange":
    return StatusChange(bool(changed), previous.decode() if isinstance(previous, bytes) else previous)


@dataclass(frozen=True)
class StatusChange:
    changed: bool
    previous: str


class Reservations:
    """The routing state in one Redis database, changed only through the Lua script."""

    def __init__(self, client: redis.Redis, rules: QueueRules, ttl_seconds: int) -> None:
        self.redis = client
        self.rules = rules
        self.ttl = ttl_seconds
        self.strategies = pool_strategies(rules.queues.values())
        self._script = client.register_script(LUA)

    def _run(self, op: str, now: float, *args: Any) -> Any:
        result = self._script(args=[op, repr(float(now)), *args])
        return result.decode() if isinstance(result, bytes) else result

    # Agents -----------------------------------------------------------------------------------
    def scores_for(self, agent: AgentView) -> str:
        return json.dumps({k: _score_text(v) for k, v in pool_scores(agent, self.strategies).items()})

    def put_agent(self, agent: AgentView, address: str, name: str, now: float) -> str:
        """Create or update an agent (profile and status); a live call keeps its status."""
        return self._run("put_agent", now, agent.id, agent.status, json.dumps(agent.skills),
                         json.dumps(list(agent.languages)), self.scores_for(agent), address, name)

    def agent_view(self, agent_id: int, now: float | None = None) -> AgentView | None:
        raw = self.redis.hgetall(f"{PREFIX}agent:{agent_id}")
        if not raw:
            return None
        data = {k.decode(): v.decode() for k, v in raw.items()}
        return AgentView(id=agent_id, skills=json.loads(data.get("skills", "{}")),
                         languages=tuple(json.loads(data.get("languages", "[]"))),
                         status=data.get("status", "offline"),
                         idle_since=now if now is not None else float(data.get("since", EPOCH)),
                         last_offered=int(data.get("rr", 0)), calls_answered=int(data.get("calls", 0)))

    def agent(self, agent_id: int) -> dict[str, str]:
        raw = self.redis.hgetall(f"{PREFIX}agent:{agent_id}")
        return {k.decode(): v.decode() for k, v in raw.items()}

    def agents(self, agent_ids: list[int]) -> dict[int, dict[str, str]]:
        """`agent()` of many in one round trip: the supervisor's poll reads every agent each time."""
        pipe = self.redis.pipeline(transaction=False)
        for agent_id in agent_ids:
            pipe.hgetall(f"{PREFIX}agent:{agent_id}")
        return {agent_id: {k.decode(): v.decode() for k, v in raw.items()}
                for agent_id, raw in zip(agent_ids, pipe.execute())}

    def set_status(self, agent_id: int, status: str, now: float, allowed_from: tuple[str, ...] | None = None,
                   free_at: float | None = None) -> StatusChange:
        """Move an agent to `status` if they are now in one of `allowed_from` (any, if None); a
        wrap-up given `free_at` ends by itself then (`release`)."""
        allowed = "*" if allowed_from is None else "," + ",".join(allowed_from) + ","
        changed, previous = self._run("set_status", now, agent_id, status, allowed,
                                      self._scores_when_free(agent_id, status, now, free_at), _when(free_at))
        return _change(changed, previous)

    def end_wrap_up(self, agent_id: int, now: float) -> StatusChange:
        """The wrap-up's job: free the agent from a wrap-up that is due; a later call's wrap-up,
        not yet due, is left to run its course."""
        return _change(*self._run("end_wrap_up", now, agent_id, self._scores_when_free(agent_id, "available", now, None)))

    def _scores_when_free(self, agent_id: int, status: str, now: float, free_at: float | None) -> str:
        """The pool scores the agent takes when free: now, or at the end of the wrap-up beginning now
        (longest-idle counts their idle time from then)."""
        if status != "available" and free_at is None:
            return ""
        view = self.agent_view(agent_id, now if free_at is None else free_at)
        return self.scores_for(view) if view else ""

    # Calls ------------------------------------------------------------------------------------
    def enqueue(self, call: WaitingCall, callback: bool = False) -> str:
        """Put a caller in line (kept where they were if already there); returns their state."""
        return self._run("enqueue", call.entered_at, call.sid, call.queue, call.language, call.priority,
                         _score_text(call.entered_at), "1" if callback else "0")

    def waiting_call(self, sid: str) -> WaitingCall | None:
        data = self.call(sid)
        if not data.get("queue"):
            return None
        return WaitingCall(sid=sid, queue=data["queue"], language=data["language"],
                           priority=int(data["priority"]), entered_at=float(data["entered"]), meta=data)

    def call(self, sid: str) -> dict[str, str]:
        raw = self.redis.hgetall(f"{PREFIX}call:{sid}")
        return {k.decode(): v.decode() for k, v in raw.items()}

    def state_of(self, sid: str) -> str | None:
        state = self.redis.hget(f"{PREFIX}call:{sid}", "state")
        return state.decode() if state else None

    def reserve_for_call(self, call: WaitingCall, now: float) -> int | None:
        """Reserve the best available agent for a waiting caller, or None if nobody fits now."""
        reqs = _pool_limits(self.rules.queues[call.queue], now - call.entered_at)
        agent_id = self._run("reserve_for_call", now, call.sid, self.ttl, reqs)
        return int(agent_id) if agent_id else None

    def reserve_for_agent(self, agent_id: int, skills: Mapping[str, int], now: float) -> str | None:
        """Reserve for a free agent the waiting caller of highest priority, then longest wait."""
        allowed = {}
        for name, rule in self.rules.queues.items():
            needed = wait_needed(rule, skills)
            if needed is not None:
                allowed[name] = _score_text(now - needed)
        if not allowed:
            return None
        sid = self._run("reserve_for_agent", now, agent_id, self.ttl, json.dumps(allowed))
        return sid or None

    def restore_reservation(self, agent_id: int, sid: str, now: float) -> bool:
        """Put back an offer in progress (the caller in the Dial to this agent) after a rebuild."""
        return bool(self._run("restore_reservation", now, agent_id, sid, self.ttl))

    def confirm_reservation(self, sid: str, now: float) -> str | None:
        """The caller's state once a reservation its agent no longer holds is undone (see the script)."""
        return self._run("confirm_reservation", now, sid) or None

    def reclaim(self, agent_id: int, sid: str, now: float) -> int:
        """The agent answered an offer whose reservation the live state lost: 2 if they are now on
        the call, 0 if the live state has them or the caller elsewhere (see the script)."""
        return int(self._run("reclaim", now, agent_id, sid))

    def restore_conversation(self, agent_id: int, sid: str, now: float) -> bool:
        """Put an agent the database has talking back on that call in the live state (see the script)."""
        return bool(self._run("restore_conversation", now, agent_id, sid))

    def claim_handover(self, sid: str, who: str, now: float) -> int | None:
        """Claim the one path (waitUrl `leave` or REST `redirect`) that takes the caller to their agent."""
        agent_id = self._run("claim_handover", now, sid, who, self.ttl)
        return int(agent_id) if agent_id else None

    def claim_ring(self, sid: str, now: float) -> int | None:
        """Claim ringing the caller's reserved agent over REST (conference mode): the agent, the
        first time for this reservation; None after that, or when nobody is reserved."""
        agent_id = self._run("claim_ring", now, sid, self.ttl)
        return int(agent_id) if agent_id else None

    def answer(self, agent_id: int, sid: str, now: float) -> int:
        """0: not this agent's call any more; 1: already answered; 2: now on the call."""
        return int(self._run("answer", now, agent_id, sid))

    def release(self, agent_id: int, sid: str, status: str, now: float, requeue: bool = False,
                free_at: float | None = None, keep_caller: bool = False) -> bool:
        """End the agent's part in this call: `status` next, the caller back in line if `requeue`,
        left where they are if `keep_caller` (another agent stays with them: a transfer).
        A wrap-up given `free_at` ends by itself at the first routing operation after that time, so
        the next caller never waits on the wrap-up's job (a worker busy, restarting or killed)."""
        caller = "2" if keep_caller else "1" if requeue else "0"
        return bool(self._run("release", now, agent_id, sid, status, caller,
                              self._scores_when_free(agent_id, status, now, free_at), _when(free_at)))

    def reserve_agent(self, agent_id: int, sid: str, now: float) -> bool:
        """A cold transfer to a named agent: reserve them for the waiting caller if they are free."""
        return bool(self._run("reserve_agent", now, agent_id, sid, self.ttl))

    def reserve_colleague(self, agent_id: int, sid: str, now: float) -> bool:
        """A consult: reserve a free colleague for a call that stays with its agent meanwhile."""
        return bool(self._run("reserve_colleague", now, agent_id, sid, self.ttl))

    def reserve_colleague_in_queue(self, queue: str, language: str, sid: str, now: float) -> int | None:
        """A consult with a queue: reserve the best free agent speaking the caller's language whom a
        caller just arrived in that queue would be offered (its skill and first level, not what its
        escalation widens to: the agent asked for that queue's specialists), for a call that stays with
        its agent; None if nobody fits now."""
        reqs = _pool_limits(self.rules.queues[queue], 0.0)
        agent_id = self._run("reserve_colleague_in_queue", now, sid, self.ttl, language, reqs)
        return int(agent_id) if agent_id else None

    def finish_call(self, sid: str, now: float) -> str | None:
        """The caller is gone; returns the state they were in (None if unknown)."""
        return self._run("finish_call", now, sid) or None

    def sweep(self, now: float) -> list[int]:
        """Free agents whose reservations expired, here or in any operation since the last sweep;
        returns their ids (each once)."""
        self._run("sweep", now)
        swept = []
        while (agent_id := self.redis.lpop(f"{PREFIX}swept")) is not None:
            swept.append(int(agent_id))
        return swept

    # Reading ------------------------------------------------------------------------------------
    def position(self, sid: str) -> int:
        """1 for the next caller to be served in this caller's queue and language."""
        call = self.waiting_call(sid)
        if call is None:
            return 0
        ahead = 0
        for key in self.redis.smembers(f"{PREFIX}waitkeys"):
            _, _, queue, language, priority = key.decode().split(":")
            if queue != call.queue or language != call.language:
                continue
            if int(priority) > call.priority:
                ahead += self.redis.zcard(key)
            elif int(priority) == call.priority:
                rank = self.redis.zrank(key, sid)  # by entry time, then CallSid, as reserving picks
                ahead += rank if rank is not None else self.redis.zcount(key, "-inf", f"({call.entered_at!r}")
        return ahead + 1

    def waiting_by_queue(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for key in self.redis.smembers(f"{PREFIX}waitkeys"):
            queue = key.decode().split(":")[2]
            counts[queue] = counts.get(queue, 0) + self.redis.zcard(key)
        return counts

    def is_empty(self) -> bool:
        return not self.redis.exists(f"{PREFIX}agents")

    def clear(self) -> None:
        for key in self.redis.scan_iter(match=f"{PREFIX}*", count=1000):
            self.redis.delete(key)
