"""What a ticket shows of its calls: each call, its recordings and their transcripts' state.

Recordings and transcripts belong to other areas; they are asked here (`CallRecordings`,
`CallTranscripts` in hotline.contracts), never read from their tables. Transcripts are shown when
the transcription area is installed.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import select

from hotline.contracts import CallRecordings, CallTranscripts, RecordingCard, TranscriptCard, provided
from hotline.models import Call
from tickets.models import TicketCall


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
    recordings: dict[str, list[RecordingCard]] = {}
    media = provided(CallRecordings)
    for recording in media.recordings_of(session, list(legs)) if media is not None else []:
        recordings.setdefault(legs[recording.call_sid], []).append(recording)
    transcripts: dict[Any, TranscriptCard] = {}
    texts = provided(CallTranscripts)
    for transcript in texts.transcripts_of(session, list(legs)) if texts is not None else []:
        transcripts[transcript.recording_id or transcript.call_sid] = transcript
    result = []
    for link in links:
        call = calls.get(link.call_sid)
        entries = []
        for recording in recordings.get(link.call_sid, []):
            transcript = transcripts.get(recording.id) or transcripts.get(recording.call_sid)
            entries.append({
                "sid": recording.sid, "status": recording.status,
                "twilio_status": recording.twilio_status, "duration_seconds": recording.duration_seconds,
                "transcript": None if transcript is None else {
                    "status": transcript.status, "language": transcript.language, "score": transcript.score},
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
