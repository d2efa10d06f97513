"""<Dial><Conference>: named rooms created on first join, and what each participant hears in them.

As Twilio does (TWILIO_NOTES.md, Conferences): a conference starts once it has two participants and
one of them joined with `startConferenceOnEnter` (default true); until then, and while held, a
participant hears its `waitUrl` (or `HoldUrl`) TwiML in a loop (Twilio's own music when none is
given). A participant with `endConferenceOnExit` takes everyone with them when they leave; the last
one to leave ends it too. Removed participants go on with the TwiML after their `<Dial>`; a leg the
REST API dialed into the conference has no TwiML and hangs up. Status callbacks go to the
`statusCallback` of the first participant that names one, for the `statusCallbackEvent`s asked
(`start end` by default), signed like every other request.

Audio is not mixed: `muted`, `coach` and `beep` are kept, reported and logged; a conference
`record` is not simulated (record the caller's leg instead, as hotline does).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import timedelta
from email.utils import format_datetime

from sandbox.engine import Future, Sleep, Wait
from sandbox.engine.interrupts import CallerHangup, ConferenceChange
from sandbox.engine.sids import new_sid
from sandbox.twiml.document import HANGUP, LEAVE, Next, flag, resolve
from sandbox.twiml.scripts import DESK_ACTIONS

IDLE_MUSIC_SECONDS = 5.0  # music TwiML that takes no time is not re-requested in a tight loop
DEFAULT_EVENTS = ("start", "end")
EVENT_NAMES = {"start": "conference-start", "end": "conference-end", "join": "participant-join",
               "leave": "participant-leave", "mute": "participant-mute", "unmute": "participant-unmute",
               "hold": "participant-hold", "unhold": "participant-unhold", "modify": "participant-modified",
               "coaching": "participant-coaching", "speech-start": "participant-speech-start",
               "speech-stop": "participant-speech-stop", "announcement": "announcement-end"}
EVENT_GROUP = {"mute": "mute", "unmute": "mute", "hold": "hold", "unhold": "hold", "modify": "modify",
               "coaching": "modify", "speech-start": "speaker", "speech-stop": "speaker",
               "announcement": "announcement", "start": "start", "end": "end", "join": "join", "leave": "leave"}


@dataclass
class JoinOptions:
    """How a participant joins: the `<Conference>` noun's attributes, or a Participants REST request's."""

    name: str
    muted: bool = False
    beep: str = "true"
    start_on_enter: bool = True
    end_on_exit: bool = False
    wait_url: str | None = None
    wait_method: str = "POST"
    coach: str | None = None  # the CallSid this participant coaches
    label: str | None = None
    status_callback: str | None = None
    status_callback_method: str = "POST"
    status_callback_events: tuple[str, ...] = DEFAULT_EVENTS

    @classmethod
    def from_noun(cls, noun, base: str) -> "JoinOptions":
        attrs = noun.attrib
        return cls(name=(noun.text or "").strip(), muted=flag(attrs.get("muted")),
                   beep=attrs.get("beep", "true"),
                   start_on_enter=flag(attrs.get("startConferenceOnEnter"), True),
                   end_on_exit=flag(attrs.get("endConferenceOnExit")),
                   wait_url=resolve(base, attrs["waitUrl"]) if attrs.get("waitUrl") else None,
                   wait_method=attrs.get("waitMethod", "POST").upper(), coach=attrs.get("coach") or None,
                   label=attrs.get("participantLabel") or None,
                   status_callback=resolve(base, attrs["statusCallback"]) if attrs.get("statusCallback") else None,
                   status_callback_method=attrs.get("statusCallbackMethod", "POST").upper(),
                   status_callback_events=events(attrs.get("statusCallbackEvent")))

    @classmethod
    def from_form(cls, name: str, form) -> "JoinOptions":
        """A Participants create request (Twilio's REST names)."""
        return cls(name=name, muted=flag(form.get("Muted")), beep=form.get("Beep", "true"),
                   start_on_enter=flag(form.get("StartConferenceOnEnter"), True),
                   end_on_exit=flag(form.get("EndConferenceOnExit")),
                   wait_url=form.get("WaitUrl") or None, wait_method=(form.get("WaitMethod") or "POST").upper(),
                   coach=form.get("CallSidToCoach") if flag(form.get("Coaching")) else None,
                   label=form.get("Label") or None,
                   status_callback=form.get("ConferenceStatusCallback") or None,
                   status_callback_method=(form.get("ConferenceStatusCallbackMethod") or "POST").upper(),
                   status_callback_events=events(" ".join(form.getlist("ConferenceStatusCallbackEvent"))
                                                 if hasattr(form, "getlist") else form.get("ConferenceStatusCallbackEvent")))


def events(value: str | None) -> tuple[str, ...]:
    return tuple((value or "").replace(",", " ").split()) or DEFAULT_EVENTS


@dataclass(eq=False)
class Participant:
    call: object
    conference: "SimConference"
    options: JoinOptions
    joined_at: float
    muted: bool = False
    hold: bool = False
    hold_url: str | None = None
    hold_method: str = "POST"
    coach: str | None = None
    left: bool = False
    listening: bool = False  # inside `stay`: a change reaches it as ConferenceChange
    speaking: bool = False
    talk_timer: object = None
    record: dict = field(default_factory=dict)  # the REST resource, shared with the sandbox state

    @property
    def coaching(self) -> bool:
        return self.coach is not None


@dataclass(eq=False)
class SimConference:
    sid: str
    name: str
    status: str = "init"
    participants: list[Participant] = field(default_factory=list)
    callback: JoinOptions | None = None
    sequence: int = 0
    record: dict = field(default_factory=dict)
    last_leg: object = None  # who the conference-end callback is sent for once everyone has left

    @property
    def live(self) -> bool:
        return self.status != "completed"

    def find(self, key: str) -> Participant | None:
        return next((p for p in self.participants if p.call.sid == key or p.options.label == key), None)


class Conferences:
    """Every conference of the simulated network (`sim.conferences`)."""

    def __init__(self, sim) -> None:
        self.sim = sim
        self.by_sid: dict[str, SimConference] = {}

    def live(self, name: str) -> SimConference | None:
        return next((c for c in self.by_sid.values() if c.name == name and c.live), None)

    def find(self, key: str) -> SimConference | None:
        return self.by_sid.get(key) or self.live(key)

    def open(self, name: str) -> SimConference:
        """The live conference called `name`, or a new one (a REST request may have named its SID first)."""
        conference = self.live(name)
        if conference is not None:
            return conference
        state = self.sim.sandbox.state
        record = state.find_conference(name)
        if record is None or record["status"] == "completed":
            record = state.reserve_conference(name)
        conference = SimConference(record["sid"], name, record=record)
        self.by_sid[conference.sid] = conference
        return conference

    # Joining and leaving
    def join(self, call, options: JoinOptions) -> Participant:
        conference = self.open(options.name)
        participant = Participant(call, conference, options, self.sim.engine.now, muted=options.muted,
                                  coach=options.coach)
        participant.record = self.sim.sandbox.state.track_participant(conference.sid, {
            "call_sid": call.sid, "conference_sid": conference.sid, "label": options.label,
            "status": "connected", "start_conference_on_enter": options.start_on_enter,
            "end_conference_on_exit": options.end_on_exit})
        conference.participants.append(participant)
        self._sync(participant)
        if conference.callback is None and options.status_callback:
            conference.callback = options
        call.conference = participant
        call.log(f"joins conference {options.name!r}" + (" muted" if participant.muted else "")
                 + (f" coaching {options.coach[:6]}" if options.coach else "")
                 + ("" if options.start_on_enter else " (startConferenceOnEnter=false)"))
        self._beep(conference, "joins", participant)
        self.emit(conference, "join", participant)
        self._schedule_desk_actions(call, conference)
        if conference.status == "init" and len(conference.participants) >= 2 and \
                any(p.options.start_on_enter for p in conference.participants):
            conference.status = conference.record["status"] = "in-progress"
            call.log(f"conference {options.name!r} starts")
            self.emit(conference, "start", None, trigger=participant)
            for other in conference.participants:
                self._talking(other)
                self.notify(other)
        elif conference.status == "in-progress":
            self._talking(participant)
        return participant

    def _schedule_desk_actions(self, call, conference: SimConference) -> None:
        """An agent's scripted desk actions, timed from their first join (a leg joins once)."""
        script = self.sim.agents.get(call.to) if call.role == "agent" else None
        if script is None or not script.actions or call.desk_actions_started:
            return
        call.desk_actions_started = True
        for action in script.actions:
            self.sim.engine.at(self.sim.engine.now + action.after,
                               lambda action=action: self._desk_action(call, conference, action.do, action.body))
            if action.do == "hold" and action.seconds is not None:
                self.sim.engine.at(self.sim.engine.now + action.after + action.seconds,
                                   lambda: self._desk_action(call, conference, "resume", {}))

    def _desk_action(self, call, conference: SimConference, do: str, body: dict) -> None:
        caller = next((p.call for p in conference.participants if p.call.role == "caller"), None)
        if caller is None:
            call.log(f"desk: {do} skipped, no caller in the conference")
            return
        method, action = DESK_ACTIONS[do]
        status, text = self.sim.transport.api(method, f"/api/calls/{caller.sid}/{action}", body, self.sim.engine.now)
        call.log(f"desk: {do} {json.dumps(body, ensure_ascii=False) if body else ''}-> {status or text}")
        if not 200 <= status < 300:
            self.sim.errors.append(f"desk action {do} on {caller.sid}: {status} {text[:200]}")

    def leave(self, participant: Participant, reason: str) -> None:
        """`participant` is out (hung up, removed); an endConferenceOnExit participant ends it for all."""
        if participant.left:
            return
        conference = participant.conference
        participant.left = True
        conference.last_leg = participant.call
        self._stop_talking(participant)
        participant.call.conference = None
        participant.record["status"] = "complete"
        conference.participants.remove(participant)
        participant.call.log(f"leaves conference {conference.name!r} ({reason})")
        self._beep(conference, "leaves", participant)
        self.emit(conference, "leave", participant, ReasonParticipantLeft=reason)
        self.notify(participant)
        if not conference.live:
            return
        if participant.options.end_on_exit and conference.participants:
            self.end(conference, "participant-with-end-conference-on-exit-left", participant.call.sid)
        elif not conference.participants:
            self.end(conference, "last-participant-left", participant.call.sid)

    def end(self, conference: SimConference, reason: str, ending_sid: str | None = None) -> None:
        if not conference.live:
            return
        conference.status = "completed"
        conference.record.update(status="completed", reason_conference_ended=reason,
                                 call_sid_ending_conference=ending_sid,
                                 date_updated=self.sim.wall_time())
        for participant in list(conference.participants):
            self.leave(participant, "conference_ended")
        extra = {"ReasonConferenceEnded": reason}
        if ending_sid:
            extra["CallSidEndingConference"] = ending_sid
        self.emit(conference, "end", None, **extra)

    # Changes (REST)
    def update(self, participant: Participant, changes: dict[str, str]) -> None:
        call = participant.call
        if "Muted" in changes and flag(changes["Muted"]) != participant.muted:
            participant.muted = flag(changes["Muted"])
            call.log("muted" if participant.muted else "unmuted")
            if participant.muted:
                self._stop_talking(participant, keep_timer=True)
            self.emit(participant.conference, "mute" if participant.muted else "unmute", participant)
            if not participant.muted:
                self._talking(participant)
        if "Hold" in changes and flag(changes["Hold"]) != participant.hold:
            participant.hold = flag(changes["Hold"])
            participant.hold_url = changes.get("HoldUrl") or None
            participant.hold_method = (changes.get("HoldMethod") or "POST").upper()
            call.log("put on hold" + (f" ({self.sim.short(participant.hold_url)})" if participant.hold_url else "")
                     if participant.hold else "taken off hold")
            if participant.hold:
                self._stop_talking(participant, keep_timer=True)
            self.emit(participant.conference, "hold" if participant.hold else "unhold", participant)
            if not participant.hold:
                self._talking(participant)
            self.notify(participant)
        coaching = changes.get("Coaching")
        if coaching is not None or "CallSidToCoach" in changes:
            coach = (changes.get("CallSidToCoach") or participant.coach) if flag(coaching, participant.coaching) else None
            if coach != participant.coach:
                participant.coach = coach
                call.log(f"coaching {coach[:6]}" if coach else "stops coaching: everyone hears them")
                self.emit(participant.conference, "coaching" if coach else "modify", participant)
        self._sync(participant)
        if changes.get("AnnounceUrl"):
            self.announce(participant.conference, changes["AnnounceUrl"], changes.get("AnnounceMethod", "POST"),
                          [participant])

    def announce(self, conference: SimConference, url: str, method: str = "POST",
                 listeners: list[Participant] | None = None) -> None:
        """`AnnounceUrl`: its <Say>/<Play> reach the participants at once (the audio is not timed)."""
        listeners = listeners if listeners is not None else list(conference.participants)
        if not listeners:
            return
        verbs = self.sim.fetch(listeners[0].call, url, method.upper(),
                               self.params(conference, "announcement", None), "announce") or []
        for participant in listeners:
            for verb in verbs:
                if verb.tag == "Say":
                    participant.call.said.append((verb.text or "").strip())
                elif verb.tag == "Play":
                    participant.call.played.append((verb.text or "").strip())
            participant.call.log(f"hears the announcement from {self.sim.short(url)}")
        self.emit(conference, "announcement", None)

    # Callbacks
    def params(self, conference: SimConference, event: str, participant: Participant | None,
               **extra: str) -> dict[str, str]:
        conference.sequence += 1
        params = {"AccountSid": self.sim.account_sid, "ConferenceSid": conference.sid,
                  "FriendlyName": conference.name, "StatusCallbackEvent": EVENT_NAMES[event],
                  "SequenceNumber": str(conference.sequence),
                  "Timestamp": format_datetime(self.sim.start + timedelta(seconds=self.sim.engine.now), usegmt=True)}
        if participant is not None:
            params.update(CallSid=participant.call.sid, Muted=_bool(participant.muted), Hold=_bool(participant.hold),
                          Coaching=_bool(participant.coaching),
                          EndConferenceOnExit=_bool(participant.options.end_on_exit),
                          StartConferenceOnEnter=_bool(participant.options.start_on_enter))
            if participant.coach:
                params["CallSidToCoach"] = participant.coach
            if participant.options.label:
                params["ParticipantLabel"] = participant.options.label
        params.update(extra)
        return params

    def emit(self, conference: SimConference, event: str, participant: Participant | None,
             trigger: Participant | None = None, **extra: str) -> None:
        """Send `event` if the conference's statusCallback asked for it; conference-wide events carry
        no participant (`trigger` is only whose leg the request is logged on)."""
        target = conference.callback
        if target is None or EVENT_GROUP[event] not in target.status_callback_events:
            return
        who = participant or trigger
        leg = who.call if who is not None else self._any_leg(conference)
        if leg is None:
            return
        self.sim.request(leg, "conference", target.status_callback, target.status_callback_method,
                         self.params(conference, event, participant, **extra), common=False)

    # Inside
    def notify(self, participant: Participant) -> None:
        """Tell the participant's process, after the current step, that its situation changed."""
        def deliver() -> None:
            process = participant.call.process
            if participant.listening and process is not None and process.alive:
                process.interrupt(ConferenceChange())

        self.sim.engine.at(self.sim.engine.now, deliver)

    def music(self, participant: Participant) -> tuple[str | None, str, str] | None:
        """What the participant hears now: (url, method, kind) of music, or None when talking."""
        if participant.hold:
            return participant.hold_url, participant.hold_method, "hold"
        if participant.conference.status == "init":
            return participant.options.wait_url, participant.options.wait_method, "wait"
        return None

    def _talking(self, participant: Participant) -> None:
        if participant.left or participant.hold or participant.conference.status != "in-progress":
            return
        call = participant.call
        others = [p.call for p in participant.conference.participants if p is not participant and not p.coach]
        if others:
            call.heard = others[0]
            for other in others:
                other.heard = other.heard or call
        if call.talk_seconds is not None and participant.talk_timer is None:
            participant.talk_timer = self.sim.engine.at(
                self.sim.engine.now + call.talk_seconds,
                lambda: self.sim.legs.hang_up(call, "hangs up (talk time over)"))
        if not participant.muted and not participant.speaking:
            participant.speaking = True
            self.emit(participant.conference, "speech-start", participant)

    def _stop_talking(self, participant: Participant, keep_timer: bool = False) -> None:
        if participant.talk_timer is not None and not keep_timer:
            participant.talk_timer.cancel()
            participant.talk_timer = None
        if participant.speaking:
            participant.speaking = False
            self.emit(participant.conference, "speech-stop", participant)

    def _sync(self, participant: Participant) -> None:
        participant.record.update(muted=participant.muted, hold=participant.hold, coaching=participant.coaching,
                                  call_sid_to_coach=participant.coach, date_updated=self.sim.wall_time())

    def _beep(self, conference: SimConference, what: str, participant: Participant) -> None:
        beep = participant.options.beep.lower()
        if (beep == "true" or (beep == "onenter" and what == "joins") or (beep == "onexit" and what == "leaves")) \
                and conference.participants:
            conference.participants[0].call.log(f"beep: someone {what}")

    @staticmethod
    def _any_leg(conference: SimConference):
        return conference.participants[0].call if conference.participants else conference.last_leg


def _bool(value: bool) -> str:
    return "true" if value else "false"


def stay(sim, participant: Participant, run_verbs):
    """The participant's process while in the conference: music while waiting or held, else talk.

    Returns when the participant is removed; a hang-up or REST update propagates to the caller."""
    participant.listening = True
    try:
        while not participant.left:
            try:
                music = sim.conferences.music(participant)
                if music is None:
                    yield Wait(Future())  # talking until something changes
                else:
                    outcome = yield from play_music(sim, participant, *music, run_verbs)
                    if outcome == HANGUP:
                        raise CallerHangup(participant.call)
            except ConferenceChange:
                continue
    finally:
        participant.listening = False


def play_music(sim, participant: Participant, url: str | None, method: str, kind: str, run_verbs):
    call, conference = participant.call, participant.conference
    if not url:
        yield Wait(Future())  # Twilio's own music, until something changes
    while True:
        started = sim.engine.now
        params = {"ConferenceSid": conference.sid, "FriendlyName": conference.name}
        verbs = sim.fetch(call, url, method, params, kind)
        if verbs is None:
            yield Wait(Future())
        outcome = yield from run_verbs(sim, call, verbs, url, "wait")
        if outcome == HANGUP:
            return HANGUP
        if isinstance(outcome, Next):
            url, method = outcome.url, outcome.method
        elif outcome == LEAVE:
            pass  # <Leave> means nothing in a conference
        if sim.engine.now == started:
            yield Sleep(IDLE_MUSIC_SECONDS)
