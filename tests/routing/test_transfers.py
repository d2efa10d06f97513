"""Transfers and supervisor monitoring in conference mode (issue 16, items 3, 4 and 9), end to end
with the call simulator: the caller and the agents are simulated calls, the controls are the API."""
from __future__ import annotations

import dataclasses
import threading

import pytest

from hotline.jobs import run_burst
from tests.conftest import sign_in
from tests.support.conference import call_events, in_room, participant


@pytest.fixture
def settings(settings):
    return dataclasses.replace(settings, routing_conference=True)


def _answered_by_alice(center, simulator, hangup_after=300, **agents):
    alice = center.agent("alice", {"inquiry": 4, "complaint": 4})
    ids = {name: center.agent(name, skills) for name, skills in agents.items()}
    simulator.agent("client:alice", answer_after_rings=1, talk_seconds=None)
    caller = simulator.call(url="/voice/route?queue=inquiry", hangup_after=hangup_after)
    assert simulator.run_until(lambda: in_room(simulator, caller.sid) == {"caller", "client:alice"}, limit=30)
    simulator.run(until=simulator.now + 3)
    return alice, ids, caller


def test_a_warm_transfer_holds_the_caller_while_the_agent_consults_then_completes(center, simulator, app, api,
                                                                                  people, client):
    alice, ids, caller = _answered_by_alice(center, simulator, hangup_after=200, bob={"complaint": 4})
    bob = ids["bob"]
    simulator.agent("client:bob", answer_after_rings=2, talk_seconds=None)
    own = api.mint("agent", agent_id=alice)
    answer = api.post(f"/api/calls/{caller.sid}/transfer", {"agent_id": bob, "mode": "warm",
                                                             "note": "宽带断了三天，要求赔偿"}, token=own)
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json()["transfer"]["status"] == "consulting"
    simulator.run(until=simulator.now + 2)
    assert participant(simulator, caller.sid, "caller").hold  # held while alice consults
    assert any("正在为您转接" in text for text in caller.said)  # "transferring you", in the caller's language
    assert api.post(f"/api/calls/{caller.sid}/transfer/complete", token=own).status_code == 409  # bob still rings
    assert simulator.run_until(lambda: "client:bob" in in_room(simulator, caller.sid), limit=20)
    simulator.run(until=simulator.now + 1)
    assert center.agent_status(bob) == "on_call"
    # bob's desk pops the call, with alice's note
    people.add("bob", agent_id=bob)
    sign_in(client, "bob")
    pop = client.get(f"/desk/agents/{bob}/state").get_json()["call"]
    assert pop["sid"] == caller.sid
    assert pop["transfer"]["note"] == "宽带断了三天，要求赔偿" and pop["transfer"]["from_agent_id"] == alice
    done = api.post(f"/api/calls/{caller.sid}/transfer/complete", token=own)
    assert done.status_code == 200 and done.get_json()["transfer"]["status"] == "completed"
    simulator.run(until=simulator.now + 3)
    assert in_room(simulator, caller.sid) == {"caller", "client:bob"}
    assert not participant(simulator, caller.sid, "caller").hold
    assert center.agent_status(alice) == "wrap_up"
    simulator.run()
    assert simulator.errors == []
    assert caller.status == "completed"
    assert center.offers(caller.sid) == [(alice, "answered"), (bob, "answered")]
    routed = center.routed(caller.sid)
    assert (routed.outcome, routed.agent_id) == ("answered", alice)
    body = api.get(f"/api/calls/{caller.sid}").get_json()
    assert [(s["agent_id"], s["to"] is not None) for s in body["segments"]] == [(alice, True), (bob, True)]
    assert body["segments"][1]["transfer_id"] == body["transfers"][0]["id"]
    kinds = [k for k, _ in call_events(app, caller.sid, "transfer", "transfer_connected", "transfer_completed",
                                   "hold_started", "hold_ended", "hung_up_first")]
    assert kinds == ["hold_started", "transfer", "transfer_connected", "hold_ended", "transfer_completed",
                     "hung_up_first"]
    assert center.agent_status(bob) == "wrap_up"


def test_a_warm_transfer_canceled_resumes_the_caller_with_the_agent(center, simulator, app, api):
    alice, ids, caller = _answered_by_alice(center, simulator, bob={"inquiry": 4})
    bob = ids["bob"]
    simulator.agent("client:bob", answer_after_rings=1, talk_seconds=None)
    assert api.post(f"/api/calls/{caller.sid}/transfer", {"agent_id": bob, "mode": "warm"}).status_code == 200
    assert simulator.run_until(lambda: "client:bob" in in_room(simulator, caller.sid), limit=20)
    canceled = api.post(f"/api/calls/{caller.sid}/transfer/cancel")
    assert canceled.status_code == 200 and canceled.get_json()["transfer"]["status"] == "canceled"
    simulator.run(until=simulator.now + 3)
    assert in_room(simulator, caller.sid) == {"caller", "client:alice"}
    assert not participant(simulator, caller.sid, "caller").hold
    assert center.agent_status(bob) == "available"
    assert api.post(f"/api/calls/{caller.sid}/transfer/cancel").status_code == 409  # nothing under way
    simulator.run()
    assert simulator.errors == []
    assert center.offers(caller.sid) == [(alice, "answered"), (bob, "answered")]
    assert [s["agent_id"] for s in api.get(f"/api/calls/{caller.sid}").get_json()["segments"]] == [alice, bob]
    assert center.agent_status(alice) == "wrap_up"


