"""The revisit call's free words (the customer's comments after the score), onto the ticket.

The call records them (revisits/voice.py, `words`); recordings downloads the recording and
transcription decodes it like any other; its TranscriptReady names the revisit's call, and the text
is kept on the ticket as the revisit's feedback (`revisit_feedback`, channel `call`), the way an SMS
reply's words are.
"""
from __future__ import annotations

import logging

from sqlalchemy import select

from hotline import db
from hotline.contracts import TranscriptReady
from revisits import outcomes
from revisits.models import Revisit, RevisitAttempt

log = logging.getLogger(__name__)


def on_transcript_ready(event: TranscriptReady) -> None:
    """A revisit call's recording is transcribed: its words go on the revisit's ticket."""
    words = (event.text or "").strip()
    if not words:
        return
    session = db.session()
    try:
        revisit = session.scalars(select(Revisit).join(RevisitAttempt).where(
            RevisitAttempt.sid == event.call_sid, RevisitAttempt.channel == "call")).first()
    except Exception:  # a handler must not fail the transcription that announced the words
        session.rollback()
        log.exception("could not look up the revisit of a transcribed call", extra={"call_sid": event.call_sid})
        return
    if revisit is None:
        session.rollback()
        return  # not a revisit's call
    log.info("the revisit's spoken words are transcribed; kept on ticket %s", revisit.ticket_number,
             extra={"call_sid": event.call_sid})
    outcomes.tell_ticket(session, revisit, score=None, words=words, channel="call")  # logs its own failure
