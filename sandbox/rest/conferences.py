"""Twilio's Conferences and Participants REST resources (TWILIO_NOTES.md, Conferences).

Reads answer from the records the simulator keeps in the sandbox state; changes (add a participant,
hold, mute, coach, announce, remove, end) go to the simulator attached as the state's listener,
which applies them at the current virtual time. The answer shows the change as made, as Twilio's does.
"""
from __future__ import annotations

from datetime import datetime

from flask import Blueprint, Response, jsonify, request

from sandbox.rest.common import API, authenticate, error, rfc2822, state

conferences = Blueprint("sandbox_conferences", __name__)
conferences.before_request(authenticate)

CONFERENCE = f"{API}/Conferences/<conference>"
UPDATABLE = ("Hold", "HoldUrl", "HoldMethod", "Muted", "Coaching", "CallSidToCoach", "AnnounceUrl",
             "AnnounceMethod", "BeepOnExit", "EndConferenceOnExit")


def when(value) -> str | None:
    return rfc2822(value) if isinstance(value, datetime) else value


def conference_json(record: dict) -> dict:
    base = f"/2010-04-01/Accounts/{record['account_sid']}/Conferences/{record['sid']}"
    return {"sid": record["sid"], "account_sid": record["account_sid"], "friendly_name": record["friendly_name"],
            "status": record["status"], "region": "us1", "api_version": "2010-04-01",
            "date_created": when(record["date_created"]), "date_updated": when(record["date_updated"]),
            "reason_conference_ended": record.get("reason_conference_ended"),
            "call_sid_ending_conference": record.get("call_sid_ending_conference"),
            "uri": base + ".json", "subresource_uris": {"participants": base + "/Participants.json"}}


def participant_json(account: str, record: dict) -> dict:
    return {"account_sid": account, "call_sid": record["call_sid"], "conference_sid": record["conference_sid"],
            "label": record.get("label"), "status": record.get("status", "queued"),
            "muted": bool(record.get("muted")), "hold": bool(record.get("hold")),
            "coaching": bool(record.get("coaching")), "call_sid_to_coach": record.get("call_sid_to_coach"),
            "start_conference_on_enter": record.get("start_conference_on_enter", True),
            "end_conference_on_exit": record.get("end_conference_on_exit", False),
            "date_created": when(record.get("date_created")), "date_updated": when(record.get("date_updated")),
            "uri": f"/2010-04-01/Accounts/{account}/Conferences/{record['conference_sid']}"
                   f"/Participants/{record['call_sid']}.json"}


def not_found() -> Response:
    return error(404, 20404, f"The requested resource {request.path} was not found")


def page(key: str, items: list[dict]) -> Response:
    size = int(request.args.get("PageSize", "50") or 50)
    number = int(request.args.get("Page", "0") or 0)
    shown = items[number * size:(number + 1) * size]
    more = len(items) > (number + 1) * size
    path = request.path
    return jsonify({key: shown, "page": number, "page_size": size, "start": number * size,
                    "end": number * size + max(0, len(shown) - 1), "uri": path, "first_page_uri": path,
                    "previous_page_uri": None,
                    "next_page_uri": f"{path}?PageSize={size}&Page={number + 1}" if more else None})


@conferences.get(f"{API}/Conferences.json")
def list_conferences(account: str):
    found = state().list_conferences(request.args.get("FriendlyName"), request.args.get("Status"))
    return page("conferences", [conference_json(c) for c in found])


@conferences.get(f"{CONFERENCE}.json")
def fetch_conference(account: str, conference: str):
    record = state().conferences.get(conference)
    return jsonify(conference_json(record)) if record else not_found()


@conferences.post(f"{CONFERENCE}.json")
def update_conference(account: str, conference: str):
    sandbox = state()
    record = sandbox.conferences.get(conference)
    if record is None:
        return not_found()
    changes = {k: v for k, v in request.form.items() if k in ("Status", "AnnounceUrl", "AnnounceMethod")}
    if changes.get("Status") not in (None, "completed"):
        return error(400, 21218, f"Invalid conference status {changes['Status']!r}")
    if record["status"] == "completed":
        return error(400, 20001, "Conference is not in-progress")
    if sandbox.listener is not None and changes:
        sandbox.listener.on_conference_updated(conference, changes)
    answer = conference_json(record)
    if changes.get("Status") == "completed":
        answer["status"] = "completed"
    return jsonify(answer)


@conferences.get(f"{CONFERENCE}/Participants.json")
def list_participants(account: str, conference: str):
    sandbox = state()
    if conference not in sandbox.conferences:
        return not_found()
    return page("participants", [participant_json(account, p) for p in sandbox.participants_of(conference)])


@conferences.post(f"{CONFERENCE}/Participants.json")
def create_participant(account: str, conference: str):
    """Dial `To` into the conference; `conference` is its SID, or a friendly name (created on demand)."""
    sandbox = state()
    form = request.form
    missing = [name for name in ("To", "From") if not form.get(name)]
    if missing:
        return error(400, 21201 if missing[0] == "To" else 21213, f"A '{missing[0]}' phone number is required.")
    record = sandbox.conferences.get(conference)
    if record is None and conference.startswith("CF"):
        return not_found()
    if record is None or record["status"] == "completed":
        record = sandbox.find_conference(conference)
        if record is None or record["status"] == "completed":
            record = sandbox.reserve_conference(conference)
    if sandbox.listener is None:
        return error(400, 20001, "No network is attached to the sandbox to dial the participant")
    participant = sandbox.listener.on_participant_created(record, form)
    return jsonify(participant_json(account, participant)), 201


def _participant(conference: str, key: str):
    sandbox = state()
    record = sandbox.find_participant(conference, key)
    if record is None or record.get("status") == "complete":
        return sandbox, None
    return sandbox, record


@conferences.get(f"{CONFERENCE}/Participants/<key>.json")
def fetch_participant(account: str, conference: str, key: str):
    _, record = _participant(conference, key)
    return jsonify(participant_json(account, record)) if record else not_found()


@conferences.post(f"{CONFERENCE}/Participants/<key>.json")
def update_participant(account: str, conference: str, key: str):
    sandbox, record = _participant(conference, key)
    if record is None:
        return not_found()
    changes = {k: v for k, v in request.form.items() if k in UPDATABLE}
    if changes.get("Coaching", "").lower() == "true" and not (changes.get("CallSidToCoach")
                                                              or record.get("call_sid_to_coach")):
        return error(400, 20001, "CallSidToCoach is required when Coaching is true")
    if sandbox.listener is not None and changes:
        sandbox.listener.on_participant_updated(conference, record["call_sid"], changes)
    answer = participant_json(account, record)
    for field, name in (("muted", "Muted"), ("hold", "Hold"), ("coaching", "Coaching")):
        if name in changes:
            answer[field] = changes[name].lower() == "true"
    if "CallSidToCoach" in changes:
        answer["call_sid_to_coach"] = changes["CallSidToCoach"]
    return jsonify(answer)


@conferences.delete(f"{CONFERENCE}/Participants/<key>.json")
def delete_participant(account: str, conference: str, key: str):
    sandbox, record = _participant(conference, key)
    if record is None:
        return not_found()
    if sandbox.listener is not None:
        sandbox.listener.on_participant_deleted(conference, record["call_sid"])
    return Response(status=204)
