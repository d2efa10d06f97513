"""Twilio's REST API as the twilio library calls it, answered from a `SandboxState`.

Responses carry the fields the twilio library reads (sid, status, ...); errors are Twilio's
`{"code", "message", "more_info", "status"}` JSON so `TwilioRestException` gets status and code.
The state is found per request in `request.environ["hotline.sandbox"]` (see server.py).
"""
from __future__ import annotations

from flask import Blueprint, Flask, Response, jsonify, request

from sandbox.engine.sids import new_sid
from sandbox.rest.common import API, authenticate, error, rfc2822, state
from sandbox.rest.conferences import conferences
from sandbox.rest.control import control
from sandbox.rest.softphones import softphones
from sandbox.rest.state import Recording, SandboxError

bp = Blueprint("sandbox_rest", __name__)
bp.before_request(authenticate)


def call_json(call: dict) -> dict:
    return {
        "sid": call["sid"], "account_sid": call["account_sid"], "parent_call_sid": call.get("parent_call_sid"),
        "to": call["to"], "to_formatted": call["to"], "from": call["from"], "from_formatted": call["from"],
        "status": call["status"], "direction": call.get("direction", "outbound-api"),
        "answered_by": call.get("answered_by"), "duration": call.get("duration"),
        "start_time": call.get("start_time"), "end_time": call.get("end_time"),
        "date_created": call["date_created"], "date_updated": rfc2822(), "api_version": "2010-04-01",
        "price": None, "price_unit": "USD", "caller_name": None, "queue_time": "0",
        "uri": f"/2010-04-01/Accounts/{call['account_sid']}/Calls/{call['sid']}.json",
        "subresource_uris": {"recordings": f"/2010-04-01/Accounts/{call['account_sid']}/Calls/{call['sid']}/Recordings.json"},
    }


@bp.post(f"{API}/Calls.json")
def create_call(account: str):
    form = request.form
    missing = [name for name in ("To", "From") if not form.get(name)]
    if missing:
        return error(400, 21201 if missing[0] == "To" else 21213, f"A '{missing[0]}' phone number is required.")
    if not form.get("Url") and not form.get("Twiml") and not form.get("ApplicationSid"):
        return error(400, 21205, "Url parameter is required.")
    call = {
        "sid": new_sid("CA"), "account_sid": account, "to": form["To"], "from": form["From"],
        "url": form.get("Url"), "method": form.get("Method", "POST"), "twiml": form.get("Twiml"),
        "status_callback": form.get("StatusCallback"),
        "status_callback_method": form.get("StatusCallbackMethod", "POST"),
        "status_callback_event": form.getlist("StatusCallbackEvent") or ["completed"],
        "timeout": int(form.get("Timeout", "60") or 60),
        "machine_detection": form.get("MachineDetection"), "async_amd": form.get("AsyncAmd"),
        "record": form.get("Record"), "status": "queued", "direction": "outbound-api",
        "date_created": rfc2822(),
    }
    state().add_call(call)
    return jsonify(call_json(call)), 201


@bp.get(f"{API}/Calls/<sid>.json")
def fetch_call(account: str, sid: str):
    call = state().find_call(sid)
    if call is None:
        return error(404, 20404, f"The requested resource {request.path} was not found")
    return jsonify(call_json(call))


@bp.post(f"{API}/Calls/<sid>.json")
def update_call(account: str, sid: str):
    changes = {k: v for k, v in request.form.items() if k in ("Url", "Twiml", "Method", "Status")}
    if changes.get("Status") not in (None, "completed", "canceled"):
        return error(400, 21218, f"Invalid call status {changes['Status']!r}")
    try:
        call = state().update_call(sid, changes)
    except SandboxError as exc:
        return error(exc.status, exc.code, exc.message)
    return jsonify(call_json(call))


