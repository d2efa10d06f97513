"""Recordings made on simulated calls: stored in the sandbox (downloadable WAV) and announced by callback."""
from __future__ import annotations

from datetime import timedelta
from email.utils import format_datetime

from sandbox.engine.sids import new_sid
from sandbox.rest.state import Recording
from sandbox.twiml import audio
from sandbox.twiml.document import resolve


class Recordings:
    def __init__(self, sim) -> None:
        self.sim = sim

    def make(self, call, parts: list[tuple[str | None, float]], seconds: float, source: str,
             sid: str | None = None, mono: bool = False) -> Recording:
        """A recording of `parts` (one per party); `mono` mixes them into one channel."""
        duration = max(0, int(round(seconds)))
        channels = [audio.channel(seconds, path, tone) for path, tone in parts]
        if mono and len(channels) > 1:
            channels = [audio.mix(channels)]
        recording = Recording(sid=sid or new_sid("RE"), call_sid=call.sid, wav=audio.wav_bytes(channels),
                              channels=len(channels), duration=duration, source=source,
                              started_at=self.sim.engine.now - seconds)
        self.sim.sandbox.add_recording(recording)
        call.recordings.append(recording)
        return recording

    def url(self, recording: Recording) -> str:
        """RecordingUrl as Twilio gives it: the REST resource without an extension."""
        return (f"{self.sim.sandbox.base_url}/2010-04-01/Accounts/{self.sim.account_sid}"
                f"/Recordings/{recording.sid}")

    def params(self, call, recording: Recording, status: str) -> dict[str, str]:
        started = self.sim.start + timedelta(seconds=recording.started_at)
        params = {"AccountSid": self.sim.account_sid, "CallSid": call.sid, "RecordingSid": recording.sid,
                  "RecordingUrl": self.url(recording), "RecordingStatus": status,
                  "RecordingChannels": str(recording.channels), "RecordingSource": recording.source,
                  "RecordingStartTime": format_datetime(started, usegmt=True)}
        if status != "in-progress":
            params["RecordingDuration"] = str(recording.duration)
        if status == "absent":
            params["ErrorCode"] = "16101" if recording.duration < 1 else "16102"
        return params

    def notify(self, call, recording: Recording, attrs: dict[str, str], base: str) -> None:
        """Send the recordingStatusCallback events asked for (Twilio's default: `completed` only)."""
        target = attrs.get("recordingStatusCallback")
        if not target:
            return
        events = (attrs.get("recordingStatusCallbackEvent") or "completed").replace(",", " ").split()
        status = "completed" if recording.duration >= 1 else "absent"
        if status in events or (status == "absent" and "completed" in events):
            method = attrs.get("recordingStatusCallbackMethod", "POST").upper()
            params = self.params(call, recording, status)
            # Twilio processes the audio first: the callback comes after the call has moved on.
            self.sim.engine.at(self.sim.engine.now + self.sim.recording_delay, lambda: self.sim.request(
                call, "recording", resolve(base, target), method, params, common=False))

    def notify_started(self, call, recording_sid: str, attrs: dict[str, str], base: str, channels: int,
                       source: str) -> None:
        target = attrs.get("recordingStatusCallback")
        events = (attrs.get("recordingStatusCallbackEvent") or "completed").replace(",", " ").split()
        if not target or "in-progress" not in events:
            return
        placeholder = Recording(sid=recording_sid, call_sid=call.sid, wav=b"", channels=channels, duration=0,
                                source=source, started_at=self.sim.engine.now)
        method = attrs.get("recordingStatusCallbackMethod", "POST").upper()
        self.sim.request(call, "recording", resolve(base, target), method,
                         self.params(call, placeholder, "in-progress"), common=False)

    # A leg recorded over REST (Calls/<sid>/Recordings.json), from the request until it stops or the leg ends.
    def start_leg_recording(self, options: dict) -> None:
        leg = self.sim.find(options["call_sid"])
        if leg is None or not leg.alive:
            return
        started = {**options, "started_at": self.sim.engine.now, "attrs": self._attrs(options)}
        leg.leg_recordings.append(started)
        leg.log(f"recording {options['sid'][:8]} starts ({'dual' if options['channels'] == 2 else 'mono'}, REST)")
        self.notify_started(leg, options["sid"], started["attrs"], "", options["channels"], "StartCallRecordingAPI")

    def finish_leg_recordings(self, leg, sid: str | None = None) -> None:
        """Make the recordings of `leg` (one, or all when it ends): the leg itself on channel 1, and on
        channel 2 the party it talked with (its bridge or conference partner), for the whole span."""
        for started in [r for r in leg.leg_recordings if sid is None or r["sid"] == sid]:
            leg.leg_recordings.remove(started)
            seconds = self.sim.engine.now - started["started_at"]
            heard = leg.heard
            parts = [(leg.audio, audio_tone(leg))]
            parts.append((heard.audio, audio_tone(heard)) if heard is not None else (None, 0.0))
            recording = self.make(leg, parts, seconds, "StartCallRecordingAPI", sid=started["sid"],
                                  mono=started["channels"] == 1)
            leg.log(f"recording {recording.sid}: {recording.duration} s, {recording.channels} channel(s)")
            self.notify(leg, recording, started["attrs"], "")

    @staticmethod
    def _attrs(options: dict) -> dict[str, str]:
        attrs = {"recordingStatusCallbackEvent": options["events"],
                 "recordingStatusCallbackMethod": options["method"]}
        if options.get("callback"):
            attrs["recordingStatusCallback"] = options["callback"]
        return attrs


def audio_tone(leg) -> float:
    return audio.AGENT_TONE if leg.role == "agent" else audio.CALLER_TONE
