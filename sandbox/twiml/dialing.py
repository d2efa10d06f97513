"""<Dial>: ring Numbers, Clients and Sip addresses (first to answer wins), bridge to a queue, or join a
conference (conference.py).

How each address behaves comes from the script's agents (answer after N rings of ring_seconds,
never, busy, failed; talk for N seconds). The Dial's `action` gets DialCallStatus, DialCallSid,
DialCallDuration, DialBridged and, when recording, RecordingUrl/RecordingSid/RecordingDuration;
without an action Twilio continues with the verb after <Dial>.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET

from sandbox.engine import TIMEOUT, Sleep, Wait
from sandbox.engine.interrupts import CallerHangup, Dequeued, RestUpdate, SoftphonePickUp
from sandbox.twiml.bridge import Bridge
from sandbox.twiml.conference import JoinOptions, stay
from sandbox.twiml.document import HANGUP, Next, number, resolve

NOUNS = ("Number", "Client", "Sip", "Queue", "Conference")
BUSY_SECONDS, FAILED_SECONDS = 1.0, 0.5  # how long a busy signal or a failed attempt takes to come back
# The action Twilio still requests after the dialing leg hung up says so: its CallStatus is over (while
# the dialed party hanging up leaves it in-progress), which is how the app learns who hung up first.
GONE = {"CallStatus": "completed"}


def address_of(noun: ET.Element) -> str:
    text = (noun.text or "").strip()
    if noun.tag == "Client":
        identity = noun.find("Identity")
        return "client:" + ((identity.text or "").strip() if identity is not None else text)
    return text


def dial(sim, call, verb: ET.Element, base: str, run_verbs):
    """`run_verbs` plays the dialed party's whisper TwiML (verbs.run_verbs)."""
    attrs = verb.attrib
    nouns = [noun for noun in verb if noun.tag in NOUNS]
    if not nouns and (verb.text or "").strip():
        nouns = [ET.Element("Number")]
        nouns[0].text = verb.text
    options = {
        "timeout": number(attrs.get("timeout"), 30),
        "action": resolve(base, attrs["action"]) if attrs.get("action") else None,
        "method": attrs.get("method", "POST").upper(),
        "time_limit": number(attrs.get("timeLimit"), 14400),
        "record": attrs.get("record") if (attrs.get("record") or "").startswith("record-from") else None,
        "caller_id": attrs.get("callerId") or call.from_,
        "base": base,
        "attrs": attrs,
        "run_verbs": run_verbs,
    }
    if not nouns:
        call.log("<Dial> with nothing to dial: Twilio continues")
        return None
    if nouns[0].tag == "Queue":
        return (yield from dial_queue(sim, call, nouns[0], options))
    if nouns[0].tag == "Conference":
        return (yield from dial_conference(sim, call, nouns[0], options))
    return (yield from dial_legs(sim, call, nouns, options))


def after_dial(call, options, params: dict[str, str]):
    if options["action"]:
        return Next(options["action"], options["method"], params)
    return None


def dial_legs(sim, call, nouns: list[ET.Element], options):
    timeout = options["timeout"]
    legs = [sim.legs.dial_leg(call, address_of(noun), noun, options["caller_id"], options["base"]) for noun in nouns]
    call.log(f"<Dial> rings {', '.join(leg.party for leg in legs)} for up to {timeout:g} s"
             + (f", {options['record']}" if options["record"] else ""))
    outcomes = []
    for leg in legs:
        script = sim.agent_script(leg.to)
        if script.behaviour == "answer":
            delay = script.answer_delay(sim.ring_seconds)
            outcomes.append(("answer", delay) if delay <= timeout else ("no-answer", timeout))
        elif script.behaviour == "busy":
            outcomes.append(("busy", BUSY_SECONDS))
        elif script.behaviour == "failed":
            outcomes.append(("failed", FAILED_SECONDS))
        else:
            leg.softphone_ringing = script.behaviour == "softphone"  # rings until the desk answers
            outcomes.append(("no-answer", timeout))
    for leg, (kind, delay) in zip(legs, outcomes):
        if kind in ("busy", "failed"):  # these come back at once, whoever else is still ringing
            sim.engine.at(sim.engine.now + delay, lambda leg=leg, kind=kind: sim.legs.end(leg, kind))
    answering = sorted((delay, n) for n, (kind, delay) in enumerate(outcomes) if kind == "answer")
    winner = legs[answering[0][1]] if answering else None
    try:
        winner = yield from ring_legs(sim, legs, outcomes, winner,
                                      answering[0][0] if answering else max(delay for _, delay in outcomes))
    except (CallerHangup, RestUpdate) as exc:
        for leg in legs:
            sim.legs.end(leg, "canceled")
        call.log("the caller is gone before anyone answered; the dialed legs are canceled")
        if options["action"] and isinstance(exc, CallerHangup):
            sim.request(call, "action", options["action"], options["method"],
                        {"DialCallStatus": "canceled", "DialCallSid": legs[-1].sid, "DialCallDuration": "0",
                         "DialBridged": "false", **GONE})
        raise
    if winner is None:
        kinds = [kind for kind, _ in outcomes]
        status = next(k for k in ("no-answer", "busy", "failed") if k in kinds)
        for leg, (kind, _) in zip(legs, outcomes):
            sim.legs.end(leg, kind)
        call.log(f"<Dial> ends: {status}")
        return after_dial(call, options, {"DialCallStatus": status, "DialCallSid": legs[-1].sid,
                                          "DialCallDuration": "0", "DialBridged": "false"})
    for leg in legs:
        if leg is not winner:
            sim.legs.end(leg, "canceled")
    sim.legs.answer(winner)
    noun = nouns[legs.index(winner)]
    if noun.get("url"):
        try:
            outcome = yield from whisper(sim, winner, resolve(options["base"], noun.get("url")),
                                         noun.get("method", "POST"), options["run_verbs"])
        except CallerHangup as hangup:
            if hangup.leg is not winner:  # the caller left while the agent heard the whisper
                sim.legs.end(winner, "completed")
                raise
            outcome = HANGUP
        except RestUpdate:
            sim.legs.end(winner, "completed")
            raise
        if outcome == HANGUP or not winner.alive:
            sim.legs.end(winner, "completed")
            call.log("the dialed party's whisper TwiML hung up; not bridged")
            return after_dial(call, options, {"DialCallStatus": "completed", "DialCallSid": winner.sid,
                                              "DialCallDuration": str(winner.duration), "DialBridged": "false"})
    bridge = Bridge(sim, call, winner, options["time_limit"], options["record"], options["attrs"], options["base"])
    bridge.start()
    return (yield from converse(sim, call, winner, bridge, options))


