"""Nothing lost on a Redis flush or a crash: the database says which downloads and transcriptions
are due, the sweepers re-enqueue them under their one job id each, and real workers finish them
exactly once (rows, files, transcripts, events, requests to Twilio)."""
import threading
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import select

from hotline import db
from hotline.contracts import RecordingCompleted, TranscriptReady, subscribe
from hotline.jobs import enqueue, get_queue, run_burst
from hotline.redis_client import get_redis
from recordings.download import fetch_recording
from recordings.models import Recording
from recordings.sweeper import sweep_recordings
from transcription.scheduling import TRANSCRIBE_TIMEOUT_SECONDS
from transcription.models import Transcript
from transcription.sweeper import sweep_transcriptions
from tests.recordings.speech import Line, build_call
from tests.support.factories import store_recording
from tests.transcription.crashing import transcribe_with_crashing_decoder

QUEUED, RETRYING, RUNNING, TRANSCRIBING = ("RE" + c * 32 for c in "abcd")


@pytest.fixture(scope="module")
def short_call(tmp_path_factory):
    """A two-second call (one short line), so four real Vosk decodes stay quick on a busy machine."""
    path, _ = build_call([Line("agent", 0.2, "감사합니다")], tmp_path_factory.mktemp("short"), "short.wav", tail=0.3)
    return path.read_bytes()


def completed(twilio, media, sid: str, call_sid: str):
    response = twilio.post("/recordings/status", {
        "AccountSid": "AC" + "0" * 32, "CallSid": call_sid, "RecordingSid": sid, "RecordingStatus": "completed",
        "RecordingUrl": media.recording_url(sid), "RecordingDuration": "12", "RecordingChannels": "2"})
    assert response.status_code == 204


def sweep(app) -> None:
    with app.app_context():
        sweep_recordings()
        sweep_transcriptions()


def jobs_waiting(app) -> int:
    with app.app_context():
        return sum(get_queue(name).count + len(get_queue(name).scheduled_job_registry.get_job_ids())
                   for name in ("default", "transcription"))


@pytest.mark.slow  # real workers and real Vosk
def test_a_redis_flush_loses_no_download_and_no_transcription(app, twilio, media, short_call, clock, settings,
                                                             tmp_path):
    sent = tmp_path / "events.log"  # jobs run in forked workers: the events they publish are noted in a file

    def note(line: str) -> None:
        with sent.open("a") as log:
            log.write(line + "\n")

    subscribe(RecordingCompleted, lambda event: note(f"stored {event.recording_id}"), app)
    subscribe(TranscriptReady, lambda event: note(f"ready {event.call_sid}"), app)
    audio = short_call
    calls = {sid: "CA" + sid[2] * 32 for sid in (QUEUED, RETRYING, RUNNING, TRANSCRIBING)}
    for sid in calls:
        media.put(sid, audio, calls[sid])

    # One recording already stored, its transcription waiting in the queue.
    completed(twilio, media, TRANSCRIBING, calls[TRANSCRIBING])
    # One whose download failed once: its retry is scheduled in Redis.
    media.fail(RETRYING, 503)
    completed(twilio, media, RETRYING, calls[RETRYING])
    run_burst(app, ("default",))
    # One a worker will be in the middle of downloading, and one queued behind it.
    completed(twilio, media, RUNNING, calls[RUNNING])
    completed(twilio, media, QUEUED, calls[QUEUED])
    with app.app_context():
        assert len(get_queue("default").scheduled_job_registry.get_job_ids()) == 1
        assert get_queue("default").count == 2 and get_queue("transcription").count == 1

    arrived, release = media.sandbox.hold_media(RUNNING)
    outcomes = []

    def flush_mid_job():
        assert arrived.wait(30)
        with app.app_context():
            get_redis().flushdb()  # queued, retrying and running jobs all gone from Redis
        sweep(app)  # while the download is still running: it must not be done twice
        with app.app_context():  # a second job for it, running right now beside the first, stands back
            running = db.session().scalars(select(Recording).where(Recording.sid == RUNNING)).one()
            outcomes.append(fetch_recording(running.id))
        release.set()

    flusher = threading.Thread(target=flush_mid_job)
    flusher.start()
    run_burst(app, ("default",))  # a real worker; its job is caught mid-download by the flush
    flusher.join()
    assert outcomes == ["not due"]

    for _ in range(3):  # the retry's due time comes; sweeps and workers until nothing is left
        clock.advance(30)
        sweep(app)
        run_burst(app, ("default",))
        run_burst(app, ("transcription",))

    with app.app_context():
        recordings = db.session().scalars(select(Recording)).all()
        transcripts = db.session().scalars(select(Transcript)).all()
    assert sorted(r.sid for r in recordings) == sorted(calls)
    assert {r.status for r in recordings} == {"stored"}, [(r.sid, r.failure_reason) for r in recordings]
    files = sorted(p.name for p in settings.recordings_dir.rglob("*") if p.is_file())
    assert files == sorted(f"{sid}.wav" for sid in calls)  # and no partial files left behind
    assert sorted(t.call_sid for t in transcripts) == sorted(calls.values())
    assert {t.status for t in transcripts} == {"done"} and {t.attempts for t in transcripts} == {1}
    assert all(t.text for t in transcripts)
    assert Counter(sent.read_text().splitlines()) == Counter(
        [f"stored {r.id}" for r in recordings] + [f"ready {call}" for call in calls.values()])
    downloads = Counter(path.rsplit("/", 1)[1] for method, path in media.requests if method == "GET")
    assert downloads == {f"{QUEUED}.wav": 1, f"{RETRYING}.wav": 2, f"{RUNNING}.wav": 1, f"{TRANSCRIBING}.wav": 1}
    assert {r.sid: r.download_attempts for r in recordings} == {QUEUED: 1, RETRYING: 2, RUNNING: 1, TRANSCRIBING: 1}

    sweep(app)  # nothing is due any more: a sweep enqueues nothing
    assert jobs_waiting(app) == 0


