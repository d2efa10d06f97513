"""Text messages on the simulated network: delivery callbacks for what the app sends, and customers texting in.

Twilio sends no callback for the initial `queued`; then `sent` and `delivered` (or `undelivered` /
`failed` with an ErrorCode) a moment apart. An inbound message gets Twilio's STOP/START handling
first, then is posted to /sms/incoming.
"""
from __future__ import annotations

from hotline.logging import mask_phone
from sandbox.engine.sids import new_sid
from sandbox.twiml.legs import TimelineEntry
from sandbox.twiml.transport import WebhookRequest

ERROR_CODES = {"undelivered": "30003", "failed": "30008"}  # unreachable handset, unknown error


class Thread:
    """Stands in for a call in the timeline for one message."""

    def __init__(self, sid: str, who: str) -> None:
        self.sid = sid
        self.label = f"{sid[:6]} sms"
        self.party = who


class Messages:
    def __init__(self, sim) -> None:
        self.sim = sim
        self.inbound_sent: list[dict[str, str]] = []

    def log(self, thread: Thread, text: str) -> None:
        entry = TimelineEntry(self.sim.engine.now, thread, text)
        self.sim.timeline.append(entry)
        self.sim.echo(entry)

    def post(self, sid: str, kind: str, url: str, params: dict[str, str]) -> WebhookRequest:
        transport = self.sim.transport
        target, form = transport.prepare("POST", url, params)
        request = WebhookRequest(self.sim.engine.now, sid, kind, "POST", target, form, transport.sign(target, form))
        transport.send(request, self.sim.engine.now)
        self.sim.requests.append(request)
        if request.error or request.status >= 400:
            self.sim.errors.append(f"{kind} {self.sim.short(url)}: {request.error or request.status}")
        return request

    def deliver(self, message: dict) -> None:
        """The app sent `message` through REST: play its delivery like the carrier would."""
        thread = Thread(message["sid"], message["to"])
        self.log(thread, f"SMS to {mask_phone(message['to'])}: {message['body']}")
        customer = self.sim.customers.get(message["to"], self.sim.default_customer)
        engine = self.sim.engine
        engine.at(engine.now + 1, lambda: self._status(thread, message, "sent"))
        engine.at(engine.now + 3, lambda: self._status(thread, message, customer.sms))
        if customer.sms == "delivered" and customer.sms_replies:
            reply = customer.sms_replies.pop(0)
            self.inbound(message["to"], reply, message.get("from") or self.sim.number,
                         engine.now + 3 + customer.reply_after)

    def _status(self, thread: Thread, message: dict, status: str) -> None:
        message["status"] = status
        if not message.get("status_callback"):
            return
        params = {"AccountSid": self.sim.account_sid, "ApiVersion": "2010-04-01", "MessageSid": message["sid"],
                  "SmsSid": message["sid"], "MessageStatus": status, "SmsStatus": status, "To": message["to"],
                  "From": message.get("from") or ""}
        if status in ERROR_CODES:
            params["ErrorCode"] = ERROR_CODES[status]
        request = self.post(message["sid"], "sms-status", message["status_callback"], params)
        self.log(thread, f"status callback {status} -> {self.sim.short(message['status_callback'])}: "
                         f"{request.error or 'HTTP ' + str(request.status)}")

    def inbound(self, from_: str, body: str, to: str | None, at: float | None) -> dict[str, str]:
        to = to or self.sim.number
        params = {"AccountSid": self.sim.account_sid, "ApiVersion": "2010-04-01", "MessageSid": new_sid("SM"),
                  "From": from_, "To": to, "Body": body, "NumMedia": "0", "NumSegments": "1",
                  "SmsStatus": "received", "FromCountry": "", "ToCountry": ""}
        params["SmsSid"] = params["SmsMessageSid"] = params["MessageSid"]
        self.inbound_sent.append(params)
        engine = self.sim.engine
        engine.at(engine.now if at is None else at, lambda: self._receive(params))
        return params

    def _receive(self, params: dict[str, str]) -> None:
        self.sim.sandbox.state.note_inbound_sms(params["From"], params["To"], params["Body"])
        thread = Thread(params["MessageSid"], params["From"])
        url = self.sim.transport.public_base_url + "/sms/incoming"
        request = self.post(params["MessageSid"], "sms", url, params)
        self.log(thread, f"SMS from {mask_phone(params['From'])}: {params['Body']} -> /sms/incoming: "
                         f"{request.error or 'HTTP ' + str(request.status)}")
