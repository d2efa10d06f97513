"""The requests Twilio makes to the app for a call: its parameters, its signature, and what it does
with the answer (TwiML, or an error that makes it apologise and hang up)."""
from __future__ import annotations

from sandbox.twiml.document import TwiMLError, parse
from sandbox.twiml.legs import SimCall
from sandbox.twiml.transport import WebhookRequest
from sandbox.twiml.overrides import split as split_overrides

XML_TYPES = {"text/xml", "application/xml", "text/html"}
COUNTRIES = (("+86", "CN"), ("+1", "US"), ("+44", "GB"), ("+852", "HK"))
CALLBACKS = {"status", "recording", "action", "conference"}  # requests whose answer Twilio does not follow


class Webhooks:
    def __init__(self, sim) -> None:
        self.sim = sim

    def params(self, leg: SimCall) -> dict[str, str]:
        status = "ringing" if leg.answered_at is None and leg.alive else leg.status
        params = {"AccountSid": self.sim.account_sid, "ApiVersion": "2010-04-01", "CallSid": leg.sid,
                  "CallStatus": status, "Direction": leg.direction, "From": leg.from_, "To": leg.to,
                  "Caller": leg.from_, "Called": leg.to, "FromCountry": country(leg.from_),
                  "ToCountry": country(leg.to)}
        if leg.parent is not None:
            params["ParentCallSid"] = leg.parent.sid
        if leg.answered_by:
            params["AnsweredBy"] = leg.answered_by
        return params

    def request(self, leg: SimCall, kind: str, url: str, method: str, params: dict[str, str],
                common: bool = True) -> WebhookRequest:
        """Send a request as Twilio does: the URL's override fragment stripped, and the request
        retried as it asks (overrides.py): a callback later on the simulated clock, since nothing
        waits for it; a TwiML request at once, since the call waits for its answer."""
        url, overrides = split_overrides(url)
        form = {**self.params(leg), **params} if common else dict(params)
        target, form = self.sim.transport.prepare(method, url, form)
        first = self.sim.engine.now
        return self._attempt(leg, kind, url, method, target, form, overrides, 0, first)

    def _attempt(self, leg, kind, url, method, target, form, overrides, attempt: int, first: float) -> WebhookRequest:
        while True:
            request = WebhookRequest(self.sim.engine.now, leg.sid, kind, method, target, form,
                                     self.sim.transport.sign(target, form))
            if attempt:
                request.extra["retry"] = attempt
            self.sim.transport.send(request, self.sim.engine.now)
            self.sim.requests.append(request)
            failed = bool(request.error) or request.status >= 400
            retry = failed and attempt < overrides.retries and overrides.retries_after(request.status, request.error)
            pause = overrides.pause(attempt + 1) if kind in CALLBACKS else 0.0
            if retry and overrides.total_seconds is not None and \
                    self.sim.engine.now + pause - first > overrides.total_seconds:
                retry = False
            outcome = (request.error or f"HTTP {request.status}") + (f" (retry {attempt})" if attempt else "")
            if kind in CALLBACKS:
                what = {"status": f"status callback {form.get('CallStatus', '')}",
                        "recording": f"recording callback {form.get('RecordingStatus', '')}",
                        "action": "action (TwiML ignored: the call is gone)",
                        "conference": f"conference callback {form.get('StatusCallbackEvent', '')}"}[kind]
                leg.log(f"{what} -> {self.sim.short(url)}: {outcome}" + ("; retried" if retry else ""))
                if failed and not retry:
                    self.sim.errors.append(f"{kind} {method} {self.sim.short(url)}: {outcome}")
            if not retry:
                return request
            attempt += 1
            if kind in CALLBACKS:
                next_attempt = attempt
                self.sim.engine.at(self.sim.engine.now + pause, lambda: self._attempt(
                    leg, kind, url, method, target, form, overrides, next_attempt, first))
                return request

    def fetch(self, leg: SimCall, url: str, method: str, params: dict[str, str], kind: str):
        """Request TwiML; on any error Twilio apologises and hangs up, and so does the simulator."""
        leg.urls.append(url)
        request = self.request(leg, kind, url, method, params)
        problem = None
        if request.error or not 200 <= request.status < 300:
            problem = f"{request.error or 'HTTP ' + str(request.status)} (Twilio error 11200)"
        elif request.content_type not in XML_TYPES:
            problem = f"Content-Type {request.content_type or 'missing'} is not TwiML (Twilio error 12300)"
        else:
            try:
                verbs = parse(request.body)
            except TwiMLError as exc:
                problem = f"{exc} (Twilio error 12100)"
        if problem:
            leg.log(f"{method} {self.sim.short(url)} -> {problem}; Twilio says an application error occurred and "
                    "hangs up")
            leg.errors.append(problem)
            self.sim.errors.append(f"{self.sim.short(url)}: {problem}")
            return None
        names = ", ".join(v.tag for v in verbs) or "empty"
        leg.log(f"{method} {self.sim.short(url)} -> {request.status} ({names})")
        if leg.direction == "inbound" and leg.answered_at is None and (not verbs or verbs[0].tag != "Reject"):
            self.sim.legs.answer(leg)
        return verbs


def country(number: str) -> str:
    return next((code for prefix, code in sorted(COUNTRIES, key=lambda c: -len(c[0])) if number.startswith(prefix)), "")