def test_a_warm_transfer_made_three_way_keeps_the_caller_when_one_agent_leaves(center, simulator, app, api):
    alice, ids, caller = _answered_by_alice(center, simulator, hangup_after=120, bob={"inquiry": 4})
    bob = ids["bob"]
    simulator.agent("client:bob", answer_after_rings=1, talk_seconds=30)  # bob leaves the three-way after 30 s
    assert api.post(f"/api/calls/{caller.sid}/transfer", {"agent_id": bob, "mode": "warm"}).status_code == 200
    assert simulator.run_until(lambda: "client:bob" in in_room(simulator, caller.sid), limit=20)
    three = api.post(f"/api/calls/{caller.sid}/transfer/conference")
    assert three.status_code == 200 and three.get_json()["transfer"]["status"] == "three-way"
    simulator.run(until=simulator.now + 2)
    assert in_room(simulator, caller.sid) == {"caller", "client:alice", "client:bob"}
    assert not participant(simulator, caller.sid, "caller").hold
    simulator.run(until=simulator.now + 40)
    # bob left: the caller stays with alice, not back in line
    assert in_room(simulator, caller.sid) == {"caller", "client:alice"} and caller.queue is None
    assert center.agent_status(bob) == "wrap_up" and center.agent_status(alice) == "on_call"
    simulator.run()
    assert simulator.errors == []
    assert center.offers(caller.sid) == [(alice, "answered"), (bob, "answered")]
    firsts = [d for _, d in call_events(app, caller.sid, "hung_up_first")]
    assert {"party": "agent", "agent_id": bob} in firsts and {"party": "caller", "agent_id": alice} in firsts


def test_a_colleague_who_does_not_answer_brings_the_caller_back_to_the_first_agent(center, simulator, app, api):
    alice, ids, caller = _answered_by_alice(center, simulator, bob={"inquiry": 4})
    bob = ids["bob"]
    simulator.agent("client:bob", behaviour="no-answer")
    assert api.post(f"/api/calls/{caller.sid}/transfer", {"agent_id": bob, "mode": "warm"}).status_code == 200
    simulator.run(until=simulator.now + 20)
    bob_leg = next(leg for leg in simulator.calls if leg.to == "client:bob")
    assert bob_leg.status == "no-answer" and bob_leg.duration <= 15  # three rings
    assert in_room(simulator, caller.sid) == {"caller", "client:alice"}
    assert not participant(simulator, caller.sid, "caller").hold  # back with alice, never dropped
    assert caller.status == "in-progress"
    assert center.offers(caller.sid) == [(alice, "answered"), (bob, "missed")]
    assert center.agent_status(bob) == "missed" and center.agent_status(alice) == "on_call"
    [(_, failed)] = call_events(app, caller.sid, "transfer_failed")
    assert failed["reason"] == "no-answer"
    # a second try is allowed once the first is over
    assert api.post(f"/api/calls/{caller.sid}/transfer", {"queue": "complaint"}).status_code == 200
    simulator.run(until=simulator.now + 5)
    assert caller.queue == "hotline-complaint"
    simulator.run()
    assert simulator.errors == []


def _caller_hangs_up_during_a_consult(center, simulator, api, hangup_after, bob_rings):
    alice, ids, caller = _answered_by_alice(center, simulator, hangup_after=hangup_after, bob={"inquiry": 4})
    simulator.agent("client:bob", answer_after_rings=bob_rings, talk_seconds=None)
    assert api.post(f"/api/calls/{caller.sid}/transfer", {"agent_id": ids["bob"], "mode": "warm"}).status_code == 200
    simulator.run()
    assert simulator.errors == []
    assert center.agent_status(alice) == "wrap_up"
    body = api.get(f"/api/calls/{caller.sid}").get_json()
    assert body["status"] == "completed" and body["transfers"][0]["status"] == "caller-left"
    assert all(s["to"] is not None for s in body["segments"])
    assert center.routed(caller.sid).outcome == "answered"
    return alice, ids["bob"], caller, next(leg for leg in simulator.calls if leg.to == "client:bob")


def test_the_caller_hanging_up_during_a_consult_ends_cleanly(center, simulator, app, api):
    alice, bob, caller, bob_leg = _caller_hangs_up_during_a_consult(center, simulator, api, 30, bob_rings=2)
    assert bob_leg.status == "completed"  # bob had answered: the conference's end released his leg
    assert center.offers(caller.sid) == [(alice, "answered"), (bob, "answered")]
    [(_, ended)] = call_events(app, caller.sid, "transfer_ended")  # the call's history says how it ended
    assert (ended["reason"], ended["by"], ended["colleague_answered"]) == ("caller left", "caller", True)
    assert center.agent_status(bob) == "wrap_up"
    assert [d for _, d in call_events(app, caller.sid, "hung_up_first")] == [
        {"party": "caller", "agent_id": alice}, {"party": "caller", "agent_id": bob}]


