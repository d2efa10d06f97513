"""The official Vosk models `hotline models install` fetches, pinned by size and SHA-256.

Names and sizes are the ones Alpha Cephei publishes at https://alphacephei.com/vosk/models (the
"small" models: phone audio at 8 kHz decodes fine with them, and a worker preloads them in ~50 MB
of memory each). The checksums are pinned so that a mirror (VOSK_MODELS_URL) or a broken download
can never put a different model under a language: a file that does not match is refused.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ModelSpec:
    language: str  # the call language (calls.language, the IVR's choice) this model transcribes
    name: str  # the archive's name without .zip, also its top folder
    size: int  # bytes of the .zip
    sha256: str

    @property
    def filename(self) -> str:
        return f"{self.name}.zip"

    @property
    def megabytes(self) -> int:
        return round(self.size / 1_000_000)


OFFICIAL_MODELS: dict[str, ModelSpec] = {
    "zh-CN": ModelSpec("zh-CN", "vosk-model-small-cn-0.22", 43_898_754,
                       "3af8b0e7e0f835ae9d414ce5df580237a3cfb08d586c9fbbb0f7ff29ad5b14ba"),
    "en-US": ModelSpec("en-US", "vosk-model-small-en-us-0.15", 41_205_931,
                       "30f26242c4eb449f948e42cb302dd7a686cb29a3423a8367f99ff41780942498"),
}
