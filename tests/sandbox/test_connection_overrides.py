"""Twilio's connection overrides (`#rc=5&rp=5xx,ct,rt` on a callback URL) as the sandbox plays them:
the fragment is stripped before the request is signed and sent, a failure of a kind the policy
names is retried up to rc times, and a URL without overrides is tried once, as Twilio does."""
from __future__ import annotations

from sqlalchemy import select

from hotline import db
from sandbox.twiml.overrides import Overrides, split
from hotline.webhooks import CALLBACK_OVERRIDES
from recordings.models import Recording
from tests.hotline.test_reconcile import agent  # noqa: F401  (fixture: alice, available for inquiry)


class DownFor:
    """A proxy in front of the app answering 503 (the app being restarted) to the first `times`
    requests for `path`; every other request reaches the app."""

    def __init__(self, transport, path: str, times: int, status: int = 503) -> None:
        self.transport, self.path, self.times, self.status = transport, path, times, status
        self.seen: list[tuple[float, str]] = []
        self._deliver = transport.deliver
        transport.deliver = self.deliver

    def deliver(self, request, virtual_now):
        if request.url[len(self.transport.public_base_url):].split("?")[0] == self.path:
            self.seen.append((virtual_now, request.url))
            if self.times > 0:
                self.times -= 1
                request.status, request.content_type, request.body = self.status, "text/plain", "down\n"
                return
        self._deliver(request, virtual_now)


def _recordings(app):
    with app.app_context():
        return db.session().scalars(select(Recording)).all()


def test_a_recording_callback_answered_503_is_retried_as_its_fragment_asks(app, simulator, agent):
    down = DownFor(simulator.transport, "/recordings/status", times=2)
    simulator.agent("client:alice", answer_after_rings=1, talk_seconds=None)  # the caller hangs up first
    caller = simulator.call(url="/voice/route?queue=inquiry", hangup_after=40)
    simulator.run()
    sent = [r for r in simulator.requests if r.kind == "recording"]
    assert [r.status for r in sent] == [503, 503, 204]  # the third attempt reached the app, signed right
    assert all("#" not in url for _, url in down.seen)  # Twilio strips the fragment before requesting
    assert [round(at - down.seen[0][0]) for at, _ in down.seen] == [0, 1, 3]  # paused 1 s, then 2 s
    assert simulator.errors == []  # recovered: nothing lost
    assert [r.sid for r in _recordings(app)] == [caller.recordings[0].sid]


def test_a_callback_without_overrides_is_sent_once(app, simulator, agent):
    assert "#" not in simulator.status_url  # the number's status callback as Twilio's console has it by default
    DownFor(simulator.transport, "/voice/status", times=1)
    simulator.agent("client:alice", answer_after_rings=1, talk_seconds=None)  # the caller hangs up first
    simulator.call(url="/voice/route?queue=inquiry", hangup_after=40)
    simulator.run()
    assert [r.status for r in simulator.requests if r.kind == "status" and r.url.endswith("/voice/status")] == [503]
    assert simulator.errors and "503" in simulator.errors[0]


def test_the_numbers_status_callback_with_overrides_is_retried(app, simulator, agent):
    simulator.status_url += f"#{CALLBACK_OVERRIDES}"  # as `hotline webhooks` prints it for the console
    DownFor(simulator.transport, "/voice/status", times=1)
    simulator.agent("client:alice", answer_after_rings=1, talk_seconds=None)  # the caller hangs up first
    simulator.call(url="/voice/route?queue=inquiry", hangup_after=40)
    simulator.run()
    assert [r.status for r in simulator.requests if r.kind == "status" and r.url.endswith("/voice/status")] \
        == [503, 204]
    assert simulator.errors == []


def test_a_4xx_is_not_retried_under_a_5xx_policy(app, simulator, agent):
    down = DownFor(simulator.transport, "/recordings/status", times=1, status=400)
    simulator.agent("client:alice", answer_after_rings=1, talk_seconds=None)  # the caller hangs up first
    simulator.call(url="/voice/route?queue=inquiry", hangup_after=40)
    simulator.run()
    assert len(down.seen) == 1 and len(simulator.errors) == 1


def test_the_fragment_is_read_as_twilio_documents_it():
    assert split("https://h/x?a=1") == ("https://h/x?a=1", Overrides())  # nothing retried without rc
    url, overrides = split("https://h/x?a=1#rc=9&rp=5xx,ct,bogus&tt=4000")
    assert url == "https://h/x?a=1"
    assert overrides == Overrides(5, frozenset({"5xx", "ct"}), 4.0)  # rc at most 5; unknown policies ignored
    assert split("https://h/x#rc=2")[1].policy == {"ct"}  # the default policy: connection failures only
    assert overrides.retries_after(503, "") and not overrides.retries_after(404, "")
    assert overrides.retries_after(0, "ConnectionError: refused") and not overrides.retries_after(0, "ReadTimeout: x")
    assert Overrides(1, frozenset({"all"})).retries_after(404, "")


def test_our_callback_urls_carry_the_overrides_and_either_signature_is_accepted(app, twilio, settings):
    from twilio.request_validator import RequestValidator

    from hotline.webhooks import callback_url

    with app.test_request_context():
        assert callback_url("recordings.status_callback") == \
            f"{settings.public_base_url}/recordings/status#{CALLBACK_OVERRIDES}"
    params = twilio.call_params("CA" + "7" * 32, CallStatus="in-progress")
    validator = RequestValidator(settings.twilio_auth_token)
    with_fragment = validator.compute_signature(f"{settings.public_base_url}/voice/status#{CALLBACK_OVERRIDES}", params)
    assert twilio.post("/voice/status", params, signature=with_fragment).status_code == 204
    other_fragment = validator.compute_signature(f"{settings.public_base_url}/voice/status#rc=1", params)
    assert twilio.post("/voice/status", params, signature=other_fragment).status_code == 403
