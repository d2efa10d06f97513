"""What other areas read of recordings (`hotline.contracts.CallRecordings`): a ticket's audio."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from hotline.contracts import RecordingCard
from recordings.models import Recording


class RecordingsOfCalls:
    def recordings_of(self, session: Session, call_sids: list[str]) -> list[RecordingCard]:
        if not call_sids:
            return []
        rows = session.execute(select(Recording.id, Recording.sid, Recording.call_sid, Recording.status,
                                      Recording.twilio_status, Recording.duration_seconds)
                               .where(Recording.call_sid.in_(call_sids)).order_by(Recording.id))
        return [RecordingCard(*row) for row in rows]
