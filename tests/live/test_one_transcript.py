"""One transcript per call: a stream that covered the call gives the QA transcript its words; where it
lost frames, the recording is decoded there only; a stream cut short or started late leaves the
recording to be decoded as before (the whole flow through a simulated call: test_live_call.py)."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from hotline import db
from hotline.redis_client import get_redis
from hotline.wavinfo import read_wav_info
from live import transcript_store
from live.coverage import coverage
from tests.support.factories import store_recording
from transcription.models import Transcript
from transcription.pipeline import transcribe_recording

CALL = "CA" + "7" * 32


def phrase(speaker: str, index: int, start: float, text: str) -> dict:
    words = [{"w": w, "start": start + 0.5 * n, "end": start + 0.5 * n + 0.4, "conf": 0.9}
             for n, w in enumerate(text.split())]
    return {"type": "phrase", "speaker": speaker, "index": index, "start": start, "end": words[-1]["end"],
            "text": text, "final": True, "words": words}


def end(seconds: float, reason: str = "stopped", **track_counts) -> dict:
    frames = int(round(seconds / 0.02))
    tracks = {name: {"frames": frames, "reordered": 0, "missing": 0, "late": 0, "duplicates": 0, **track_counts}
              for name in ("caller", "agent")}
    return {"type": "end", "reason": reason, "stream_sid": "MZ" + "1" * 32, "counts": {"tracks": tracks}}


SAID = [phrase("agent", 0, 0.5, "안녕하세요 고객 센터입니다"), phrase("caller", 0, 3.5, "환불 받고 싶어요"),
        {"type": "phrase", "speaker": "caller", "index": 1, "start": 6.0, "end": 6.4, "text": "네", "final": False}]


def entries(*items: dict) -> list[tuple[str, dict]]:
    return [(f"{n}-0", item) for n, item in enumerate(items, start=1)]


def test_a_clean_stream_gives_its_final_phrases_as_turns_in_time_order():
    found = coverage(entries(SAID[1], SAID[0], SAID[2], end(9.6)))
    assert found is not None and found.seconds == 9.6
    assert [(t["speaker"], t["text"]) for t in found.turns] == [("agent", "안녕하세요 고객 센터입니다"),
                                                                 ("caller", "환불 받고 싶어요")]
    assert [w["w"] for w in found.turns[0]["words"]] == ["안녕하세요", "고객", "센터입니다"]
    assert found.turns[0]["confidence"] == 0.9


@pytest.mark.parametrize("last", [
    None,  # the stream has not ended (or its end was never written)
    end(9.6, reason="connection dropped"),
    end(9.6, reason="no frame for 10 s"),
    end(9.6, missing=3),  # lost frames but not where: a stream from before gaps were recorded
], ids=["no end", "dropped", "timed out", "frames missing, no gaps"])
def test_a_stream_that_did_not_cover_the_call_is_not_used(last):
    assert coverage(entries(*SAID, *([last] if last else []))) is None


def test_lost_frames_are_the_streams_gaps_from_both_tracks():
    last = end(9.6)
    last["counts"]["tracks"]["caller"].update(frames=470, missing=10, late=1, gaps=[[3.0, 3.2]])
    last["counts"]["tracks"]["agent"].update(missing=5, gaps=[[3.1, 3.2], [8.0, 8.0 + 0.02 * 4]])
    found = coverage(entries(*SAID, last))
    assert found is not None and found.seconds == 9.6  # the lost frames were heard, as silence
    assert found.gaps == ((3.0, 3.2), (3.1, 3.2), (8.0, 8.08))
    assert len(found.turns) == 2


def test_one_track_only_is_not_the_call():
    one = end(9.6)
    del one["counts"]["tracks"]["agent"]
    assert coverage(entries(*SAID, one)) is None


def _transcribe(app, live_call_audio, stream_seconds_short: float, gaps=None) -> Transcript:
    folder, _ = live_call_audio
    data = (folder / "live.wav").read_bytes()
    seconds = read_wav_info(data).seconds
    recording_id = store_recording(app, data, CALL)
    last = end(seconds - stream_seconds_short)
    if gaps:
        last["counts"]["tracks"]["caller"].update(missing=int(sum(b - a for a, b in gaps) / 0.02), gaps=gaps)
    with app.app_context():
        transcript_store.append(get_redis(), CALL, [*SAID, last], 3600)
        assert transcribe_recording(recording_id) == "done"
        return db.session().scalars(select(Transcript)).one()


def test_a_stream_started_a_moment_late_is_kept_on_the_recordings_clock(app, live_call_audio):
    transcript = _transcribe(app, live_call_audio, stream_seconds_short=1.0)
    assert transcript.model == "live stream" and transcript.decode_seconds == 0
    assert [(t["speaker"], t["start"]) for t in transcript.turns] == [("agent", 1.5), ("caller", 4.5)]
    assert transcript.turns[0]["words"][0]["start"] == 1.5


@pytest.mark.slow  # real Vosk
def test_a_stream_that_missed_the_start_leaves_the_recording_to_be_decoded(app, live_call_audio):
    transcript = _transcribe(app, live_call_audio, stream_seconds_short=4.0)
    assert transcript.model.endswith("model") and transcript.decode_seconds > 0
    assert "언론" in transcript.text  # what the recording says, not the stream's (here invented) words


@pytest.mark.slow  # real Vosk
def test_a_gap_in_the_stream_is_decoded_from_the_recording_there_only(app, live_call_audio):
    # The caller's track lost 4.5 s to 5.0 s, inside the caller's (here invented) live phrase at 3.5 s:
    # that phrase is decoded from the recording; the agent's greeting stays the stream's.
    transcript = _transcribe(app, live_call_audio, stream_seconds_short=0.0, gaps=[[4.5, 5.0]])
    assert transcript.model.startswith("live stream, gaps from ") and transcript.model.endswith("model")
    assert transcript.status == "done" and transcript.decode_seconds > 0
    assert "언론" in transcript.text and "환불" not in transcript.text  # the recording's words in the gap
    greeting = transcript.turns[0]
    assert (greeting["speaker"], greeting["text"], greeting["start"]) == ("agent", "안녕하세요 고객 센터입니다", 0.5)
    assert "감사합니다" not in transcript.text  # at 7.0 s, outside the window: the stream heard nothing there
    caller = [t for t in transcript.turns if t["speaker"] == "caller"]
    assert caller and all(3.0 <= t["start"] and t["end"] <= 5.5 for t in caller)


@pytest.mark.slow  # real Vosk
def test_a_reviewer_can_have_a_live_transcript_decoded_from_the_recording(app, api, live_call_audio):
    from hotline.jobs import run_burst

    transcript = _transcribe(app, live_call_audio, stream_seconds_short=0.0)
    assert transcript.model == "live stream"
    qa = api.mint("qa")
    queued = api.post(f"/api/calls/{CALL}/transcript/decode", token=qa)
    assert queued.status_code == 202, queued.get_json()
    assert api.post(f"/api/calls/{'CA' + '8' * 32}/transcript/decode", token=qa).status_code == 404
    assert api.post(f"/api/calls/{CALL}/transcript/decode", token=api.mint("agent", agent_id=1)).status_code == 403
    run_burst(app, ("transcription",))
    with app.app_context():
        again = db.session().scalars(select(Transcript)).one()
    assert again.status == "done" and again.model.endswith("model") and again.decode_seconds > 0
    assert "언론" in again.text and "환불" not in again.text  # the recording's words replace the stream's
