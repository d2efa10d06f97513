"""Desk fixtures: people with passwords, and signing them in through the real sign-in form."""
from __future__ import annotations

import re

import pytest

from hotline import db
from hotline.auth.users import create_user

PASSWORD = "correct horse battery"


class People:
    """Creates users straight in the database (the API and CLI paths have their own tests)."""

    def __init__(self, app) -> None:
        self.app = app

    def add(self, login: str, role: str = "agent", agent_id: int | None = None, language: str = "zh-CN",
            password: str = PASSWORD, name: str | None = None) -> int:
        with self.app.app_context():
            user = create_user(db.session(), login=login, name=name or login.title(), password=password,
                               role=role, agent_id=agent_id, language=language)
            db.session().commit()
            return user.id


@pytest.fixture
def people(app) -> People:
    return People(app)


def csrf_from(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html) or \
        re.search(r'name="csrf-token" content="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def sign_in(client, login: str, password: str = PASSWORD, next_: str = ""):
    token = csrf_from(client.get("/signin").get_data(as_text=True))
    return client.post("/signin", data={"login": login, "password": password, "csrf_token": token,
                                        "next": next_})


def page_token(client, path: str = "/account") -> str:
    return csrf_from(client.get(path).get_data(as_text=True))
