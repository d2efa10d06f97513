from hotline import db
from recordings.models import Recording
from tests.support.factories import store_recording

CALL = "CA" + "2" * 32


def ranged(client, path, token, spec):
    return client.get(path, headers={"Authorization": f"Bearer {token}", "Range": spec})


def test_reviewers_stream_the_audio_with_range_support(app, api, client, call_audio):
    data = call_audio[0].read_bytes()
    store_recording(app, data, CALL)
    qa = api.mint("qa")
    whole = api.get(f"/api/calls/{CALL}/recording", token=qa)
    assert whole.status_code == 200 and whole.data == data and whole.mimetype == "audio/wav"
    assert whole.headers["Accept-Ranges"] == "bytes"
    part = ranged(client, f"/api/calls/{CALL}/recording", qa, "bytes=100-199")
    assert part.status_code == 206 and part.data == data[100:200]
    assert part.headers["Content-Range"] == f"bytes 100-199/{len(data)}"
    tail = ranged(client, f"/api/calls/{CALL}/recording", api.mint("supervisor"), "bytes=-10")
    assert tail.status_code == 206 and tail.data == data[-10:]
    beyond = ranged(client, f"/api/calls/{CALL}/recording", qa, f"bytes={len(data) + 5}-")
    assert beyond.status_code == 416


def test_only_qa_supervisor_and_admin_hear_audio(app, api, call_audio):
    store_recording(app, call_audio[0].read_bytes(), CALL)
    assert api.get(f"/api/calls/{CALL}/recording", token="").status_code == 401
    assert api.get(f"/api/calls/{CALL}/recording", token="hl_wrong").status_code == 401
    assert api.get(f"/api/calls/{CALL}/recording", token=api.mint("agent")).status_code == 403
    assert api.get(f"/api/calls/{CALL}/recording").status_code == 200  # admin


def test_a_path_can_never_leave_the_recordings_directory(app, api, settings, tmp_path):
    secret = tmp_path / "secret.wav"
    secret.write_bytes(b"RIFF-not-for-you")
    recording_id = store_recording(app, b"RIFF" + b"\0" * 100, CALL)
    with app.app_context():
        row = db.session().get(Recording, recording_id)
        row.path = "../secret.wav"
        db.session().commit()
    response = api.get(f"/api/calls/{CALL}/recording")
    assert response.status_code == 404 and b"not-for-you" not in response.data
    for sneaky in ("..%2F..%2Fetc%2Fpasswd", "../../etc/passwd", "%2e%2e"):
        response = api.get(f"/api/calls/{sneaky}/recording")
        assert response.status_code == 404 and b"root:" not in response.data
    assert api.get(f"/api/calls/{CALL}/recording?recording=../secret").status_code == 404


def test_a_recording_not_yet_downloaded_says_so(app, api, twilio):
    twilio.post("/recordings/status", {"CallSid": CALL, "RecordingSid": "RE" + "c" * 32,
                                       "RecordingStatus": "in-progress"})
    response = api.get(f"/api/calls/{CALL}/recording")
    assert response.status_code == 409 and "pending" in response.get_json()["error"]
