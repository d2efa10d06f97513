"""What a caller chose at a menu: a key they pressed or words they said, matched to an option.

Pure logic: `choose(node, digits, speech)` -> a `Choice`. Speech is matched on the options'
keywords (longest keyword wins, so "人工服务" beats "服务"), then on a spoken digit ("按三",
"press three"), then on the navigation words for repeat and back.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ivr.menu import Node, Option

REPEAT_WORDS = ("重听", "再说一遍", "再听一遍", "repeat", "say again", "again")
BACK_WORDS = ("返回", "上一级", "back", "go back", "previous")
DIGIT_WORDS = {
    "0": ("零", "zero"), "1": ("一", "幺", "one"), "2": ("二", "两", "two"), "3": ("三", "three"),
    "4": ("四", "four"), "5": ("五", "five"), "6": ("六", "six"), "7": ("七", "seven"),
    "8": ("八", "eight"), "9": ("九", "nine"),
}
_PUNCTUATION = re.compile(r"[\s,.!?;:'\"，。！？；：、]+")


@dataclass(frozen=True)
class Choice:
    kind: str  # "option" | "repeat" | "back" | "invalid" | "none"
    option: Option | None = None
    heard: str = ""  # what the caller pressed or said, for the call's history
    via: str = ""  # "dtmf" | "speech" | ""


def normalise(text: str) -> str:
    return _PUNCTUATION.sub(" ", text.lower()).strip()


def _contains(heard: str, word: str) -> bool:
    if word.isascii():
        return re.search(rf"(?<![a-z]){re.escape(word)}(?![a-z])", heard) is not None
    return word in heard


def spoken_digit(heard: str) -> str | None:
    """The single digit a caller said, if they said exactly one ("press 3", "按三")."""
    found = {d for d in re.findall(r"\d", heard)}
    for digit, words in DIGIT_WORDS.items():
        if any(_contains(heard, w) for w in words):
            found.add(digit)
    return found.pop() if len(found) == 1 else None


def choose(node: Node, digits: str | None, speech: str | None) -> Choice:
    if digits:
        key = digits.strip()[:1]
        if key == "*":
            return Choice("repeat", heard=key, via="dtmf")
        if key == "#":
            return Choice("back", heard=key, via="dtmf")
        option = node.option_for_key(key)
        return Choice("option" if option else "invalid", option, heard=digits, via="dtmf")
    heard = normalise(speech or "")
    if not heard:
        return Choice("none")
    best: tuple[int, Option] | None = None
    for option in node.options:
        for words in option.words.values():
            for word in words:
                if _contains(heard, word) and (best is None or len(word) > best[0]):
                    best = (len(word), option)
    if best is not None:
        return Choice("option", best[1], heard=speech or "", via="speech")
    digit = spoken_digit(heard)
    if digit is not None and node.option_for_key(digit) is not None:
        return Choice("option", node.option_for_key(digit), heard=speech or "", via="speech")
    if any(_contains(heard, w) for w in REPEAT_WORDS):
        return Choice("repeat", heard=speech or "", via="speech")
    if any(_contains(heard, w) for w in BACK_WORDS):
        return Choice("back", heard=speech or "", via="speech")
    return Choice("invalid", heard=speech or "", via="speech")


def hints(node: Node, language: str | None) -> str:
    """Gather's `hints`: the node's keywords in the caller's language (every language if unknown)."""
    words: list[str] = []
    for option in node.options:
        for lang, option_words in option.words.items():
            if language in (None, "", lang):
                words.extend(w for w in option_words if w not in words)
    return ", ".join(words)
