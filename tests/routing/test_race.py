"""Several processes reserving at once against one Redis: nobody double-booked, no caller lost."""
from __future__ import annotations

import importlib.util
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench" / "routing_reserve.py"


def _bench():
    spec = importlib.util.spec_from_file_location("routing_reserve", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_four_processes_racing_for_six_agents(redis_url):
    report = _bench().race(redis_url, processes=4, per_process=250, agents=6, hold=3)
    assert min(report["reservations_per_process"]) >= 250
    assert report["reservations"] == report["calls"] > 1000
    assert report["double_booked"] == 0
    assert report["calls_on_two_agents"] == 0
    assert report["calls_lost"] == 0
    assert report["still_waiting"] == 0
    assert report["drained_at_end"] >= 0


def test_reservation_latency_is_measured_on_a_small_center(redis_url):
    report = _bench().latency(redis_url, agents=300, waiting=100, samples=50)
    assert report["reserve_for_freed_agent"]["median_ms"] < 20
    assert report["reserve_for_new_caller"]["median_ms"] < 20
