"""Live streams benchmark: concurrent calls the media service keeps at real time on this machine.

    PYTHONPATH=. python bench/live_streams.py [--calls 1,2,4] [--seconds 30] [--threads 0]

1. Builds a call of `--seconds` (Korean espeak-ng speech, agent and caller taking turns; the
   tests' model understands it), one WAV per side.
2. The floor: bare Vosk decoding both sides offline, fed in the service's 100 ms pieces; CPU
   seconds per call.
3. For each number of calls: the media service (the same server as `hotline media`, in a thread of
   this process, real WebSockets on a loopback port) and that many sandbox Media Streams sending
   both tracks in real time at once. For every final phrase, the delay from the end of its speech
   (the stream's start + the phrase's end time) to its entry in Redis (the entry id's milliseconds);
   p50 / p95 per run, the last entry's lag behind the end of the audio, and the process's CPU per
   call against the floor (the service's overhead; the senders' JSON and μ-law encoding included).
Uses SQLite and the embedded Redis in a temporary folder unless DATABASE_URL / REDIS_URL are set.
"""
from __future__ import annotations

import argparse
import dataclasses
import statistics
import sys
import tempfile
import time
import wave
from array import array
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import vosk  # noqa: E402

from hotline import create_app, db  # noqa: E402
from hotline.calls import ensure_call  # noqa: E402
from hotline.migrate import upgrade  # noqa: E402
from hotline.redis_client import get_redis  # noqa: E402
from hotline.settings import Settings  # noqa: E402
from live import transcript_store  # noqa: E402
from live.media_cli import ServiceThread  # noqa: E402
from live.media_server import stream_url  # noqa: E402
from sandbox.twiml.media_stream import MediaStream  # noqa: E402
from tests.recordings.speech import MODEL_PATH, build_call, conversation  # noqa: E402
from tests.support.processes import free_port  # noqa: E402

PHRASES = {
    "agent": ["안녕하세요 고객 센터입니다 무엇을 도와드릴까요", "주문 번호를 알려 주시겠어요",
              "확인해 드리겠습니다 잠시만 기다려 주세요", "처리해 드렸습니다 감사합니다"],
    "caller": ["환불을 받고 싶어요", "언론에 제보하겠습니다", "네 알겠습니다", "언제 받을 수 있나요"],
}


def samples(path: Path) -> array:
    with wave.open(str(path)) as w:
        out = array("h")
        out.frombytes(w.readframes(w.getnframes()))
    return out


def floor_cpu(model, tracks: dict[str, array]) -> float:
    """CPU seconds of bare Vosk on both sides, 100 ms a feed (the service's piece)."""
    started = time.process_time()
    for audio in tracks.values():
        pcm = audio.tobytes()
        recognizer = vosk.KaldiRecognizer(model, 8000.0)
        recognizer.SetWords(True)
        for offset in range(0, len(pcm), 1600):
            recognizer.AcceptWaveform(pcm[offset:offset + 1600])
        recognizer.FinalResult()
    return time.process_time() - started


def run(app, settings, tracks, calls: int, threads: int | None) -> dict:
    sids = [f"CA{n:032x}" for n in range(1, calls + 1)]
    with app.app_context():
        for sid in sids:
            ensure_call(db.session(), sid, {"From": "+8613800138000", "To": "+861095555", "CallStatus": "in-progress"})
        db.session().commit()
        get_redis().delete(*[transcript_store.call_key(sid) for sid in sids])
    service = ServiceThread(app, int(settings.live_media_url.split(":")[2].split("/")[0]), threads=threads).start()
    service.service.model_for(None)  # loaded before the clock starts, as `hotline media` has it after its first call
    try:
        streams = [MediaStream(stream_url(settings, sid), settings.twilio_auth_token, settings.twilio_account_sid,
                               sid, dict(tracks), speed=1.0) for sid in sids]
        cpu = time.process_time()
        for stream in streams:
            assert stream.connect(), stream.error
        for stream in streams:
            stream.start()
        for stream in streams:
            stream.join()
        audio_end = max(s.began for s in streams) + len(tracks["inbound"]) / 8000
        with app.app_context():
            while True:
                views = {sid: transcript_store.read_call(get_redis(), sid) for sid in sids}
                if all(any(e["type"] == "end" for _, e in entries) for entries in views.values()):
                    break
                time.sleep(0.05)
        cpu = time.process_time() - cpu
    finally:
        service.stop()
    delays, last = [], 0.0
    for stream, sid in zip(streams, sids):
        for entry_id, entry in views[sid]:
            written = int(entry_id.split("-")[0]) / 1000
            if entry["type"] == "phrase" and entry["final"]:
                delays.append(written - (stream.began + entry["end"]))
            last = max(last, written)
    delays.sort()
    if not delays:
        raise SystemExit(f"no final phrase: {[e for _, e in views[sids[0]] if e['type'] != 'phrase']}")
    return {"calls": calls, "phrases": len(delays), "p50": statistics.median(delays),
            "p95": delays[min(len(delays) - 1, int(0.95 * len(delays)))], "end_lag": last - audio_end,
            "cpu_per_call": cpu / calls}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", default="1,2,4")
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--threads", type=int, default=0)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="live-bench-"))
    build_call(conversation(args.seconds, PHRASES), folder, "bench.wav")
    tracks = {"inbound": samples(folder / "bench.wav-caller.wav"), "outbound": samples(folder / "bench.wav-agent.wav")}
    vosk.SetLogLevel(-1)
    model = vosk.Model(str(MODEL_PATH))
    floor = min(floor_cpu(model, tracks) for _ in range(2))
    seconds = len(tracks["inbound"]) / 8000
    print(f"audio {seconds:.1f} s a call, two tracks; bare Vosk {floor:.2f} CPU s a call "
          f"(real-time factor {floor / seconds:.3f} per call)")
    port = free_port()
    settings = dataclasses.replace(Settings.for_tests(folder), vosk_model_path=MODEL_PATH,
                                   live_media_url=f"ws://127.0.0.1:{port}/media", testing=False)
    upgrade(settings.database_url)
    app = create_app(settings)
    print("calls  phrases  p50 s  p95 s  end lag s  CPU s/call  overhead")
    for calls in [int(c) for c in args.calls.split(",")]:
        r = run(app, settings, tracks, calls, args.threads or None)
        print(f"{r['calls']:5d}  {r['phrases']:7d}  {r['p50']:5.2f}  {r['p95']:5.2f}  {r['end_lag']:9.2f}  "
              f"{r['cpu_per_call']:10.2f}  {r['cpu_per_call'] / floor - 1:+8.0%}", flush=True)


if __name__ == "__main__":
    main()
