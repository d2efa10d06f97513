"""The IVR menu tree as plain data: nodes, their options and the action each option takes.

Built from the operator's YAML file by `ivr.menu_loader`; checked by `ivr.menu_check`. No Flask,
Twilio or database here, so the tree can be walked and tested alone.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

LANGUAGES = ("zh-CN", "en-US")
QUEUES = ("inquiry", "problem", "complaint", "suggestion", "urgent", "aftersales", "night")
KEYS = tuple("0123456789")
ACTIONS = ("goto", "queue", "ticket_status", "voicemail", "info", "hangup")
# Actions that take the caller somewhere other than another menu node.
EXITS = frozenset({"queue", "ticket_status", "voicemail", "hangup"})

# Phrases the IVR itself speaks around the operator's nodes; every menu file must define them.
REQUIRED_PHRASES = (
    "sorry", "transferring", "after_hours_voicemail", "voicemail_prompt", "voicemail_thanks", "voicemail_missed",
    "ticket_prompt", "ticket_not_found", "ticket_status", "ticket_promised", "ticket_last_update",
    "ticket_options", "goodbye", "ticket_confirm_prompt", "ticket_confirm_wrong", "ticket_too_many",
)

Texts = Mapping[str, str]


@dataclass(frozen=True)
class Action:
    kind: str  # one of ACTIONS
    node: str | None = None  # goto: the node; info: the node to continue at (None: stay)
    queue: str | None = None
    priority: int = 1  # higher is answered first; urgent calls get the highest
    text: Texts = field(default_factory=dict)  # info / hangup: what the caller hears

    def describe(self) -> str:
        if self.kind == "goto":
            return f"goto:{self.node}"
        if self.kind == "queue":
            return f"queue:{self.queue}"
        return self.kind


@dataclass(frozen=True)
class Option:
    key: str | None  # the digit, or None for an option reached only by voice
    words: Mapping[str, tuple[str, ...]]  # spoken keywords per language
    action: Action
    language: str | None = None  # choosing this option sets the caller's language
    line: int = 0


@dataclass(frozen=True)
class Node:
    name: str
    prompt: Texts
    options: tuple[Option, ...]
    line: int = 0

    def option_for_key(self, key: str) -> Option | None:
        return next((o for o in self.options if o.key == key), None)


@dataclass(frozen=True)
class MenuTree:
    source: str
    languages: tuple[str, ...]
    start: str  # first node for a caller whose language we do not know
    known_caller_start: str  # callers whose language is remembered skip straight here
    greeting: Texts
    greeting_known: Texts
    phrases: Mapping[str, Texts]
    nodes: Mapping[str, Node]
    lines: Mapping[str, int] = field(default_factory=dict)  # field path -> line, for messages

    def node(self, name: str | None) -> Node | None:
        return self.nodes.get(name or "")

    def phrase(self, name: str, language: str) -> str:
        texts = self.phrases.get(name, {})
        return texts.get(language) or next(iter(texts.values()), "")


def text_in(texts: Texts, language: str) -> str:
    """The text in `language`, or in any language rather than silence."""
    return texts.get(language) or next(iter(texts.values()), "")
