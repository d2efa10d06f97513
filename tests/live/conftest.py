"""Live transcription tests: the media service on a real WebSocket port of this process, the Korean
test model, and speech from espeak-ng (tests/recordings/speech.py)."""
from __future__ import annotations

import dataclasses

import pytest

from live.media_cli import ServiceThread
from tests.recordings.speech import MODEL_PATH, Line, build_call
from tests.support.processes import free_port
from tests.support.system_tools import require
from transcription.rules import DEFAULT_RULES_PATH

# The Korean model understands espeak-ng's Korean; 언론 ("the press", 媒体) is heard reliably, so the
# tests' QA rules list it with the escalation words, as the shipped file lists 媒体.
LIVE_CALL_LINES = [
    Line("agent", 0.5, "안녕하세요 고객 센터입니다"),
    Line("caller", 3.5, "언론에 제보하겠습니다"),
    Line("agent", 7.0, "감사합니다"),
]


@pytest.fixture(scope="session")
def live_call_audio(tmp_path_factory):
    """(folder, spoken lines) of a two-speaker call with an escalation word; synthesised once."""
    require("espeak-ng", "sox")
    path, spoken = build_call(LIVE_CALL_LINES, tmp_path_factory.mktemp("live-speech"), "live.wav")
    return path.parent, spoken


@pytest.fixture
def media_port():
    return free_port()


@pytest.fixture
def settings(settings, media_port, tmp_path):
    rules = (settings.qa_rules_path or DEFAULT_RULES_PATH).read_text(encoding="utf-8")
    rules = rules.replace('"12315", "律师", "起诉"]', '"12315", "律师", "起诉", "언론"]')
    path = tmp_path / "qa_rules.yaml"
    path.write_text(rules, encoding="utf-8")
    return dataclasses.replace(settings, vosk_model_path=MODEL_PATH, qa_rules_path=path,
                               live_media_url=f"ws://127.0.0.1:{media_port}/media", live_stream_idle_seconds=3.0)


@pytest.fixture
def media_service(app, media_port):
    service = ServiceThread(app, media_port, threads=2).start()
    yield service
    service.stop()

