"""The live transcript's page parts: one script (static/transcript.js) that the desk and the
supervisor's page both use to follow a call's server-sent events, with its style sheet and texts
(page_texts.py).

A page includes them with `{% if live_transcript is defined %}{{ live_transcript() }}{% endif %}`
in its head: a Jinja global, so pages need no import of this area and work without it."""
from __future__ import annotations

import json

from flask import Blueprint, Flask, url_for
from markupsafe import Markup

from hotline.contracts import Pages, need
from live.page_texts import MESSAGES

bp = Blueprint("live_pages", __name__, static_folder="static", static_url_path="/live/static")


def live_transcript() -> Markup:
    """The style sheet, the script and its texts in the reader's language (tags for a page's head)."""
    pages = need(Pages)
    texts = {k: v for k, v in pages.messages(pages.page_language()).items() if k.startswith("assist.")}
    # json.dumps escapes no "<": a text holding "</script>" must not end the tag.
    data = json.dumps(texts, ensure_ascii=False).replace("<", "\\u003c")
    css = url_for("live_pages.static", filename="transcript.css")
    src = url_for("live_pages.static", filename="transcript.js")
    return Markup(f'<link rel="stylesheet" href="{css}">\n'
                  f'<script id="live-transcript-texts" type="application/json">{data}</script>\n'
                  f'<script src="{src}"></script>')  # before the pages' own scripts, deferred or not


def init_pages(app: Flask) -> None:
    need(Pages, app).add_messages(app, MESSAGES)
    app.register_blueprint(bp)
    app.jinja_env.globals["live_transcript"] = live_transcript
