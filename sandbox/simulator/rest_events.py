"""What the app asks of the network through REST, applied to the simulated calls.

The sandbox REST server runs in its own threads; it hands new calls, redirects, hang-ups and sent
messages to the engine with `post`, so they take effect at the current virtual time, between two
steps of the simulation (even when the app makes the REST request from inside a webhook).
"""
from __future__ import annotations

from typing import Any

from sandbox.engine.interrupts import RestUpdate
from sandbox.engine.sids import new_sid
from sandbox.rest.state import SandboxError
from sandbox.twiml.conference import JoinOptions
from sandbox.engine import Sleep
from sandbox.twiml.audio import AGENT_TONE, CALLER_TONE, channel
from sandbox.twiml.legs import FINAL, SimCall
from sandbox.twiml.media_stream import MediaStream
from sandbox.twiml.scripts import AgentScript


class RestEvents:
    def __init__(self, sim) -> None:
        self.sim = sim

    def on_call_created(self, rest: dict[str, Any]) -> None:
        self.sim.engine.post(lambda: self._place(rest))

    def _place(self, rest: dict[str, Any]) -> None:
        if rest["status"] != "queued" or rest["sid"] in self.sim._by_sid:
            return  # canceled before the simulator got to it, or already playing
        script = self.sim.callee_script(rest["to"])
        agent = isinstance(script, AgentScript)
        leg = SimCall(self.sim, rest["sid"], "outbound-api", rest["from"], rest["to"], inputs=list(script.inputs),
                      hangup_after=None if agent else script.hangup_after,
                      talk_seconds=script.talk_seconds if agent else None, audio=script.audio,
                      role="agent" if agent else "customer")
        leg.rest = rest
        if rest.get("status_callback"):
            leg.status_callback = rest["status_callback"]
            leg.status_method = (rest.get("status_callback_method") or "POST").upper()
            leg.status_events = tuple(e for event in rest["status_callback_event"] for e in event.split())
        leg.machine_detection = rest.get("machine_detection")
        self.sim.add(leg)
        leg.process = self.sim.engine.spawn(self.sim.legs.outbound(leg, rest), leg.sid)

    def on_call_updated(self, sid: str, changes: dict[str, str]) -> dict[str, Any] | None:
        leg = self.sim._by_sid.get(sid)
        if leg is None:
            # A REST call the engine has not picked up yet: the sandbox answers from its own record
            # (a hang-up cancels it there); a redirect is applied once the call exists.
            if "Status" not in changes and self.sim.sandbox.state.find_call(sid) is not None:
                self.sim.engine.post(lambda: self._update(self.sim._by_sid[sid], changes)
                                     if sid in self.sim._by_sid else None)
            return None
        if leg.status in FINAL:
            raise SandboxError(400, 21220, "Call is not in-progress. Cannot redirect.")
        self.sim.engine.post(lambda: self._update(leg, changes))
        record = dict(leg.rest or {"sid": leg.sid, "account_sid": self.sim.account_sid, "to": leg.to,
                                   "from": leg.from_, "direction": leg.direction, "date_created": None})
        record["status"] = leg.status
        return record

    def _update(self, leg: SimCall, changes: dict[str, str]) -> None:
        if not leg.alive:
            return
        hangup = changes.get("Status") in ("completed", "canceled")
        update = RestUpdate(url=changes.get("Url"), method=(changes.get("Method") or "POST").upper(),
                            twiml=changes.get("Twiml"), hangup=hangup)
        if leg.process is not None and leg.process.alive:
            leg.process.interrupt(update)
        elif leg.bridge is not None and hangup:
            leg.log("hung up by the app (REST Status=completed)")
            leg.bridge.finish(leg)
        elif hangup:
            self.sim.legs.end(leg, "completed" if leg.answered_at is not None else "canceled")
        else:
            if leg.bridge is not None:
                leg.bridge.finish(None)
            leg.log("redirected by the app (REST)")
            leg.process = self.sim.engine.spawn(self._redirected(leg, update), leg.sid)

    def _redirected(self, leg: SimCall, update: RestUpdate):
        yield from self.sim.legs.follow(leg, update.url, update.method, {}, update.twiml)
        self.sim.legs.end(leg, "completed")

    def on_softphone(self, address: str, action: str, text: str = "") -> dict[str, Any]:
        return self.sim.softphones.act(address, action, text)

    def on_message_created(self, message: dict[str, Any]) -> None:
        self.sim.engine.post(lambda: self.sim.messages.deliver(message))

    # Conferences: the REST thread answers from the state; the change happens on the engine's thread.
    def on_participant_created(self, conference: dict[str, Any], form: Any) -> dict[str, Any]:
        options = JoinOptions.from_form(conference["friendly_name"], form)
        call_sid = new_sid("CA")
        record = self.sim.sandbox.state.track_participant(conference["sid"], {
            "call_sid": call_sid, "conference_sid": conference["sid"], "label": options.label, "status": "queued",
            "muted": options.muted, "hold": False, "coaching": options.coach is not None,
            "call_sid_to_coach": options.coach, "start_conference_on_enter": options.start_on_enter,
            "end_conference_on_exit": options.end_on_exit})
        dial = {"to": form["To"], "from": form["From"], "timeout": float(form.get("Timeout") or 60),
                "status_callback": form.get("StatusCallback"),
                "status_callback_method": form.get("StatusCallbackMethod") or "POST",
                "status_callback_event": form.getlist("StatusCallbackEvent") or ["completed"]}
        self.sim.engine.post(lambda: self._dial_participant(call_sid, options, dial))
        return record

    def _dial_participant(self, call_sid: str, options: JoinOptions, dial: dict[str, Any]) -> None:
        script = self.sim.callee_script(dial["to"])
        agent = isinstance(script, AgentScript)
        leg = SimCall(self.sim, call_sid, "outbound-api", dial["from"], dial["to"], inputs=list(script.inputs),
                      hangup_after=None if agent else script.hangup_after,
                      talk_seconds=script.talk_seconds if agent else None, audio=script.audio,
                      role="agent" if agent else "customer")
        if dial["status_callback"]:
            leg.status_callback = dial["status_callback"]
            leg.status_method = dial["status_callback_method"].upper()
            leg.status_events = tuple(e for event in dial["status_callback_event"] for e in event.split())
        self.sim.add(leg)
        self.sim.conferences.open(options.name)
        leg.process = self.sim.engine.spawn(self.sim.legs.participant(leg, options, dial["timeout"]), leg.sid)

    def on_participant_updated(self, conference_sid: str, call_sid: str, changes: dict[str, str]) -> None:
        def apply() -> None:
            participant = self._participant(conference_sid, call_sid)
            if participant is not None:
                self.sim.conferences.update(participant, changes)
        self.sim.engine.post(apply)

    def on_participant_deleted(self, conference_sid: str, call_sid: str) -> None:
        def remove() -> None:
            participant = self._participant(conference_sid, call_sid)
            if participant is not None:
                self.sim.conferences.leave(participant, "participant_updated_via_api")
        self.sim.engine.post(remove)

    def on_conference_updated(self, conference_sid: str, changes: dict[str, str]) -> None:
        def apply() -> None:
            conference = self.sim.conferences.by_sid.get(conference_sid)
            if conference is None or not conference.live:
                return
            if changes.get("AnnounceUrl"):
                self.sim.conferences.announce(conference, changes["AnnounceUrl"], changes.get("AnnounceMethod", "POST"))
            if changes.get("Status") == "completed":
                self.sim.conferences.end(conference, "conference-ended-via-api")
        self.sim.engine.post(apply)

    # Media Streams of a call leg (Calls/<sid>/Streams.json)
    def on_stream_started(self, options: dict[str, Any]) -> None:
        self.sim.engine.spawn(self._stream(options), f"stream {options['sid']}")

    def _stream(self, options: dict[str, Any]):
        """Connect at once (the call is live now) and send both parties' audio in a thread: the caller's
        file on `inbound`, the party they talk with on `outbound`, from when the two are connected."""
        leg = self.sim._by_sid.get(options["call_sid"])
        for _ in range(50):  # the REST request can come a moment before the bridge is made
            if leg is None or leg.heard is not None or leg.status in FINAL:
                break
            yield Sleep(0.1)
        if leg is None or leg.status in FINAL:
            return
        other = leg.heard
        seconds = min(float((other.talk_seconds if other is not None else None) or 60), 600.0)
        audio = {"inbound": channel(seconds, leg.audio, CALLER_TONE),
                 "outbound": channel(seconds, other.audio if other is not None else None, AGENT_TONE)}
        tracks = {"inbound_track": ("inbound",), "outbound_track": ("outbound",)}.get(options["track"],
                                                                                      ("inbound", "outbound"))
        engine = self.sim.engine
        speed = self.sim.stream_speed if self.sim.stream_speed != "engine" else \
            (engine.speed if engine.realtime else None)
        stream = MediaStream(options["url"], self.sim.sandbox.state.auth_token, self.sim.account_sid, leg.sid,
                             {t: audio[t] for t in tracks}, speed=speed, parameters=options["parameters"])
        stream.sid = options["sid"]
        self.sim.streams.append(stream)
        if stream.connect():
            leg.log(f"media stream {stream.sid} connected to {options['url']} ({', '.join(tracks)})")
            stream.start()
        else:
            leg.log(f"media stream {stream.sid}: {stream.error}")

    # Recordings of a call leg (Calls/<sid>/Recordings.json)
    def on_recording_started(self, options: dict[str, Any]) -> None:
        self.sim.engine.post(lambda: self.sim.recordings.start_leg_recording(options))

    def on_recording_stopped(self, call_sid: str, recording_sid: str) -> bool:
        leg = self.sim._by_sid.get(call_sid)
        if leg is None or not any(r["sid"] == recording_sid for r in leg.leg_recordings):
            return False
        self.sim.engine.post(lambda: self.sim.recordings.finish_leg_recordings(leg, recording_sid))
        return True

    def _participant(self, conference_sid: str, call_sid: str):
        conference = self.sim.conferences.by_sid.get(conference_sid)
        participant = conference.find(call_sid) if conference is not None else None
        return participant if participant is not None and not participant.left else None
