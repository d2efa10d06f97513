"""Downloads only from Twilio: by RecordingSid from the configured API host, redirects only to a
Twilio media host, a size cap from the duration enforced while streaming, sids checked at the door."""
import dataclasses
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import select

from hotline import create_app, db
from hotline.jobs import get_queue, run_burst
from recordings.models import Recording
from tests.conftest import TwilioRequests
from tests.recordings.sandbox_media import SandboxMedia
from tests.recordings.test_callbacks import SID, callback
from tests.transcription.test_bad_input import wav_header


class OtherHost:
    """A plain HTTP server standing for a host that is not Twilio's API: it records what reaches
    it and answers with `body` (or, with `endless`, streams zeros without a Content-Length)."""

    def __init__(self, body: bytes = b"", endless: bool = False) -> None:
        self.requests: list[dict[str, str]] = []
        self.sent = 0
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):  # noqa: N802 (http.server's name)
                owner.requests.append({"path": self.path, **{k.lower(): v for k, v in self.headers.items()}})
                self.send_response(200)
                self.send_header("Content-Type", "audio/x-wav")
                if endless:
                    self.send_header("Connection", "close")
                    self.end_headers()
                    try:
                        while owner.sent < 200 * 1024 * 1024:
                            self.wfile.write(b"\0" * 65536)
                            owner.sent += 65536
                    except OSError:  # the downloader hung up: what the cap should make it do
                        pass
                    return
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.host = f"127.0.0.1:{self.server.server_port}"
        self.url = f"http://{self.host}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def other_host():
    hosts = []

    def start(body: bytes = b"", endless: bool = False) -> OtherHost:
        hosts.append(OtherHost(body, endless))
        return hosts[-1]

    yield start
    for host in hosts:
        host.stop()


def row(app):
    with app.app_context():
        return db.session().scalars(select(Recording).where(Recording.sid == SID)).one()


def app_with(settings, clock, **changes):
    """Another app on the same (emptied) database and Redis as the `app` fixture, with changed settings."""
    app = create_app(dataclasses.replace(settings, **changes), clock=clock)
    from sandbox.rest.server import ensure_sandbox

    media = SandboxMedia(ensure_sandbox(settings, app), settings.twilio_account_sid)
    return app, TwilioRequests(app.test_client(), settings), media


@pytest.mark.parametrize("field, value", [
    ("RecordingSid", "RE../../../../tmp/x"),
    ("RecordingSid", "RE" + "a" * 31),
    ("RecordingSid", "RE" + "A" * 32),
    ("RecordingSid", "CA" + "a" * 32),
    ("RecordingSid", "RE" + "a" * 32 + "\n"),
    ("CallSid", "CA../" + "1" * 29),
    ("CallSid", "RE" + "1" * 32),
])
def test_a_malformed_sid_is_refused_and_nothing_is_written(app, twilio, media, field, value):
    response = callback(twilio, media, **{field: value})
    assert response.status_code == 400
    with app.app_context():
        assert db.session().scalars(select(Recording)).all() == []
        assert get_queue("default").count == 0


def test_the_download_goes_by_sid_to_the_api_host_not_to_the_callback_url(app, twilio, media, call_audio,
                                                                        settings, other_host):
    elsewhere = other_host(b"RIFF not the recording")
    media.put(SID, call_audio[0].read_bytes())
    callback(twilio, media, RecordingUrl=f"{elsewhere.url}/2010-04-01/Accounts/AC1/Recordings/{SID}")
    run_burst(app, ("default",))
    assert row(app).status == "stored", row(app).failure_reason
    assert elsewhere.requests == []
    assert ("GET", f"/2010-04-01/Accounts/{settings.twilio_account_sid}/Recordings/{SID}.wav") in media.requests


def test_a_redirect_to_a_host_that_is_not_twilio_is_not_followed(app, twilio, media, call_audio, other_host):
    elsewhere = other_host(call_audio[0].read_bytes())
    media.put(SID, call_audio[0].read_bytes())
    media.sandbox.redirect_media(SID, f"{elsewhere.url}/{SID}.wav")
    callback(twilio, media)
    run_burst(app, ("default",))
    recording = row(app)
    assert recording.status == "failed" and recording.download_attempts == 1
    assert f"redirected to {elsewhere.host}" in recording.failure_reason
    assert "TWILIO_MEDIA_HOSTS" in recording.failure_reason
    assert elsewhere.requests == []


