"""The pure routing decisions, and the Redis reservations making the very same ones."""
from __future__ import annotations

import random

import pytest

from routing.matching import (AgentView, WaitingCall, call_priority, choose_agent, choose_call, pool_strategies,
                              requirements, wait_needed)
from routing.rules import load_rules

RULES = load_rules()
STRATEGIES = pool_strategies(RULES.queues.values())
NOW = 1_800_000_000.0


def agent(id_, skills, languages=("zh-CN",), idle=NOW - 100, offered=0, calls=0, status="available"):
    return AgentView(id_, skills, tuple(languages), status, idle, offered, calls)


@pytest.mark.parametrize("waited, expected", [
    (0, [("complaint", 3)]),
    (30, [("complaint", 2)]),
    (60, [("complaint", 1)]),
    (90, [("complaint", 1), ("problem", 3)]),
])
def test_requirements_widen_with_the_wait(waited, expected):
    assert requirements(RULES.queues["complaint"], waited) == expected


def test_wait_needed_per_agent():
    rule = RULES.queues["complaint"]
    assert wait_needed(rule, {"complaint": 4}) == 0
    assert wait_needed(rule, {"complaint": 2}) == 30
    assert wait_needed(rule, {"problem": 5}) == 90
    assert wait_needed(rule, {"problem": 2}) is None


def test_highest_level_first_then_longest_idle():
    call = WaitingCall("CA1", "complaint", "zh-CN", 20, NOW)
    agents = [agent(1, {"complaint": 3}, idle=NOW - 900), agent(2, {"complaint": 5}, idle=NOW - 10),
              agent(3, {"complaint": 5}, idle=NOW - 20)]
    assert choose_agent(call, RULES.queues["complaint"], agents, NOW, STRATEGIES).id == 3


def test_round_robin_and_fewest_calls():
    inquiry = WaitingCall("CA1", "inquiry", "zh-CN", 10, NOW)
    agents = [agent(1, {"inquiry": 2}, offered=7, idle=NOW - 999), agent(2, {"inquiry": 2}, offered=3, idle=NOW)]
    assert choose_agent(inquiry, RULES.queues["inquiry"], agents, NOW, STRATEGIES).id == 2
    after = WaitingCall("CA2", "aftersales", "zh-CN", 10, NOW)
    agents = [agent(1, {"aftersales": 2}, calls=9, idle=NOW - 999), agent(2, {"aftersales": 2}, calls=2, idle=NOW)]
    assert choose_agent(after, RULES.queues["aftersales"], agents, NOW, STRATEGIES).id == 2


def test_language_and_status_are_requirements():
    call = WaitingCall("CA1", "inquiry", "en-US", 10, NOW)
    agents = [agent(1, {"inquiry": 5}), agent(2, {"inquiry": 1}, ("en-US",), status="break")]
    assert choose_agent(call, RULES.queues["inquiry"], agents, NOW, STRATEGIES) is None


def test_freed_agent_takes_highest_priority_then_longest_wait():
    calls = [WaitingCall("CA1", "inquiry", "zh-CN", 10, NOW - 300),
             WaitingCall("CA2", "complaint", "zh-CN", 20, NOW - 10),
             WaitingCall("CA3", "complaint", "zh-CN", 20, NOW - 50),
             WaitingCall("CA4", "urgent", "zh-CN", 30, NOW - 5)]
    senior = agent(1, {"inquiry": 3, "complaint": 4})
    assert choose_call(senior, calls, RULES.queues, NOW).sid == "CA3"
    junior = agent(2, {"inquiry": 3, "complaint": 2})  # may take complaints only after 30 s
    assert choose_call(junior, calls, RULES.queues, NOW).sid == "CA3"
    assert choose_call(junior, calls[:2], RULES.queues, NOW).sid == "CA1"


def test_vip_is_raised():
    assert call_priority(RULES.queues["inquiry"], True, RULES.vip_boost) == 15
    assert call_priority(RULES.queues["urgent"], False, RULES.vip_boost) == 30
    assert call_priority(RULES.queues["inquiry"], False, RULES.vip_boost, requested=25) == 25


def test_redis_reservations_decide_like_the_pure_matching(settings):
    """Random agents and callers: Redis (Lua + pools) and matching.py pick the same every time."""
    import redis

    from routing.memory_reservations import MemoryReservations
    from routing.reservations import Reservations

    client = redis.Redis.from_url(settings.redis_url)
    client.flushdb()
    # No reservation expires here: expiry is tested on its own, and the memory version has none.
    live, pure = Reservations(client, RULES, 10**7), MemoryReservations(RULES)
    rng = random.Random(4)
    queues = list(RULES.queues)
    clock = NOW
    for i in range(1, 41):
        skills = {q: rng.randint(1, 5) for q in queues if rng.random() < 0.4} or {"inquiry": 1}
        languages = ("zh-CN", "en-US") if i % 3 == 0 else ("zh-CN",)
        a = AgentView(i, skills, languages, "available", clock - rng.randint(0, 500))
        live.put_agent(AgentView(a.id, dict(a.skills), a.languages, a.status, a.idle_since), "", "", clock)
        pure.put_agent(a)
    decisions = 0
    for step in range(400):
        clock += rng.uniform(0, 8)
        if rng.random() < 0.55:
            queue = rng.choice(queues)
            call = WaitingCall(f"CA{step}", queue, rng.choice(["zh-CN", "zh-CN", "en-US"]),
                               call_priority(RULES.queues[queue], rng.random() < 0.1, RULES.vip_boost), clock)
            live.enqueue(call)
            pure.enqueue(WaitingCall(call.sid, call.queue, call.language, call.priority, call.entered_at))
            assert live.reserve_for_call(call, clock) == pure.reserve_for_call(pure.calls[call.sid], clock)
        else:
            busy = [a for a in pure.agents.values() if a.status == "reserved"]
            if busy:
                freed = rng.choice(busy)
                sid = pure.agent_call[freed.id]
                live.answer(freed.id, sid, clock), pure.answer(freed.id, sid, clock)
                live.release(freed.id, sid, "available", clock), pure.release(freed.id, sid, "available", clock)
                got_live = live.reserve_for_agent(freed.id, freed.skills, clock)
                assert got_live == pure.reserve_for_agent(freed.id, freed.skills, clock)
                decisions += got_live is not None
            for sid, call in list(pure.waiting.items()):  # escalation re-checks, as waitUrl does
                assert live.reserve_for_call(live.waiting_call(sid), clock) == pure.reserve_for_call(call, clock)
    assert decisions > 20
