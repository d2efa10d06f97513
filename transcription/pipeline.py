"""The transcription job: stored recording -> Vosk per channel -> turns -> redaction -> QA analysis.

Runs on the `transcription` queue in RQ's forking worker: the Vosk model is loaded in the parent
(worker_preload) and each job decodes in a child, so a crash in Kaldi kills only that child.
Bad input never loops: it marks the transcript `failed` with a reason and returns normally. A child
that dies is told apart by transcription/crashes.py: a decoder crashing on this input twice fails the
transcript with the signal named (written by the worker, which outlives its child); a worker killed
from outside is retried, as often as it takes, up to MAX_STARTS starts.
"""
from __future__ import annotations

import io
import logging
import time
import wave

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from hotline import db
from hotline.models import Call
from hotline.contracts import (AudioUnreadable, LiveCoverage, LiveTranscripts, RecordingAudio, RecordingFile,
                               TranscriptReady, need, provided, publish)
from hotline.wavinfo import BadAudio, WavInfo, read_wav_info
from transcription.analytics import keywords_heard
from transcription.assessment import assess_transcript, current_rules
from transcription.crashes import MAX_STARTS, STARTS_REASON
from transcription.engine import ModelMissing, decode_utterances, load_model, model_path_for, split_channels
from transcription.models import Transcript
from transcription.turns import build_turns

log = logging.getLogger(__name__)

LIVE_MODEL = "live stream"  # the transcript's `model` when the call's live transcript was kept
# Twilio starts the stream a moment after the answer (an RQ job, then a REST request) and the recording
# at the answer: a stream that began later than this missed too much of the greeting to stand for the
# call, and one that stopped early (a transfer) misses its end; both are decoded from the recording.
LIVE_SLACK_SECONDS = 1.5


def transcribe_audio(data: bytes, model, labels: list[str], language: str | None) -> tuple[list[dict], WavInfo]:
    """Decode each channel separately at the file's own sample rate (read from its header)."""
    info = read_wav_info(data)
    with wave.open(io.BytesIO(data)) as wav:  # the data chunk, wherever other chunks put it
        pcm = wav.readframes(info.frames)
    channels = [decode_utterances(model, mono, info.sample_rate) for mono in split_channels(pcm, info.channels)]
    return build_turns(channels, labels, language), info


def transcript_for(recording: RecordingFile):
    session = db.session()
    transcript = session.scalars(select(Transcript).where(Transcript.recording_id == recording.id)).first()
    if transcript is None:
        call = session.scalars(select(Call).where(Call.sid == recording.call_sid)).first()
        language = (call.language if call else None) or current_app.config["HOTLINE_SETTINGS"].default_language
        transcript = Transcript(recording_id=recording.id, call_sid=recording.call_sid, language=language,
                                status="queued", turns=[], text="", redactions=[], categories="", flags="")
        session.add(transcript)
        try:
            session.commit()
        except IntegrityError:  # a second job for the same recording got there first
            session.rollback()
            transcript = session.scalars(select(Transcript).where(Transcript.recording_id == recording.id)).one()
    return transcript


def transcribe_recording(recording_id: int, decode: bool = False) -> str:
    """The recording's transcript: the call's live transcript when its stream covered the call, else
    Vosk on the recording. `decode`: Vosk on the recording whatever there is (QA asked for it)."""
    session = db.session()
    audio = need(RecordingAudio)
    recording = audio.recording(session, recording_id)
    if recording is None or recording.status != "stored":
        return "no stored recording"
    transcript = transcript_for(recording)
    if transcript.status == "done" and not decode:
        return "done"
    transcript.attempts += 1
    if transcript.attempts > MAX_STARTS:
        return _fail(transcript, STARTS_REASON)
    transcript.status = "running"
    if not transcript.decoder_crashes:  # else the crash's note stays until this attempt ends
        transcript.failure_reason = "decoding (interrupted if this stays)"
    session.commit()
    settings = current_app.config["HOTLINE_SETTINGS"]
    try:
        data = audio.audio(recording)
        header = read_wav_info(data)
        live = None if decode else _live_transcript(transcript.call_sid, header)
        if live is not None:
            info, model_path = header, LIVE_MODEL
            turns = _on_recording_time(live, info.seconds)
            transcript.decode_seconds = 0.0
        else:
            model_path = model_path_for(settings, transcript.language)
            model = load_model(model_path)
            started = time.perf_counter()
            turns, info = transcribe_audio(data, model, current_rules()["channels"], transcript.language)
            transcript.decode_seconds = round(time.perf_counter() - started, 3)
    except (ModelMissing, BadAudio, AudioUnreadable) as exc:
        return _fail(transcript, str(exc))
    transcript.model, transcript.audio_seconds = str(model_path), round(info.seconds, 3)
    assess_transcript(transcript, turns, info.seconds)
    transcript.status, transcript.failure_reason = "done", None
    session.commit()
    log.info("transcribed recording %s: %d turns, %.1f s audio in %.1f s", recording.sid, len(turns),
             info.seconds, transcript.decode_seconds)
    publish(TranscriptReady(call_sid=transcript.call_sid, transcript_id=transcript.id,
                            keywords=keywords_heard(transcript.analysis),
                            text=" ".join(turn["text"] for turn in transcript.turns or [] if turn.get("text"))))
    return "done"


def _live_transcript(call_sid: str, info: WavInfo) -> LiveCoverage | None:
    """The call's live transcript (live/, when present) if its stream covered the recording: within
    LIVE_SLACK_SECONDS of its length, so a stream started late or ended early (a transfer) is not
    taken for the whole call. A mono recording is a voicemail: never streamed."""
    live = provided(LiveTranscripts)
    if live is None or info.channels < 2:
        return None
    coverage = live.covering(call_sid)
    if coverage is None or coverage.seconds < info.seconds - LIVE_SLACK_SECONDS:
        return None
    return coverage


def _on_recording_time(live: LiveCoverage, recording_seconds: float) -> list[dict]:
    """The live turns moved to the recording's clock: the stream began the missing seconds after it."""
    lag = max(0.0, round(recording_seconds - live.seconds, 2))
    return [{**turn, "start": round(turn["start"] + lag, 2), "end": round(turn["end"] + lag, 2),
             "words": [{**w, "start": round(w["start"] + lag, 2), "end": round(w["end"] + lag, 2)}
                       for w in turn["words"]]} for turn in live.turns]


def _fail(transcript, reason: str) -> str:
    transcript.status, transcript.failure_reason = "failed", reason
    db.session().commit()
    log.error("transcript of call %s failed: %s", transcript.call_sid, reason)
    return "failed"
