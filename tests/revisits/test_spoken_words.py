"""The revisit's free words by voice (issue 17 item 7): after the score the customer speaks, the call
records it, a real worker downloads the recording, real Vosk transcribes it (Korean espeak-ng speech,
which the tests' model understands), and the text is kept on the ticket as the revisit's feedback."""
from __future__ import annotations

import dataclasses
from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from hotline import db
from hotline.jobs import run_burst
from sandbox import press
from sandbox.twiml.scripts import record
from tests.recordings.speech import MODEL_PATH, say
from tests.revisits.conftest import CUSTOMER
from tests.revisits.test_end_to_end import Revisiting
from tests.support.system_tools import require
from transcription.models import Transcript

pytestmark = pytest.mark.slow  # real Vosk


@pytest.fixture
def settings(settings):
    return dataclasses.replace(settings, vosk_model_path=MODEL_PATH)


@pytest.fixture
def revisiting(app, clock, revisits):
    clock.set(datetime(2026, 11, 24, 2, 0, tzinfo=timezone.utc))  # 10:00 in Shanghai
    return Revisiting(app, clock, revisits)


def feedback(revisits, ticket_id: int) -> list[dict]:
    return [e.data for e in revisits.ticket(ticket_id).events if e.kind == "revisit_feedback"]


def test_the_customers_spoken_words_are_transcribed_onto_the_ticket(app, revisiting, revisits, tmp_path):
    require("espeak-ng", "sox")
    seconds = say("환불을 받고 싶어요", tmp_path / "words.wav")
    revisit = revisits.resolve()
    revisiting.sim.customer(CUSTOMER, answer="human", inputs=[press("1"), press("1"), press("4"),
                                                               record(seconds + 0.5, audio=str(tmp_path / "words.wav"),
                                                                      digits="#")])
    revisiting.make_due_attempts(revisit.id)
    leg = revisiting.sim.find(revisiting.calls_to()[0]["sid"])
    assert any("其他意见或建议" in text for text in leg.said)
    assert any("您的意见我们已经记录" in text for text in leg.said)  # the words' action thanked them
    assert len(leg.recordings) == 1
    [scored] = feedback(revisits, revisit.ticket_id)  # the score at once; the words are not transcribed yet
    assert scored["score"] == 4 and "words" not in scored

    run_burst(app, ("default",))  # the recording downloaded from the sandbox
    run_burst(app, ("transcription",))  # Vosk; TranscriptReady reaches revisits
    scored, spoken = feedback(revisits, revisit.ticket_id)
    assert spoken["channel"] == "call" and spoken["score"] is None
    with app.app_context():  # the words are the transcript's (espeak-ng's Korean is not always heard right)
        transcript = db.session().scalars(select(Transcript).where(Transcript.call_sid == leg.sid)).one()
        heard = " ".join(turn["text"] for turn in transcript.turns)
    assert spoken["words"] == heard and any("\uac00" <= c <= "\ud7a3" for c in heard), spoken


def test_a_customer_who_says_nothing_more_leaves_no_words(app, revisiting, revisits):
    revisit = revisits.resolve()
    revisiting.sim.customer(CUSTOMER, answer="human", inputs=[press("1"), press("1"), press("5")])
    revisiting.make_due_attempts(revisit.id)
    leg = revisiting.sim.find(revisiting.calls_to()[0]["sid"])
    assert not leg.recordings and any("感谢您的反馈" in text for text in leg.said)
    run_burst(app, ("default",))
    run_burst(app, ("transcription",))
    assert [f["score"] for f in feedback(revisits, revisit.ticket_id)] == [5]