@bp.post(f"{API}/Messages.json")
def create_message(account: str):
    form = request.form
    sandbox = state()
    to, from_ = form.get("To", ""), form.get("From", "") or form.get("MessagingServiceSid", "")
    if not to:
        return error(400, 21604, "A 'To' phone number is required.")
    if not from_:
        return error(400, 21603, "A 'From' phone number is required.")
    if not form.get("Body") and not form.get("MediaUrl"):
        return error(400, 21602, "Message body is required.")
    if sandbox.is_unsubscribed(to, from_):
        return error(400, 21610, "Attempt to send to unsubscribed recipient")
    message = {
        "sid": new_sid("SM"), "account_sid": account, "to": to, "from": form.get("From") or None,
        "messaging_service_sid": form.get("MessagingServiceSid"), "body": form.get("Body", ""),
        "status": "queued" if form.get("From") else "accepted", "direction": "outbound-api",
        "num_segments": str(max(1, -(-len(form.get("Body", "")) // 70))), "num_media": "0",
        "status_callback": form.get("StatusCallback"), "error_code": None, "error_message": None,
        "date_created": rfc2822(), "date_updated": rfc2822(), "date_sent": None, "api_version": "2010-04-01",
        "price": None, "price_unit": "USD",
    }
    message["uri"] = f"/2010-04-01/Accounts/{account}/Messages/{message['sid']}.json"
    sandbox.add_message(message)
    return jsonify({k: v for k, v in message.items() if k != "status_callback"}), 201


def recording_json(account: str, recording: Recording) -> dict:
    # As its status callback says: under a second of audio is `absent` with Twilio's 16101.
    absent = recording.duration < 1
    return {
        "sid": recording.sid, "account_sid": account, "call_sid": recording.call_sid, "conference_sid": None,
        "status": "absent" if absent else "completed", "error_code": 16101 if absent else None,
        "channels": recording.channels, "duration": str(recording.duration), "source": recording.source,
        "start_time": rfc2822(recording.created_at), "date_created": rfc2822(recording.created_at),
        "date_updated": rfc2822(recording.created_at), "api_version": "2010-04-01", "price": None,
        "price_unit": "USD", "track": "both", "encryption_details": None,
        "media_url": f"https://api.twilio.com/2010-04-01/Accounts/{account}/Recordings/{recording.sid}",
        "uri": f"/2010-04-01/Accounts/{account}/Recordings/{recording.sid}.json",
        "subresource_uris": {
            "transcriptions": f"/2010-04-01/Accounts/{account}/Recordings/{recording.sid}/Transcriptions.json"},
    }


@bp.get(f"{API}/Calls/<sid>/Recordings.json")
def list_call_recordings(account: str, sid: str):
    """A call's recordings, one page as Twilio pages a list (PageSize, default 50, at most 1000)."""
    if state().find_call(sid) is None:
        return error(404, 20404, f"The requested resource {request.path} was not found")
    try:
        size = min(1000, max(1, int(request.args.get("PageSize", "50"))))
        page = max(0, int(request.args.get("Page", "0")))
    except ValueError:
        return error(400, 20001, "PageSize and Page must be integers")
    found = sorted(state().call_recordings(sid), key=lambda r: r.created_at, reverse=True)  # newest first
    records = found[page * size:(page + 1) * size]
    uri = f"/2010-04-01/Accounts/{account}/Calls/{sid}/Recordings.json"
    more = (page + 1) * size < len(found)
    return jsonify({
        "recordings": [recording_json(account, r) for r in records],
        "first_page_uri": f"{uri}?PageSize={size}&Page=0", "end": page * size + max(0, len(records) - 1),
        "previous_page_uri": f"{uri}?PageSize={size}&Page={page - 1}" if page else None,
        "next_page_uri": f"{uri}?PageSize={size}&Page={page + 1}" if more else None,
        "page": page, "page_size": size, "start": page * size, "uri": f"{uri}?PageSize={size}&Page={page}",
    })


@bp.post(f"{API}/Calls/<sid>/Recordings.json")
def start_call_recording(account: str, sid: str):
    """Record a live call leg from now until it ends or the recording is stopped (`RecordingChannels`
    `dual`: the leg on channel 1, what it hears on channel 2), with `RecordingStatusCallback`."""
    sandbox = state()
    call = sandbox.find_call(sid)
    if call is None:
        return error(404, 20404, f"The requested resource {request.path} was not found")
    if call["status"] != "in-progress" or sandbox.listener is None:
        return error(400, 21220, "Requested resource is not eligible for recording")
    form = request.form
    channels = 2 if (form.get("RecordingChannels") or "mono").lower() == "dual" else 1
    options = {"sid": new_sid("RE"), "call_sid": sid, "channels": channels,
               "callback": form.get("RecordingStatusCallback"),
               "method": (form.get("RecordingStatusCallbackMethod") or "POST").upper(),
               "events": " ".join(form.getlist("RecordingStatusCallbackEvent")) or "completed"}
    sandbox.listener.on_recording_started(options)
    return jsonify({"sid": options["sid"], "account_sid": account, "call_sid": sid, "status": "in-progress",
                    "channels": channels, "source": "StartCallRecordingAPI", "track": "both",
                    "duration": None, "start_time": rfc2822(), "date_created": rfc2822(),
                    "date_updated": rfc2822(), "api_version": "2010-04-01", "error_code": None,
                    "uri": f"/2010-04-01/Accounts/{account}/Calls/{sid}/Recordings/{options['sid']}.json"}), 201


@bp.post(f"{API}/Calls/<sid>/Streams.json")
def start_call_stream(account: str, sid: str):
    """A Media Stream of a live call (`Url` wss://, `Track`, `Name`, `Parameter1.Name`/`.Value`...): the
    simulator connects to `Url` with Twilio's signature and sends the call's audio."""
    sandbox = state()
    call = sandbox.find_call(sid)
    if call is None:
        return error(404, 20404, f"The requested resource {request.path} was not found")
    form = request.form
    url, track = form.get("Url", ""), form.get("Track", "inbound_track")
    if not url.startswith(("wss://", "ws://")):
        return error(400, 21220, "Url must be a wss:// (or ws://) URL")
    if track not in ("inbound_track", "outbound_track", "both_tracks"):
        return error(400, 21220, f"Invalid Track {track!r}")
    if call.get("status") in ("completed", "canceled", "failed", "busy", "no-answer") or sandbox.listener is None:
        return error(400, 21220, "Call is not in-progress. Cannot start a stream.")
    parameters = {form[f"Parameter{n}.Name"]: form.get(f"Parameter{n}.Value", "")
                  for n in range(1, 100) if form.get(f"Parameter{n}.Name")}
    options = {"sid": new_sid("MZ"), "call_sid": sid, "url": url, "track": track, "name": form.get("Name"),
               "parameters": parameters}
    sandbox.listener.on_stream_started(options)
    return jsonify({"sid": options["sid"], "account_sid": account, "call_sid": sid, "name": options["name"],
                    "status": "in-progress", "date_updated": rfc2822(),
                    "uri": f"/2010-04-01/Accounts/{account}/Calls/{sid}/Streams/{options['sid']}.json"}), 201


@bp.post(f"{API}/Calls/<sid>/Recordings/<recording>.json")
def update_call_recording(account: str, sid: str, recording: str):
    """`Status=stopped` ends a recording started over REST (the sandbox does not pause)."""
    sandbox = state()
    status = request.form.get("Status", "")
    if status != "stopped":
        return error(400, 21218, f"The sandbox only stops recordings, not {status!r}")
    if sandbox.listener is None or not sandbox.listener.on_recording_stopped(sid, recording):
        return error(404, 20404, f"The requested resource {request.path} was not found")
    return jsonify({"sid": recording, "account_sid": account, "call_sid": sid, "status": "stopped",
                    "source": "StartCallRecordingAPI"})


@bp.get(f"{API}/Recordings/<sid>")
def fetch_recording(account: str, sid: str):
    name, _, ext = sid.rpartition(".") if "." in sid else (sid, "", "")
    recording = state().recording(name)
    if recording is None:
        return error(404, 20404, f"The requested resource {request.path} was not found")
    if ext in ("", "wav"):
        sandbox = state()
        if name in sandbox.media_redirects:
            return Response(status=302, headers={"Location": sandbox.media_redirects[name]})
        sandbox.wait_if_held(name)
        return Response(recording.wav, mimetype="audio/x-wav")
    if ext == "json":
        return jsonify(recording_json(account, recording))
    return error(404, 20404, f"The sandbox serves recordings as .wav only, not .{ext}")


@bp.delete(f"{API}/Recordings/<sid>.json")
def delete_recording(account: str, sid: str):
    if not state().delete_recording(sid):
        return error(404, 20404, f"The requested resource {request.path} was not found")
    return Response(status=204)


def make_rest_app() -> Flask:
    app = Flask(__name__)
    app.register_blueprint(bp)
    app.register_blueprint(conferences)
    app.register_blueprint(control)
    app.register_blueprint(softphones)

    @app.errorhandler(404)
    def not_found(_exc):
        return error(404, 20404, f"The requested resource {request.path} was not found")

    @app.errorhandler(405)
    def not_allowed(_exc):
        return error(405, 20004, "Method not allowed")

    return app
