"""The reports a supervisor reads: the daily summary, the weekly report, the monthly scorecard per
agent and the staffing plan's page. Every figure is the KPI pack's (supervision.kpi_report, counted
in SQL by each area); the scorecard adds routing's time per status and missed offers
(hotline.contracts.CallFloor), each one grouped query for all agents."""
from __future__ import annotations

from calendar import monthrange
from datetime import date, timedelta
from typing import Any, Callable, Iterator

from sqlalchemy.orm import Session

from hotline import local_time
from hotline.clock import now
from hotline.contracts import AgentDesk, CallFloor, CallKpis, KpiScope, need
from supervision.kpi_report import kpi_report
from supervision.live import duration, percent
from supervision.targets import Targets

# The figures a summary shows, in the order the manuals list them.
SUMMARY = ("answer_rate", "abandon_rate", "service_level", "average_speed_of_answer", "average_handle_time",
           "average_hold_time", "first_contact_resolution", "satisfaction", "complaint_rate", "revisit_closure", "qa_score")
# Signed in: any status but offline. Ready: taking or handling calls (the adherence's top).
READY = ("available", "reserved", "on_call", "wrap_up")
# The manuals' four headings and the scorecard's columns under each (docs/supervision.md).
HEADINGS = (
    ("score.quality", ("qa_score", "qa_review_score", "first_contact_resolution")),
    ("score.attitude", ("adherence", "missed_offers")),
    ("score.efficiency", ("answered", "average_handle_time", "average_speed_of_answer", "service_level")),
    ("score.satisfaction", ("satisfaction", "scored")),
)
COLUMN_LABELS = {"qa_score": "score.qa_score", "qa_review_score": "score.qa_review_score",
                 "first_contact_resolution": "score.fcr", "adherence": "score.adherence",
                 "missed_offers": "score.missed", "answered": "score.answered", "average_handle_time": "score.aht",
                 "average_speed_of_answer": "score.asa", "service_level": "score.service_level",
                 "satisfaction": "score.satisfaction_rate", "scored": "score.scored"}


def shown(figure: dict | None) -> str:
    """A figure's value as a person reads it: shares in %, times as m:ss, scores to one decimal."""
    if not figure or figure.get("value") is None:
        return "—"
    value, unit = figure["value"], figure.get("unit", "ratio")
    if unit == "ratio":
        return percent(value)
    if unit == "seconds":
        return duration(value)
    return f"{value:.1f}"


def _target_text(figure: dict) -> str:
    target = figure.get("target") or {}
    if not target:
        return ""
    side, value = next(iter(target.items()))
    return ("≥ " if side == "at_least" else "≤ ") + shown({"value": value, "unit": figure.get("unit")})


def _trend_text(figure: dict) -> str:
    trend = figure.get("trend")
    if trend is None:
        return ""
    sign = "+" if trend > 0 else "−" if trend < 0 else "±"
    magnitude = abs(trend)
    if figure.get("unit") == "ratio":
        return f"{sign}{magnitude * 100:.1f} pt"
    return sign + (duration(magnitude) if figure.get("unit") == "seconds" else f"{magnitude:.1f}")


def figure_rows(figures: dict[str, dict]) -> list[dict[str, Any]]:
    return [{"name": name, "value": shown(figures.get(name)), "previous": shown({**figures[name],
             "value": figures[name].get("previous")}) if name in figures else "—",
             "trend": _trend_text(figures.get(name, {})), "target": _target_text(figures.get(name, {})),
             "meets": figures.get(name, {}).get("meets")} for name in SUMMARY]


def _pack(session: Session, settings, targets: Targets, first: date, last: date, **kw) -> dict:
    return kpi_report(session, first=first, last=last, zone=settings.timezone, targets=targets,
                      threshold_seconds=settings.ring_timeout_seconds, **kw)


def _grouped(report: dict, label: Callable[[str], str] = str) -> list[dict]:
    """Rows of a report by queue (labelled), agent (by name) or period."""
    rows = []
    for row in report["rows"]:
        agent = row.get("agent") or {}
        key = agent.get("id") if "agent" in row else row.get("queue") if "queue" in row else row.get("period")
        name = agent.get("name") if "agent" in row else label(row["queue"]) if row.get("queue") else row.get("period")
        rows.append({"key": key, "name": name, "offered": int(row["counts"].get("offered", 0)),
                     "figures": figure_rows(row["figures"])})
    return rows


def daily(session: Session, day: date, settings, targets: Targets, label: Callable[[str], str] = str) -> dict:
    center = _pack(session, settings, targets, day, day, by=None, group="center")
    return {"day": day.isoformat(), "timezone": settings.timezone,
            "center": figure_rows(center["rows"][0]["figures"]) if center["rows"] else figure_rows({}),
            "queues": [row for row in _grouped(_pack(session, settings, targets, day, day, by=None, group="queue"),
                                               label) if row["key"] is not None],
            "agents": [row for row in _grouped(_pack(session, settings, targets, day, day, by=None, group="agent"))
                       if row["key"] is not None]}


