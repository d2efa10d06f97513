"""Calls still in the menu, read through from the Redis buffer (see ivr.call_steps).

A caller's steps wait in Redis until the call is settled (when they leave the menu, or a minute
later), so the database alone does not show a call that is in the IVR now. These reads give what
the database will hold once the call is settled: for one call (`buffered_call`, behind
GET /api/calls/<sid>) and for the supervisor's live view (`calls_in_menu`), both through
`hotline.contracts.MenuCalls`. They only read, and only when asked: the
webhooks' path is unchanged. Redis down: nothing buffered can be read, so None / [] (the API
still answers from the database).
"""
from __future__ import annotations

import json
import logging
from datetime import datetime
from typing import Any

from redis.exceptions import RedisError

from hotline.logging import mask_phone
from hotline.redis_client import get_redis
from ivr.call_steps import PENDING_KEY, SETTLING_KEY, STEPS_KEY

log = logging.getLogger(__name__)
MENU_LIST_LIMIT = 200


def _decode(raw: list[bytes]) -> list[dict[str, Any]]:
    return [json.loads(item) for item in raw]


def _view(sid: str, items: list[dict[str, Any]]) -> dict[str, Any] | None:
    if not items:
        return None
    arrival = next((item for item in items if item.get("call")), None)
    language = next((item["language"] for item in reversed(items) if item.get("language")), None)
    return {
        "sid": sid,
        "call": arrival["call"] if arrival else {},
        "arrived_at": arrival["at"] if arrival else None,
        "language": language,
        "events": [{"at": datetime.fromisoformat(item["at"]).isoformat(), "kind": item["kind"], "data": item["data"]}
                   for item in items],
    }


def buffered_call(sid: str) -> dict[str, Any] | None:
    """The call's steps not yet settled (those being settled included), oldest first, with its
    arrival's parameters if the arrival is among them; None if nothing is buffered."""
    try:
        pipe = get_redis().pipeline(transaction=False)
        pipe.lrange(SETTLING_KEY.format(sid=sid), 0, -1)
        pipe.lrange(STEPS_KEY.format(sid=sid), 0, -1)
        settling, waiting = pipe.execute()
    except RedisError:
        log.warning("Redis unavailable; a call's buffered IVR steps cannot be shown", exc_info=True)
        return None
    return _view(sid, _decode(settling) + _decode(waiting))


def calls_in_menu(limit: int = MENU_LIST_LIMIT) -> list[dict[str, Any]]:
    """Calls with buffered steps (in the menu, or settling in the second after they left it), the
    longest there first: masked caller, arrival, language, steps so far and the last one."""
    try:
        redis = get_redis()
        sids = [s.decode() if isinstance(s, bytes) else s for s in redis.zrange(PENDING_KEY, 0, limit - 1)]
        pipe = redis.pipeline(transaction=False)
        for sid in sids:
            pipe.lrange(SETTLING_KEY.format(sid=sid), 0, -1)
            pipe.lrange(STEPS_KEY.format(sid=sid), 0, -1)
        replies = pipe.execute() if sids else []
    except RedisError:
        log.warning("Redis unavailable; calls in the IVR cannot be listed", exc_info=True)
        return []
    calls = []
    for n, sid in enumerate(sids):
        view = _view(sid, _decode(replies[2 * n]) + _decode(replies[2 * n + 1]))
        if view is None:
            continue
        last = view["events"][-1]
        calls.append({"sid": sid, "from": mask_phone(view["call"].get("From", "")), "arrived_at": view["arrived_at"],
                      "language": view["language"], "steps": len(view["events"]),
                      "last_step": {"node": last["data"].get("node"), "result": last["data"].get("result"),
                                    "at": last["at"]}})
    return calls