def test_the_caller_hanging_up_while_the_colleague_rings_frees_the_colleague(center, simulator, app, api):
    alice, bob, caller, bob_leg = _caller_hangs_up_during_a_consult(center, simulator, api, 14, bob_rings=3)
    assert bob_leg.status == "canceled"
    assert center.offers(caller.sid) == [(alice, "answered"), (bob, "canceled")]
    assert center.agent_status(bob) == "available"
    [(_, ended)] = call_events(app, caller.sid, "transfer_ended")
    assert (ended["reason"], ended["colleague_answered"]) == ("caller left", False)


def test_the_caller_hanging_up_in_line_after_a_cold_transfer_ends_it_in_the_calls_history(center, simulator, app,
                                                                                          api):
    alice, ids, caller = _answered_by_alice(center, simulator, hangup_after=40)
    center.agent("carol", {"complaint": 4}, status="break")  # nobody free in complaint: the caller waits
    assert api.post(f"/api/calls/{caller.sid}/transfer", {"queue": "complaint"}).status_code == 200
    simulator.run()
    assert simulator.errors == [] and caller.status == "completed"
    [transfer] = api.get(f"/api/calls/{caller.sid}").get_json()["transfers"]
    assert transfer["status"] == "caller-left"
    [(_, ended)] = call_events(app, caller.sid, "transfer_ended")
    assert (ended["transfer"], ended["mode"], ended["reason"]) == (transfer["id"], "cold", "caller left")


def test_a_cold_transfer_to_a_queue_with_nobody_free_queues_the_caller_first(center, simulator, app, api):
    alice, ids, caller = _answered_by_alice(center, simulator, hangup_after=300)
    carol = center.agent("carol", {"complaint": 4}, status="break")
    simulator.agent("client:carol", answer_after_rings=1, talk_seconds=None)
    waiting = simulator.call(from_="+8613900000009", url="/voice/route?queue=complaint&priority=30",
                             hangup_after=300)
    simulator.run(until=simulator.now + 3)
    assert waiting.queue == "hotline-complaint"
    assert api.post(f"/api/calls/{caller.sid}/transfer", {"queue": "complaint", "note": "投诉"}).status_code == 200
    simulator.run(until=simulator.now + 10)
    assert caller.status == "in-progress" and caller.queue == "hotline-complaint"  # queued, never dropped
    assert any("正在为您转接" in text for text in caller.said)
    assert center.agent_status(alice) == "wrap_up"
    api.patch(f"/api/agents/{carol}", {"status": "available"})
    run_burst(app, ("default",))
    assert simulator.run_until(lambda: in_room(simulator, caller.sid) == {"caller", "client:carol"}, limit=30)
    assert waiting.queue == "hotline-complaint"  # the transferred caller went first
    simulator.run(until=simulator.now + 5)
    assert simulator.errors == []
    body = api.get(f"/api/calls/{caller.sid}").get_json()
    assert [s["agent_id"] for s in body["segments"]] == [alice, carol]
    assert body["transfers"][0]["status"] == "completed" and body["transfers"][0]["to_agent_id"] == carol
    routed = center.routed(caller.sid)
    assert (routed.outcome, routed.agent_id, routed.queue) == ("answered", alice, "inquiry")  # counted once


def test_a_cold_transfer_to_a_named_agent(center, simulator, app, api):
    alice, ids, caller = _answered_by_alice(center, simulator, bob={"inquiry": 2}, dave={"inquiry": 3})
    bob = ids["bob"]
    simulator.agent("client:bob", answer_after_rings=1, talk_seconds=None)
    assert api.post(f"/api/calls/{caller.sid}/transfer", {"agent_id": 999}).status_code == 422
    assert api.post(f"/api/calls/{caller.sid}/transfer", {"agent_id": bob, "queue": "inquiry"}).status_code == 422
    assert api.post(f"/api/calls/{caller.sid}/transfer", {"agent_id": bob}).status_code == 200
    assert simulator.run_until(lambda: in_room(simulator, caller.sid) == {"caller", "client:bob"}, limit=30)
    simulator.run(until=simulator.now + 2)
    assert simulator.errors == []
    assert center.offers(caller.sid) == [(alice, "answered"), (bob, "answered")]  # dave, free and better, not rung
    assert len(caller.recordings) <= 1


def test_a_cold_transfer_to_an_outside_number(center, simulator, app, api):
    alice, ids, caller = _answered_by_alice(center, simulator, hangup_after=300)
    simulator.customer("+861088886666", answer="human", answer_after_rings=1, hangup_after=20)
    assert api.post(f"/api/calls/{caller.sid}/transfer", {"number": "not a number"}).status_code == 422
    assert api.post(f"/api/calls/{caller.sid}/transfer", {"number": "+861088886666"}).status_code == 200
    simulator.run()
    assert simulator.errors == []
    outside = next(leg for leg in simulator.calls if leg.to == "+861088886666")
    assert outside.status == "completed" and caller.status == "completed"
    assert any("正在为您转接" in text for text in caller.said)
    assert center.agent_status(alice) == "wrap_up"
    [transfer] = api.get(f"/api/calls/{caller.sid}").get_json()["transfers"]
    assert (transfer["status"], transfer["target_kind"]) == ("completed", "number")