def test_sweeps_never_double_a_waiting_job(app, twilio, media, short_call):
    media.put(QUEUED, short_call)
    completed(twilio, media, QUEUED, "CA" + "1" * 32)
    store_recording(app, short_call, sid=TRANSCRIBING)
    for _ in range(3):
        sweep(app)
    with app.app_context():
        assert [j.id for j in get_queue("default").get_jobs()] == [f"recording-download-{QUEUED}"]
        assert [j.id for j in get_queue("transcription").get_jobs()] == ["transcribe-2"]


@pytest.mark.slow  # real Vosk
def test_a_transcription_whose_worker_died_is_redone_after_its_lease(app, short_call, clock):
    recording_id = store_recording(app, short_call)
    with app.app_context():  # no retry: the crash leaves the transcript `running`, as a killed worker does
        enqueue(transcribe_with_crashing_decoder, recording_id, queue="transcription")
    run_burst(app, ("transcription",))
    with app.app_context():
        [transcript] = db.session().scalars(select(Transcript)).all()
        assert transcript.status == "running" and transcript.attempts == 1
    sweep(app)  # within the lease a worker might still be decoding: left alone
    assert jobs_waiting(app) == 0
    clock.advance(timedelta(seconds=TRANSCRIBE_TIMEOUT_SECONDS + 61).total_seconds())
    sweep(app)
    with app.app_context():
        assert [j.id for j in get_queue("transcription").get_jobs()] == [f"transcribe-{recording_id}"]
    run_burst(app, ("transcription",))
    with app.app_context():
        [transcript] = db.session().scalars(select(Transcript)).all()
    assert transcript.status == "done" and transcript.attempts == 2 and transcript.text


@pytest.mark.slow  # real Vosk
def test_a_transcription_whose_job_died_is_redone_at_the_next_sweep_not_after_the_lease(app, short_call):
    """Its own job (same id) died: Redis holds it as failed, so nobody is decoding it, lease or not."""
    from transcription.scheduling import transcription_job_id

    recording_id = store_recording(app, short_call)
    with app.app_context():  # no retry: the crash leaves the transcript `running`, as a killed worker does
        enqueue(transcribe_with_crashing_decoder, recording_id, queue="transcription",
                job_id=transcription_job_id(recording_id))
    run_burst(app, ("transcription",))
    with app.app_context():
        [transcript] = db.session().scalars(select(Transcript)).all()
        assert transcript.status == "running" and transcript.attempts == 1
    sweep(app)  # well inside the lease
    with app.app_context():
        assert [j.id for j in get_queue("transcription").get_jobs()] == [f"transcribe-{recording_id}"]
    sweep(app)  # queued now: never doubled
    with app.app_context():
        assert get_queue("transcription").count == 1
    run_burst(app, ("transcription",))
    with app.app_context():
        [transcript] = db.session().scalars(select(Transcript)).all()
    assert transcript.status == "done" and transcript.attempts == 2 and transcript.text
