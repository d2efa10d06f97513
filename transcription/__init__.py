"""Transcription and QA: Vosk transcripts of recorded calls, QA analytics, the reviewer workspace.

A stored recording (`RecordingCompleted`) is transcribed on the `transcription` queue; QA analysis,
redaction and the review-queue decision run in the same job; a sweep every minute re-enqueues
transcriptions whose job was lost (transcription/sweeper.py). Reviewers work under /qa (pages, signed
in like everyone else; a QA reviewer lands there after sign-in) and /api/calls/<sid>/transcript,
/api/qa/* (API). `hotline transcribe FILE` checks a model on a file; `hotline models install|status`
manages the models, and `hotline serve` prints whether each call language has one (`AREA.readiness`).
"""
from __future__ import annotations

from pathlib import Path

from flask import Flask

from hotline import contracts
from hotline.areas import Area
from hotline.jobs import on_horse_death, periodic, worker_preload
from hotline.web_preload import web_preload
from transcription.call_transcripts import TranscriptsOfCalls
from transcription.cli import transcribe_command
from transcription.crashes import decoder_died
from transcription.engine import models_dir, preload_models
from transcription.facts import remember_agent, remember_hang_up, remember_route
from transcription.kpi_queries import QaKpiQueries
from transcription.live_speech import LiveSpeechRules
from transcription.model_catalog import OFFICIAL_MODELS
from transcription.model_install import installed_model
from transcription.models_cli import models_cli
from transcription.pages import bp as pages_bp
from transcription.readiness import transcription_readiness
from transcription.rules import RULES
from transcription.scheduling import on_recording_completed
from transcription.scorecard import SCORECARD
from transcription.search_index import keep_search_vector_current
from transcription.segmentation import load_segmenter
from transcription.sweeper import sweep_transcriptions


def init_app(app: Flask) -> None:
    keep_search_vector_current()
    contracts.provide(app, contracts.CallTranscripts, TranscriptsOfCalls())
    contracts.provide(app, contracts.QaKpis, QaKpiQueries())
    contracts.provide(app, contracts.LiveSpeech, LiveSpeechRules())
    app.register_blueprint(pages_bp)
    pages = contracts.need(contracts.Pages, app)
    pages.register_home_page(app, "qa", "qa.workspace")
    pages.add_messages(app, {"zh-CN": {"nav.qa": "质检"}, "en-US": {"nav.qa": "QA"}})
    pages.add_nav_link(app, "qa.workspace", "nav.qa", contracts.MEDIA_READERS, order=50)
    contracts.subscribe(contracts.RecordingCompleted, on_recording_completed, app)
    contracts.subscribe(contracts.CallAnswered, remember_agent, app)
    contracts.subscribe(contracts.CallRouted, remember_route, app)
    contracts.subscribe(contracts.ConversationOver, remember_hang_up, app)
    worker_preload(app, preload_vosk_models)
    # jieba builds its dictionary (1-5 s) on first use: in the web worker that was the first QA
    # search's p95; in the worker parent it is done once instead of in every forked job.
    worker_preload(app, preload_segmenter)
    web_preload(app, preload_segmenter)
    on_horse_death(app, decoder_died)
    periodic(app, "transcription-sweep", sweep_transcriptions, app.config["HOTLINE_SETTINGS"].sweep_seconds)
    app.cli.add_command(transcribe_command)
    app.cli.add_command(models_cli)


def preload_segmenter(app: Flask) -> None:
    load_segmenter()


def preload_vosk_models(app: Flask) -> None:
    """Load every configured or installed model in the worker parent, before it forks job children."""
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
