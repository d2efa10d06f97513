"""Events one area announces and others act on, so areas do not import each other's internals.

Signals about changed data are sent after the change is committed (`send_after_commit`, built on
`hotline.db.after_commit`): a rollback announces nothing. Receivers run in the sender's request or
job, on its database session, in a transaction of their own that the follow-up runner commits (or
rolls back if they raise); they must be quick and push slow work into RQ jobs. Every signal is sent
with the Flask app as sender.

Payloads (keyword arguments):
- call_routed(call_sid, category, priority, language, ticket_number=None): the IVR sent a caller to
  a queue of `category`; tickets attach the call to a ticket (new or the caller's open one). Sent
  once the IVR has committed the call's path to the database (a job right after the exit, or
  routing first).
- call_answered(call_sid, agent_id): an agent leg was answered.
- call_ended(call_sid, status): a call reached a final status.
- conversation_over(call_sid, agent_id, hung_up_first): an answered conversation ended, and who hung
  up first: "caller" or "agent" (the manuals: wait for the customer to hang up first).
- recordings_listed(call_sid, recordings): Twilio's list of a finished call's recordings
  (`hotline.gateway.RecordingState` each), read by the reconciliation sweep (hotline.reconcile);
  recordings keeps the ones no callback reported and returns how many were new.
- recording_completed(recording_id): a recording is stored locally; transcription starts.
- transcript_ready(call_sid, transcript_id, keywords): QA analytics may run; `keywords` maps each QA
  keyword category heard (complaint, escalation...) to its phrases, e.g. {"escalation": ["律师"]}.
- ticket_created(ticket_id), ticket_resolved(ticket_id), ticket_reopened(ticket_id).
- voicemail_left(call_sid, recording_sid, language, category, priority): an after-hours message, to
  become a ticket of the category and queue priority (1-10) the caller chose (None when unknown).
- sms_received(message_id, from_number, body): an inbound SMS was stored and handled (messaging).
"""
from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

call_routed = _signals.signal("call-routed")
call_answered = _signals.signal("call-answered")
call_ended = _signals.signal("call-ended")
conversation_over = _signals.signal("conversation-over")
recordings_listed = _signals.signal("recordings-listed")
recording_completed = _signals.signal("recording-completed")
transcript_ready = _signals.signal("transcript-ready")
ticket_created = _signals.signal("ticket-created")
ticket_resolved = _signals.signal("ticket-resolved")
ticket_reopened = _signals.signal("ticket-reopened")
voicemail_left = _signals.signal("voicemail-left")
sms_received = _signals.signal("sms-received")


def send_after_commit(signal, session=None, **payload) -> None:
    """Send `signal` (with the app as sender) once the current transaction commits; never if it is
    rolled back (hotline.db.after_commit)."""
    from flask import current_app

    from hotline import db

    db.after_commit(_send, signal, current_app._get_current_object(), payload, session=session)


def _send(signal, app, payload) -> None:
    signal.send(app, **payload)
