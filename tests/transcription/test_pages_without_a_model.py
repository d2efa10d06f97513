"""A fresh install has no speech model: the QA pages say so, with the command that fixes it, and show
each call waiting for a transcript with its reason instead of an empty queue and "score None"."""
import dataclasses
import io
import wave

import pytest

from hotline import db
from tests.conftest import sign_in
from tests.support.factories import store_recording
from transcription.models import Transcript
from transcription.pipeline import transcribe_recording

CALL = "CA" + "2" * 32


@pytest.fixture
def settings(settings):
    return dataclasses.replace(settings, vosk_model_path=None, vosk_models={})


def silent_call() -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as wav:
        wav.setnchannels(2)
        wav.setsampwidth(2)
        wav.setframerate(8000)
        wav.writeframes(b"\0\0\0\0" * 8000)
    return out.getvalue()


def test_the_pages_say_why_there_is_no_transcript_and_what_to_run(app, client, people):
    recording_id = store_recording(app, silent_call(), call_sid=CALL)
    with app.app_context():
        assert transcribe_recording(recording_id) == "failed"
    people.add("wang.qa", role="qa")
    sign_in(client, "wang.qa")

    workspace = client.get("/qa/").data.decode()
    assert ("transcription: not ready, no Vosk model for zh-CN, en-US; run `hotline models install zh-CN en-US`"
            in workspace)
    waiting = workspace.split('id="untranscribed"')[1]
    assert f"/qa/calls/{CALL}" in waiting and "no transcript yet: no Vosk model for language zh-CN" in waiting

    call_page = client.get(f"/qa/calls/{CALL}").data.decode()
    assert "no transcript yet: no Vosk model for language zh-CN: run `hotline models install zh-CN`" in call_page
    assert "score None" not in call_page and "None" not in call_page.split('class="meta"')[1].split("</p>")[0]
    assert " 0 s" not in call_page


def test_a_queued_transcript_is_waiting_for_a_worker(app, client, people):
    recording_id = store_recording(app, silent_call(), call_sid=CALL)
    with app.app_context():
        db.session().add(Transcript(recording_id=recording_id, call_sid=CALL, language="zh-CN", status="queued",
                                    turns=[], text="", redactions=[], categories="", flags=""))
        db.session().commit()
    people.add("wang.qa", role="qa")
    sign_in(client, "wang.qa")
    assert "no transcript yet: waiting for a transcription worker" in client.get(f"/qa/calls/{CALL}").data.decode()
