"""Where callers leave the IVR: pure logic over each call's IVR steps (no Flask, no database).

A call's outcome is the first of: routed to a queue, left a message, served by the IVR alone (heard
a ticket's status or information and hung up content), or dropped out (hung up in the menu, at the
node of its last step). Calls still in the menu are counted apart.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable, Mapping, Sequence

SERVED_RESULTS = frozenset({"served", "info", "hangup"})


@dataclass(frozen=True)
class Journey:
    ended: bool  # the call reached a final status
    steps: Sequence[Mapping[str, object]]  # the "ivr" events' data, in order


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


def summarise(journeys: Iterable[Journey]) -> IvrReport:
    report = IvrReport()
    for journey in journeys:
        if not journey.steps:
            continue
        report.calls += 1
        results = [str(step.get("result", "")) for step in journey.steps]
        for step in journey.steps:
            if step.get("result") in ("invalid", "no-input", "not-found"):
                report.misses[str(step.get("node", ""))] += 1
        routed = next((s for s in journey.steps if str(s.get("result", "")).startswith("queue:")), None)
        if routed is not None:
            report.routed[str(routed["result"]).split(":", 1)[1]] += 1
            report.categories[str(routed.get("category", ""))] += 1
        elif "voicemail" in results:
            report.voicemail += 1
        elif any(r in SERVED_RESULTS for r in results) or ("ticket-found" in results and journey.ended):
            report.served_by_ivr += 1
        elif journey.ended:
            report.dropped[str(journey.steps[-1].get("node", ""))] += 1
        else:
            report.in_menu += 1
    return report
