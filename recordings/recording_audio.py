"""What transcription reads of recordings (`hotline.contracts.RecordingAudio`): stored audio."""
from __future__ import annotations

from typing import Any, Callable

from sqlalchemy import Select, not_, select
from sqlalchemy.orm import Session

from hotline.contracts import AudioUnreadable, RecordingFile
from recordings.api import recording_for_call, send_recording
from recordings.download import stored_file
from recordings.models import Recording
from recordings.storage import UnsafePath


def _file(recording: Recording) -> RecordingFile:
    return RecordingFile(id=recording.id, sid=recording.sid, call_sid=recording.call_sid, status=recording.status,
                         path=recording.path, failure_reason=recording.failure_reason)


class RecordingAudioFiles:
    def recording(self, session: Session, recording_id: int) -> RecordingFile | None:
        recording = session.get(Recording, recording_id)
        return _file(recording) if recording is not None else None

    def recording_of_call(self, session: Session, call_sid: str) -> RecordingFile | None:
        recording = recording_for_call(call_sid, session=session)
        return _file(recording) if recording is not None else None

    def audio(self, recording: RecordingFile) -> bytes:
        try:
            return stored_file(recording).read_bytes()
        except UnsafePath:
            raise AudioUnreadable("the recording's stored path is outside RECORDINGS_DIR; it was not read") from None
        except FileNotFoundError:
            raise AudioUnreadable(f"the audio file is missing from RECORDINGS_DIR ({recording.path}); "
                                  "it may have been purged or moved") from None

    def audio_response(self, call_sid: str) -> Any:
        return send_recording(call_sid)

    def stored_recording_ids(self, unless: Callable[[Any], Any] | None = None) -> Select:
        query = select(Recording.id).where(Recording.status == "stored")
        if unless is not None:
            query = query.where(not_(unless(Recording.id)))
        return query.order_by(Recording.id)
