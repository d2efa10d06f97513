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
from transcription import gap_fill
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


def transcribe_audio(data: bytes, model, labels: list[str], language: str | None,
                     window: tuple[float, float] | None = None) -> tuple[list[dict], WavInfo]:
    """Decode each channel separately at the file's own sample rate (read from its header); only the
    `window` (start, end seconds) if given, its turns on the recording's clock."""
    info = read_wav_info(data)
    with wave.open(io.BytesIO(data)) as wav:  # the data chunk, wherever other chunks put it
        first, last = (0, info.frames) if window is None else (int(window[0] * info.sample_rate),
                                                                min(info.frames, int(window[1] * info.sample_rate)))
        wav.setpos(first)
        pcm = wav.readframes(max(0, last - first))
    channels = [decode_utterances(model, mono, info.sample_rate) for mono in split_channels(pcm, info.channels)]
    turns = build_turns(channels, labels, language)
    return (turns if window is None else gap_fill.shifted(turns, window[0])), info


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
            if live.gaps:
                model_path = model_path_for(settings, transcript.language)
                turns, transcript.decode_seconds = _fill_gaps(data, turns, live, info, load_model(model_path),
                                                              transcript.language)
                model_path = f"{LIVE_MODEL}, gaps from {model_path}"
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
                            keywords=keywords_heard(transcript.analysis)))
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


def _lag(live: LiveCoverage, recording_seconds: float) -> float:
    """How much later than the recording the stream began (it ends at hang-up with it)."""
    return max(0.0, round(recording_seconds - live.seconds, 2))


def _on_recording_time(live: LiveCoverage, recording_seconds: float) -> list[dict]:
    """The live turns moved to the recording's clock: the stream began the missing seconds after it."""
    return gap_fill.shifted(list(live.turns), _lag(live, recording_seconds))


def _fill_gaps(data: bytes, turns: list[dict], live: LiveCoverage, info: WavInfo, model,
               language: str | None) -> tuple[list[dict], float]:
    """The live turns with the recording decoded where the stream lost frames; the seconds spent."""
    lag = _lag(live, info.seconds)
    windows = gap_fill.decode_windows(turns, [(a + lag, b + lag) for a, b in live.gaps], info.seconds)
    started = time.perf_counter()
    decoded = [transcribe_audio(data, model, current_rules()["channels"], language, window)[0] for window in windows]
    spent = round(time.perf_counter() - started, 3)
    log.info("live transcript completed from the recording in %d window(s), %.1f s of %.1f s audio",
             len(windows), sum(b - a for a, b in windows), info.seconds)
    return gap_fill.fill(turns, windows, decoded), spent


def _fail(transcript, reason: str) -> str:
    transcript.status, transcript.failure_reason = "failed", reason
    db.session().commit()
    log.error("transcript of call %s failed: %s", transcript.call_sid, reason)
    return "failed"
