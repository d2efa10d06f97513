"""Erlang C: what queueing theory predicts for N agents, Poisson arrivals and exponential handle times.

Pure arithmetic in the plumbing, since two areas use it: routing's simulator compares itself with it,
and supervision's staffing plan sizes each half hour by it."""
from __future__ import annotations

import math


def erlang_b(agents: int, traffic: float) -> float:
    blocking = 1.0
    for k in range(1, agents + 1):  # the recursion stays stable for hundreds of agents
        blocking = traffic * blocking / (k + traffic * blocking)
    return blocking


def erlang_c(agents: int, traffic: float) -> float:
    """Probability that a caller has to wait (traffic in erlangs = arrival rate x handle time)."""
    if traffic >= agents:
        return 1.0
    blocking = erlang_b(agents, traffic)
    return agents * blocking / (agents - traffic * (1 - blocking))


def service_level(agents: int, traffic: float, handle_seconds: float, threshold_seconds: float) -> float:
    """Share of callers answered within the threshold."""
    if traffic >= agents:
        return 0.0
    return 1 - erlang_c(agents, traffic) * math.exp(-(agents - traffic) * threshold_seconds / handle_seconds)


def average_speed_of_answer(agents: int, traffic: float, handle_seconds: float) -> float:
    if traffic >= agents:
        return math.inf
    return erlang_c(agents, traffic) * handle_seconds / (agents - traffic)


def agents_needed(traffic: float, handle_seconds: float, threshold_seconds: float, target: float,
                  limit: int = 10_000) -> int:
    """The fewest agents whose predicted service level reaches `target` (0..1) for `traffic` erlangs.

    No traffic needs nobody; otherwise at least one agent more than the traffic (Erlang C has no
    steady state below that).
    """
    if traffic <= 0:
        return 0
    agents = max(1, math.floor(traffic) + 1)
    while agents < limit and service_level(agents, traffic, handle_seconds, threshold_seconds) < target:
        agents += 1
    return agents
