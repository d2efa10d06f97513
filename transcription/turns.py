"""Turning each channel's utterances into one speaker-labelled conversation. Pure.

Twilio's dual-channel recordings (`record-from-answer-dual` on <Dial>) put the parent call leg on
the first (left) channel and the dialed leg on the second (right): for an inbound call that is the
caller first, the agent second. The mapping lives in qa_rules.yaml (`channels`) for deployments
that record the other way round; a mono file (voicemail) is all `caller`.
"""
from __future__ import annotations

from typing import Any, Iterable

from transcription.engine import Word

CJK_LANGUAGES = ("zh", "ja", "ko")


def joiner(language: str | None) -> str:
    """Chinese is written without spaces between words; Vosk's zh models output them spaced."""
    return "" if (language or "").lower().startswith("zh") else " "


def make_turn(speaker: str, words: list[Word] | list[dict[str, Any]], language: str | None) -> dict[str, Any]:
    items = [w if isinstance(w, dict) else {"w": w.word, "start": w.start, "end": w.end, "conf": w.conf}
             for w in words]
    confidence = sum(w["conf"] for w in items) / len(items) if items else 0.0
    return {"speaker": speaker, "start": items[0]["start"] if items else 0.0,
            "end": items[-1]["end"] if items else 0.0,
            "text": joiner(language).join(w["w"] for w in items), "words": items,
            "confidence": round(confidence, 3)}


def build_turns(channel_utterances: list[list[list[Word]]], labels: Iterable[str],
                language: str | None) -> list[dict[str, Any]]:
    """One turn per utterance per channel, in the order they started."""
    labels = list(labels)
    turns = []
    if len(channel_utterances) == 1:
        labels = ["caller"]
    for index, utterances in enumerate(channel_utterances):
        speaker = labels[index] if index < len(labels) else f"channel{index + 1}"
        turns.extend(make_turn(speaker, words, language) for words in utterances if words)
    turns.sort(key=lambda t: (t["start"], t["speaker"]))
    return turns


def plain_text(turns: list[dict[str, Any]]) -> str:
    """What search matches against: one line per turn, `speaker: text`."""
    return "\n".join(f"{t['speaker']}: {t['text']}" for t in turns)
