"""The language a page speaks: the signed-in user's choice, else the browser's, else the default.

Areas add their page texts with `add_messages(app, {"zh-CN": {...}, "en-US": {...}})`; templates
call `t("key", name=...)`. A key missing in one language falls back to the other, then to itself,
so a forgotten translation shows up as a visible key rather than a crash.
"""
from __future__ import annotations

from flask import Flask, current_app, request

from people.models import LANGUAGES
from people.sessions import current_user

MESSAGES = {
    "zh-CN": {
        "signin.title": "登录", "signin.login": "账号", "signin.password": "密码", "signin.submit": "登录",
        "signin.wrong": "账号或密码错误。",
        "signin.locked": "连续输错密码次数过多，请{minutes}分钟后再试，或请管理员解锁。",
        "signin.too_many": "登录尝试过于频繁，请{minutes}分钟后再试。",
        "signout": "退出登录", "language": "语言", "account.title": "我的账号", "account.role": "角色",
        "account.pages": "可以打开的页面", "refused.title": "无法完成请求", "refused.back": "返回",
        "role.agent": "坐席", "role.qa": "质检", "role.supervisor": "班长", "role.admin": "管理员",
    },
    "en-US": {
        "signin.title": "Sign in", "signin.login": "Login", "signin.password": "Password",
        "signin.submit": "Sign in", "signin.wrong": "Wrong login or password.",
        "signin.locked": "Too many wrong passwords. Try again in {minutes} minutes, or ask an admin to unlock.",
        "signin.too_many": "Too many sign-in attempts. Try again in {minutes} minutes.",
        "signout": "Sign out", "language": "Language", "account.title": "My account", "account.role": "Role",
        "account.pages": "Pages you can open", "refused.title": "This request was refused",
        "refused.back": "Back", "role.agent": "Agent", "role.qa": "QA reviewer",
        "role.supervisor": "Supervisor", "role.admin": "Admin",
    },
}


def add_messages(app: Flask, catalog: dict[str, dict[str, str]]) -> None:
    messages = app.extensions.setdefault("hotline.messages", {lang: dict(MESSAGES[lang]) for lang in LANGUAGES})
    for language, texts in catalog.items():
        messages.setdefault(language, {}).update(texts)


def page_language() -> str:
    user = current_user()
    if user is not None:
        return user.language
    best = request.accept_languages.best_match(LANGUAGES + ("zh", "en"))
    if best:
        return "zh-CN" if best.startswith("zh") else "en-US"
    return current_app.config["HOTLINE_SETTINGS"].default_language


def translate(key: str, language: str | None = None, **values: object) -> str:
    messages = current_app.extensions.get("hotline.messages") or MESSAGES
    language = language or page_language()
    other = "en-US" if language == "zh-CN" else "zh-CN"
    text = messages.get(language, {}).get(key) or messages.get(other, {}).get(key) or key
    return text.format(**values) if values else text
