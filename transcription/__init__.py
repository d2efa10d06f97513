"""Transcription and QA: Vosk transcripts of recorded calls, QA analytics, the reviewer workspace.

A stored recording (`recording_completed`) is transcribed on the `transcription` queue; QA analysis,
redaction and the review-queue decision run in the same job; a sweep every minute re-enqueues
transcriptions whose job was lost (transcription/sweeper.py). Reviewers work under /qa (pages, signed
in like everyone else; a QA reviewer lands there after sign-in) and /api/calls/<sid>/transcript,
/api/qa/* (API). `hotline transcribe FILE` checks a model on a file; `hotline models install|status`
manages the models, and `hotline serve` prints whether each call language has one (`AREA.readiness`).
"""
from __future__ import annotations

from flask import Flask

from hotline.areas import Area
from transcription.readiness import transcription_readiness
from transcription.rules import RULES
from transcription.scorecard import SCORECARD

TRANSCRIBE_TIMEOUT_SECONDS = 3600


def init_app(app: Flask) -> None:
    from hotline import contracts, signals
    from hotline.jobs import on_horse_death, periodic, worker_preload
    from hotline.web_preload import web_preload
    from transcription.call_transcripts import TranscriptsOfCalls
    from transcription.cli import transcribe_command
    from transcription.crashes import decoder_died
    from transcription.facts import remember_agent, remember_hang_up, remember_route
    from transcription.kpi_queries import QaKpiQueries
    from transcription.models_cli import models_cli
    from transcription.pages import bp as pages_bp
    from transcription.search_index import keep_search_vector_current
    from transcription.sweeper import sweep_transcriptions

    keep_search_vector_current()
    contracts.provide(app, contracts.CallTranscripts, TranscriptsOfCalls())
    contracts.provide(app, contracts.QaKpis, QaKpiQueries())
    app.register_blueprint(pages_bp)
    contracts.need(contracts.Pages, app).register_home_page(app, "qa", "qa.workspace")
    signals.recording_completed.connect(schedule_transcription, sender=app, weak=False)
    signals.call_answered.connect(remember_agent, sender=app, weak=False)
    signals.call_routed.connect(remember_route, sender=app, weak=False)
    signals.conversation_over.connect(remember_hang_up, sender=app, weak=False)
    worker_preload(app, preload_vosk_models)
    # jieba builds its dictionary (1-5 s) on first use: in the web worker that was the first QA
    # search's p95; in the worker parent it is done once instead of in every forked job.
    worker_preload(app, preload_segmenter)
    web_preload(app, preload_segmenter)
    on_horse_death(app, decoder_died)
    periodic(app, "transcription-sweep", sweep_transcriptions, app.config["HOTLINE_SETTINGS"].sweep_seconds)
    app.cli.add_command(transcribe_command)
    app.cli.add_command(models_cli)


def transcription_job_id(recording_id: int) -> str:
    return f"transcribe-{recording_id}"


def schedule_transcription(app: Flask, recording_id: int, **_: object) -> None:
    from rq import Retry

    from hotline.jobs import enqueue
    from transcription.pipeline import transcribe_recording

    # One retry: a decoder that crashed gets a second chance (transcription/crashes.py); a worker
    # killed mid-decode leaves its job abandoned, and the sweep enqueues it again.
    enqueue(transcribe_recording, recording_id, queue="transcription", job_id=transcription_job_id(recording_id),
            retry=Retry(max=1, interval=5), timeout=TRANSCRIBE_TIMEOUT_SECONDS)


def preload_segmenter(app: Flask) -> None:
    from transcription.segmentation import load_segmenter

    load_segmenter()


def preload_vosk_models(app: Flask) -> None:
    """Load every configured or installed model in the worker parent, before it forks job children."""
    from pathlib import Path

    from transcription.engine import models_dir, preload_models
    from transcription.model_catalog import OFFICIAL_MODELS
    from transcription.model_install import installed_model

    settings = app.config["HOTLINE_SETTINGS"]
    paths = {p for p in settings.vosk_models.values()}
    if settings.vosk_model_path:
        paths.add(str(settings.vosk_model_path))
    for language in OFFICIAL_MODELS:
        if language not in settings.vosk_models and (installed := installed_model(models_dir(settings), language)):
            paths.add(str(installed))
    preload_models([Path(p) for p in sorted(paths)])


AREA = Area("transcription",
            init_app,
            api=("transcription.api",),
            data_files=(RULES, SCORECARD),
            migrations=True,
            models="transcription.models",
            readiness=transcription_readiness)
