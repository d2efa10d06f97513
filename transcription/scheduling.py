"""Enqueueing a recording's transcription: on `RecordingCompleted`, and again from the sweep."""
from __future__ import annotations

from rq import Retry

from hotline.contracts import RecordingCompleted
from hotline.jobs import enqueue
from transcription.pipeline import transcribe_recording

TRANSCRIBE_TIMEOUT_SECONDS = 3600


def transcription_job_id(recording_id: int) -> str:
    return f"transcribe-{recording_id}"


def on_recording_completed(event: RecordingCompleted) -> None:
    schedule_transcription(event.recording_id)


def schedule_transcription(recording_id: int) -> None:
    # One retry: a decoder that crashed gets a second chance (transcription/crashes.py); a worker
    # killed mid-decode leaves its job abandoned, and the sweep enqueues it again.
    enqueue(transcribe_recording, recording_id, queue="transcription", job_id=transcription_job_id(recording_id),
            retry=Retry(max=1, interval=5), timeout=TRANSCRIBE_TIMEOUT_SECONDS)


def schedule_decoding(recording_id: int) -> None:
    """Decode the recording again even though its transcript is done (a reviewer doubts the live words)."""
    enqueue(transcribe_recording, recording_id, True, queue="transcription", job_id=f"decode-{recording_id}",
            retry=Retry(max=1, interval=5), timeout=TRANSCRIBE_TIMEOUT_SECONDS)
