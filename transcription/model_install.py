"""Fetching a Vosk model: download, verify size and SHA-256, unpack atomically, keep it by language.

An installed model lives in `<VOSK_MODELS_DIR>/<language>/` (default `instance/models/zh-CN/`), where
`transcription.engine.model_path_for` finds it without any other setting. Nothing half-done ever sits
at that path: the archive is streamed to a temporary file beside it and checked, unpacked into a
temporary folder beside it, checked again (a Vosk model has `am/` or `final.mdl`), and only then
renamed into place, so a worker preloading models sees the old model or the new one, never a mix.
"""
from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
import zipfile
from pathlib import Path, PurePosixPath
from typing import Callable

import requests

from transcription.model_catalog import ModelSpec

CHUNK_BYTES = 1 << 20
CONNECT_TIMEOUT_SECONDS, READ_TIMEOUT_SECONDS = 10, 60
SOURCE_FILE = "hotline-model.json"  # written inside an installed model: what it is and where it came from


class ModelInstallError(RuntimeError):
    """The model was not installed; the message is one line saying why and what to do."""


def is_vosk_model(path: Path) -> bool:
    return (path / "am").is_dir() or (path / "final.mdl").is_file()


def installed_model(models_dir: Path, language: str) -> Path | None:
    path = models_dir / language
    return path if is_vosk_model(path) else None


def install_model(spec: ModelSpec, base_url: str, models_dir: Path, archive: Path | None = None,
                  progress: Callable[[int, int], None] | None = None) -> Path:
    """Download `spec` from `base_url` (or take the local `archive`), verify it and install it under
    `models_dir/<language>`; returns that path. Raises ModelInstallError."""
    models_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=f".{spec.language}-", dir=models_dir) as work:
        work_dir = Path(work)
        url = f"{base_url.rstrip('/')}/{spec.filename}"
        if archive is None:
            archive = work_dir / spec.filename
            _download(url, archive, spec, progress)
        verify_archive(archive, spec)
        unpacked = _unpack(archive, work_dir / "unpacked", spec)
        (unpacked / SOURCE_FILE).write_text(json.dumps(
            {"language": spec.language, "name": spec.name, "sha256": spec.sha256, "size": spec.size,
             "source": str(archive) if archive.parent != work_dir else url}, indent=1) + "\n")
        return _put_in_place(unpacked, models_dir / spec.language, work_dir)


def _download(url: str, target: Path, spec: ModelSpec, progress) -> None:
    try:
        response = requests.get(url, stream=True, timeout=(CONNECT_TIMEOUT_SECONDS, READ_TIMEOUT_SECONDS))
    except requests.ConnectionError as exc:
        raise ModelInstallError(f"cannot reach {url} (offline, or blocked by a proxy?): {_reason(exc)}; "
                                f"download {spec.filename} on another machine and run "
                                f"`hotline models install {spec.language} --archive FILE`, or set "
                                f"VOSK_MODELS_URL to a mirror") from None
    except requests.RequestException as exc:
        raise ModelInstallError(f"downloading {url} failed: {_reason(exc)}") from None
    with response:
        if response.status_code != 200:
            raise ModelInstallError(f"{url} answered HTTP {response.status_code}; check VOSK_MODELS_URL")
        received = 0
        try:
            with target.open("wb") as out:
                for chunk in response.iter_content(CHUNK_BYTES):
                    out.write(chunk)
                    received += len(chunk)
                    if received > spec.size:
                        break  # not the published file: verify_archive names the difference
                    if progress:
                        progress(received, spec.size)
        except requests.RequestException as exc:
            raise ModelInstallError(f"the download of {url} stopped after {received:,} of {spec.size:,} bytes "
                                    f"({_reason(exc)}); run the command again") from None


def verify_archive(archive: Path, spec: ModelSpec) -> None:
    size = archive.stat().st_size
    if size < spec.size:
        raise ModelInstallError(f"{archive.name} is incomplete or not the official {spec.name}: {size:,} of "
                                f"{spec.size:,} bytes; run the command again")
    if size > spec.size:
        raise ModelInstallError(f"{archive.name} is {size:,} bytes, the published file is {spec.size:,}: "
                                f"not the official {spec.name}; refused")
    digest = hashlib.sha256()
    with archive.open("rb") as data:
        for block in iter(lambda: data.read(CHUNK_BYTES), b""):
            digest.update(block)
    if digest.hexdigest() != spec.sha256:
        raise ModelInstallError(f"{archive.name} has SHA-256 {digest.hexdigest()}, expected {spec.sha256}: "
                                f"corrupted or not the official {spec.name}; refused")


def _unpack(archive: Path, into: Path, spec: ModelSpec) -> Path:
    try:
        with zipfile.ZipFile(archive) as zipped:
            for member in zipped.namelist():
                parts = PurePosixPath(member).parts
                if member.startswith("/") or ".." in parts:
                    raise ModelInstallError(f"{spec.filename}: unsafe path {member!r} in the archive; refused")
            zipped.extractall(into)
    except zipfile.BadZipFile:
        raise ModelInstallError(f"{spec.filename} is not a zip archive; refused") from None
    # The official archives hold one folder named after the model; accept a bare model too.
    if is_vosk_model(into):
        return into
    folders = [p for p in into.iterdir() if p.is_dir()]
    if len(folders) == 1 and is_vosk_model(folders[0]):
        return folders[0]
    raise ModelInstallError(f"{spec.filename} holds no Vosk model (no am/ or final.mdl); refused")


def _put_in_place(unpacked: Path, final: Path, work_dir: Path) -> Path:
    """Rename the checked model into place; an older model is moved aside first and removed after."""
    old = work_dir / "previous"
    if final.exists():
        final.rename(old)
    try:
        unpacked.rename(final)
    except OSError:
        if old.exists():
            old.rename(final)
        raise
    shutil.rmtree(old, ignore_errors=True)
    return final


def _reason(exc: Exception) -> str:
    text = str(exc.args[0] if exc.args else exc)
    return text.splitlines()[0][:200] if text else type(exc).__name__
