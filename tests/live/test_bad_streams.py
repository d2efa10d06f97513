"""What the media service does with streams that are not a live call's: refused at the handshake
(forged, unsigned, unknown or ended call) or closed with a logged reason (garbage, silence without a
stop, a flood), each without touching the other streams, and never leaving a recogniser behind.
Real WebSocket connections to the service; the Korean test model decodes what is accepted."""
import base64
import json
import time

import pytest
from twilio.request_validator import RequestValidator
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import connect

from hotline import db, mulaw
from hotline.redis_client import get_redis
from live import recognisers, transcript_store
from live.media_server import stream_url
from tests.support.factories import add_call
from tests.support.processes import wait_until

pytestmark = pytest.mark.slow  # a real server, real Vosk recognisers
LIVE, ENDED = "CA" + "1" * 32, "CA" + "2" * 32
SILENT_FRAME = base64.b64encode(bytes([mulaw.SILENCE]) * 160).decode()


@pytest.fixture
def calls(app):
    with app.app_context():
        add_call(db.session(), LIVE)
        add_call(db.session(), ENDED, status="completed")
        db.session().commit()


def signed(settings, sid, token=None):
    url = stream_url(settings, sid)
    return url, {"X-Twilio-Signature": RequestValidator(token or settings.twilio_auth_token).compute_signature(url, {})}


def message(event, n, **body):
    return json.dumps({"event": event, "sequenceNumber": str(n), "streamSid": "MZ" + "9" * 32, **body})


def start(sid=LIVE):
    return message("start", 1, start={"streamSid": "MZ" + "9" * 32, "accountSid": "AC" + "0" * 32, "callSid": sid,
                                      "tracks": ["inbound", "outbound"], "customParameters": {},
                                      "mediaFormat": {"encoding": "audio/x-mulaw", "sampleRate": 8000, "channels": 1}})


def media(n, track, chunk, payload=SILENT_FRAME):
    return message("media", n, media={"track": track, "chunk": str(chunk), "timestamp": str((chunk - 1) * 20),
                                      "payload": payload})


def open_stream(settings, sid=LIVE):
    url, headers = signed(settings, sid)
    return connect(url, additional_headers=headers, open_timeout=10, legacy=True)


def ended(app, sid=LIVE):
    with app.app_context():
        view = transcript_store.transcript_view(transcript_store.read_call(get_redis(), sid))
    return view if view["ended"] else None


def no_entries(app, sid=LIVE):
    with app.app_context():
        return transcript_store.read_call(get_redis(), sid) == []


@pytest.mark.parametrize("how", ["unsigned", "forged", "signed for another call"])
def test_a_stream_twilio_did_not_sign_is_refused_before_any_audio(app, settings, calls, media_service, how):
    url, headers = signed(settings, LIVE)
    if how == "unsigned":
        headers = {}
    elif how == "forged":
        headers = signed(settings, LIVE, token="not-our-token")[1]
    else:
        headers = signed(settings, ENDED)[1]
    with pytest.raises(InvalidStatus) as refused:
        connect(url, additional_headers=headers, open_timeout=10)
    assert refused.value.response.status_code == 403
    assert recognisers.alive() == 0 and no_entries(app)


@pytest.mark.parametrize("sid, status", [("CA" + "3" * 32, 404), (ENDED, 410)])
def test_a_stream_for_an_unknown_or_ended_call_is_refused(app, settings, calls, media_service, sid, status):
    url, headers = signed(settings, sid)
    with pytest.raises(InvalidStatus) as refused:
        connect(url, additional_headers=headers, open_timeout=10)
    assert refused.value.response.status_code == status
    assert no_entries(app, sid)