def test_a_cold_transfer_to_a_department_dials_its_line_from_the_departments_file(center, simulator, app, api):
    """The manuals' 无法解答及时转接相关部门: a department named by its key (tickets/departments.yaml)."""
    alice, ids, caller = _answered_by_alice(center, simulator, hangup_after=300)
    simulator.customer("+862160000102", answer="human", answer_after_rings=1, hangup_after=20)
    unknown = api.post(f"/api/calls/{caller.sid}/transfer", {"department": "astrology"})
    assert unknown.status_code == 422 and "astrology" in unknown.get_json()["error"]
    assert api.post(f"/api/calls/{caller.sid}/transfer", {"department": "billing"}).status_code == 200
    simulator.run()
    assert simulator.errors == []
    billing = next(leg for leg in simulator.calls if leg.to == "+862160000102")
    assert billing.status == "completed" and any("正在为您转接" in text for text in caller.said)
    [transfer] = api.get(f"/api/calls/{caller.sid}").get_json()["transfers"]
    assert (transfer["status"], transfer["target_kind"]) == ("completed", "department")


def test_an_outside_number_that_does_not_answer_puts_the_caller_back_in_line(center, simulator, app, api):
    alice, ids, caller = _answered_by_alice(center, simulator, hangup_after=300)
    simulator.customer("+861088886666", answer="no-answer")
    assert api.post(f"/api/calls/{caller.sid}/transfer", {"number": "+861088886666"}).status_code == 200
    simulator.run(until=simulator.now + 45)
    # back in line, first to be served: alice, out of her wrap-up, has them again
    assert caller.status == "in-progress"
    assert caller.queue == "hotline-inquiry" or in_room(simulator, caller.sid) == {"caller", "client:alice"}
    assert [t["status"] for t in api.get(f"/api/calls/{caller.sid}").get_json()["transfers"]] == ["no-answer"]
    assert simulator.errors == []


def test_who_may_transfer_and_json_errors(center, simulator, app, api):
    alice, ids, caller = _answered_by_alice(center, simulator, bob={"inquiry": 4})
    other = api.mint("agent", agent_id=ids["bob"])
    assert api.post(f"/api/calls/{caller.sid}/transfer", {"queue": "complaint"}, token=other).status_code == 403
    assert api.post("/api/calls/CAnope/transfer", {"queue": "complaint"}).status_code == 404
    bad = api.post(f"/api/calls/{caller.sid}/transfer", {"queue": "nowhere"})
    assert bad.status_code == 422 and "queue" in bad.get_json()["error"]
    nobody = api.post(f"/api/calls/{caller.sid}/transfer", {"queue": "complaint", "mode": "warm"})
    assert nobody.status_code == 409 and "nobody in the complaint queue is free" in nobody.get_json()["error"]
    assert api.post(f"/api/calls/{caller.sid}/transfer/complete").status_code == 409
    simulator.run()


