"""Callbacks Twilio sent once and we never kept are recovered by asking Twilio (hotline.reconcile):
the call's end with its side effects, and recordings nobody reported, each stored once."""
from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import select

from hotline import db
from hotline.jobs import get_queue, run_burst
from hotline.models import Call
from recordings.models import Recording
from tests.support.factories import api_agent

# ROUTING_CONFERENCE=false for these (tests/conftest.py, direct_dial): why, and where conference mode is tested.
DIRECT_DIAL = pytest.mark.direct_dial(
    "the simulated agent ends the call by hanging up and the recording is the direct Dial's (in "
    "conference mode the agent hanging up returns the caller to the line)")

# Everything that would tell the app the call is over: its status callback, the Dial's action, the recording.
LOST_PATHS = ("/voice/status", "/voice/route/dialed", "/recordings/status")


class LosingNetwork:
    """Requests to `paths` never reach the app (a reset connection, as Twilio would see a server
    that went away); Twilio sends a callback once, so those are lost. Everything else goes through."""

    def __init__(self, transport, paths=LOST_PATHS) -> None:
        self.transport, self.paths, self.lost = transport, paths, []
        self._deliver = transport.deliver
        transport.deliver = self.deliver

    def deliver(self, request, virtual_now):
        path = request.url[len(self.transport.public_base_url):].split("?")[0]
        if path in self.paths:
            request.error = "ConnectionError: connection reset by peer"
            self.lost.append(path)
            return
        self._deliver(request, virtual_now)


@pytest.fixture
def agent(api):
    return api_agent(api, "alice", {"inquiry": 4}, status="available")


def _call(app, sid):
    with app.app_context():
        return db.session().scalars(select(Call).where(Call.sid == sid)).one()


def _recordings(app):
    with app.app_context():
        return db.session().scalars(select(Recording)).all()


def _jobs(app):
    with app.app_context():
        return Counter(job.id for job in get_queue("default").get_jobs())


def _reconcile(app):
    from hotline.reconcile import reconcile_calls

    with app.app_context():
        return reconcile_calls()


@DIRECT_DIAL
def test_a_call_whose_end_and_recording_callbacks_were_lost_is_completed_from_twilios_record(
        app, settings, simulator, clock, agent):
    network = LosingNetwork(simulator.transport)
    simulator.agent("client:alice", answer_after_rings=1, talk_seconds=30)
    caller = simulator.call(url="/voice/route?queue=inquiry")
    simulator.run()
    assert caller.status == "completed" and len(caller.recordings) == 1
    assert set(network.lost) == set(LOST_PATHS)
    assert _call(app, caller.sid).status not in ("completed", "canceled") and _recordings(app) == []

    assert _reconcile(app) == {}  # too soon: a callback may merely be late
    clock.advance(4 * settings.sweep_seconds + 1)
    assert _reconcile(app) == {"end applied, recordings found": 1}
    call = _call(app, caller.sid)
    assert call.status == "completed" and call.duration_seconds == caller.duration
    assert call.end_announced_at is not None and call.reconcile_at is None  # call_ended went out, once
    with app.app_context():  # as the callback would have: the conversation is over, wrap-up begins
        from routing.models import Agent

        assert db.session().get(Agent, agent).status == "wrap_up"
    [recording] = _recordings(app)
    assert (recording.sid, recording.call_sid, recording.status) == (caller.recordings[0].sid, caller.sid, "pending")
    download = f"recording-download-{recording.sid}"
    assert _jobs(app)[download] == 1

    clock.advance(3600)
    assert _reconcile(app) == {}  # nothing left to ask: the call is out of the sweep's index
    run_burst(app, ("default",))
    assert [r.status for r in _recordings(app)] == ["stored"]
    fetched = [path for method, path in simulator.sandbox.state.requests
               if method == "GET" and path.endswith(f"{recording.sid}.wav")]
    assert len(fetched) == 1


@DIRECT_DIAL
def test_a_recording_whose_callback_was_lost_is_found_after_the_call_ended(app, settings, simulator, clock, agent):
    network = LosingNetwork(simulator.transport, paths=("/recordings/status",))
    simulator.agent("client:alice", answer_after_rings=1, talk_seconds=30)
    caller = simulator.call(url="/voice/route?queue=inquiry")
    simulator.run()
    # Sent with connection overrides (#rc=5): the first try and its five retries all lost.
    assert network.lost == ["/recordings/status"] * 6 and _call(app, caller.sid).status == "completed"
    clock.advance(2 * settings.sweep_seconds + 1)
    assert _reconcile(app) == {"recordings found": 1}
    assert [r.sid for r in _recordings(app)] == [caller.recordings[0].sid]
    # The callback arriving late after all (or twice) changes nothing: one row, one download job.
    simulator.replay(next(r for r in simulator.requests if r.kind == "recording"))
    assert len(_recordings(app)) == 1 and _jobs(app)[f"recording-download-{caller.recordings[0].sid}"] == 1


@DIRECT_DIAL
def test_a_call_still_live_at_twilio_is_asked_again_later_not_ended(app, settings, simulator, clock, agent):
    simulator.agent("client:alice", answer_after_rings=1, talk_seconds=3600)
    caller = simulator.call(url="/voice/route?queue=inquiry")
    simulator.run(until=120)
    assert caller.status == "in-progress"
    clock.advance(4 * settings.sweep_seconds + 1)
    assert _reconcile(app) == {"still live": 1}
    call = _call(app, caller.sid)
    assert call.status == "in-progress" and call.reconcile_at > call.created_at
    assert _reconcile(app) == {}  # not asked again until its next time


def test_the_sweep_takes_a_bounded_batch_earliest_first(app, twilio, clock, monkeypatch):
    """Calls Twilio does not know (not this account's) are asked once and left; each run takes at most
    BATCH of the due ones, in reconcile_at order, so none starves behind the others."""
    import hotline.reconcile as reconcile

    monkeypatch.setattr(reconcile, "BATCH", 3)
    sids = [f"CA{n:032x}" for n in range(1, 8)]
    for sid in sids:
        twilio.post("/voice/status", twilio.call_params(sid, CallStatus="in-progress"))
        clock.advance(1)
    clock.advance(3600)
    assert _reconcile(app) == {"unknown to Twilio": 3}
    assert _reconcile(app) == {"unknown to Twilio": 3}
    assert _reconcile(app) == {"unknown to Twilio": 1}
    assert _reconcile(app) == {}
    with app.app_context():
        assert db.session().scalars(select(Call.sid).where(Call.reconcile_at.is_not(None))).all() == []
