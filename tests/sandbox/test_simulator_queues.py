"""<Enqueue> with waitUrl and <Leave>, REST redirects out of a queue, and <Dial><Queue> bridging."""
from __future__ import annotations

from hotline.gateway import get_gateway
from tests.sandbox.twiml_app import TwimlApp

BASE = "http://127.0.0.1:5000"


def test_wait_url_is_requested_on_entry_and_each_time_its_twiml_ends(app, simulator):
    twiml = TwimlApp(app, {
        "/enter": '<Enqueue waitUrl="/twiml/wait" action="/twiml/left">support</Enqueue>',
        "/wait": lambda form, args: ("<Leave/>" if int(form["QueueTime"]) >= 20
                                     else '<Say>Please hold</Say><Pause length="8"/>'),
        "/left": lambda form, args: f"<Say>Result {form['QueueResult']}</Say>",
    })
    call = simulator.call(url="/twiml/enter")
    simulator.run()
    waits = twiml.forms("/wait")
    # "Please hold" takes 0.8 s, then 8 s of pause: 8.8 s per round
    assert [w["QueueTime"] for w in waits] == ["0", "8", "17", "26"]
    assert (waits[0]["QueuePosition"], waits[0]["CurrentQueueSize"], waits[0]["MaxQueueSize"]) == ("1", "1", "1000")
    left = twiml.forms("/left")[0]
    assert left["QueueResult"] == "leave" and left["QueueTime"] == "26"
    assert call.said[-1] == "Result leave"
    assert call.queue is None


def test_positions_of_two_callers_in_one_queue(app, simulator):
    twiml = TwimlApp(app, {"/enter": '<Enqueue waitUrl="/twiml/wait">sales</Enqueue>',
                           "/wait": '<Pause length="10"/>'})
    simulator.call(url="/twiml/enter", at=0, hangup_after=25)
    simulator.call(url="/twiml/enter", at=5, hangup_after=12)
    simulator.run()
    seen = [(f["CallSid"][:8], f["QueuePosition"], f["CurrentQueueSize"]) for f in twiml.forms("/wait")]
    first, second = simulator.calls[0].sid[:8], simulator.calls[1].sid[:8]
    assert seen[:3] == [(first, "1", "1"), (second, "2", "2"), (first, "1", "2")]
    # once the second caller has hung up (at 17 s) the first is alone again
    assert seen[-1] == (first, "1", "1")


def test_leave_without_action_goes_on_with_the_verb_after_enqueue(app, simulator):
    TwimlApp(app, {"/enter": '<Enqueue waitUrl="/twiml/wait">night</Enqueue><Say>The line is closed</Say>',
                   "/wait": "<Leave/>"})
    call = simulator.call(url="/twiml/enter")
    simulator.run()
    assert call.said == ["The line is closed"]


def test_a_rest_redirect_pulls_the_caller_out_of_the_queue(app, simulator):
    twiml = TwimlApp(app, {
        "/enter": '<Enqueue action="/twiml/left">support</Enqueue>',
        "/left": "<Say>should be ignored</Say>",
        "/agent": "<Say>Connecting you</Say>",
        "/poke": lambda form, args: "",
    })
    call = simulator.call(url="/twiml/enter")
    simulator.run(until=40)
    assert call.queue == "support" and call.status == "in-progress"
    with app.app_context():
        get_gateway().redirect_call(call.sid, f"{BASE}/twiml/agent")
    simulator.run()
    assert twiml.forms("/left")[0]["QueueResult"] == "redirected"
    assert call.said == ["Connecting you"]
    assert call.status == "completed" and call.duration == 41
    assert simulator.sandbox.redirects == [{"sid": call.sid, "Url": f"{BASE}/twiml/agent"}]


def test_redirect_during_a_request_is_applied_when_the_request_returns(app, simulator):
    """The app redirects the queued caller from inside a webhook (as routing does when an agent frees up)."""
    def enter(form, args):
        return "<Enqueue>support</Enqueue>"

    def ping(form, args):
        get_gateway().redirect_call(simulator.calls[0].sid, f"{BASE}/twiml/agent")
        return "<Hangup/>"

    TwimlApp(app, {"/enter": enter, "/agent": "<Say>Agent here</Say>", "/ping": ping})
    caller = simulator.call(url="/twiml/enter")
    simulator.call(url="/twiml/ping", at=10)
    simulator.run()
    assert caller.said == ["Agent here"]
    assert caller.ended_at == 10 + 0.8  # redirected at 10 s, then "Agent here"