def test_two_transfers_of_the_same_call_at_once_one_wins(center, simulator, app, api, settings):
    alice, ids, caller = _answered_by_alice(center, simulator, bob={"inquiry": 4}, carol={"inquiry": 4})
    barrier = threading.Barrier(2)
    answers = []

    def transfer(target):
        with app.test_client() as client:
            barrier.wait()
            answers.append(client.post(f"/api/calls/{caller.sid}/transfer",
                                       json={"agent_id": target, "mode": "warm"},
                                       headers={"Authorization": f"Bearer {settings.admin_token}"}))

    threads = [threading.Thread(target=transfer, args=(ids[name],)) for name in ("bob", "carol")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(a.status_code for a in answers) == [200, 409]
    assert "transfer" in next(a for a in answers if a.status_code == 409).get_json()["error"]
    simulator.run(until=simulator.now + 20)
    rung = {leg.to for leg in simulator.calls if leg.to in ("client:bob", "client:carol")}
    assert len(rung) == 1  # only the winner's colleague was dialed
    statuses = {center.agent_status(ids["bob"]), center.agent_status(ids["carol"])}
    assert "available" in statuses


def test_a_supervisor_listens_whispers_barges_and_leaves(center, simulator, app, api):
    alice, ids, caller = _answered_by_alice(center, simulator, hangup_after=200)
    boss = center.agent("boss", {"inquiry": 5}, status="offline")
    simulator.agent("client:boss", answer_after_rings=1, talk_seconds=None)
    supervisor = api.mint("supervisor", name="boss", agent_id=boss)
    agent = api.mint("agent", agent_id=alice)
    assert api.post(f"/api/calls/{caller.sid}/monitor", {"mode": "listen"}, token=agent).status_code == 403
    assert api.post(f"/api/calls/{caller.sid}/monitor", {"mode": "spy"}, token=supervisor).status_code == 422
    assert api.delete(f"/api/calls/{caller.sid}/monitor", token=supervisor).status_code == 409  # not monitored
    listen = api.post(f"/api/calls/{caller.sid}/monitor", {"mode": "listen"}, token=supervisor)
    assert listen.status_code == 200 and listen.get_json()["monitor"]["mode"] == "listen"
    assert simulator.run_until(lambda: "client:boss" in in_room(simulator, caller.sid), limit=20)
    simulator.run(until=simulator.now + 1)
    boss_in = participant(simulator, caller.sid, "client:boss")
    assert boss_in.muted and boss_in.coach is None
    assert api.post(f"/api/calls/{caller.sid}/monitor", {"mode": "listen"}, token=supervisor).status_code == 409
    assert api.post(f"/api/calls/{caller.sid}/monitor", {"mode": "whisper"}, token=supervisor).status_code == 200
    simulator.run(until=simulator.now + 1)
    alice_leg = participant(simulator, caller.sid, "client:alice").call.sid
    assert not boss_in.muted and boss_in.coach == alice_leg  # only alice hears
    body = api.get(f"/api/calls/{caller.sid}").get_json()
    assert body["control"]["monitor"]["mode"] == "whisper" and body["control"]["monitor"]["by"] == "boss"
    assert {"supervisor", "agent", "caller"} <= {leg["role"] for leg in body["legs"]}
    assert api.post(f"/api/calls/{caller.sid}/monitor", {"mode": "barge"}, token=supervisor).status_code == 200
    simulator.run(until=simulator.now + 1)
    assert not boss_in.muted and boss_in.coach is None  # everyone hears
    assert api.delete(f"/api/calls/{caller.sid}/monitor", token=supervisor).get_json()["monitor"] is None
    simulator.run(until=simulator.now + 2)
    assert in_room(simulator, caller.sid) == {"caller", "client:alice"}
    assert api.get(f"/api/calls/{caller.sid}").get_json()["control"]["monitor"] is None
    simulator.run()
    assert simulator.errors == []
    used = call_events(app, caller.sid, "monitor_started", "monitor_changed", "monitor_ended")
    assert [(k, d["mode"], d["by"]) for k, d in used] == [
        ("monitor_started", "listen", "boss"), ("monitor_changed", "whisper", "boss"),
        ("monitor_changed", "barge", "boss"), ("monitor_ended", "barge", "boss")]
    assert caller.status == "completed" and center.routed(caller.sid).outcome == "answered"


def test_monitoring_needs_an_address_and_ends_with_the_supervisors_leg(center, simulator, app, api):
    alice, ids, caller = _answered_by_alice(center, simulator, hangup_after=200)
    simulator.agent("sip:boss@pbx.example.com", answer_after_rings=1, talk_seconds=10)
    assert api.post(f"/api/calls/{caller.sid}/monitor", {"mode": "listen"}).status_code == 422  # admin: no record
    assert api.post(f"/api/calls/{caller.sid}/monitor",
                    {"mode": "listen", "address": "sip:boss@pbx.example.com"}).status_code == 200
    simulator.run(until=simulator.now + 20)
    assert api.get(f"/api/calls/{caller.sid}").get_json()["control"]["monitor"] is None
    assert [d["by"] for _, d in call_events(app, caller.sid, "monitor_ended")] == ["hung up"]
    simulator.run()
    assert simulator.errors == []


def test_a_simulator_script_holds_transfers_to_complaint_and_a_supervisor_whispers(center, simulator, app, api):
    from pathlib import Path

    from sandbox.simulator.script_file import load_script

    alice = center.agent("alice", {"inquiry": 4})
    bob = center.agent("bob", {"complaint": 4})
    [caller] = simulator.load(load_script(Path(__file__).parents[2] / "sandbox/examples/transfer.yaml"))
    simulator.run()
    assert simulator.errors == []
    assert caller.status == "completed"
    assert any("desk: transfer" in entry.text for entry in simulator.timeline)
    kinds = [k for k, _ in call_events(app, caller.sid, "hold_started", "hold_ended", "transfer", "monitor_started")]
    assert kinds == ["hold_started", "hold_ended", "transfer", "monitor_started"]
    [(_, ended)] = call_events(app, caller.sid, "hold_ended")
    assert 19 <= ended["seconds"] <= 22
    [(_, whisper)] = call_events(app, caller.sid, "monitor_started")
    assert whisper["mode"] == "whisper"
    assert center.offers(caller.sid) == [(alice, "answered"), (bob, "answered")]
    assert [s["agent_id"] for s in api.get(f"/api/calls/{caller.sid}").get_json()["segments"]] == [alice, bob]


def test_done_when_answered_held_warm_transferred_whispered_and_the_caller_hangs_up_first(
        center, simulator, app, api):
    """Issue 16's scenario: one call, one ticket, two agent segments, a dual-channel recording, every
    step in the call's events, and the service level counts it once."""
    from sandbox import press
    from tickets.models import Customer
    from hotline import db

    with app.app_context():
        db.session().add(Customer(phone="+8613800138000", surname="王", title="ms", language="zh-CN"))
        db.session().commit()
    alice = center.agent("alice", {"problem": 5})
    bob = center.agent("bob", {"complaint": 4})
    boss = center.agent("boss", {"problem": 5}, status="offline")
    for name in ("alice", "bob", "boss"):
        simulator.agent(f"client:{name}", answer_after_rings=1, talk_seconds=None)
    caller = simulator.call(from_="+8613800138000", inputs=[press("2")], hangup_after=150)
    assert simulator.run_until(lambda: in_room(simulator, caller.sid) == {"caller", "client:alice"}, limit=90)
    simulator.run(until=simulator.now + 5)
    own = api.mint("agent", agent_id=alice)
    assert api.post(f"/api/calls/{caller.sid}/hold", token=own).status_code == 200
    simulator.run(until=simulator.now + 10)
    assert api.post(f"/api/calls/{caller.sid}/resume", token=own).status_code == 200
    simulator.run(until=simulator.now + 5)
    assert api.post(f"/api/calls/{caller.sid}/transfer", {"agent_id": bob, "mode": "warm", "note": "要投诉"},
                    token=own).status_code == 200
    assert simulator.run_until(lambda: "client:bob" in in_room(simulator, caller.sid), limit=20)
    simulator.run(until=simulator.now + 5)  # alice and bob talk, the caller on hold
    assert api.post(f"/api/calls/{caller.sid}/transfer/complete", token=own).status_code == 200
    simulator.run(until=simulator.now + 5)
    supervisor = api.mint("supervisor", name="boss", agent_id=boss)
    assert api.post(f"/api/calls/{caller.sid}/monitor", {"mode": "whisper"}, token=supervisor).status_code == 200
    assert simulator.run_until(lambda: "client:boss" in in_room(simulator, caller.sid), limit=20)
    bob_leg = participant(simulator, caller.sid, "client:bob").call.sid
    assert participant(simulator, caller.sid, "client:boss").coach == bob_leg
    simulator.run()
    assert simulator.errors == []
    assert caller.status == "completed"

    body = api.get(f"/api/calls/{caller.sid}").get_json()
    assert [(s["agent_id"], s["to"] is not None) for s in body["segments"]] == [(alice, True), (bob, True)]
    kinds = [e["kind"] for e in body["events"]]
    for step in ("hold_started", "hold_ended", "transfer", "transfer_connected", "transfer_completed",
                 "monitor_started", "monitor_ended", "hung_up_first"):
        assert step in kinds, step
    assert [e["data"] for e in body["events"] if e["kind"] == "hung_up_first"] == [{"party": "caller",
                                                                                     "agent_id": bob}]
    ticket = api.get(f"/api/calls/{caller.sid}/ticket").get_json()
    assert ticket["category"] == "problem" and [c["call_sid"] for c in ticket["calls"]] == [caller.sid]
    [recording] = caller.recordings
    assert recording.channels == 2
    report = api.get("/api/metrics/service-level").get_json()
    assert (report["offered"], report["answered"]) == (1, 1)


def test_the_first_agent_dropping_during_a_consult_leaves_the_caller_with_the_colleague(center, simulator, app,
                                                                                        api):
    alice = center.agent("alice", {"inquiry": 4})
    bob = center.agent("bob", {"complaint": 4})
    simulator.agent("client:alice", answer_after_rings=1, talk_seconds=25)  # alice's browser drops
    simulator.agent("client:bob", answer_after_rings=1, talk_seconds=None)
    caller = simulator.call(url="/voice/route?queue=inquiry", hangup_after=120)
    assert simulator.run_until(lambda: in_room(simulator, caller.sid) == {"caller", "client:alice"}, limit=30)
    assert api.post(f"/api/calls/{caller.sid}/transfer", {"agent_id": bob, "mode": "warm"}).status_code == 200
    assert simulator.run_until(lambda: "client:bob" in in_room(simulator, caller.sid), limit=20)
    assert simulator.run_until(lambda: "client:alice" not in in_room(simulator, caller.sid), limit=40)
    simulator.run(until=simulator.now + 2)
    assert in_room(simulator, caller.sid) == {"caller", "client:bob"} and caller.queue is None
    assert not participant(simulator, caller.sid, "caller").hold  # resumed with bob, never left held
    assert [t["status"] for t in api.get(f"/api/calls/{caller.sid}").get_json()["transfers"]] == ["completed"]
    simulator.run()
    assert simulator.errors == []
    assert center.offers(caller.sid) == [(alice, "answered"), (bob, "answered")]


def test_muting_during_a_consult_mutes_the_agent_who_pressed_it(center, simulator, app, api):
    """Both agents are on the line while a warm transfer is connected: each one's mute is their own leg."""
    alice, ids, caller = _answered_by_alice(center, simulator, bob={"inquiry": 4})
    bob = ids["bob"]
    simulator.agent("client:bob", answer_after_rings=1, talk_seconds=None)
    as_alice, as_bob = api.mint("agent", agent_id=alice), api.mint("agent", agent_id=bob)
    assert api.post(f"/api/calls/{caller.sid}/transfer", {"agent_id": bob, "mode": "warm"},
                    token=as_alice).status_code == 200
    assert simulator.run_until(lambda: "client:bob" in in_room(simulator, caller.sid), limit=20)
    simulator.run(until=simulator.now + 1)
    assert api.post(f"/api/calls/{caller.sid}/mute", token=as_alice).status_code == 200
    simulator.run(until=simulator.now + 1)
    assert participant(simulator, caller.sid, "client:alice").muted
    assert not participant(simulator, caller.sid, "client:bob").muted
    assert [d["agent_id"] for _, d in call_events(app, caller.sid, "muted")] == [alice]
    assert api.post(f"/api/calls/{caller.sid}/transfer/complete", token=as_bob).status_code == 200
    simulator.run()
    assert simulator.errors == []


def test_a_warm_transfer_to_a_queue_consults_its_best_free_agent_who_takes_the_call(center, simulator, app, api):
    alice, ids, caller = _answered_by_alice(center, simulator, hangup_after=200, bob={"complaint": 4},
                                            dave={"complaint": 2}, erin={"problem": 5})
    bob = ids["bob"]
    simulator.agent("client:bob", answer_after_rings=1, talk_seconds=None)
    own = api.mint("agent", agent_id=alice)
    answer = api.post(f"/api/calls/{caller.sid}/transfer", {"queue": "complaint", "mode": "warm"}, token=own)
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json()["transfer"]["to_agent_id"] == bob  # complaint's best free agent, not dave or erin
    simulator.run(until=simulator.now + 1)
    assert participant(simulator, caller.sid, "caller").hold
    assert simulator.run_until(lambda: "client:bob" in in_room(simulator, caller.sid), limit=20)
    simulator.run(until=simulator.now + 2)
    assert center.agent_status(ids["dave"]) == "available"
    assert api.post(f"/api/calls/{caller.sid}/transfer/complete", token=own).status_code == 200
    simulator.run(until=simulator.now + 3)
    assert in_room(simulator, caller.sid) == {"caller", "client:bob"}
    assert not participant(simulator, caller.sid, "caller").hold
    simulator.run()
    assert simulator.errors == []
    assert center.offers(caller.sid) == [(alice, "answered"), (bob, "answered")]
    body = api.get(f"/api/calls/{caller.sid}").get_json()
    assert [s["agent_id"] for s in body["segments"]] == [alice, bob]
    assert body["segments"][1]["transfer_id"] == body["transfers"][0]["id"]
    assert (body["transfers"][0]["target_kind"], body["transfers"][0]["status"]) == ("queue", "completed")
    assert center.routed(caller.sid).outcome == "answered"


def test_a_warm_transfer_to_a_queue_rings_its_next_agent_when_one_does_not_answer(center, simulator, app, api):
    alice, ids, caller = _answered_by_alice(center, simulator, hangup_after=200, bob={"complaint": 4},
                                            dave={"complaint": 3})
    bob, dave = ids["bob"], ids["dave"]
    simulator.agent("client:bob", behaviour="no-answer")
    simulator.agent("client:dave", answer_after_rings=1, talk_seconds=None)
    assert api.post(f"/api/calls/{caller.sid}/transfer", {"queue": "complaint", "mode": "warm"}).status_code == 200
    assert simulator.run_until(lambda: "client:dave" in in_room(simulator, caller.sid), limit=40)
    bob_leg = next(leg for leg in simulator.calls if leg.to == "client:bob")
    assert bob_leg.status == "no-answer" and bob_leg.duration <= 15  # three rings
    assert center.agent_status(bob) == "missed"
    assert participant(simulator, caller.sid, "caller").hold  # still held while the consult goes on
    assert api.post(f"/api/calls/{caller.sid}/transfer/complete").status_code == 200
    simulator.run()
    assert simulator.errors == []
    assert center.offers(caller.sid) == [(alice, "answered"), (bob, "missed"), (dave, "answered")]
    [(_, offered)] = call_events(app, caller.sid, "transfer_offered")
    assert (offered["agent_id"], offered["after_missed"]) == (dave, bob)
    assert [s["agent_id"] for s in api.get(f"/api/calls/{caller.sid}").get_json()["segments"]] == [alice, dave]


def test_a_warm_transfer_to_a_queue_whose_agents_all_miss_resumes_the_caller_with_the_first(center, simulator, app,
                                                                                           api):
    alice, ids, caller = _answered_by_alice(center, simulator, hangup_after=200, bob={"complaint": 4})
    simulator.agent("client:bob", behaviour="no-answer")
    assert api.post(f"/api/calls/{caller.sid}/transfer", {"queue": "complaint", "mode": "warm"}).status_code == 200
    simulator.run(until=simulator.now + 20)
    assert in_room(simulator, caller.sid) == {"caller", "client:alice"}
    assert not participant(simulator, caller.sid, "caller").hold  # back with alice, never dropped
    [(_, failed)] = call_events(app, caller.sid, "transfer_failed")
    assert failed["reason"] == "no-answer"
    simulator.run()
    assert simulator.errors == []


def test_a_warm_transfer_to_a_queue_with_nobody_free_tells_the_agent_and_keeps_the_caller(center, simulator, app,
                                                                                         api):
    alice, ids, caller = _answered_by_alice(center, simulator, hangup_after=200, erin={"problem": 5})
    center.agent("carol", {"complaint": 4}, status="break")
    refused = api.post(f"/api/calls/{caller.sid}/transfer", {"queue": "complaint", "mode": "warm"})
    assert refused.status_code == 409
    assert "nobody in the complaint queue is free" in refused.get_json()["error"]
    simulator.run(until=simulator.now + 2)
    assert in_room(simulator, caller.sid) == {"caller", "client:alice"}
    assert not participant(simulator, caller.sid, "caller").hold
    assert api.get(f"/api/calls/{caller.sid}").get_json()["transfers"] == []
    assert center.agent_status(ids["erin"]) == "available"
    simulator.run()
    assert simulator.errors == []


@pytest.mark.parametrize("how, room", [("cancel", {"caller", "client:alice"}),
                                       ("conference", {"caller", "client:alice", "client:bob"})])
def test_a_warm_transfer_to_a_queue_canceled_or_made_three_way(center, simulator, app, api, how, room):
    alice, ids, caller = _answered_by_alice(center, simulator, hangup_after=200, bob={"complaint": 4})
    simulator.agent("client:bob", answer_after_rings=1, talk_seconds=None)
    as_bob = api.mint("agent", agent_id=ids["bob"])
    assert api.post(f"/api/calls/{caller.sid}/transfer", {"queue": "complaint", "mode": "warm"}).status_code == 200
    assert simulator.run_until(lambda: "client:bob" in in_room(simulator, caller.sid), limit=20)
    simulator.run(until=simulator.now + 1)
    assert api.post(f"/api/calls/{caller.sid}/transfer/{how}", token=as_bob).status_code == 200  # the colleague may
    simulator.run(until=simulator.now + 3)
    assert in_room(simulator, caller.sid) == room
    assert not participant(simulator, caller.sid, "caller").hold
    simulator.run()
    assert simulator.errors == []


def test_two_supervisors_each_switch_only_their_own_leg(center, simulator, app, api):
    alice, ids, caller = _answered_by_alice(center, simulator, hangup_after=200)
    lead = center.agent("lead", {"inquiry": 5}, status="offline")
    coach = center.agent("coach", {"inquiry": 5}, status="offline")
    for name in ("lead", "coach"):
        simulator.agent(f"client:{name}", answer_after_rings=1, talk_seconds=None)
    as_lead = api.mint("supervisor", name="lead", agent_id=lead)
    as_coach = api.mint("supervisor", name="coach", agent_id=coach)
    assert api.post(f"/api/calls/{caller.sid}/monitor", {"mode": "listen"}, token=as_lead).status_code == 200
    assert simulator.run_until(lambda: "client:lead" in in_room(simulator, caller.sid), limit=20)
    joined = api.post(f"/api/calls/{caller.sid}/monitor", {"mode": "listen"}, token=as_coach)
    assert joined.status_code == 200 and joined.get_json()["monitor"]["by"] == "coach"
    assert simulator.run_until(lambda: "client:coach" in in_room(simulator, caller.sid), limit=20)
    assert api.post(f"/api/calls/{caller.sid}/monitor", {"mode": "whisper"}, token=as_coach).status_code == 200
    simulator.run(until=simulator.now + 1)
    alice_leg = participant(simulator, caller.sid, "client:alice").call.sid
    lead_in, coach_in = (participant(simulator, caller.sid, f"client:{n}") for n in ("lead", "coach"))
    assert coach_in.coach == alice_leg and not coach_in.muted  # the coach whispers
    assert lead_in.muted and lead_in.coach is None  # the lead still only listens
    assert api.post(f"/api/calls/{caller.sid}/monitor", {"mode": "listen"}, token=as_lead).status_code == 409
    assert api.post(f"/api/calls/{caller.sid}/monitor", {"mode": "barge"}, token=as_lead).status_code == 200
    simulator.run(until=simulator.now + 1)
    assert not lead_in.muted and lead_in.coach is None and coach_in.coach == alice_leg
    monitors = api.get(f"/api/calls/{caller.sid}").get_json()["control"]["monitors"]
    assert [(m["by"], m["mode"]) for m in monitors] == [("lead", "barge"), ("coach", "whisper")]
    left = api.delete(f"/api/calls/{caller.sid}/monitor", token=as_lead)
    assert left.status_code == 200 and left.get_json()["monitor"] is None
    simulator.run(until=simulator.now + 2)
    assert in_room(simulator, caller.sid) == {"caller", "client:alice", "client:coach"}  # the coach stays
    assert api.delete(f"/api/calls/{caller.sid}/monitor", token=as_lead).status_code == 409  # not monitoring now
    simulator.run()
    assert simulator.errors == []
    used = call_events(app, caller.sid, "monitor_started", "monitor_changed", "monitor_ended")
    assert [(k, d["by"], d["mode"]) for k, d in used] == [
        ("monitor_started", "lead", "listen"), ("monitor_started", "coach", "listen"),
        ("monitor_changed", "coach", "whisper"), ("monitor_changed", "lead", "barge"),
        ("monitor_ended", "lead", "barge"), ("monitor_ended", "hung up", "whisper")]
    assert used[-1][1]["supervisor"] == "coach"
