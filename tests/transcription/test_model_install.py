"""`hotline models install` against a local HTTP server serving a zip built from the Korean test model:
a good download installs and configures it; a truncated one, a wrong checksum, a server that is not
there and a file that is not the official one are refused, and never replace an installed model."""
from __future__ import annotations

import dataclasses
import hashlib
import threading
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from hotline import create_app
from tests.recordings.speech import MODEL_PATH
from transcription.engine import ModelMissing, model_path_for
from transcription.model_catalog import OFFICIAL_MODELS, ModelSpec
from transcription.model_install import ModelInstallError, install_model
from transcription.readiness import check_readiness, transcription_readiness

NAME = "vosk-model-small-ko-test"


@pytest.fixture(scope="module")
def model_zip(tmp_path_factory) -> tuple[Path, ModelSpec]:
    """The Korean model's acoustic model, configuration and i-vector extractor (34 MB; its 220 MB
    graph is left out to keep the test fast), zipped the way Alpha Cephei ships models: one folder."""
    archive = tmp_path_factory.mktemp("served") / f"{NAME}.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_STORED) as zipped:
        for part in ("am", "conf", "ivector", "README"):
            for path in sorted([MODEL_PATH / part] if (MODEL_PATH / part).is_file()
                               else (MODEL_PATH / part).rglob("*")):
                if path.is_file():
                    zipped.write(path, f"{NAME}/{path.relative_to(MODEL_PATH)}")
    data = archive.read_bytes()
    return archive, ModelSpec("zh-CN", NAME, len(data), hashlib.sha256(data).hexdigest())


