"""The live transcript and supervisors' alerts: GET /api/calls/<sid>/live, /live/events, /api/alerts.

Agents read the calls they were offered (the access policy), supervisors and QA any call; only
supervisors read the alerts of every call.
"""
from __future__ import annotations

import json
import time

from flask import Blueprint, Response, jsonify, request, stream_with_context
from sqlalchemy import select

from hotline import db
from hotline.api import schemas
from hotline.api.auth import require_role
from hotline.api.errors import abort_json
from hotline.api.openapi import operation
from hotline.contracts import AccessPolicy, need
from hotline.models import Call
from hotline.params import query_int, query_limit
from hotline.redis_client import get_redis
from live import transcript_store

bp = Blueprint("live", __name__)  # nested under /api by the app factory
READERS = ("agent", "supervisor")  # agents their own calls (the access policy), supervisors any
BLOCK_MS = 250          # under the Redis client's read timeout, so a wait is never taken for an outage
WAIT_DEFAULT, WAIT_MAX = 25, 300
RECONNECT_MS = 1000     # EventSource's wait before it asks again, after a response that ended without `end`


def _visible_call(call_sid: str) -> None:
    session = db.session()
    if session.scalar(select(Call.id).where(Call.sid == call_sid)) is None:
        abort_json(404, f"no call {call_sid}")
    policy = need(AccessPolicy)
    if not policy.may_read_call_sid(session, policy.current_viewer(), call_sid):
        abort_json(403, "agents read the live transcripts of their own calls only")
    session.commit()  # the request's transaction ends before a long stream


@bp.get("/calls/<call_sid>/live")
@require_role(*READERS)
@operation("The call's live transcript so far: final phrases, each speaker's current partial, assist notices",
           tags=["live"], responses={200: "phrases (speaker, start, end, text, final), notices, ended", 403: "another agent's call",
                      404: "no such call"},
           description="Times are seconds from the stream's start. Card and ID numbers are already redacted. "
                       "`ended` is true once the stream stopped; `counts` then says what the media service received.")
def live_transcript(call_sid: str):
    _visible_call(call_sid)
    view = transcript_store.transcript_view(transcript_store.read_call(get_redis(), call_sid))
    return jsonify(call_sid=call_sid, **view)


@bp.get("/calls/<call_sid>/live/events")
@require_role(*READERS)
@operation("The call's live transcript as server-sent events", tags=["live"], media=("text/event-stream",),
           query={"wait": {"type": "integer", "minimum": 0, "maximum": WAIT_MAX}},
           responses={200: "events: phrase, notice, end (each `id` is the Redis stream entry)",
                      403: "another agent's call", 404: "no such call"},
           description="Every entry so far, then new ones as they come. The response ends after the stream's "
                       f"`end` event or `wait` seconds (default {WAIT_DEFAULT}) without one; a client reconnects "
                       f"with Last-Event-ID (EventSource does, {RECONNECT_MS} ms later: the stream's `retry`) and "
                       "continues after it. `wait=0` reads what is there and ends at once (the pages use it: "
                       "a web worker is never held while the call is quiet).")
def live_events(call_sid: str):
    wait = query_int(request.args.get("wait"), "wait", WAIT_DEFAULT, minimum=0, maximum=WAIT_MAX)
    _visible_call(call_sid)
    after = request.headers.get("Last-Event-ID", "") or "0"
    if after != "0" and not _entry_id(after):
        abort_json(400, "Last-Event-ID is not a stream entry id")
    client = get_redis()

    def events():
        position, deadline = after, time.monotonic() + wait
        yield f"retry: {RECONNECT_MS}\n\n"
        while True:
            left_ms = int((deadline - time.monotonic()) * 1000)
            # wait=0 (the pages): what is new, without blocking, so a viewer never holds a sync worker.
            block = min(BLOCK_MS, left_ms) if left_ms > 0 else None
            entries = transcript_store.wait_for_call(client, call_sid, position, block)
            for entry_id, entry in entries:
                position = entry_id
                yield f"id: {entry_id}\nevent: {entry.get('type', 'phrase')}\ndata: {json.dumps(entry, ensure_ascii=False)}\n\n"
                if entry.get("type") == "end":
                    return
            if time.monotonic() >= deadline:
                return
            if not entries:
                yield ": waiting\n\n"  # a comment: keeps proxies from closing a quiet stream

    return Response(stream_with_context(events()), mimetype="text/event-stream",
                    headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})


def _entry_id(value: str) -> bool:
    left, dash, right = value.partition("-")
    return bool(dash) and left.isdigit() and right.isdigit() and len(value) <= 40


@bp.get("/alerts")
@require_role("supervisor")
@operation("Live alerts of every call (escalation or complaint words), newest first", tags=["live"],
           query={"limit": schemas.LIMIT},
           responses={200: "alerts: call_sid, kind, phrase, at (seconds into the call), text, raised_at"})
def alerts():
    limit = query_limit(request.args.get("limit"), default=50)
    found = transcript_store.read_alerts(get_redis(), limit)
    return jsonify(alerts=[{"id": entry_id, **alert} for entry_id, alert in found])
