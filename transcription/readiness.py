"""Whether transcription can run, said in one line with the command that makes it ready.

`hotline models status`, the QA pages and `hotline serve`'s start-up output all show the same line,
so the operator learns about a missing model before the first call, not from an empty review queue.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from transcription.engine import ModelMissing, model_path_for
from transcription.model_catalog import OFFICIAL_MODELS


@dataclass(frozen=True)
class Readiness:
    ready: bool
    models: dict[str, str]  # language -> model folder, for the languages that have one
    missing: dict[str, str]  # language -> why there is none

    @property
    def line(self) -> str:
        if self.ready:
            found = ", ".join(f"{language} {path}" for language, path in self.models.items())
            return f"transcription: ready ({found})"
        languages = " ".join(self.missing)
        size = sum(OFFICIAL_MODELS[lang].megabytes for lang in self.missing if lang in OFFICIAL_MODELS)
        download = f", a {size} MB download" if size else ""
        return (f"transcription: not ready, no Vosk model for {', '.join(self.missing)}; "
                f"run `hotline models install {languages}`{download}")


def check_readiness(settings) -> Readiness:
    """Every call language (the IVR's: zh-CN and en-US) needs a model a worker can load."""
    models, missing = {}, {}
    for language in OFFICIAL_MODELS:
        try:
            models[language] = str(model_path_for(settings, language))
        except ModelMissing as exc:
            missing[language] = str(exc)
    return Readiness(not missing, models, missing)


def transcription_readiness(settings=None) -> str:
    """One line: "transcription: ready (...)" or "transcription: not ready ...; run `...`".
    Without `settings`, the current app's."""
    if settings is None:
        settings = current_app.config["HOTLINE_SETTINGS"]
    return check_readiness(settings).line
