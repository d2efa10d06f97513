"""How we address a customer: title and surname, the manuals' form ("王女士", "Ms Wang"), never more.

The one rule, kept by the area that owns customers; the IVR's greeting, the desk's screen pop and
revisits' calls and texts ask it through `hotline.contracts.Salutations` / `TicketDesk`.
"""
from __future__ import annotations

TITLES = {"mr": ("先生", "Mr"), "ms": ("女士", "Ms")}


def salutation(title: str | None, surname: str | None, language: str, *, spoken: bool = False) -> str | None:
    """"王女士" in Chinese, "Ms Wang" in English; None without a title or surname, or when
    `spoken` and the English voice cannot read the surname (it would spell 王 out or skip it)."""
    surname = (surname or "").strip()
    titles = TITLES.get((title or "").strip().lower())
    if titles is None or not surname:
        return None
    zh, en = titles
    if language == "zh-CN":
        return f"{surname}{zh}"
    if spoken and not surname.isascii():
        return None
    return f"{en} {surname}"


class CustomerSalutations:
    """`hotline.contracts.Salutations`, registered by tickets' init_app."""

    def salutation(self, title: str | None, surname: str | None, language: str, *,
                   spoken: bool = False) -> str | None:
        return salutation(title, surname, language, spoken=spoken)
