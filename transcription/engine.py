"""Vosk, offline: which model a language uses, loading it once, decoding one channel of PCM.

Models are cached per process. `preload_models` runs in the worker parent before it forks, so every
job's child shares the loaded model pages (copy-on-write) instead of loading 250 MB per job.
"""
from __future__ import annotations

import json
import logging
import os
import tempfile
from array import array
from dataclasses import dataclass
from pathlib import Path

from transcription.model_install import installed_model

log = logging.getLogger(__name__)
CHUNK_FRAMES = 4000  # half a second at 8 kHz: Vosk endpointing sees pauses without per-call overhead
_models: dict[str, object] = {}
_unloadable: dict[str, str] = {}  # path -> why it could not be loaded, so a job need not try again


class ModelMissing(RuntimeError):
    """No usable Vosk model for a language; the message says which setting to fix."""


@dataclass(frozen=True)
class Word:
    word: str
    start: float
    end: float
    conf: float


def model_path_for(settings, language: str | None) -> Path:
    """VOSK_MODELS[language] first (the call's IVR language), then the model `hotline models install`
    put in VOSK_MODELS_DIR/<language>, then VOSK_MODEL_PATH (one model for every language)."""
    raw = settings.vosk_models.get(language or "")
    if not raw and language and (installed := installed_model(models_dir(settings), language)):
        return installed
    raw = raw or (str(settings.vosk_model_path) if settings.vosk_model_path else "")
    if not raw:
        raise ModelMissing(f"no Vosk model for language {language or 'unknown'}: run `hotline models install "
                           f"{language or 'zh-CN'}`, or set VOSK_MODELS "
                           f"(e.g. {{\"{language or 'zh-CN'}\": \"/models/vosk-cn\"}}) or VOSK_MODEL_PATH")
    path = Path(raw).expanduser()
    if not (path / "am").is_dir() and not (path / "final.mdl").exists():
        raise ModelMissing(f"Vosk model directory {path} is missing or incomplete (no am/); "
                           f"unpack a model there or fix VOSK_MODELS / VOSK_MODEL_PATH")
    return path


def models_dir(settings) -> Path:
    """Where `hotline models install` keeps models: VOSK_MODELS_DIR, default instance/models."""
    return settings.vosk_models_dir or settings.instance_dir / "models"


def load_model(path: Path):
    """The loaded model at `path` (once per process); ModelMissing if the files do not load."""
    key = str(path.resolve())
    model = _models.get(key)
    if model is None:
        if key in _unloadable:
            raise ModelMissing(_unloadable[key])
        import vosk  # local import: the Kaldi library loads only where speech is decoded

        vosk.SetLogLevel(-1)
        log.info("loading Vosk model %s", key)
        failure = None
        try:
            with _native_errors() as errors:
                model = vosk.Model(key)
        except Exception as exc:  # vosk raises a bare Exception("Failed to create a model")
            failure = str(exc)
        said = [line.strip() for line in errors.lines() if line.strip()]
        if failure is None and any(line.startswith("ERROR") for line in said):
            # Vosk returns a model even when a graph file did not read; decoding with it would crash.
            failure = "Kaldi reported errors while reading it"
        if failure is not None:
            detail = " ".join(said)[-500:]
            _unloadable[key] = (f"Vosk model at {key} could not be loaded: {failure}"
                                f"{f' ({detail})' if detail else ''}; the model files are damaged or "
                                f"incomplete: unpack the model again or fix VOSK_MODELS / VOSK_MODEL_PATH")
            raise ModelMissing(_unloadable[key])
        _models[key] = model
    return model


class _native_errors:
    """Catch what Kaldi writes to file descriptor 2 while loading, to name the damaged file."""

    def __enter__(self) -> "_native_errors":
        self._file = tempfile.TemporaryFile()
        self._saved = os.dup(2)
        os.dup2(self._file.fileno(), 2)
        return self

    def __exit__(self, *exc_info) -> None:
        os.dup2(self._saved, 2)
        os.close(self._saved)

    def lines(self) -> list[str]:
        if self._file.closed:
            return []
        self._file.seek(0)
        text = self._file.read(64 * 1024).decode("utf-8", "replace")
        self._file.close()
        return text.splitlines()


def preload_models(paths: list[Path]) -> None:
    for path in paths:
        try:
            load_model(path)
        except Exception as exc:  # a broken model must not stop a worker serving other languages
            log.error("Vosk model %s not preloaded: %s", path, exc)


def split_channels(pcm: bytes, channels: int) -> list[bytes]:
    """Interleaved 16-bit little-endian PCM -> one mono buffer per channel."""
    samples = array("h")
    samples.frombytes(pcm[: len(pcm) - len(pcm) % (2 * channels)])
    if channels == 1:
        return [samples.tobytes()]
    return [samples[i::channels].tobytes() for i in range(channels)]


def new_recognizer(model, sample_rate: int):
    """A Vosk recogniser with word times (the recordings' decoder and the live media service's)."""
    import vosk  # local import: the Kaldi library loads only where speech is decoded

    recognizer = vosk.KaldiRecognizer(model, float(sample_rate))
    recognizer.SetWords(True)
    return recognizer


def decode_utterances(model, pcm: bytes, sample_rate: int) -> list[list[Word]]:
    """Decode mono PCM at its real rate; Vosk's endpointing splits it into utterances."""
    recognizer = new_recognizer(model, sample_rate)
    utterances: list[list[Word]] = []
    step = CHUNK_FRAMES * 2
    for offset in range(0, len(pcm), step):
        if recognizer.AcceptWaveform(pcm[offset:offset + step]):
            utterances.append(_words(recognizer.Result()))
    utterances.append(_words(recognizer.FinalResult()))
    return [u for u in utterances if u]


def _words(result_json: str) -> list[Word]:
    result = json.loads(result_json)
    return [Word(w["word"], round(float(w["start"]), 2), round(float(w["end"]), 2), round(float(w.get("conf", 1.0)), 3))
            for w in result.get("result", [])]
