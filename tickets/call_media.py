"""What a ticket shows of its calls: each call, its recordings and their transcripts' state.

Recordings and transcripts belong to other areas; they are read here, never changed. Transcripts
are shown when the transcription area is installed (its `Transcript` rows by call).
"""
from __future__ import annotations

import importlib
from typing import Any

from sqlalchemy import or_, select

from hotline.models import Call
from recordings.models import Recording
from tickets.models import TicketCall


def _transcript_model():
    try:
        model = importlib.import_module("transcription.models").Transcript
    except (ImportError, AttributeError):
        return None
    return model if hasattr(model, "call_sid") else None


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def calls_with_media(session, links: list[TicketCall]) -> list[dict[str, Any]]:
    if not links:
        return []
    sids = [link.call_sid for link in links]
    calls = {c.sid: c for c in session.scalars(select(Call).where(Call.sid.in_(sids)))}
    # Agent legs are children of the caller's call; their recordings belong to the same conversation.
    legs: dict[str, str] = {sid: sid for sid in sids}
    for leg in session.scalars(select(Call).where(Call.parent_sid.in_(sids))):
        legs[leg.sid] = leg.parent_sid or leg.sid
    recordings: dict[str, list[Recording]] = {}
    for recording in session.scalars(select(Recording).where(Recording.call_sid.in_(list(legs)))
                                     .order_by(Recording.id)):
        recordings.setdefault(legs[recording.call_sid], []).append(recording)
    transcripts: dict[Any, Any] = {}
    model = _transcript_model()
    if model is not None:
        for transcript in session.scalars(select(model).where(or_(model.call_sid.in_(list(legs))))):
            transcripts[getattr(transcript, "recording_id", None) or transcript.call_sid] = transcript
    result = []
    for link in links:
        call = calls.get(link.call_sid)
        entries = []
        for recording in recordings.get(link.call_sid, []):
            transcript = transcripts.get(recording.id) or transcripts.get(recording.call_sid)
            entries.append({
                "sid": recording.sid, "status": getattr(recording, "status", recording.twilio_status),
                "twilio_status": recording.twilio_status, "duration_seconds": recording.duration_seconds,
                "transcript": None if transcript is None else {
                    "status": transcript.status, "language": getattr(transcript, "language", None),
                    "score": getattr(transcript, "score", None)},
            })
        result.append({
            "call_sid": link.call_sid, "reason": link.reason, "attached_at": _iso(link.attached_at),
            "attached_by": link.attached_by,
            "direction": call.direction if call else None, "status": call.status if call else None,
            "started_at": _iso(call.created_at) if call else None,
            "duration_seconds": call.duration_seconds if call else None,
            "recordings": entries,
        })
    return result
