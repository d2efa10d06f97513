"""What other areas register with messaging, so it can tell them about their messages without
importing them: the outcome of a message they sent, a reply to one, and a number that opted out.

Handlers run inside messaging's transaction (a delivery job's, or the inbound webhook's) and must
not commit; what they write commits with messaging's own change, or not at all.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Protocol

from flask import Flask, current_app
from sqlalchemy.orm import Session

from messaging.models import SmsMessage


class ReplyHandler(Protocol):
    def __call__(self, session: Session, reply: SmsMessage, replying_to: SmsMessage) -> None: ...


class OutcomeHandler(Protocol):
    """Called once when a stored message leaves `pending`: sent (`queued`/`sent`), `failed` or `suppressed`."""

    def __call__(self, session: Session, message: SmsMessage) -> None: ...


class OptOutHandler(Protocol):
    """`source`: "sms" (a keyword), "api" (a person put the number on the list)."""

    def __call__(self, session: Session, phone: str, source: str) -> None: ...


@dataclass(frozen=True)
class AreaHandlers:
    on_reply: ReplyHandler | None = None
    on_outcome: OutcomeHandler | None = None
    on_opt_out: OptOutHandler | None = None


_KEY = "messaging.areas"


def register(app: Flask, area: str, *, on_reply: ReplyHandler | None = None,
             on_outcome: OutcomeHandler | None = None, on_opt_out: OptOutHandler | None = None) -> None:
    """Call from the area's `init_app`; `area` is the name it passes to `send_sms(area=...)`."""
    app.extensions.setdefault(_KEY, {})[area] = AreaHandlers(on_reply, on_outcome, on_opt_out)


def registered() -> dict[str, AreaHandlers]:
    return current_app.extensions.get(_KEY, {})


def areas_with(kind: str) -> list[str]:
    return [area for area, handlers in registered().items() if getattr(handlers, kind) is not None]


def handler(area: str | None, kind: str) -> Callable | None:
    handlers = registered().get(area or "")
    return getattr(handlers, kind) if handlers is not None else None


def tell_opt_out(session: Session, phone: str, source: str) -> None:
    for area in areas_with("on_opt_out"):
        registered()[area].on_opt_out(session, phone, source)  # type: ignore[misc]