@pytest.mark.parametrize("garbage, reason", [
    ("this is not json", "frame is not JSON"),
    (b"\x00binary", "binary frame"),
    (media(2, "inbound", 1, payload="@@@not-base64@@@"), "not base64"),
    (message("start", 2, start={"callSid": LIVE}), "start.tracks"),
])
def test_garbage_closes_that_stream_with_a_logged_reason(app, settings, calls, media_service, caplog, garbage, reason):
    with open_stream(settings) as socket:
        socket.send(json.dumps({"event": "connected", "protocol": "Call", "version": "1.0.0"}))
        socket.send(start())
        socket.send(media(2, "inbound", 1))
        socket.send(garbage)
        with pytest.raises(ConnectionClosed):
            for _ in range(100):
                socket.recv(timeout=60)
        assert socket.close_code == 1008 and reason in socket.close_reason
    wait_until(lambda: ended(app), 120)
    assert reason in _end_reason(app)
    assert any(reason in r.getMessage() for r in caplog.records if r.name == "live.media_server")
    wait_until(lambda: recognisers.alive() == 0, 60)


def _end_reason(app):
    with app.app_context():
        entries = transcript_store.read_call(get_redis(), LIVE)
    return next(e["reason"] for _, e in entries if e["type"] == "end")


def test_a_stream_that_never_sends_stop_times_out(app, settings, calls, media_service):
    began = time.monotonic()
    with open_stream(settings) as socket:
        socket.send(start())
        socket.send(media(2, "inbound", 1))
        with pytest.raises(ConnectionClosed):
            socket.recv(timeout=30)
        assert socket.close_code == 1001
    assert 2.5 < time.monotonic() - began < 15  # LIVE_STREAM_IDLE_SECONDS is 3 in these tests
    wait_until(lambda: ended(app), 120)
    assert _end_reason(app).startswith("no frame for 3 s")
    wait_until(lambda: recognisers.alive() == 0, 60)


def test_frames_out_of_order_or_missing_are_put_in_order_and_counted(app, settings, calls, media_service):
    with open_stream(settings) as socket:
        socket.send(start())
        n = 2
        for chunk in (1, 3, 2, 5, *range(6, 20)):  # 3 overtakes 2; 4 never comes
            socket.send(media(n, "inbound", chunk))
            n += 2  # every other sequence number lost on the way
        socket.send(message("stop", n, stop={"callSid": LIVE}))
    view = wait_until(lambda: ended(app), 120) or ended(app)
    counts = view["counts"]
    assert counts["tracks"]["caller"] == {"frames": 18, "reordered": 1, "missing": 1, "late": 0, "duplicates": 0,
                                          "gaps": [[0.06, 0.08]]}  # frame 4's 20 ms
    assert counts["messages_missing"] == 18 and counts["messages_out_of_order"] == 0


def test_a_client_that_floods_is_closed_and_the_others_go_on(app, settings, calls, media_service):
    with open_stream(settings) as flood:
        flood.send(start())
        with pytest.raises(ConnectionClosed):
            for chunk in range(1, 100_000):
                flood.send(media(chunk + 1, "inbound", chunk))
        assert flood.close_code == 1008 and "flooding" in flood.close_reason
    with open_stream(settings) as calm:  # the same call again: the service still takes streams
        calm.send(start())
        calm.send(media(2, "outbound", 1))
        calm.send(message("stop", 3, stop={"callSid": LIVE}))
    wait_until(lambda: recognisers.alive() == 0, 30)


def test_recognisers_never_leak_over_many_streams_opened_and_dropped(app, settings, calls, media_service):
    for round_ in range(40):
        socket = open_stream(settings)
        socket.send(start())
        socket.send(media(2, "inbound", 1))
        socket.send(media(3, "outbound", 1))
        if round_ % 4 == 0:
            socket.send("garbage")
        socket.close()  # dropped without a stop
    wait_until(lambda: media_service.service.open_streams == 0 and recognisers.alive() == 0, 120)
    with app.app_context():
        entries = transcript_store.read_call(get_redis(), LIVE)
    assert sum(1 for _, e in entries if e["type"] == "end") == 40
