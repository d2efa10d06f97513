"""The sign-in and sign-out pages, the language switch and the account page."""
from __future__ import annotations

import logging

from flask import Blueprint, current_app, redirect, render_template, request, url_for

from hotline import db
from people.csrf import csrf_protect
from hotline.pages import login_required
from people.guards import safe_next
from people.i18n import translate
from people.models import User
from people.responses import refuse
from people.sessions import current_user, sign_in, sign_out
from people.signin import begin_check, check_unknown_login, finish_check, rate_limited
from people.users import UserError, find_user, set_language

log = logging.getLogger(__name__)
bp = Blueprint("auth", __name__, template_folder="templates", static_folder="static",
               static_url_path="/auth/static")


def home_for(user: User) -> str:
    """The page a user lands on after signing in: the one their role's area registered."""
    endpoint = current_app.extensions.get("hotline.home_pages", {}).get(user.role)
    return url_for(endpoint) if endpoint else url_for("auth.account")


# The pages of each role, in both languages, for the landing page (an area that is not installed is left out).
LANDING_PAGES = (
    ("agent", "desk.my_desk", "坐席工作台", "Agent desk", "坐席", "agents"),
    ("supervisor", "supervisor.page", "班长监控", "Supervisor view", "班长", "supervisors"),
    ("qa", "qa.workspace", "质检工作台", "QA reviews", "质检员与班长", "QA reviewers and supervisors"),
)


@bp.get("/")
def landing():
    """Where a newcomer starts: one link per role's page; each asks for sign-in when needed."""
    links = [{"role": role, "url": url_for(endpoint), "zh": zh, "en": en, "who_zh": who_zh, "who_en": who_en}
             for role, endpoint, zh, en, who_zh, who_en in LANDING_PAGES if endpoint in current_app.view_functions]
    return render_template("auth/landing.html", links=links)


@bp.get("/signin")
def signin():
    user = current_user()
    if user is not None:
        return redirect(safe_next(request.args.get("next")) or home_for(user))
    return render_template("auth/signin.html", next=safe_next(request.args.get("next")) or "", error=None)


@bp.post("/signin")
@csrf_protect
def signin_submit():
    login = request.form.get("login", "").strip().lower()[:60]
    password = request.form.get("password", "")
    target = safe_next(request.form.get("next"))
    wait = rate_limited(request.remote_addr, login)
    if wait is not None:
        log.warning("sign-in rate-limited", extra={"login": login, "remote": request.remote_addr})
        page = render_template("auth/signin.html", next=target or "", login=login,
                               error=translate("signin.too_many", minutes=max(1, -(-wait // 60))))
        return page, 429, {"Retry-After": str(wait)}
    session = db.session()
    user = find_user(session, login) if login else None
    if user is None or not user.active:
        error = check_unknown_login(login, password)
    else:
        claim = begin_check(session, user)
        # Committed before the slow password check, so every other worker sees this attempt counted.
        session.commit()
        error = finish_check(session, user, password, claim)
        session.commit()
    if error:
        log.info("sign-in refused", extra={"login": login, "remote": request.remote_addr})
        return render_template("auth/signin.html", next=target or "", error=error, login=login), 401
    sign_in(user)
    session.commit()
    log.info("signed in", extra={"login": user.login, "role": user.role})
    return redirect(target or home_for(user))


@bp.post("/signout")
@csrf_protect
def signout():
    user = current_user()
    sign_out(user)
    db.session().commit()
    return redirect(url_for("auth.signin"))


@bp.post("/account/language")
@login_required()
def change_language():
    try:
        set_language(current_user(), request.form.get("language"))
    except UserError as exc:
        return refuse(422, str(exc))
    db.session().commit()
    return redirect(safe_next(request.form.get("next")) or url_for("auth.account"))


@bp.get("/account")
@login_required()
def account():
    pages = [(role, url_for(endpoint)) for role, endpoint in
             current_app.extensions.get("hotline.home_pages", {}).items() if current_user().has_role(role)]
    return render_template("auth/account.html", pages=pages)
