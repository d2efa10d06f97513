"""The supervisor's pages: live (/supervisor, the supervisor's home page), the daily and weekly reports,
the monthly scorecard, the staffing plan and the agents, under one navigation bar (people's
`add_nav_link`). Each page speaks the signed-in user's language and shows times in the center's zone."""
from __future__ import annotations

import json
import logging
from datetime import date, timedelta

from flask import Blueprint, Response, current_app, render_template, request
from redis.exceptions import RedisError

from hotline import csv_export, db, local_time
from hotline.api.errors import abort_json
from hotline.clock import now
from hotline.contracts import Pages, need
from hotline.pages import login_required
from hotline.redis_client import get_redis
from hotline.params import query_day
from supervision import reports
from supervision.live import queue_label, snapshot
from supervision.messages import MESSAGES
from supervision.staffing_plan import staffing_plan
from supervision.targets import current_targets

log = logging.getLogger(__name__)
LIVE_CACHE = "hotline:supervision:live:{language}:{slice}"

bp = Blueprint("supervisor", __name__, url_prefix="/supervisor", template_folder="templates",
               static_folder="static", static_url_path="/static")

# (endpoint, page text of its link): the navigation bar's order, QA (transcription's) after these.
NAV = (("supervisor.page", "nav.live"), ("supervisor.daily", "nav.daily"), ("supervisor.weekly", "nav.weekly"),
       ("supervisor.scorecard", "nav.scorecard"), ("supervisor.staffing", "nav.staffing"),
       ("supervisor.agents", "nav.agents"))


def _settings():
    return current_app.config["HOTLINE_SETTINGS"]


def _today() -> date:
    return local_time.local_day(now(), _settings().timezone)


def queue_label_of_page(name: str) -> str:
    """A queue's name in the page's language (templates: `queue_label(name)`)."""
    return queue_label(need(Pages).translate, name)


def live_data() -> dict:
    settings = _settings()
    return snapshot(db.session(), at=now(), zone=settings.timezone, targets=current_targets(),
                    threshold_seconds=settings.ring_timeout_seconds, t=need(Pages).translate)


def night_texts() -> dict[str, str]:
    """The night-shift hand-over panel's texts (static/night_log.js), with the categories' names."""
    pages = need(Pages)
    language = pages.page_language()
    keys = [k for k in MESSAGES[language] if k.startswith(("night.", "sup.queue."))]
    return {key: pages.translate(key) for key in keys}


@bp.get("")
@login_required("supervisor")
def page():
    return render_template("supervision/live.html", data=live_data(), night_texts=night_texts(),
                           monitoring=_settings().routing_conference)  # only a conference can be joined


@bp.get("/live.json")
@login_required("supervisor")
def live():
    # Every viewer of one language sees the same figures: one worker computes them, the others (and
    # the next polls within `cache_ms`) read its copy, so the server's cost stays flat as viewers grow.
    language = need(Pages).page_language()
    ttl = current_targets().live.cache_ms
    # Keyed by the app clock's slice too, so a clock that jumps (tests' FrozenClock) never reads an old one.
    key = LIVE_CACHE.format(language=language, slice=int(now().timestamp() * 1000) // max(ttl, 1))
    try:
        redis = get_redis()
        body = redis.get(key) if ttl else None
        if body is None:
            body = json.dumps(live_data(), ensure_ascii=False, separators=(",", ":")).encode()
            if ttl:
                redis.set(key, body, px=ttl)
    except RedisError:  # the routing state is in Redis too; say so rather than show an empty floor
        log.warning("Redis unavailable; the live page cannot be read", exc_info=True)
        abort_json(503, "the live figures are unavailable (Redis)")
    return Response(body, mimetype="application/json", headers={"Cache-Control": "no-store"})


def _day_arg(name: str, default: date) -> date:
    return query_day(request.args.get(name), name) or default


@bp.get("/reports/daily")
@login_required("supervisor")
def daily():
    day = _day_arg("day", _today())
    report = reports.daily(db.session(), day, _settings(), current_targets(), label=queue_label_of_page)
    return render_template("supervision/daily.html", report=report, day=day)


@bp.get("/reports/weekly")
@login_required("supervisor")
def weekly():
    day = _day_arg("day", _today())
    report = reports.weekly(db.session(), day, _settings(), current_targets(), label=queue_label_of_page)
    return render_template("supervision/weekly.html", report=report, day=day)


def _month_arg() -> date:
    raw = request.args.get("month") or ""
    if not raw:
        return _today().replace(day=1)
    try:
        year, month = (int(part) for part in raw.split("-"))
        return date(year, month, 1)
    except ValueError:
        abort_json(400, "month: expected YYYY-MM")
        raise


@bp.get("/scorecard")
@login_required("supervisor")
def scorecard():
    month = _month_arg()
    card = reports.scorecard(db.session(), month, _settings(), current_targets())
    return render_template("supervision/scorecard.html", card=card, month=month)


@bp.get("/scorecard.csv")
@login_required("supervisor")
def scorecard_csv():
    month = _month_arg()
    card = reports.scorecard(db.session(), month, _settings(), current_targets())
    return csv_export.attachment(csv_export.lines(reports.scorecard_rows(card)), f"scorecard-{month:%Y-%m}.csv")


@bp.get("/staffing")
@login_required("supervisor")
def staffing():
    settings, targets = _settings(), current_targets()
    first = _day_arg("from", _today() + timedelta(days=1))
    plan = staffing_plan(db.session(), first=first, days=1, weeks=targets.staffing.history_weeks, today=_today(),
                         zone=settings.timezone, targets=targets, threshold_seconds=settings.ring_timeout_seconds,
                         queue=None)
    return render_template("supervision/staffing.html", plan=reports.plan_view(plan, settings.timezone), first=first,
                           targets=targets)


@bp.get("/agents")
@login_required("supervisor")
def agents():
    return render_template("supervision/agents.html", rows=reports.agents_today(db.session(), _settings()),
                           month=_today().replace(day=1))