def test_dial_queue_from_an_agent_call_bridges_the_first_caller(app, simulator):
    twiml = TwimlApp(app, {
        "/enter": '<Enqueue action="/twiml/after">support</Enqueue>',
        "/after": lambda form, args: f"<Say>{form['QueueResult']}</Say>",
        "/agent": '<Dial action="/twiml/agent-done" record="record-from-answer-dual" '
                  'recordingStatusCallback="/recordings/status"><Queue url="/twiml/whisper">support</Queue></Dial>',
        "/whisper": "<Say>Your call may be recorded</Say>",
        "/agent-done": "<Hangup/>",
    })
    simulator.agent("client:alice", answer_after_rings=1, talk_seconds=40)
    first = simulator.call(url="/twiml/enter", at=0, hangup_after=300)
    second = simulator.call(url="/twiml/enter", at=2, hangup_after=300)
    simulator.run(until=10)
    with app.app_context():
        placed = get_gateway().place_call("client:alice", f"{BASE}/twiml/agent")
    simulator.run()
    agent = simulator.find(placed.sid)
    assert agent.role == "agent" and agent.status == "completed"
    assert first.said == ["Your call may be recorded", "bridged"]
    # only the first caller was taken; the second waited until hanging up at 302 s
    assert second.said == [] and second.ended_at == 302
    assert [f["QueueResult"] for f in twiml.forms("/after")] == ["bridged", "hangup"]
    whisper = twiml.forms("/whisper")[0]
    assert whisper["DequeingCallSid"] == placed.sid and whisper["QueueTime"] == "15"  # placed at 10, one 5 s ring
    done = twiml.forms("/agent-done")[0]
    assert done["DialCallStatus"] == "completed" and done["DialCallSid"] == first.sid
    assert done["DialCallDuration"] == "40"
    [recording] = agent.recordings
    assert recording.channels == 2 and recording.duration == 40
    assert done["RecordingSid"] == recording.sid
    assert twiml.forms("/after")[0]["QueueTime"] == "15"


def test_dial_queue_waits_for_a_caller_until_its_timeout(app, simulator):
    twiml = TwimlApp(app, {"/agent": '<Dial timeout="20" action="/twiml/done"><Queue>empty</Queue></Dial>',
                           "/done": "<Hangup/>", "/enter": "<Enqueue>late</Enqueue>",
                           "/agent2": '<Dial timeout="20" action="/twiml/done"><Queue>late</Queue></Dial>'})
    simulator.agent("client:alice", talk_seconds=5)
    with app.app_context():
        get_gateway().place_call("client:alice", f"{BASE}/twiml/agent")
        get_gateway().place_call("client:alice", f"{BASE}/twiml/agent2")
    caller = simulator.call(url="/twiml/enter", at=12, hangup_after=100)
    simulator.run()
    statuses = [f["DialCallStatus"] for f in twiml.forms("/done")]
    assert sorted(statuses) == ["completed", "no-answer"]
    assert caller.bridged_with is None and caller.status == "completed"


def test_hangup_in_the_wait_twiml_ends_the_call_and_tells_the_action(app, simulator):
    twiml = TwimlApp(app, {"/enter": '<Enqueue waitUrl="/twiml/wait" action="/twiml/left">full</Enqueue>',
                           "/wait": "<Say>Sorry, all lines are busy</Say><Hangup/>",
                           "/left": "<Say>ignored</Say>"})
    call = simulator.call(url="/twiml/enter")
    simulator.run()
    assert twiml.forms("/left")[0]["QueueResult"] == "hangup"
    assert call.said == ["Sorry, all lines are busy"] and call.status == "completed"
    assert simulator.queues["full"].members == []


def test_a_gather_in_the_wait_twiml_lets_the_caller_choose_to_leave(app, simulator):
    from sandbox import press, silence

    twiml = TwimlApp(app, {
        "/enter": '<Enqueue waitUrl="/twiml/wait" action="/twiml/left">support</Enqueue>',
        "/wait": '<Gather numDigits="1" action="/twiml/choice" timeout="3"><Say>Press 1 to leave a message</Say>'
                 '</Gather><Pause length="10"/>',
        "/choice": lambda form, args: "<Leave/>" if form.get("Digits") == "1" else "<Say>Please hold</Say>",
        "/left": lambda form, args: f"<Say>{form['QueueResult']}</Say>",
    })
    call = simulator.call(url="/twiml/enter", inputs=[silence(), press("1")])
    simulator.run()
    choice = twiml.forms("/choice")[0]
    assert choice["Digits"] == "1" and choice["QueueSid"] == simulator.queues["support"].sid
    assert twiml.forms("/left")[0]["QueueResult"] == "leave"
    assert call.said[-1] == "leave"


def test_a_failing_wait_url_falls_back_to_hold_music(app, simulator):
    TwimlApp(app, {"/enter": '<Enqueue waitUrl="/twiml/missing">support</Enqueue>'})
    call = simulator.call(url="/twiml/enter", hangup_after=60)
    simulator.run()
    assert len([r for r in simulator.requests if r.kind == "wait"]) == 1
    assert call.ended_at == 60 and len(simulator.errors) == 1