class ModelServer:
    """Serves files by name; `truncate_at` cuts the body off while promising the full length."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}
        self.truncate_at: int | None = None
        self.requests: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                server.requests.append(self.path)
                body = server.files.get(self.path.rsplit("/", 1)[-1])
                if body is None:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body if server.truncate_at is None else body[:server.truncate_at])
                self.wfile.flush()
                self.close_connection = True

            def log_message(self, *args) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/vosk/models"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server(model_zip):
    served = ModelServer()
    served.files[model_zip[0].name] = model_zip[0].read_bytes()
    yield served
    served.close()


@pytest.fixture
def settings(settings):
    return dataclasses.replace(settings, vosk_model_path=None, vosk_models={})


def test_installs_verifies_and_configures_the_model(settings, server, model_zip):
    _, spec = model_zip
    assert check_readiness(settings).missing.keys() == {"zh-CN", "en-US"}
    with pytest.raises(ModelMissing, match="hotline models install zh-CN"):
        model_path_for(settings, "zh-CN")

    path = install_model(spec, server.url, settings.instance_dir / "models")

    assert path == settings.instance_dir / "models" / "zh-CN"
    assert (path / "am" / "final.mdl").read_bytes() == (MODEL_PATH / "am" / "final.mdl").read_bytes()
    assert model_path_for(settings, "zh-CN") == path  # no setting to edit: transcription finds it
    assert server.requests == [f"/vosk/models/{NAME}.zip"]
    readiness = check_readiness(settings)
    assert readiness.models == {"zh-CN": str(path)} and list(readiness.missing) == ["en-US"]
    assert transcription_readiness(settings) == (
        "transcription: not ready, no Vosk model for en-US; run `hotline models install en-US`, a 41 MB download")
    # Nothing of the download is left beside the models.
    assert sorted(p.name for p in (settings.instance_dir / "models").iterdir()) == ["zh-CN"]


def test_a_reinstall_replaces_the_model_whole(settings, server, model_zip):
    _, spec = model_zip
    first = install_model(spec, server.url, settings.instance_dir / "models")
    (first / "stale-file").write_text("from the old model")
    again = install_model(spec, server.url, settings.instance_dir / "models")
    assert again == first and not (again / "stale-file").exists() and (again / "am").is_dir()


@pytest.mark.parametrize("problem, message", [
    ("truncated", "stopped after"),
    ("checksum", "has SHA-256"),
    ("bigger", "not the official"),
    ("offline", "cannot reach"),
    ("missing", "HTTP 404"),
])
def test_a_bad_download_is_refused_and_the_installed_model_kept(settings, server, model_zip, problem, message):
    _, spec = model_zip
    models = settings.instance_dir / "models"
    installed = install_model(spec, server.url, models)
    before = sorted(p.relative_to(installed) for p in installed.rglob("*"))
    url = server.url
    if problem == "truncated":
        server.truncate_at = spec.size // 3
    elif problem == "checksum":
        spec = dataclasses.replace(spec, sha256="0" * 64)
    elif problem == "bigger":
        spec = dataclasses.replace(spec, size=spec.size - 1)
    elif problem == "offline":
        server.close()
    elif problem == "missing":
        spec = dataclasses.replace(spec, name="vosk-model-that-is-not-there")

    with pytest.raises(ModelInstallError, match=message) as refused:
        install_model(spec, url, models)

    assert "\n" not in str(refused.value)
    assert sorted(p.relative_to(installed) for p in installed.rglob("*")) == before
    assert sorted(p.name for p in models.iterdir()) == ["zh-CN"]  # no temporary folder left behind


def test_a_zip_with_unsafe_paths_is_refused(settings, tmp_path):
    archive = tmp_path / "evil.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("../../escaped.txt", "x")
    data = archive.read_bytes()
    spec = ModelSpec("en-US", "evil", len(data), hashlib.sha256(data).hexdigest())
    with pytest.raises(ModelInstallError, match="unsafe path"):
        install_model(spec, "http://127.0.0.1:9", settings.instance_dir / "models", archive=archive)
    assert not (tmp_path.parent / "escaped.txt").exists()


def test_the_command_checks_the_published_checksums(settings, server, model_zip, clock):
    """The real catalog: the Korean zip served under the Mandarin model's name is not the official file."""
    official = OFFICIAL_MODELS["zh-CN"]
    server.files[official.filename] = model_zip[0].read_bytes()
    app = create_app(dataclasses.replace(settings, vosk_models_url=server.url), clock=clock)

    result = app.test_cli_runner().invoke(args=["models", "install", "zh-CN"])

    assert result.exit_code == 1
    assert f"zh-CN: not installed: {official.filename} is incomplete or not the official" in result.output
    assert "transcription: not ready, no Vosk model for zh-CN, en-US; run `hotline models install zh-CN en-US`" \
        in result.output
    assert not (settings.instance_dir / "models" / "zh-CN").exists()


def test_the_command_says_what_to_do_when_offline(settings, clock):
    app = create_app(dataclasses.replace(settings, vosk_models_url="http://127.0.0.1:9/vosk/models"), clock=clock)
    result = app.test_cli_runner().invoke(args=["models", "install", "en-US"])
    assert result.exit_code == 1
    assert "en-US: not installed: cannot reach http://127.0.0.1:9/vosk/models/vosk-model-small-en-us-0.15.zip" \
        in result.output
    assert "--archive FILE" in result.output and "Traceback" not in result.output


def test_install_from_a_downloaded_archive_and_status(settings, model_zip, clock):
    archive, _ = model_zip
    app = create_app(settings, clock=clock)
    status = app.test_cli_runner().invoke(args=["models", "status"])
    assert status.exit_code == 1
    assert status.output.startswith("transcription: not ready, no Vosk model for zh-CN, en-US; "
                                    "run `hotline models install zh-CN en-US`, a 85 MB download\n")
    # The official file's checksum is pinned, so a local copy of any other file is refused too.
    refused = app.test_cli_runner().invoke(args=["models", "install", "zh-CN", "--archive", str(archive)])
    assert refused.exit_code == 1 and "not the official vosk-model-small-cn-0.22" in refused.output
