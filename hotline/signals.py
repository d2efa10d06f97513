"""Events one area announces and others act on, so areas do not import each other's internals.

Receivers run in the sender's request or job, inside its database session; they must be quick and
push slow work into RQ jobs. Every signal is sent with the Flask app as sender.

Payloads (keyword arguments):
- call_routed(call_sid, category, priority, language, ticket_number=None): the IVR sent a caller to
  a queue of `category`; tickets attach the call to a ticket (new or the caller's open one). Sent
  when the IVR settles the call into the database (a job right after the exit, or routing first),
  with the call's path already written in the same transaction.
- call_answered(call_sid, agent_id): an agent leg was answered.
- call_ended(call_sid, status): a call reached a final status.
- recordings_listed(call_sid, recordings): Twilio's list of a finished call's recordings
  (`hotline.gateway.RecordingState` each), read by the reconciliation sweep (hotline.reconcile);
  recordings keeps the ones no callback reported and returns how many were new.
- recording_completed(recording_id): a recording is stored locally; transcription starts.
- transcript_ready(call_sid, transcript_id): QA analytics may run.
- ticket_created(ticket_id), ticket_resolved(ticket_id), ticket_reopened(ticket_id).
- voicemail_left(call_sid, recording_sid, language): an after-hours message, to become a ticket.
- sms_received(message_id, from_number, body): an inbound SMS was stored.
"""
from blinker import Namespace

_signals = Namespace()

call_routed = _signals.signal("call-routed")
call_answered = _signals.signal("call-answered")
call_ended = _signals.signal("call-ended")
recordings_listed = _signals.signal("recordings-listed")
recording_completed = _signals.signal("recording-completed")
transcript_ready = _signals.signal("transcript-ready")
ticket_created = _signals.signal("ticket-created")
ticket_resolved = _signals.signal("ticket-resolved")
ticket_reopened = _signals.signal("ticket-reopened")
voicemail_left = _signals.signal("voicemail-left")
sms_received = _signals.signal("sms-received")
