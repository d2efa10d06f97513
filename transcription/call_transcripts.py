"""What other areas read of transcripts (`hotline.contracts.CallTranscripts`): their state per recording."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from hotline.contracts import TranscriptCard
from transcription.models import Transcript


class TranscriptsOfCalls:
    def transcripts_of(self, session: Session, call_sids: list[str]) -> list[TranscriptCard]:
        if not call_sids:
            return []
        rows = session.execute(select(Transcript.recording_id, Transcript.call_sid, Transcript.status,
                                      Transcript.language, Transcript.score)
                               .where(Transcript.call_sid.in_(call_sids)))
        return [TranscriptCard(*row) for row in rows]