def ring_legs(sim, legs, outcomes: list, winner, seconds: float):
    """Ring for `seconds`; a softphone answering in the desk wins at once, one declining is busy (and
    the Dial ends once no one else rings)."""
    until = sim.engine.now + seconds
    try:
        while True:
            try:
                yield Sleep(until - sim.engine.now)
                return winner
            except SoftphonePickUp as pick:
                pick.leg.softphone_ringing = False
                pick.leg.log(pick.note)
                if pick.outcome == "answered":
                    return pick.leg
                outcomes[legs.index(pick.leg)] = ("busy", 0.0)
                sim.legs.end(pick.leg, "busy")
                if not any(leg.alive for leg in legs):
                    return None
    finally:
        for leg in legs:
            leg.softphone_ringing = False


def whisper(sim, leg, url: str, method: str, run_verbs):
    """The Number/Client/Sip `url`: TwiML played to the answering party before the bridge."""
    verbs = sim.fetch(leg, url, method, {}, "whisper")
    if verbs is None:
        return HANGUP
    outcome = yield from run_verbs(sim, leg, verbs, url, "whisper")
    while isinstance(outcome, Next):
        verbs = sim.fetch(leg, outcome.url, outcome.method, outcome.params, "whisper")
        if verbs is None:
            return HANGUP
        outcome = yield from run_verbs(sim, leg, verbs, outcome.url, "whisper")
    return outcome


def converse(sim, call, other, bridge: Bridge, options, queue_params=None):
    def params() -> dict[str, str]:
        values = {"DialCallStatus": "completed", "DialCallSid": other.sid, "DialBridged": "true",
                  "DialCallDuration": str(bridge.duration), **(queue_params or {})}
        if bridge.recording is not None:
            values.update(RecordingUrl=sim.recordings.url(bridge.recording), RecordingSid=bridge.recording.sid,
                          RecordingDuration=str(bridge.recording.duration))
        return values

    try:
        connected = yield Wait(bridge.connected)
        if connected:
            who = yield Wait(bridge.ended)
        else:
            who = bridge.ended.value
    except (CallerHangup, RestUpdate) as exc:
        bridge.finish(call)
        sim.legs.passive_end(other)
        if options["action"] and isinstance(exc, CallerHangup):
            sim.request(call, "action", options["action"], options["method"], {**params(), **GONE})
        raise
    sim.legs.passive_end(other)
    if who is call:
        if options["action"]:
            sim.request(call, "action", options["action"], options["method"], {**params(), **GONE})
        raise CallerHangup(call)
    return after_dial(call, options, params())


def dial_queue(sim, call, noun: ET.Element, options):
    name = (noun.text or "").strip()
    queue = sim.queue(name)
    call.log(f"<Dial><Queue> {name!r}: {len(queue.members)} waiting")
    deadline = sim.engine.now + options["timeout"]
    while not queue.members:
        remaining = deadline - sim.engine.now
        if remaining <= 0 or (yield Wait(queue.arrival, remaining)) is TIMEOUT:
            call.log(f"nobody joined queue {name!r} within {options['timeout']:g} s")
            return after_dial(call, options, {"DialCallStatus": "no-answer", "DialCallDuration": "0",
                                              "DialBridged": "false", "QueueSid": queue.sid})
    member = queue.members[0].call
    bridge = Bridge(sim, call, member, options["time_limit"], options["record"], options["attrs"], options["base"])
    url = resolve(options["base"], noun.get("url")) if noun.get("url") else None
    member.process.interrupt(Dequeued(bridge, call, url, noun.get("method", "POST").upper()))
    return (yield from converse(sim, call, member, bridge, options, {"QueueSid": queue.sid}))


def dial_conference(sim, call, noun: ET.Element, options):
    """In the conference until removed (the verbs after <Dial>, or its action, run next) or hung up."""
    participant = sim.conferences.join(call, JoinOptions.from_noun(noun, options["base"]))
    joined = sim.engine.now

    def params() -> dict[str, str]:
        return {"DialCallStatus": "completed", "DialCallDuration": str(int(round(sim.engine.now - joined))),
                "ConferenceSid": participant.conference.sid, "DialBridged": "true"}

    try:
        yield from stay(sim, participant, options["run_verbs"])
    except (CallerHangup, RestUpdate) as exc:
        hung_up = isinstance(exc, CallerHangup) or exc.hangup
        sim.conferences.leave(participant, "participant_hung_up" if hung_up else "participant_updated_via_api")
        if options["action"] and isinstance(exc, CallerHangup):
            sim.request(call, "action", options["action"], options["method"], {**params(), **GONE})
        raise
    return after_dial(call, options, params())
