"""Real Vosk (Korean model) on espeak-ng speech in a Twilio-like two-channel 8 kHz WAV."""
import wave

import pytest

from hotline import db
from hotline.jobs import enqueue, run_burst
from transcription.engine import load_model
from transcription.models import Transcript
from transcription.pipeline import transcribe_audio, transcribe_recording
from tests.recordings.speech import MODEL_PATH
from tests.support.factories import store_recording

pytestmark = pytest.mark.slow  # real Vosk

CALL = "CA" + "2" * 32


@pytest.fixture(scope="module")
def decoded(call_audio):
    path, spoken = call_audio
    turns, info = transcribe_audio(path.read_bytes(), load_model(MODEL_PATH), ["caller", "agent"], "zh-CN")
    return turns, info, spoken


def test_each_channel_is_decoded_at_the_file_rate_and_labelled(decoded):
    turns, info, spoken = decoded
    assert (info.channels, info.sample_rate) == (2, 8000)
    assert {t["speaker"] for t in turns} == {"agent", "caller"}
    for turn in turns:
        assert turn["text"] and turn["words"] and 0 < turn["confidence"] <= 1
        assert all(0 <= w["conf"] <= 1 and w["start"] <= w["end"] for w in turn["words"])


def test_turn_times_fall_where_each_speaker_spoke(decoded):
    turns, _, spoken = decoded
    for turn in turns:
        mine = [s for s in spoken if s.speaker == turn["speaker"]]
        # A turn starts where one of its speaker's lines starts and ends where one of them (that line or a
        # later one: Vosk's endpointing sometimes keeps one utterance over a 2.5 s pause) ends.
        assert any(s.start - 0.5 <= turn["start"] <= s.end for s in mine), (turn, mine)
        assert any(s.start <= turn["end"] <= s.end + 0.5 and s.end >= turn["start"] for s in mine), (turn, mine)
    first_agent = min(t["start"] for t in turns if t["speaker"] == "agent")
    first_caller = min(t["start"] for t in turns if t["speaker"] == "caller")
    assert first_agent < 1.5 and 3.0 < first_caller < 4.5
    assert [t["start"] for t in turns] == sorted(t["start"] for t in turns)


def test_the_job_stores_a_searchable_two_speaker_transcript(app, call_audio):
    recording_id = store_recording(app, call_audio[0].read_bytes(), CALL)
    with app.app_context():
        enqueue(transcribe_recording, recording_id, queue="transcription")
    run_burst(app, ("transcription",))
    with app.app_context():
        transcript = db.session().query(Transcript).one()
        assert transcript.status == "done", transcript.failure_reason
        assert {t["speaker"] for t in transcript.turns} == {"agent", "caller"}
        assert transcript.text.startswith("agent: ") and "\ncaller: " in transcript.text
        assert transcript.audio_seconds == pytest.approx(call_audio[1][-1].end + 1.0, abs=0.05)
        assert transcript.analysis["metrics"]["agent_talk_seconds"] > 1
        assert transcript.analysis["metrics"]["caller_talk_seconds"] > 1
        greeting = transcript.analysis["compliance"]["greeting"]
        assert greeting["passed"] is False  # Korean speech holds no Chinese greeting
        word = transcript.turns[0]["words"][0]["w"]
        hit = db.session().query(Transcript).filter(Transcript.text.like(f"%{word}%")).all()
        assert hit == [transcript]


def test_a_sixteen_khz_mono_file_is_decoded_at_its_own_rate(app, tmp_path, call_audio):
    import subprocess

    mono = tmp_path / "mono16k.wav"
    subprocess.run(["sox", "-D", "-R", str(call_audio[0]), "-r", "16000", str(mono), "remix", "2"], check=True)
    with wave.open(str(mono)) as w:
        assert w.getframerate() == 16000 and w.getnchannels() == 1
    turns, info = transcribe_audio(mono.read_bytes(), load_model(MODEL_PATH), ["caller", "agent"], "zh-CN")
    assert info.sample_rate == 16000 and turns and {t["speaker"] for t in turns} == {"caller"}
    assert turns[0]["start"] < 1.5  # the agent's greeting, at the same time as in the 8 kHz file


def test_the_worker_loads_the_model_once_before_forking_jobs(app):
    from hotline.jobs import make_worker
    from transcription import engine

    engine._models.clear()
    make_worker(app, ("transcription",))
    assert list(engine._models) == [str(MODEL_PATH.resolve())]
    model = engine._models[str(MODEL_PATH.resolve())]
    assert load_model(MODEL_PATH) is model  # jobs (forked children) find it already loaded
