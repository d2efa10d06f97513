"""What other areas' pages ask of people (`hotline.contracts.Pages`): sign-in, landing pages, texts."""
from __future__ import annotations

from flask import Flask, current_app, request, url_for

from people import guards, i18n, responses
from people.sessions import current_user


def register_home_page(app: Flask, role: str, endpoint: str) -> None:
    """Where users of `role` land after signing in (the first area to claim a role keeps it)."""
    app.extensions.setdefault("hotline.home_pages", {}).setdefault(role, endpoint)


NAV_KEY = "hotline.nav_links"


def add_nav_link(app: Flask, endpoint: str, label_key: str, roles: tuple[str, ...], order: int = 100) -> None:
    """One link of the navigation bar (each endpoint once), by `order` then as added."""
    links = app.extensions.setdefault(NAV_KEY, [])
    if all(link[0] != endpoint for link in links):
        links.append((endpoint, label_key, tuple(roles), order))
        links.sort(key=lambda link: link[3])


def nav_links() -> list[dict]:
    """The signed-in user's links, in their language, the current page's marked: the template's
    one navigation bar."""
    user = current_user()
    if user is None:
        return []
    return [{"url": url_for(endpoint), "label": i18n.translate(label), "endpoint": endpoint,
             "active": request.endpoint == endpoint}
            for endpoint, label, roles, _ in current_app.extensions.get(NAV_KEY, [])
            if user.role == "admin" or user.role in roles]


class PeoplePages:
    def refusal(self, roles: tuple[str, ...]):
        return guards.refusal(roles)

    def refuse(self, status: int, message: str):
        return responses.refuse(status, message)

    def register_home_page(self, app: Flask, role: str, endpoint: str) -> None:
        register_home_page(app, role, endpoint)

    def add_messages(self, app: Flask, catalog: dict[str, dict[str, str]]) -> None:
        i18n.add_messages(app, catalog)

    def messages(self, language: str) -> dict[str, str]:
        return (current_app.extensions.get("hotline.messages") or i18n.MESSAGES).get(language, {})

    def translate(self, key: str, language: str | None = None, **values: object) -> str:
        return i18n.translate(key, language, **values)

    def page_language(self) -> str:
        return i18n.page_language()

    def add_nav_link(self, app: Flask, endpoint: str, label_key: str, roles: tuple[str, ...],
                     order: int = 100) -> None:
        add_nav_link(app, endpoint, label_key, roles, order)
