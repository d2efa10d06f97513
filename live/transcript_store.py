"""Live transcripts and alerts in Redis streams.

`hotline:live:call:<CallSid>`: one entry per phrase (partial or final), notice (assist) and, last,
`end` with the stream's counts; kept LIVE_TRANSCRIPT_HOURS after its last entry. `hotline:live:alerts`:
the supervisors' alerts of every call (escalation, complaint), capped at ALERTS_KEPT entries.
Entries are one field, `json`, so a reader needs no schema; the entry id (ms-seq) orders them and is
the server-sent events' id.
"""
from __future__ import annotations

import json
from typing import Any

import redis

CALL_KEY = "hotline:live:call:{sid}"
ALERTS_KEY = "hotline:live:alerts"
ALERTS_KEPT = 10_000
CALL_ENTRIES_KEPT = 20_000  # partials included: about two hours of talk


def call_key(call_sid: str) -> str:
    return CALL_KEY.format(sid=call_sid)


def append(client: redis.Redis, call_sid: str, entries: list[dict[str, Any]], keep_seconds: int,
           alerts: list[dict[str, Any]] = ()) -> None:
    """Add `entries` to the call's stream and `alerts` to the alerts stream, in one round trip."""
    if not entries and not alerts:
        return
    key = call_key(call_sid)
    pipe = client.pipeline(transaction=False)
    for entry in entries:
        pipe.xadd(key, {"json": json.dumps(entry, ensure_ascii=False)}, maxlen=CALL_ENTRIES_KEPT, approximate=True)
    if entries:
        pipe.expire(key, keep_seconds)
    for alert in alerts:
        pipe.xadd(ALERTS_KEY, {"json": json.dumps(alert, ensure_ascii=False)}, maxlen=ALERTS_KEPT, approximate=True)
    pipe.execute()


def _decode(entries) -> list[tuple[str, dict[str, Any]]]:
    out = []
    for entry_id, fields in entries:
        entry_id = entry_id.decode() if isinstance(entry_id, bytes) else entry_id
        raw = fields.get(b"json", fields.get("json"))
        out.append((entry_id, json.loads(raw)))
    return out


def read_call(client: redis.Redis, call_sid: str, after: str = "-", count: int = CALL_ENTRIES_KEPT):
    """The call's entries after id `after` (exclusive; "-" from the start): [(id, entry)]."""
    start = "-" if after == "-" else f"({after}"
    return _decode(client.xrange(call_key(call_sid), start, "+", count=count))


def wait_for_call(client: redis.Redis, call_sid: str, after: str, block_ms: int | None):
    """Entries after `after` ("0" from the start), waiting up to `block_ms` for the first (None: not at all)."""
    reply = client.xread({call_key(call_sid): after}, block=block_ms, count=500)
    return _decode(reply[0][1]) if reply else []


def read_alerts(client: redis.Redis, limit: int) -> list[tuple[str, dict[str, Any]]]:
    """The newest `limit` alerts, newest first."""
    return _decode(client.xrevrange(ALERTS_KEY, "+", "-", count=limit))


def transcript_view(entries: list[tuple[str, dict[str, Any]]]) -> dict[str, Any]:
    """What a reader sees: the final phrases in time order and each speaker's newest partial (of an
    utterance not final yet), the notices, and whether the stream ended (with its counts)."""
    finals: dict[tuple[str, int], dict] = {}
    partials: dict[tuple[str, int], dict] = {}
    notices, ended = [], None
    for _id, entry in entries:
        kind = entry.get("type")
        if kind == "phrase":
            key = (entry["speaker"], entry["index"])
            (finals if entry["final"] else partials)[key] = entry
        elif kind == "notice":
            notices.append(entry)
        elif kind == "end":
            ended = entry
    shown = list(finals.values()) + [p for key, p in partials.items() if key not in finals
                                     and all(k[1] < key[1] for k in partials if k[0] == key[0] and k != key)]
    shown.sort(key=lambda p: (p["start"], p["speaker"]))
    phrases = [{k: p[k] for k in ("speaker", "start", "end", "text", "final")} for p in shown]
    return {"phrases": phrases, "notices": notices, "ended": ended is not None,
            "counts": (ended or {}).get("counts"), "last_id": entries[-1][0] if entries else None}
