"""The scenarios `hotline bench routing` and bench/routing_sim.py run, and their report."""
from __future__ import annotations

import random

from routing.rules import QueueRules
from routing.simulation import Scenario, SimAgent, Traffic, erlang_prediction, simulate


def single_skill(agents: int, erlangs: float, hours: float, seed: int, handle: float = 180.0) -> Scenario:
    """One queue, one language, everyone answering at once, no wrap-up: Erlang C's own assumptions."""
    return Scenario(traffic=[Traffic("inquiry", "zh-CN", erlangs / handle * 3600)],
                    agents=[SimAgent({"inquiry": 3}, ("zh-CN",)) for _ in range(agents)],
                    handle_seconds=handle, use_wrap_up=False, recheck_seconds=0, hours=hours, seed=seed)


def mixed_center(agents: int, erlangs: float, hours: float, seed: int, handle: float = 180.0) -> Scenario:
    """Six queues, two languages, skills of several levels, 5% of offers ringing out, impatient callers."""
    rng = random.Random(seed)
    shares = {"inquiry": .40, "problem": .25, "complaint": .12, "urgent": .05, "aftersales": .15, "night": .03}
    rate = erlangs / handle * 3600
    traffic = [Traffic(q, lang, rate * share * (0.8 if lang == "zh-CN" else 0.2))
               for q, share in shares.items() for lang in ("zh-CN", "en-US")]
    team = []
    for index in range(agents):
        skills = {q: rng.randint(1, 5) for q in shares if rng.random() < 0.45}
        skills.setdefault("inquiry", rng.randint(2, 5))
        languages = ("zh-CN", "en-US") if index % 4 == 0 else ("zh-CN",)
        team.append(SimAgent(skills, languages, answer_probability=0.95))
    return Scenario(traffic=traffic, agents=team, handle_seconds=handle, patience_seconds=240,
                    answer_delay_seconds=6.0, hours=hours, seed=seed)


def report(rules: QueueRules, scenario: Scenario, threshold: float, label: str, reservations=None) -> str:
    result = simulate(rules, scenario, reservations, threshold)
    erl = erlang_prediction(scenario, threshold)
    return "\n".join([
        f"{label}: {len(scenario.agents)} agents, {erl['traffic_erlangs']:.1f} erlangs, "
        f"{scenario.hours:g} h, {result.offered} calls",
        f"  {'':28}{'simulated':>12}{'Erlang C':>12}",
        f"  {'service level (' + format(threshold, 'g') + ' s)':28}{result.service_level:>12.2%}{erl['service_level']:>12.2%}",
        f"  {'average speed of answer':28}{result.average_speed_of_answer:>11.1f}s{erl['average_speed_of_answer']:>11.1f}s",
        f"  {'abandoned':28}{result.abandonment:>12.2%}{'-':>12}",
        f"  {'missed offers':28}{result.missed_offers:>12}{'-':>12}",
    ])
