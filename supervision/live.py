"""The live supervisor page's figures: tiles, the day by half hour, queues with each waiting caller,
agents with their time in state, calls in the IVR, and alerts. `compose` is pure (no Flask, no
database): `snapshot` gathers routing's and the IVR's live state (hotline.contracts.CallFloor,
MenuCalls) and hands it over, so the page's rules are tested without a request."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Callable

from hotline import local_time
from hotline.contracts import CallFloor, FloorAgent, HalfHourCounts, MenuCalls, WaitingCaller, need, provided
from supervision.kpis import figure_value
from supervision.targets import Targets

HALF_HOUR = timedelta(minutes=30)
# The order the tiles count agents in: taking calls first, then away.
AGENT_STATES = ("available", "reserved", "on_call", "wrap_up", "missed", "break", "offline")
Translate = Callable[..., str]


def duration(seconds: float | None) -> str:
    """A wait or a time in state as a wall clock reads it: 0:42, 12:05, 1:02:09."""
    if seconds is None:
        return ""
    whole = max(int(seconds), 0)
    hours, rest = divmod(whole, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


def percent(share: float | None) -> str:
    return "—" if share is None else f"{share * 100:.1f}%"


@dataclass(frozen=True)
class Floor:
    """What the live page is made of, as the areas report it."""

    callers: list[WaitingCaller]
    agents: list[FloorAgent]
    half_hours: list[HalfHourCounts]
    queues: list[str]
    skills: dict[str, str]  # queue -> the skill it needs
    choices: dict[str, str]  # CallSid -> the IVR's category
    in_menu: list[dict]


def _label(t: Translate, prefix: str, name: str | None) -> str:
    if not name:
        return ""
    text = t(f"{prefix}.{name}")
    return name if text == f"{prefix}.{name}" else text


def queue_label(t: Translate, name: str | None) -> str:
    """A queue's name in the reader's language (the operator's own name for a queue with no text)."""
    return _label(t, "sup.queue", name)


def compose(floor: Floor, *, at: datetime, day_start: datetime, zone: str, targets: Targets, t: Translate) -> dict:
    """The page's JSON: every text in the reader's language (`t`), every time in the center's zone."""
    live = targets.live
    sl_target = targets.of("service_level")
    by_queue: dict[str, Counter] = {}
    by_slot: dict[datetime, Counter] = {}
    for row in floor.half_hours:
        counts = row.counts()
        by_queue.setdefault(row.queue, Counter()).update(counts)
        by_slot.setdefault(row.slot, Counter()).update(counts)
    day: Counter = sum(by_queue.values(), Counter())
    service_level = figure_value("service_level", day)

    waits = [(caller, (at - caller.entered_at).total_seconds()) for caller in floor.callers]
    longest = max((wait for _, wait in waits), default=None)
    alerts: list[dict[str, str]] = []
    queues = []
    for name in floor.queues + sorted(set(by_queue) - set(floor.queues)):
        counts = by_queue.get(name, Counter())
        level = figure_value("service_level", counts)
        mine = [(c, w) for c, w in waits if c.queue == name]
        off_target = (sl_target is not None and level is not None and counts["offered"] >= live.alert_min_offered
                      and not sl_target.met_by(level))
        if off_target:
            alerts.append({"kind": "service_level", "queue": name,
                           "text": t("live.alert.sl", queue=queue_label(t, name), value=percent(level),
                                     target=percent(sl_target.value))})
        too_long = [w for _, w in mine if w > live.long_wait_seconds]
        if too_long:
            alerts.append({"kind": "long_wait", "queue": name,
                           "text": t("live.alert.wait", queue=queue_label(t, name), wait=duration(max(too_long)),
                                     limit=duration(live.long_wait_seconds))})
        skill = floor.skills.get(name)
        queues.append({
            "name": name, "label": queue_label(t, name), "waiting": len(mine),
            "available": sum(1 for a in floor.agents if a.status == "available" and skill in a.skills),
            "offered": int(counts["offered"]), "service_level": level, "service_level_text": percent(level),
            "off_target": off_target,
            "callers": [{"sid": c.sid, "language": c.language, "language_label": _label(t, "sup.lang", c.language),
                         "choice": floor.choices.get(c.sid, c.queue),
                         "choice_label": queue_label(t, floor.choices.get(c.sid, c.queue)),
                         "priority": c.priority, "wait_seconds": round(w), "wait": duration(w),
                         "entered": local_time.on_page(c.entered_at, zone, seconds=True),
                         "long": w > live.long_wait_seconds} for c, w in mine]})

    states = Counter(a.status for a in floor.agents)
    agents = [{"id": a.id, "name": a.name, "status": a.status, "status_label": _label(t, "sup.status", a.status),
               "in_state_seconds": None if a.since is None else round((at - a.since).total_seconds()),
               "in_state": duration(None if a.since is None else (at - a.since).total_seconds()),
               "since": local_time.on_page(a.since, zone, seconds=True),
               "call": None if not a.call_sid else {"sid": a.call_sid, "queue": a.call_queue,
                                                    "queue_label": queue_label(t, a.call_queue)}}
              for a in floor.agents]

    slots, slot = [], day_start
    last_slot = day_start + HALF_HOUR * int((at - day_start) / HALF_HOUR)
    while slot <= last_slot:
        slots.append(slot)
        slot += HALF_HOUR
    chart = {"x": [int(s.timestamp()) for s in slots],
             "labels": [local_time.local(s, zone).strftime("%H:%M") for s in slots],
             "offered": [int(by_slot.get(s, Counter())["offered"]) for s in slots],
             "answered": [int(by_slot.get(s, Counter())["answered"]) for s in slots],
             "abandoned": [int(by_slot.get(s, Counter())["abandoned"]) for s in slots],
             "service_level": [None if (v := figure_value("service_level", by_slot.get(s, Counter()))) is None
                               else round(v * 100, 1) for s in slots],
             "target": None if sl_target is None else round(sl_target.value * 100, 1)}

    in_menu = [{"sid": c.get("sid"), "from": c.get("from") or "",  # masked by the IVR
                "arrived": _menu_time(c.get("arrived_at"), zone),
                "language": c.get("language"), "language_label": _label(t, "sup.lang", c.get("language")),
                "steps": c.get("steps", 0),
                "last_step": " ".join(str(p) for p in ((c.get("last_step") or {}).get("node"),
                                                      (c.get("last_step") or {}).get("result")) if p)}
               for c in floor.in_menu]

    return {
        "as_of": local_time.on_page(at, zone, seconds=True), "timezone": zone, "poll_seconds": live.poll_seconds,
        "tiles": {"waiting": len(floor.callers), "longest_wait_seconds": None if longest is None else round(longest),
                  "longest_wait": duration(longest) if longest is not None else "0:00",
                  "longest_off_target": longest is not None and longest > live.long_wait_seconds,
                  "agents": [{"status": s, "label": _label(t, "sup.status", s), "count": states[s]}
                             for s in AGENT_STATES if states[s]],
                  "service_level": service_level, "service_level_text": percent(service_level),
                  "service_level_target": None if sl_target is None else sl_target.value,
                  "service_level_target_text": "" if sl_target is None else t("live.target",
                                                                              target=percent(sl_target.value)),
                  "service_level_off_target": (sl_target is not None and service_level is not None
                                               and not sl_target.met_by(service_level)),
                  "offered": int(day["offered"]), "answered": int(day["answered"]),
                  "abandoned": int(day["abandoned"])},
        "chart": chart, "queues": queues, "agents": agents, "in_menu": in_menu, "alerts": alerts,
    }


def _menu_time(value: Any, zone: str) -> str:
    """The IVR reports an arrival as ISO text with its offset; the page shows the center's clock."""
    try:
        return local_time.on_page(local_time.parse_moment(str(value), zone), zone, seconds=True) if value else ""
    except ValueError:
        return ""


def snapshot(session: Any, *, at: datetime, zone: str, targets: Targets, threshold_seconds: float,
             t: Translate) -> dict:
    """Read the floor (Redis and today's rows) and compose the page's JSON."""
    floor_source = need(CallFloor)
    skills = floor_source.queue_skills()
    day_start = local_time.start_of_day(at, zone)
    now_ = floor_source.floor_now(session)
    callers = now_.callers
    menu = provided(MenuCalls)
    floor = Floor(callers=callers, agents=now_.agents,
                  half_hours=floor_source.half_hours(session, day_start, at + timedelta(seconds=1), threshold_seconds),
                  queues=list(skills), skills=skills,
                  choices=menu.choices(session, [c.sid for c in callers]) if menu and callers else {},
                  in_menu=menu.calls_in_menu() if menu else [])
    return compose(floor, at=at, day_start=day_start, zone=zone, targets=targets, t=t)
