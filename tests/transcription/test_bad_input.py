"""Broken audio, a missing model and a crashing decoder: a reason a person can act on, no endless
retries, and the worker goes on serving."""
import dataclasses
import struct
from pathlib import Path

import pytest
from rq import Retry

from hotline import create_app, db
from hotline.jobs import enqueue, get_queue, run_burst
from transcription.models import Transcript
from transcription.pipeline import transcribe_recording
from tests.support.factories import store_recording
from tests.transcription.crashing import abort_now, still_serving, transcribe_with_crashing_decoder


def wav_header(rate: int, channels: int, frames: int) -> bytes:
    data_bytes = frames * channels * 2
    return (b"RIFF" + struct.pack("<I", 36 + data_bytes) + b"WAVEfmt " + struct.pack("<IHHIIHH", 16, 1, channels, rate,
            rate * channels * 2, channels * 2, 16) + b"data" + struct.pack("<I", data_bytes))


BAD = {
    "empty": (b"", "empty"),
    "html": (b"<html><body>502 Bad Gateway</body></html>" * 4, "not a WAV file"),
    "truncated": (wav_header(8000, 2, 80000) + b"\0" * 1000, "truncated"),
    "wrong rate": (wav_header(4000, 2, 4000) + b"\0" * 16000, "4000 Hz"),
    # Decoding each channel would take 49 s per second of audio: refused from the header.
    "64 channels": (wav_header(8000, 64, 8000) + b"\0" * (8000 * 64 * 2), "64 channels"),
}


def transcripts(app):
    with app.app_context():
        return {t.call_sid: t for t in db.session().query(Transcript).all()}


def test_bad_files_fail_with_a_reason_and_the_worker_keeps_serving(app):
    calls = {}
    with app.app_context():
        for index, (name, (data, _)) in enumerate(BAD.items()):
            call = f"CA{index:032d}"
            calls[name] = call
            recording_id = store_recording(app, data, call, sid=f"RE{index:032d}")
            enqueue(transcribe_recording, recording_id, queue="transcription", retry=Retry(max=1))
        enqueue(abort_now, queue="transcription")
        last = enqueue(still_serving, queue="transcription")
    run_burst(app, ("transcription",))
    found = transcripts(app)
    for name, call in calls.items():
        assert found[call].status == "failed", name
        assert BAD[name][1] in found[call].failure_reason, (name, found[call].failure_reason)
        assert found[call].attempts == 1  # bad input is not retried
    with app.app_context():
        assert get_queue("transcription").fetch_job(last.id).return_value() == "served"


def test_a_missing_model_fails_with_the_setting_to_fix(app, settings, clock, call_audio):
    app = create_app(dataclasses.replace(settings, vosk_model_path=Path("/nonexistent/vosk")), clock=clock)
    recording_id = store_recording(app, call_audio[0].read_bytes())
    with app.app_context():
        enqueue(transcribe_recording, recording_id, queue="transcription", retry=Retry(max=1))
    run_burst(app, ("transcription",))
    [transcript] = transcripts(app).values()
    assert transcript.status == "failed" and transcript.attempts == 1
    assert "/nonexistent/vosk" in transcript.failure_reason and "VOSK_MODEL" in transcript.failure_reason


def test_no_model_for_the_call_language(app, settings, clock, call_audio):
    app = create_app(dataclasses.replace(settings, vosk_model_path=None, vosk_models={"en-US": "/x"}), clock=clock)
    store_recording(app, call_audio[0].read_bytes(), language="zh-CN")
    with app.app_context():
        assert transcribe_recording(1) == "failed"
        transcript = db.session().query(Transcript).one()
        assert "no Vosk model for language zh-CN" in transcript.failure_reason


def test_a_decoder_crash_is_retried_once_then_explained(app, call_audio):
    recording_id = store_recording(app, call_audio[0].read_bytes())
    with app.app_context():
        enqueue(transcribe_with_crashing_decoder, recording_id, queue="transcription", retry=Retry(max=1))
        last = enqueue(still_serving, queue="transcription")
    run_burst(app, ("transcription",))
    with app.app_context():
        queue = get_queue("transcription")
        for job_id in queue.scheduled_job_registry.get_job_ids():  # the retry, due in a moment
            queue.enqueue_job(queue.fetch_job(job_id))
    run_burst(app, ("transcription",))
    [transcript] = transcripts(app).values()
    assert transcript.attempts == 2 and transcript.status == "failed" and transcript.decoder_crashes == 2
    assert "the decoder crashed twice" in transcript.failure_reason and "SIGABRT" in transcript.failure_reason
    with app.app_context():
        assert get_queue("transcription").fetch_job(last.id).return_value() == "served"
        assert get_queue("transcription").count == 0  # no endless retries


def broken_model(tmp_path: Path, damaged: str) -> Path:
    """The test model with one file cut short, as a failed unpack leaves it (the rest linked)."""
    from tests.recordings.speech import MODEL_PATH

    broken = tmp_path / "broken-model"
    for source in MODEL_PATH.rglob("*"):
        if source.is_file():
            target = broken / source.relative_to(MODEL_PATH)
            target.parent.mkdir(parents=True, exist_ok=True)
            if source.relative_to(MODEL_PATH).as_posix() == damaged:
                target.write_bytes(source.read_bytes()[:1000])
            else:
                target.symlink_to(source)
    return broken


# final.mdl makes vosk.Model raise; a cut graph is loaded without complaint and crashes the decoder.
@pytest.mark.parametrize("damaged", ["am/final.mdl", "graph/HCLr.fst"])
def test_a_damaged_model_is_named_as_such(app, settings, clock, call_audio, tmp_path, damaged):
    model = broken_model(tmp_path, damaged)
    app = create_app(dataclasses.replace(settings, vosk_model_path=model), clock=clock)
    recording_id = store_recording(app, call_audio[0].read_bytes())
    with app.app_context():
        enqueue(transcribe_recording, recording_id, queue="transcription", retry=Retry(max=1))
        last = enqueue(still_serving, queue="transcription")
    run_burst(app, ("transcription",))  # the worker preloads the model first, as in production
    [transcript] = transcripts(app).values()
    assert transcript.status == "failed" and transcript.attempts == 1  # not retried: it would fail again
    assert f"model at {model.resolve()} could not be loaded" in transcript.failure_reason
    assert "died" not in transcript.failure_reason
    with app.app_context():
        assert get_queue("transcription").fetch_job(last.id).return_value() == "served"