def weekly(session: Session, day: date, settings, targets: Targets, label: Callable[[str], str] = str) -> dict:
    monday = day - timedelta(days=day.weekday())
    sunday = monday + timedelta(days=6)
    center = _pack(session, settings, targets, monday, sunday, by=None, group="center")
    return {"from": monday.isoformat(), "to": sunday.isoformat(), "timezone": settings.timezone,
            "previous": (monday - timedelta(days=7)).isoformat(), "next": (monday + timedelta(days=7)).isoformat(),
            "center": figure_rows(center["rows"][0]["figures"]) if center["rows"] else figure_rows({}),
            "days": _grouped(_pack(session, settings, targets, monday, sunday, by="day", group="center")),
            "queues": [row for row in _grouped(_pack(session, settings, targets, monday, sunday, by=None,
                                                     group="queue"), label) if row["key"] is not None]}


def adherence(seconds: dict[str, float]) -> tuple[float | None, float, float]:
    """(ready / signed in, ready seconds, signed-in seconds) from an agent's time per status."""
    signed_in = sum(v for status, v in seconds.items() if status != "offline")
    ready = sum(seconds.get(status, 0.0) for status in READY)
    return (round(ready / signed_in, 4) if signed_in else None), ready, signed_in


def scorecard(session: Session, month: date, settings, targets: Targets) -> dict:
    """One row per agent for the local month holding `month`: the pack's figures by agent, with
    missed offers and status adherence from routing, grouped under the manuals' four headings."""
    zone = settings.timezone
    first, last = month.replace(day=1), month.replace(day=monthrange(month.year, month.month)[1])
    start, end = local_time.day_start(first, zone), local_time.day_start(last + timedelta(days=1), zone)
    pack = {row["agent"]["id"]: row for row in _pack(session, settings, targets, first, last, by=None,
                                                     group="agent")["rows"] if row["agent"] is not None}
    floor = need(CallFloor)
    times = floor.status_seconds(session, start, min(end, now()))
    missed = floor.missed_offers(session, start, end)
    rows = []
    for agent_id, name, _status in need(AgentDesk).agent_names(session):
        figures = pack.get(agent_id, {}).get("figures", {})
        counts = pack.get(agent_id, {}).get("counts", {})
        share, ready, signed_in = adherence(times.get(agent_id, {}))
        values = {name_: {"text": shown(figures.get(name_)), "value": (figures.get(name_) or {}).get("value"),
                          "meets": (figures.get(name_) or {}).get("meets")}
                  for name_ in ("qa_score", "qa_review_score", "first_contact_resolution", "average_handle_time",
                                "average_speed_of_answer", "service_level", "satisfaction")}
        values["answered"] = {"text": str(int(counts.get("answered", 0))), "value": int(counts.get("answered", 0)),
                              "meets": None}
        values["missed_offers"] = {"text": str(missed.get(agent_id, 0)), "value": missed.get(agent_id, 0),
                                   "meets": None}
        values["scored"] = {"text": str(int(counts.get("scored", 0))), "value": int(counts.get("scored", 0)),
                            "meets": None}
        values["adherence"] = {"text": percent(share), "value": share, "meets": None,
                               "detail": f"{duration(ready)} / {duration(signed_in)}"}
        rows.append({"id": agent_id, "name": name, "values": values})
    return {"month": f"{first:%Y-%m}", "from": first.isoformat(), "to": last.isoformat(), "timezone": zone,
            "headings": [{"key": heading, "columns": list(columns)} for heading, columns in HEADINGS],
            "labels": COLUMN_LABELS, "rows": rows}


def scorecard_rows(card: dict) -> Iterator[list[Any]]:
    columns = [column for _, cols in HEADINGS for column in cols]
    yield ["month", "agent", *columns]
    for row in card["rows"]:
        yield [card["month"], row["name"], *(row["values"][column]["value"] for column in columns)]


def plan_view(plan: dict, zone: str) -> dict:
    """The staffing plan as the page charts it: per queue, each half hour's label, forecast calls,
    agents needed and scheduled, and the agents signed in now."""
    queues = []
    for name, queue in plan["queues"].items():
        slots = queue["slots"]
        queues.append({"name": name, "signed_in": queue["signed_in_now"], "handle_seconds": queue["handle_seconds"],
                       "x": [int(local_time.parse_moment(s["start"], zone).timestamp()) for s in slots],
                       "labels": [s["start"][11:16] for s in slots],
                       "calls": [s["calls"] for s in slots], "needed": [s["agents_needed"] for s in slots],
                       "scheduled": [s["agents_scheduled"] for s in slots],
                       "peak": max((s["agents_scheduled"] for s in slots), default=0),
                       "total_calls": round(sum(s["calls"] for s in slots), 1)})
    return {**{k: v for k, v in plan.items() if k != "queues"}, "queues": queues}


def agents_today(session: Session, settings) -> list[dict]:
    """Every agent by name with their live state and today's answered and missed offers."""
    zone = settings.timezone
    at = now()
    start = local_time.start_of_day(at, zone)
    floor = need(CallFloor)
    missed = floor.missed_offers(session, start, at + timedelta(seconds=1))
    answered = {row.key: int(row.counts.get("answered", 0)) for row in _agent_calls(session, start, at, zone,
                                                                                     settings)}
    return [{"id": a.id, "name": a.name, "status": a.status, "skills": a.skills, "languages": list(a.languages),
             "since": local_time.on_page(a.since, zone), "answered": answered.get(a.id, 0),
             "missed": missed.get(a.id, 0)} for a in floor.floor_now(session).agents]


def _agent_calls(session: Session, start, at, zone: str, settings):
    return need(CallKpis).call_counts(session, KpiScope(start, at + timedelta(seconds=1), zone, group="agent"),
                                      settings.ring_timeout_seconds)
