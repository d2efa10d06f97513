"""The simulated center, driven through the real routing code, agrees with Erlang C."""
from __future__ import annotations

import math

from hotline import erlang
from routing.rules import load_rules
from routing.sim_report import mixed_center, single_skill
from routing.simulation import erlang_prediction, simulate

RULES = load_rules()


def test_erlang_c_textbook_values():
    # 10 agents, 8 erlangs: P(wait) = 0.409; 3-minute calls, 20-second threshold.
    assert math.isclose(erlang.erlang_c(10, 8.0), 0.4092, abs_tol=1e-4)
    assert math.isclose(erlang.service_level(10, 8.0, 180, 20), 1 - 0.4092 * math.exp(-2 * 20 / 180), abs_tol=1e-4)
    assert erlang.service_level(5, 6.0, 180, 20) == 0.0


def test_single_skill_service_level_within_two_points_of_erlang_c():
    scenario = single_skill(agents=10, erlangs=8.0, hours=1500, seed=11)
    result = simulate(RULES, scenario, threshold=18)
    predicted = erlang_prediction(scenario, threshold=18)
    assert result.offered > 200_000
    assert result.abandoned == 0 and result.missed_offers == 0
    assert abs(result.service_level - predicted["service_level"]) < 0.02
    assert abs(result.average_speed_of_answer - predicted["average_speed_of_answer"]) < 0.1 * predicted["average_speed_of_answer"]


def test_mixed_center_routes_every_caller_to_a_matching_agent():
    from routing.memory_reservations import MemoryReservations

    scenario = mixed_center(agents=20, erlangs=14.0, hours=8, seed=3)

    class Checked(MemoryReservations):
        def _reserve(self, agent, sid):
            call = self.calls[sid]
            from routing.matching import requirements

            assert call.language in agent.languages
            reqs = requirements(self.rules.queues[call.queue], 10**9)
            assert any(agent.skills.get(skill, 0) >= level for skill, level in reqs)
            assert agent.status == "available"
            super()._reserve(agent, sid)

    result = simulate(RULES, scenario, Checked(RULES), threshold=18)
    assert result.offered > 1000
    assert result.missed_offers > 0  # 5% of offers ring out, and are offered on at once
    assert result.answered + result.abandoned == result.offered
    assert 0 < result.service_level < 1


def test_bench_command_prints_both_reports(runner):
    result = runner.invoke(args=["bench", "routing", "--hours", "20", "--agents", "10", "--erlangs", "7"])
    assert result.exit_code == 0, result.output
    assert "single skill, all answering" in result.output and "Erlang C" in result.output
    assert "mixed center" in result.output
