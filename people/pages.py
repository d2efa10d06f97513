"""What other areas' pages ask of people (`hotline.contracts.Pages`): sign-in, landing pages, texts."""
from __future__ import annotations

from flask import Flask, current_app

from people import guards, i18n, responses


def register_home_page(app: Flask, role: str, endpoint: str) -> None:
    """Where users of `role` land after signing in (the first area to claim a role keeps it)."""
    app.extensions.setdefault("hotline.home_pages", {}).setdefault(role, endpoint)


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
