"""Where callers leave the IVR, counted by the database from each call's stored outcome
(`ivr.outcome`: `ivr_calls` and `ivr_misses`, written when the steps are settled), not by decoding
the calls' events per request. Calls still in the menu are counted apart.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hotline.db import without_jit
from ivr.models import IvrCall, IvrMiss
from ivr.outcome import outcome_of


@dataclass
class IvrReport:
    calls: int = 0
    routed: Counter = field(default_factory=Counter)  # queue -> calls
    categories: Counter = field(default_factory=Counter)  # the need callers chose -> calls
    voicemail: int = 0
    served_by_ivr: int = 0
    dropped: Counter = field(default_factory=Counter)  # node -> calls that hung up there
    in_menu: int = 0
    misses: Counter = field(default_factory=Counter)  # node -> wrong keys and silences

    def to_dict(self) -> dict[str, object]:
        dropped = sum(self.dropped.values())
        return {
            "calls": self.calls,
            "routed": sum(self.routed.values()),
            "routed_by_queue": dict(self.routed.most_common()),
            "routed_by_category": dict(self.categories.most_common()),
            "voicemail": self.voicemail,
            "served_by_ivr": self.served_by_ivr,
            "served_by_ivr_rate": round(self.served_by_ivr / self.calls, 4) if self.calls else 0.0,
            "dropped": dropped,
            "drop_outs": [{"node": node, "calls": n} for node, n in self.dropped.most_common()],
            "in_menu": self.in_menu,
            "misses_by_node": dict(self.misses.most_common()),
        }


def ivr_report(session: Session, since: datetime, until: datetime) -> IvrReport:
    """The calls that entered the IVR in [since, until). Groups come back with their first call's id
    and are counted in that order, so ties rank by which came first, as callers arrived."""
    without_jit(session)
    in_period = (IvrCall.started_at >= since, IvrCall.started_at < until)
    calls = select(outcome_of().label("outcome"), IvrCall.queue, IvrCall.category, IvrCall.last_node,
                   IvrCall.call_id).where(*in_period).subquery()
    groups = session.execute(
        select(calls.c.outcome, calls.c.queue, calls.c.category, calls.c.last_node, func.count(),
               func.min(calls.c.call_id))
        .group_by(calls.c.outcome, calls.c.queue, calls.c.category, calls.c.last_node)
        .order_by(func.min(calls.c.call_id))
    ).all()
    report = IvrReport()
    for kind, queue, category, node, n, _ in groups:
        report.calls += n
        if kind == "routed":
            report.routed[queue] += n
            report.categories[category or ""] += n
        elif kind == "voicemail":
            report.voicemail += n
        elif kind == "served":
            report.served_by_ivr += n
        elif kind == "dropped":
            report.dropped[node] += n
        else:
            report.in_menu += n
    misses = session.execute(
        select(IvrMiss.node, func.sum(IvrMiss.misses)).join(IvrCall, IvrCall.call_id == IvrMiss.call_id)
        .where(*in_period).group_by(IvrMiss.node).order_by(func.min(IvrMiss.call_id))
    ).all()
    for node, n in misses:
        report.misses[node] += int(n)
    return report
