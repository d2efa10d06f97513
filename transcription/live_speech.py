"""transcription's answer to `LiveSpeech`: the live media service (live/) decodes with the models,
matches the phrases and redacts the numbers exactly as the recordings' transcripts do."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import current_app

from hotline.contracts import AssistRules
from transcription import engine
from transcription.assessment import current_rules
from transcription.phrases import first_match
from transcription.redaction import redact_turn, spoken_numbers
from transcription.script_checks import phrases_for


class LiveSpeechRules:
    def model_path(self, language: str | None) -> Path:
        return engine.model_path_for(current_app.config["HOTLINE_SETTINGS"], language)

    def load_model(self, path: Any) -> Any:
        return engine.load_model(Path(path))

    def recogniser(self, model: Any, sample_rate: int) -> Any:
        return engine.new_recognizer(model, sample_rate)

    def assist_rules(self, language: str | None) -> AssistRules:
        rules = current_rules().data
        language = language or "zh-CN"
        keywords = {name: tuple(phrases_for(section, language))
                    for name, section in (rules.get("keywords") or {}).items()}
        greeting = (rules.get("script") or {}).get("greeting") or {}
        return AssistRules(keywords, tuple(phrases_for(greeting, language)),
                           float(greeting.get("within_first_seconds", 15)))

    def heard(self, turn: dict[str, Any], phrases: tuple[str, ...], language: str | None) -> str | None:
        hit = first_match([turn], list(phrases), language)
        return hit[1] if hit else None

    def redact(self, turn: dict[str, Any], language: str | None) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        return redact_turn(turn, current_rules().data.get("redaction") or {}, language)

    def numbers(self, turn: dict[str, Any], language: str | None) -> list[str]:
        return spoken_numbers(turn)
