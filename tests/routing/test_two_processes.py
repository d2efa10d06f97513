"""Two web processes (two app instances sharing the database and Redis) routing at the same time."""
from __future__ import annotations

import multiprocessing

import pytest

from tests.conftest import TwilioRequests
from tests.support.twiml import twiml

# ROUTING_CONFERENCE=false for these (tests/conftest.py, direct_dial): why, and where conference mode is tested.
DIRECT_DIAL = pytest.mark.direct_dial(
    "two processes answer through the direct Dial's whisper and action; reserving is the same Lua either "
    "way")


pytestmark = pytest.mark.slow  # two app processes racing


def _web_process(settings, clock_start, name: str, calls: int, barrier, out) -> None:
    from hotline import create_app
    from hotline.clock import FrozenClock

    app = create_app(settings, clock=FrozenClock(clock_start))
    twilio = TwilioRequests(app.test_client(), settings)
    barrier.wait()
    results = []
    for i in range(calls):
        sid = f"CA{name}{i:031d}"
        response = twilio.post("/voice/route?queue=inquiry", twilio.call_params(sid, CallStatus="in-progress"))
        doc = twiml(response)
        client = doc.find("Dial/Client")
        results.append((sid, client.text if client is not None else None, doc.find("Enqueue") is not None))
    out.put(results)


@DIRECT_DIAL
def test_two_web_processes_never_double_book(center, settings, app, clock):
    for n in range(6):
        center.agent(f"agent{n}", {"inquiry": 1 + n % 5})
    ctx = multiprocessing.get_context("fork")
    barrier, out = ctx.Barrier(2), ctx.Queue()
    workers = [ctx.Process(target=_web_process, args=(settings, clock.now(), name, 10, barrier, out))
               for name in ("1", "2")]
    for worker in workers:
        worker.start()
    results = out.get(timeout=120) + out.get(timeout=120)
    for worker in workers:
        worker.join(timeout=30)
        assert worker.exitcode == 0
    dialed = [agent for _, agent, _ in results if agent is not None]
    assert sorted(dialed) == [f"agent{n}" for n in range(6)]  # each agent offered exactly one caller
    assert sum(1 for _, agent, queued in results if agent is None and queued) == 14
    with app.app_context():
        from routing.state import get_reservations

        assert get_reservations().waiting_by_queue() == {"inquiry": 14}
