"""The periodic sweep: a Redis restarted since the state was built, expired reservations, conversations
the live state and the database disagree on, wrap-ups over whose job was lost, and callers waiting for
a callback whose wait widened."""
from __future__ import annotations

from hotline import db
from hotline.metrics import QUEUE_DEPTH
from routing.callbacks import retry_callback
from routing.conversations import open_conversations, reconcile_conversations
from routing.lifecycle import free_after_commit
from routing.state import get_reservations, now_ts, rebuild_if_restarted, record_status
from routing.wrapup import end_overdue_wrap_ups


def sweep_routing() -> dict[str, int]:
    """Periodic job; it owns its transactions (one for the expired reservations, one per callback
    caller offered an agent)."""
    session = db.session()
    res = get_reservations(session)
    rebuilt = rebuild_if_restarted(session, res)
    session.commit()
    freed = res.sweep(now_ts())
    talking = open_conversations(session) if freed else {}
    for agent_id in freed:
        if agent_id in talking:
            continue  # answered while Redis was down: back on the call below, not free
        record_status(session, agent_id, "available", "reservation_expired")
        live = res.agent(agent_id)
        if live.get("status") not in (None, "available"):  # already taken again since
            record_status(session, agent_id, live["status"], "reserved", live.get("call"))
        free_after_commit(session, res, agent_id)
    session.commit()
    restored, ended = reconcile_conversations(session, res)
    wrapped_up = end_overdue_wrap_ups(session)  # whose job a Redis flush or a killed worker lost
    waiting = res.waiting_by_queue()
    for queue in res.rules.queues:
        QUEUE_DEPTH.labels(queue).set(waiting.get(queue, 0))
    offered = 0
    for key in res.redis.smembers("routing:waitkeys"):
        for sid in res.redis.zrange(key, 0, -1):
            sid = sid.decode()
            # Callers holding in the Twilio queue re-check on every waitUrl request; callback
            # callers have no request to ride on, so the sweep re-checks their escalation.
            if res.call(sid).get("callback") == "1" and retry_callback(session, res, sid) is not None:
                session.commit()
                offered += 1
    return {"rebuilt": int(rebuilt), "expired": len(freed), "callbacks_offered": offered,
            "wrap_ups_ended": wrapped_up, "conversations_restored": restored, "conversations_ended": ended}
