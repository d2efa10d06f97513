"""Redacting spoken card, ID and phone numbers from a transcript's words. Pure.

A run of consecutive number words ("一三八 零零一三" / "one three eight" / "6222 0202") is counted
in digits and classified by the rules in qa_rules.yaml (context said just before it, then length).
The run becomes one word carrying the label, with the run's start and end, so the player still
seeks to where the number was said.

A run that is a ticket number (GD + a date of this century + a daily sequence, as
`hotline.contracts.ticket_number_spoken` reads it) is not personal data: it becomes one word written
as the caller would quote it ("GD20261124007"), so the transcript, its search and the live desk show
which case was meant. No card, ID or mobile number has that form.
"""
from __future__ import annotations

import copy
from typing import Any

from hotline.contracts import ticket_number_spoken
from transcription.turns import joiner

DIGIT_CHARS = set("0123456789零〇一二三四五六七八九幺两")
DIGIT_WORDS = {"zero", "oh", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "x"}
DIGIT_VALUES = {**{c: str(n) for n, c in enumerate("0123456789")}, **{c: str(n) for n, c in enumerate("零一二三四五六七八九")},
                "〇": "0", "幺": "1", "两": "2", "zero": "0", "oh": "0", "one": "1", "two": "2", "three": "3",
                "four": "4", "five": "5", "six": "6", "seven": "7", "eight": "8", "nine": "9", "x": "X"}


def digits_in(word: str) -> int:
    """How many digits a word speaks (0 if it is not purely a number)."""
    token = word.strip().lower().replace("-", "")
    if not token:
        return 0
    if token in DIGIT_WORDS:
        return 1
    if all(ch in DIGIT_CHARS for ch in token):
        return len(token)
    # An ID number can end in X (身份证 check digit).
    if token[:-1] and token[-1] == "x" and all(ch in DIGIT_CHARS for ch in token[:-1]):
        return len(token)
    return 0


def spoken_digits(word: str) -> str:
    """The digits a number word speaks, written ("一三八" -> "138", "six" -> "6"); "" for other words."""
    if not digits_in(word):
        return ""
    token = word.strip().lower().replace("-", "")
    return DIGIT_VALUES[token] if token in DIGIT_VALUES else "".join(DIGIT_VALUES[ch] for ch in token)


def _number_runs(words: list[dict[str, Any]]):
    """(first, past the last, digits) of each run of consecutive number words."""
    i = 0
    while i < len(words):
        j, count = i, 0
        while j < len(words) and digits_in(words[j]["w"]):
            count += digits_in(words[j]["w"])
            j += 1
        if j > i:
            yield i, j, count
        i = max(j, i + 1)


def spoken_numbers(turn: dict[str, Any]) -> list[str]:
    """Each run of number words in `turn`, written as digits ("幺三八 零零" -> "13800")."""
    words = turn.get("words") or []
    return ["".join(spoken_digits(w["w"]) for w in words[i:j]) for i, j, _ in _number_runs(words)]


def _label(rule: dict[str, Any], language: str | None) -> str:
    label = rule.get("label") or f"[{rule['name']}]"
    if isinstance(label, dict):
        return label.get(language or "", next(iter(label.values())))
    return label


def classify(digits: int, context: str, rules: list[dict[str, Any]]) -> dict[str, Any] | None:
    context = context.lower()
    for rule in rules:
        low, high = rule["digits"]
        if low <= digits <= high and any(c.lower() in context for c in rule.get("context") or []):
            return rule
    for rule in rules:
        low, high = rule["digits"]
        if low <= digits <= high:
            return rule
    return None


def redact_turn(turn: dict[str, Any], config: dict[str, Any], language: str | None) -> tuple[dict[str, Any], list[dict]]:
    rules = config.get("rules") or []
    min_digits = int(config.get("min_digits", 6))
    words, out, found = turn.get("words") or [], [], []
    done = 0
    for i, j, count in _number_runs(words):
        if count < min_digits:
            continue
        out.extend(words[done:i])
        done = j
        ticket = ticket_number_spoken("".join(spoken_digits(w["w"]) for w in words[i:j]))
        if ticket:
            out.append({"w": ticket, "start": words[i]["start"], "end": words[j - 1]["end"],
                        "conf": min(w["conf"] for w in words[i:j]), "ticket": ticket})
            continue
        context = joiner(language).join(w["w"] for w in words[max(0, i - 6):i])
        rule = classify(count, context, rules)
        name = rule["name"] if rule else "number"
        label = _label(rule, language) if rule else "[number]"
        out.append({"w": label, "start": words[i]["start"], "end": words[j - 1]["end"],
                    "conf": min(w["conf"] for w in words[i:j]), "redacted": name})
        found.append({"kind": name, "at": words[i]["start"], "digits": count, "speaker": turn["speaker"]})
    out.extend(words[done:])
    redacted = copy.deepcopy(turn)
    if done:
        redacted["words"] = out
        redacted["text"] = joiner(language).join(w["w"] for w in out)
    return redacted, found


def redact_turns(turns: list[dict[str, Any]], config: dict[str, Any], language: str | None):
    """(redacted turns, what was redacted and when)."""
    result, found = [], []
    for turn in turns:
        redacted, hits = redact_turn(turn, config, language)
        result.append(redacted)
        found.extend(hits)
    return result, found