def test_a_redirect_to_the_media_host_is_followed_without_the_credentials(app, settings, clock, call_audio, other_host):
    data = call_audio[0].read_bytes()
    media_host = other_host(data)
    app, twilio, media = app_with(settings, clock, twilio_media_hosts=(media_host.host,))
    media.put(SID, data)
    media.sandbox.redirect_media(SID, f"{media_host.url}/v1/{SID}.wav")
    callback(twilio, media)
    run_burst(app, ("default",))
    assert row(app).status == "stored", row(app).failure_reason
    assert (settings.recordings_dir / row(app).path).read_bytes() == data
    [request] = media_host.requests
    assert request["path"] == f"/v1/{SID}.wav" and "authorization" not in request


def test_a_body_larger_than_the_duration_allows_is_refused(app, twilio, media, call_audio):
    data = call_audio[0].read_bytes()  # about 9 s of 8 kHz dual-channel audio
    media.put(SID, data)
    callback(twilio, media, RecordingDuration="1")  # allows (1 + 2) s × 32000 × 1.1 + 64 KiB
    run_burst(app, ("default",))
    recording = row(app)
    assert recording.status == "failed" and recording.download_attempts == 1
    assert "allowed for its duration" in recording.failure_reason
    assert not list((app.config["HOTLINE_SETTINGS"].recordings_dir).rglob("*.wav"))


def test_an_endless_body_is_cut_off_while_streaming(app, settings, clock, other_host):
    endless = other_host(endless=True)
    app, twilio, media = app_with(settings, clock, twilio_media_hosts=(endless.host,), recording_max_mb=2)
    media.put(SID, b"unused")
    media.sandbox.redirect_media(SID, f"{endless.url}/{SID}.wav")
    callback(twilio, media, RecordingDuration="")  # no duration: only RECORDING_MAX_MB applies
    run_burst(app, ("default",))
    recording = row(app)
    assert recording.status == "failed" and "more than the 2097152 bytes" in recording.failure_reason
    assert endless.sent < 16 * 1024 * 1024  # stopped near the cap, not after 200 MB


def test_a_wav_with_more_than_two_channels_is_refused_when_downloaded(app, twilio, media):
    media.put(SID, wav_header(8000, 64, 800) + b"\0" * (800 * 64 * 2))
    callback(twilio, media)
    run_burst(app, ("default",))
    recording = row(app)
    assert recording.status == "failed" and "64 channels" in recording.failure_reason


def test_a_download_that_keeps_failing_ends_failed_with_the_reason(app, twilio, media, call_audio, clock):
    media.put(SID, call_audio[0].read_bytes())
    media.sandbox.fail_next(status=503, code=20500, message="Service Unavailable", count=100, path_contains=SID)
    callback(twilio, media)
    with app.app_context():
        from hotline.redis_client import get_redis
        from recordings.sweeper import sweep_recordings

        for _ in range(10):  # every RQ retry is lost with a Redis flush: the sweeper carries on
            get_redis().flushdb()
            sweep_recordings()
            run_burst(app, ("default",))
            clock.advance(3600)
    recording = row(app)
    assert recording.status == "failed" and recording.download_attempts == 6
    assert "failed after 6 attempt(s)" in recording.failure_reason and "Service Unavailable" in recording.failure_reason


def test_a_redirect_that_changes_the_scheme_is_not_followed(app, settings, clock, other_host):
    media_host = other_host(b"")
    app, twilio, media = app_with(settings, clock, twilio_media_hosts=(media_host.host,))
    media.put(SID, b"unused")
    media.sandbox.redirect_media(SID, f"ftp://{media_host.host}/{SID}.wav")
    callback(twilio, media)
    run_burst(app, ("default",))
    assert row(app).status == "failed" and "redirected from http to ftp" in row(app).failure_reason
    assert media_host.requests == []
