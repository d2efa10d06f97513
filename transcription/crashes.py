"""Telling a decoder that crashes on its input from a worker killed from outside.

A transcription decodes in a forked child of the worker (`hotline.jobs.HotlineWorker`). Two
different things end that child without a result:
- the decoder crashes by itself on this input (Kaldi's SIGSEGV or SIGABRT, a non-zero exit): the
  worker lives and sees it (`hotline.jobs.on_horse_death`). Counted in `decoder_crashes`; the job's
  one RQ retry runs it again, and a second crash fails the transcript with the signal named, since a
  third would crash too;
- the process is killed from outside: the worker SIGKILLed or restarted (its child dies with it, and
  nobody sees anything: the job is found abandoned and the sweep enqueues it again), or the child
  alone SIGKILLed (the OOM killer, a person). Not the input's fault: retried, not counted as a crash.
Only a transcription started MAX_STARTS times without ever finishing gives up on those grounds.
"""
from __future__ import annotations

import logging

from rq.job import Job
from sqlalchemy import select

from hotline import db
from hotline.jobs import HorseDeath
from transcription.models import Transcript

log = logging.getLogger(__name__)
MAX_CRASHES = 2
MAX_STARTS = 10


def crash_reason(death: HorseDeath, crashes: int) -> str:
    return (f"the decoder crashed {'twice' if crashes == 2 else f'{crashes} times'} on this recording (its process "
            f"was {death}, e.g. a Kaldi crash); check the audio with `hotline transcribe FILE` and the worker log")


STARTS_REASON = (f"decoding was started {MAX_STARTS} times and never finished (its process was killed from "
                 "outside each time: the worker restarted, or the OOM killer); check the worker's memory and log")


def decoder_died(job: Job, death: HorseDeath) -> None:
    """`on_horse_death` hook: count a crash of the decoder's own against its transcript."""
    recording_id = job.args[0] if job.origin == "transcription" and job.args else None
    if not isinstance(recording_id, int) or death.killed_from_outside:
        return
    session = db.session()
    transcript = session.scalars(select(Transcript).where(Transcript.recording_id == recording_id)).first()
    if transcript is None or transcript.status in ("done", "failed"):
        return
    transcript.decoder_crashes += 1
    if transcript.decoder_crashes >= MAX_CRASHES:
        transcript.status, transcript.failure_reason = "failed", crash_reason(death, transcript.decoder_crashes)
        log.error("transcript of call %s failed: %s", transcript.call_sid, transcript.failure_reason)
    else:
        transcript.failure_reason = f"the decoder crashed once on this recording ({death}); tried again"
        log.warning("transcription of recording %s: the decoder crashed (%s); tried again", recording_id, death)
    session.commit()
